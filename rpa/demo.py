"""``rpa demo``: the whole product on the embedded sandbox, end to end, in one command.

It starts the sandbox systems in-process (the provincial one-stop system and every ministry portal),
seeds dossiers of every procedure (some deliberately flawed), transfers every one of them with a real
headless Chromium, and checks that each ended where it should: valid dossiers submitted once and
written back (so the citizen got an SMS), flawed ones parked for a clerk with their reasons and
nothing submitted to a ministry portal.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rpa.config import Settings, load_settings, write_config
from rpa.domain import DossierStatus
from rpa.evidence.keys import ensure_keys, load_master_key
from rpa.ledger import STATE_LABELS, TransferState
from rpa.passwords import move_to_file
from rpa.private_files import private_dir, write_private
from rpa.procedures import active_procedures, all_procedures, portals, procedure_codes
from rpa.sandbox.cli import bot_config
from rpa.sandbox.seed import PROCEDURES as SEEDABLE
from rpa.sandbox.serving import sandbox
from rpa.transfer.session import open_worker
from rpa.transfer.worker import Outcome

__all__ = ["run_demo"]

MARKER = ".rpa-demo"


def _fresh(data_dir: Path) -> None:
    """Start from an empty folder, but never wipe a folder the demo did not create."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / MARKER).exists():
            raise SystemExit(
                f"{data_dir} is not empty and was not made by `rpa demo`; choose another --data-dir"
            )
        shutil.rmtree(data_dir)
    private_dir(data_dir)
    write_private(data_dir / MARKER, "made by rpa demo; deleted by the next demo run\n")


NOT_ACCEPTED = "chưa tiếp nhận"


def seeded_procedures() -> list[str]:
    """Every registered procedure whose dossiers the sandbox can seed: the demo shows them all."""
    return [p.name for p in all_procedures() if p.name in SEEDABLE]


def _expected_state(dossier: dict[str, Any]) -> str:
    """Accepted dossiers go to the ministry (flawed ones stop before it); new ones wait for a clerk."""
    if dossier["status"] != int(DossierStatus.ACCEPTED):
        return NOT_ACCEPTED
    return "written_back" if dossier["flaw"] is None else "failed_business"


def _label(state: str) -> str:
    """The Vietnamese state a clerk reads, with the ledger's name an engineer greps for."""
    try:
        return f"{STATE_LABELS[TransferState(state)]} ({state})"
    except ValueError:  # "chưa tiếp nhận": never reached the ledger
        return state


def run_demo(data_dir: Path, *, dossiers: int = 20, seed: int = 1) -> int:
    """Run the demo; 0 when every dossier ended in its expected state."""
    console = Console(width=None if Console().is_terminal else 200)
    _fresh(data_dir)
    with sandbox(data_dir / "sandbox") as running:
        provincial = running.urls["provincial"]
        ministries = {name: running.urls[name] for name in portals() if name in running.urls}
        for url in ministries.values():  # nobody sits at the demo to read a CAPTCHA
            httpx.post(f"{url}/_sandbox/knobs", json={"captcha": False}, timeout=10).raise_for_status()
        mix = {"seed": seed, "dossiers": dossiers, "procedures": seeded_procedures()}
        httpx.post(f"{provincial}/_sandbox/seed", json=mix, timeout=120).raise_for_status()
        listed = httpx.get(f"{provincial}/_sandbox/dossiers", timeout=30).json()
        seeded: dict[str, dict[str, Any]] = {d["code"]: d for d in listed}
        config = bot_config(running)
        config.update(
            ledger_url=f"sqlite:///{(data_dir / 'rpa-ledger.sqlite').resolve()}",
            work_dir=str((data_dir / "work").resolve()),
            log_file=str((data_dir / "rpa.jsonl").resolve()),
        )
        keys = Path(config["work_dir"]) / "keys"  # the defaults of [keys], under this work folder
        ensure_keys(keys / "signing.key", keys / "master.key")
        move_to_file(config, keys / "credentials.enc", load_master_key(keys / "master.key"))
        write_config(data_dir / "rpa.toml", config)  # no password in it: they are sealed beside the keys
        settings = load_settings(data_dir / "rpa.toml")
        shown = "  ·  ".join(f"{name} {url}/" for name, url in ministries.items())
        console.print(f"Sandbox: provincial {provincial}/  ·  {shown}")
        outcomes = _transfer_all(settings, console)
        applications = {
            name: httpx.get(f"{url}/_sandbox/applications", timeout=30).json()
            for name, url in ministries.items()
        }
        sms = httpx.get(f"{provincial}/_sandbox/sms", timeout=30).json()
    titles = {code: p.title for p in active_procedures(settings) for code in procedure_codes(settings, p)}
    by_code = {o.dossier_code: o for o in outcomes}
    table = Table(title="Kết quả chuyển hồ sơ (transfer results)")
    for column in ("Hồ sơ", "Thủ tục", "Lỗi cố ý (flaw)", "Trạng thái", "Mã hồ sơ của Bộ / lý do", "OK"):
        table.add_column(column, overflow="fold", no_wrap=column in ("Hồ sơ", "Trạng thái"))
    all_ok = True
    for code, dossier in sorted(seeded.items()):
        outcome = by_code.get(code, Outcome(code, NOT_ACCEPTED))
        ok = outcome.state == _expected_state(dossier)
        all_ok &= ok
        detail = outcome.receipt_code or "; ".join(outcome.reasons) or outcome.error or ""
        title = titles.get(dossier["procedure_code"], dossier["procedure_code"])
        table.add_row(code, title, dossier["flaw"] or "—", _label(outcome.state), detail, "✓" if ok else "✗")
    console.print(table)
    expected = Counter(_expected_state(d) for d in seeded.values())
    received = ", ".join(f"{name} {len(apps)}" for name, apps in applications.items())
    console.print(
        f"{expected['written_back']} valid accepted dossiers, {expected['failed_business']} flawed, "
        f"{expected[NOT_ACCEPTED]} not yet accepted by a clerk; the ministry portals received "
        f"{sum(len(a) for a in applications.values())} applications ({received}); "
        f"{len(sms)} SMS sent to citizens."
    )
    all_ok &= sum(len(a) for a in applications.values()) == expected["written_back"]
    console.print(f"Evidence: {settings.recordings_dir.resolve()}  ·  log: {settings.log_file}")
    console.print(
        "[green]Every dossier ended as expected.[/green]" if all_ok else "[red]Unexpected results.[/red]"
    )
    return 0 if all_ok else 1


def _transfer_all(settings: Settings, console: Console) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with open_worker(settings, console_log=False) as worker:
        queued = worker.intake()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Chuyển hồ sơ sang các Bộ", total=len(queued))
            while not worker.stop_requested and (transfer := worker.claim()) is not None:
                progress.update(task, description=f"Hồ sơ {transfer.dossier_code}")
                outcome = worker.perform(transfer)
                outcomes.append(outcome)
                if outcome.state != "queued":  # a reconciled transfer may come round once more
                    progress.advance(task)
    return outcomes
