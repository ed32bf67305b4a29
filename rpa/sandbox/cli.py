"""``rpa sandbox ...``: serve and seed the local copies of the provincial system and ministry portals."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from rpa.config import write_config
from rpa.evidence.keys import ensure_keys, load_master_key
from rpa.passwords import move_to_file
from rpa.sandbox.serving import RunningSandbox, start_sandbox

sandbox_app = typer.Typer(
    no_args_is_help=True, help="Local sandbox copies of the provincial system and portals."
)

DEFAULT_DATA_DIR = Path("sandbox-data")
DataDir = Annotated[Path, typer.Option("--data-dir", help="Where each system keeps its SQLite file.")]
Seed = Annotated[
    int, typer.Option("--seed", help="Seed of the dossier generator (same seed, same dossiers).")
]


def seed_store(data_dir: Path, seed: int, count: int) -> list[str]:
    """Generate ``count`` dossiers of every procedure the sandbox knows, in turn, and add them to the
    provincial store in ``data_dir``."""
    from rpa.sandbox.provincial.store import ProvincialStore
    from rpa.sandbox.seed import PROCEDURES, generate

    return ProvincialStore(data_dir).add_dossiers(generate(seed, count, procedures=list(PROCEDURES)))


def _seed_request(seed: int, count: int) -> dict[str, Any]:
    """The provincial control API's seed request for a mix of every procedure the sandbox knows."""
    from rpa.sandbox.seed import PROCEDURES

    return {"seed": seed, "dossiers": count, "procedures": list(PROCEDURES)}


def _store_is_empty(data_dir: Path) -> bool:
    from rpa.sandbox.provincial.store import ProvincialStore

    return ProvincialStore(data_dir).count_dossiers() == 0


def sandbox_accounts(running: RunningSandbox) -> dict[str, dict[str, str]]:
    """The first account of each running system, read from its control API."""
    accounts: dict[str, dict[str, str]] = {}
    for name, url in running.urls.items():
        listed = httpx.get(f"{url}/_sandbox/accounts", timeout=10).raise_for_status().json()
        first = listed["accounts"][0]
        accounts[name] = {"username": first["username"], "password": first["password"]}
    return accounts


def bot_config(running: RunningSandbox) -> dict[str, Any]:
    """A configuration that points the bots at the running sandbox.

    Every path in it is absolute (the default folders resolved where the sandbox was started): a bot
    started from another folder must use the same ledger, work folder, locks, evidence and reports.
    """
    accounts = sandbox_accounts(running)
    data_dir = running.data_dir.resolve()
    return {
        "ledger_url": f"sqlite:///{data_dir / 'rpa-ledger.sqlite'}",
        "recordings_dir": str(Path("recordings").resolve()),
        "work_dir": str(Path("rpa-work").resolve()),
        "reports_dir": str(Path("reports").resolve()),
        "provincial": {
            "kind": "api",
            "base_url": running.urls["provincial"],
            "account": accounts["provincial"],
        },
        "portals": {
            name: {"base_url": url, "account": accounts[name]}
            for name, url in running.urls.items()
            if name != "provincial"
        },
    }


@sandbox_app.command("serve")
def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    seed: Seed = 1,
    dossiers: Annotated[
        int, typer.Option("--dossiers", help="Dossiers to seed when the store is empty.")
    ] = 20,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="First port (next system on port+1); 0: any free.")] = 0,
    write_config_to: Annotated[
        Path | None, typer.Option("--write-config", help="Write a bot configuration for these URLs.")
    ] = None,
    arrivals_every: Annotated[
        float,
        typer.Option("--arrivals-every", help="Seconds between new dossiers arriving (0: none arrive)."),
    ] = 0.0,
    arrivals: Annotated[int, typer.Option("--arrivals", help="Dossiers generated at each arrival.")] = 2,
    advance_every: Annotated[
        float,
        typer.Option("--advance-every", help="Seconds each ministry status lasts (0: moved by hand)."),
    ] = 0.0,
    captcha: Annotated[
        bool, typer.Option("--captcha/--no-captcha", help="Whether the ministry portals ask for CAPTCHAs.")
    ] = True,
) -> None:
    """Serve the sandbox systems (the provincial one and every ministry portal) until interrupted.

    ``--dossiers`` seeds a mix of every procedure the sandbox knows, each about an equal share.

    The first line on stdout is one JSON object mapping each system name to its base URL.

    With --arrivals-every and --advance-every the sandbox lives on its own, for watching `rpa
    scheduler` without touching anything: citizens' dossiers keep arriving (valid, flawed and not yet
    accepted ones, as seeded), and the ministry moves each application received → processing →
    finished → result returned. The configuration written then has a short timetable to match.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    if dossiers > 0 and _store_is_empty(data_dir):
        seed_store(data_dir, seed, dossiers)
    running = start_sandbox(data_dir, host, port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        print(json.dumps(running.urls), flush=True)
        knobs = {"captcha": captcha, "auto_advance_s": advance_every}
        for name, url in running.urls.items():
            if name != "provincial":  # every ministry portal
                httpx.post(f"{url}/_sandbox/knobs", json=knobs, timeout=10).raise_for_status()
        if write_config_to is not None:
            config = bot_config(running)
            if arrivals_every or advance_every:
                config["schedule"] = dict(LIVE_SCHEDULE)
            keys = data_dir.resolve() / "keys"  # its own keys, so evidence commands work at once
            signing, master = keys / "signing.key", keys / "master.key"
            credentials = keys / "credentials.enc"
            config["keys"] = {
                "signing_key": str(signing),
                "master_key": str(master),
                "credentials_file": str(credentials),
            }
            ensure_keys(signing, master)
            move_to_file(config, credentials, load_master_key(master))  # no password in the file written
            write_config(write_config_to, config)
            typer.echo(f"Configuration written to {write_config_to}", err=True)
        for name, url in running.urls.items():
            typer.echo(f"{name}: {url}/", err=True)
        typer.echo(f"Data in {data_dir.resolve()}. Ctrl+C to stop.", err=True)
        _live(running, stop, arrivals_every, arrivals, seed)
    finally:
        running.stop()


LIVE_SCHEDULE = {"poll_every_s": 60, "queue_every_s": 30, "sync_every_s": 120, "health_every_s": 120}
"""The timetable a configuration for a live sandbox gets: minutes, not the production's half hours."""


def _live(running: RunningSandbox, stop: threading.Event, every_s: float, count: int, seed: int) -> None:
    """Until ``stop``: every ``every_s`` seconds (never when 0) ``count`` new dossiers arrive."""
    url = f"{running.urls['provincial']}/_sandbox/seed"
    while not stop.wait(every_s or None):
        seed += 1  # a new generator seed each time: new citizens, not the same ones again
        try:
            codes = httpx.post(url, json=_seed_request(seed, count), timeout=60).raise_for_status()
        except httpx.HTTPError as exc:
            typer.echo(f"new dossiers could not be added: {exc}", err=True)
            continue
        typer.echo(f"{count} new dossiers: {', '.join(codes.json()['codes'])}", err=True)


@sandbox_app.command("seed")
def seed_command(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Base URL of a running provincial sandbox instead of --data-dir."),
    ] = None,
    seed: Seed = 1,
    dossiers: Annotated[int, typer.Option("--dossiers", help="How many dossiers to add.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new dossier codes as JSON.")] = False,
) -> None:
    """Add generated dossiers to a stored (or, with --url, a running) provincial sandbox."""
    if url:
        response = httpx.post(
            f"{url.rstrip('/')}/_sandbox/seed", json=_seed_request(seed, dossiers), timeout=60
        )
        if response.is_error:
            typer.echo(f"seeding failed: HTTP {response.status_code} {response.text}", err=True)
            raise typer.Exit(1)
        codes = list(response.json()["codes"])
    else:
        codes = seed_store(data_dir, seed, dossiers)
    if as_json:
        json.dump({"codes": codes}, sys.stdout)
        sys.stdout.write("\n")
    else:
        typer.echo(f"{len(codes)} dossiers added: " + ", ".join(codes))
