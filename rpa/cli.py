"""The ``rpa`` command line. Command names, options and JSON outputs are a stable interface."""

from __future__ import annotations

import typer

from rpa.sandbox.cli import sandbox_app

app = typer.Typer(
    no_args_is_help=True, help="motcua-rpa: bots between the one-stop system and ministry portals."
)
app.add_typer(sandbox_app, name="sandbox")


@app.callback()
def main() -> None:
    """motcua-rpa command line."""
