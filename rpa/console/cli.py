"""``rpa console`` and ``rpa users``: serving the web console and managing who may use it."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from rpa.config import Settings
from rpa.console.accounts import AccountError, Accounts, Role, User
from rpa.errors import RpaError

__all__ = ["console_command", "users_app"]

users_app = typer.Typer(no_args_is_help=True, help="Console accounts: clerks, supervisors, admins.")
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="RPA_CONFIG", help="Configuration file (TOML).", show_default=False),
]


def _settings(config: Path | None) -> Settings:
    from rpa.config import load_settings

    try:
        return load_settings(config)
    except RpaError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(1) from None


def _accounts(config: Path | None) -> Accounts:
    from rpa.ledger import Ledger

    return Accounts(Ledger(_settings(config).ledger_url).engine)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _read_password() -> str:
    """The new password: typed twice at a terminal, or one line of standard input (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu mới: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            typer.echo("Hai lần nhập mật khẩu không khớp.", err=True)
            raise typer.Exit(2)
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _done(call: object) -> None:
    typer.echo(json.dumps(call, ensure_ascii=False))


def _change(config: Path | None, change: Callable[[Accounts], User]) -> None:
    """Apply one account change; a refused one prints its Vietnamese reason and exits 2."""
    try:
        user = change(_accounts(config))
    except AccountError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    _done({"user": user.name, "role": user.role.value, "disabled": user.disabled})


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, . _ -")],
    role: Annotated[Role, typer.Option("--role", help="clerk, supervisor or admin.")],
    config: ConfigOption = None,
) -> None:
    """Add an account; its password is read from standard input."""
    _change(config, lambda accounts: accounts.add(name, role, _read_password(), by=_actor()))


@users_app.command("disable")
def users_disable(name: str, config: ConfigOption = None) -> None:
    """Disable an account and end its sessions at once."""
    _change(config, lambda accounts: accounts.disable(name, by=_actor()))


@users_app.command("reset-password")
def users_reset_password(name: str, config: ConfigOption = None) -> None:
    """Set a new password (read from standard input), enable the account, end its sessions."""
    _change(config, lambda accounts: accounts.reset_password(name, _read_password(), by=_actor()))


@users_app.command("list")
def users_list(config: ConfigOption = None) -> None:
    """Every account, one JSON object per line."""
    for user in _accounts(config).list():
        _done({"user": user.name, "role": user.role.value, "disabled": user.disabled})


def console_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port; 0 lets the system choose a free one.")] = 0,
    config: ConfigOption = None,
) -> None:
    """Serve the web console; the first line printed is {"console": "<base URL>"}."""
    import uvicorn

    from rpa.console.app import create_app
    from rpa.logs import configure_logging
    from rpa.sandbox.serving import bind_socket

    settings = _settings(config)
    configure_logging(settings.log_file)  # stderr and the JSON log: stdout's first line is the URL
    app = create_app(settings)
    sock = bind_socket(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(json.dumps({"console": f"http://{shown}:{bound}"}), flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])
