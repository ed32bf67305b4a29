"""The ``rpa`` command line. Command names, options, exit codes and JSON outputs are a stable interface.

Exit codes: 0 done (or nothing to do), 1 system error (portal, network, configuration), 2 business
error (the dossier must be fixed by a clerk; the reasons are printed in Vietnamese).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from rpa.clock import VN
from rpa.config import Settings, load_settings
from rpa.console.cli import console_command, users_app
from rpa.errors import BusinessError, RpaError
from rpa.evidence.cli import evidence_app, keys_app
from rpa.operations.doctor_cli import doctor_command
from rpa.passwords_cli import credentials_app
from rpa.privacy_cli import privacy_app
from rpa.sandbox.cli import sandbox_app
from rpa.transfer.worker import Outcome

app = typer.Typer(
    no_args_is_help=True, help="motcua-rpa: bots between the one-stop system and ministry portals."
)
app.add_typer(sandbox_app, name="sandbox")
runs_app = typer.Typer(no_args_is_help=True, help="What the bots did: transfers, their events and evidence.")
app.add_typer(runs_app, name="runs")
flows_app = typer.Typer(no_args_is_help=True, help="Flows and selector maps.")
app.add_typer(flows_app, name="flows")
captcha_app = typer.Typer(no_args_is_help=True, help="CAPTCHAs waiting for a person to read them.")
app.add_typer(captcha_app, name="captcha")
breaker_app = typer.Typer(no_args_is_help=True, help="Portals the bots stopped using after their UI changed.")
app.add_typer(breaker_app, name="breaker")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
app.add_typer(evidence_app, name="evidence")
app.add_typer(credentials_app, name="credentials")
app.add_typer(privacy_app, name="privacy")
app.command("console")(console_command)
app.command("doctor")(doctor_command)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="RPA_CONFIG", help="Configuration file (TOML).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
EXIT_SYSTEM, EXIT_BUSINESS = 1, 2
DONE_STATES = {"submitted", "written_back", "finished"}


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except RpaError as exc:
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def _exit_code(outcome: Outcome) -> int:
    if outcome.state in DONE_STATES or outcome.state == "dry_run":
        return 0
    return EXIT_BUSINESS if outcome.state == "failed_business" else EXIT_SYSTEM


@app.callback()
def main() -> None:
    """motcua-rpa command line."""


@app.command()
def transfer(
    code: Annotated[str, typer.Argument(help="One-stop dossier code, e.g. 000.00.01.H55-261120-0001.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fill every step, never click submit.")] = False,
    as_json: JsonOption = False,
    clerk: Annotated[str, typer.Option("--clerk", help="Who is pushing the dossier (audit trail).")] = "",
    config: ConfigOption = None,
) -> None:
    """Push one dossier to the ministry now.

    Exit 0: submitted or already submitted; 2: business error (reasons in Vietnamese); 1: system error.
    """
    from rpa.domain import dossier_code_problem
    from rpa.ledger import TransferState
    from rpa.ledger import clerk as clerk_actor
    from rpa.transfer.session import open_worker

    settings = _settings(config)
    actor = clerk_actor(clerk or getpass.getuser())
    if (problem := dossier_code_problem(code)) is not None:  # never a ledger row, file or URL for it
        outcome = Outcome(code, "failed_business", reasons=(str(problem),))
        if as_json:
            _print_json(dataclasses.asdict(outcome))
        else:
            _print_outcome(outcome)
        raise typer.Exit(EXIT_BUSINESS)
    try:
        with open_worker(settings, console_log=not as_json) as worker:
            if dry_run:
                outcome = worker.dry_run(code)
            else:
                flow = worker.procedure_for(code).name
                current = worker.ledger.enqueue(code, flow, actor=actor)
                if current.state in (TransferState.FAILED_BUSINESS, TransferState.FAILED_SYSTEM):
                    worker.ledger.transition(
                        current.id, TransferState.QUEUED, actor=actor, reason="cán bộ gửi lại"
                    )
                outcomes = worker.work(dossier_code=code)
                found = worker.ledger.find(code, flow)
                assert found is not None
                outcome = outcomes[-1] if outcomes else Outcome.of(found)
    except BusinessError as exc:  # no procedure of this installation takes the dossier
        outcome = Outcome(code, "failed_business", reasons=(str(exc),))
    except RpaError as exc:
        outcome = Outcome(code, "failed_system", error=str(exc))
    if as_json:
        _print_json(dataclasses.asdict(outcome))
    else:
        _print_outcome(outcome)
    raise typer.Exit(_exit_code(outcome))


def _print_outcome(outcome: Outcome) -> None:
    line = f"{outcome.dossier_code}: {outcome.state}"
    if outcome.receipt_code:
        from rpa.procedures import named

        procedure = named(outcome.flow)
        line += f" (mã hồ sơ {procedure.agency if procedure else 'của Bộ'} {outcome.receipt_code})"
    typer.echo(line)
    for reason in outcome.reasons:
        typer.echo(f"  - {reason}")
    if outcome.error:
        typer.echo(f"  error: {outcome.error}")
    if outcome.evidence:
        typer.echo(f"  evidence: {outcome.evidence}")


@app.command()
def run(
    once: Annotated[
        bool, typer.Option("--once", help="Read new dossiers, process the queue, then stop.")
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Read new dossiers from the provincial system and process every queued transfer."""
    from rpa.transfer.session import open_worker

    if not once:
        typer.echo("use --once (the scheduler runs it repeatedly)", err=True)
        raise typer.Exit(EXIT_SYSTEM)
    settings = _settings(config)
    try:
        with open_worker(settings, console_log=not as_json) as worker:
            queued = worker.intake()
            outcomes = worker.work()
    except RpaError as exc:
        typer.echo(f"run stopped: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    summary = {
        "dossiers_seen": len(queued),
        "processed": len(outcomes),
        "states": dict(Counter(o.state for o in outcomes)),
        "outcomes": [dataclasses.asdict(o) for o in outcomes],
    }
    if as_json:
        _print_json(summary)
    else:
        typer.echo(f"{len(queued)} dossiers waiting in the provincial system, {len(outcomes)} processed")
        for outcome in outcomes:
            _print_outcome(outcome)


@app.command("worker")
def worker_command(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=16, help="Workers in parallel, one Chromium each.")
    ] = 1,
    once: Annotated[bool, typer.Option("--once", help="Stop when nothing is left to do.")] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Only process queued transfers (no reading of new dossiers), with N workers in parallel.

    Several of these may run on one or several machines against one ledger: a claim takes one
    transfer under a lease, and each portal account's sessions and rate hold across all of them.
    Without --once it runs until SIGTERM (the transfers in hand reach a safe state first).
    Exit 0; 1 when a worker could not work at all (its error is printed).
    """
    import signal

    from rpa.logs import configure_logging
    from rpa.operations.stopping import StopLatch
    from rpa.transfer.pool import run_pool
    from rpa.vault import vault_for

    settings = _settings(config)
    configure_logging(settings.log_file, console=not as_json)
    try:
        vault_for(settings)  # without the master key nothing can be sealed: stop before any browser
    except RpaError as exc:
        typer.echo(f"worker not started: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    stop = StopLatch()

    def on_signal(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise SystemExit(128 + signum)  # a second signal: now
        stop.set()
        typer.echo("stopping: the transfers in hand reach a safe state first", err=True)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    result = run_pool(settings, concurrency, once=once, stop=stop)
    summary = {
        "workers": result.workers,
        "processed": len(result.outcomes),
        "states": dict(Counter(o.state for o in result.outcomes)),
        "outcomes": [dataclasses.asdict(o) for o in result.outcomes],
        "errors": result.errors,
    }
    if as_json:
        _print_json(summary)
    else:
        typer.echo(f"{len(result.workers)} workers, {len(result.outcomes)} transfers processed")
        for outcome in result.outcomes:
            _print_outcome(outcome)
        for error in result.errors:
            typer.echo(f"worker error: {error}", err=True)
    raise typer.Exit(EXIT_SYSTEM if result.errors else 0)


@app.command()
def sync(
    once: Annotated[
        bool, typer.Option("--once", help="One pass over every submitted dossier, then stop.")
    ] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Read the ministry's status of every submitted dossier and write each change back once.

    Exit 0: every dossier was checked (or the portal is paused by its circuit breaker); 1: a dossier
    or the whole pass could not be checked (the errors are listed).
    """
    from rpa.logs import configure_logging
    from rpa.status.summary import summary_lines
    from rpa.status.sync import sync_once

    if not once:
        typer.echo("use --once (the scheduler runs it repeatedly)", err=True)
        raise typer.Exit(EXIT_SYSTEM)
    settings = _settings(config)
    configure_logging(settings.log_file, console=not as_json)
    try:
        summary = sync_once(settings)
    except RpaError as exc:
        typer.echo(f"đồng bộ trạng thái dừng: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    if as_json:
        _print_json(summary.to_dict())
    else:
        typer.echo("\n".join(summary_lines(summary)))
    raise typer.Exit(0 if summary.ok else EXIT_SYSTEM)


@app.command("scheduler")
def scheduler_command(config: ConfigOption = None) -> None:
    """Run the bots on their timetable (poll, queue, status sync, health, report, purge) until stopped.

    One scheduler per ledger database: a second one exits 1 naming the one running. SIGTERM stops it
    cleanly (exit 0): the current transfer reaches a safe state first. See docs/operations.md.
    """
    from rpa.ledger.scheduler_lock import LockHeld
    from rpa.operations.scheduler import run_scheduler

    settings = _settings(config)
    try:
        code = run_scheduler(settings)
    except LockHeld as exc:
        typer.echo(exc.notice(), err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    except RpaError as exc:
        typer.echo(f"scheduler not started: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    raise typer.Exit(code)


@runs_app.command("list")
def runs_list(
    state: Annotated[list[str] | None, typer.Option("--state", help="Only transfers in this state.")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Transfers, most recently changed first."""
    from rpa.ledger import Ledger

    with Ledger(_settings(config).ledger_url) as ledger:
        transfers = ledger.list(states=state or None, limit=limit)
    rows: list[dict[str, Any]] = [
        {"dossier": t.dossier_code, "flow": t.flow, "state": t.state.value, "attempts": t.attempts,
         "receipt": t.receipt_code, "updated_at": t.updated_at.astimezone(VN).isoformat()}
        for t in transfers
    ]  # fmt: skip
    if as_json:
        _print_json({"transfers": rows})
        return
    for row in rows:
        typer.echo(f"{row['updated_at'][:19]}  {row['state']:<16} {row['dossier']}  {row['receipt'] or ''}")


@runs_app.command("show")
def runs_show(
    code: Annotated[str, typer.Argument(help="One-stop dossier code.")],
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """One transfer: its state, every event (who, when, why) and the evidence paths."""
    from rpa.ledger import Ledger

    with Ledger(_settings(config).ledger_url) as ledger:
        found = ledger.find(code)
        if found is None:
            typer.echo(f"no transfer for dossier {code}", err=True)
            raise typer.Exit(EXIT_SYSTEM)
        events = ledger.events(found.id)
    trail: list[dict[str, Any]] = [
        {"at": e.at.astimezone(VN).isoformat(), "from": e.from_state.value if e.from_state else None,
         "to": e.to_state.value, "actor": e.actor, "reason": e.reason, "evidence": list(e.evidence)}
        for e in events
    ]  # fmt: skip
    if as_json:
        _print_json(
            {"dossier": found.dossier_code, "flow": found.flow, "state": found.state.value,
             "receipt": found.receipt_code, "attempts": found.attempts, "last_error": found.last_error,
             "reasons": list(found.business_reasons), "ministry_status": found.ministry_status,
             "national_status": found.national_status, "supplement_reason": found.supplement_reason,
             "certificate_number": found.certificate_number, "deadline_days": found.deadline_days,
             "due_on": found.due_on.isoformat() if found.due_on else None, "events": trail}
        )  # fmt: skip
        return
    typer.echo(
        f"{found.dossier_code} [{found.flow}] {found.state.value}  receipt: {found.receipt_code or '-'}"
    )
    for reason in found.business_reasons:
        typer.echo(f"  - {reason}")
    if found.due_on is not None:
        typer.echo(f"  Hạn giải quyết: {found.due_on:%d/%m/%Y} ({found.deadline_days} ngày làm việc)")
    from rpa.procedures import named

    procedure = named(found.flow)
    agency = procedure.agency if procedure else "Bộ"
    if found.supplement_reason and found.national_status == 5:
        typer.echo(f"  {agency} yêu cầu bổ sung: {found.supplement_reason}")
    if found.certificate_number:
        name = procedure.certificate_name if procedure else "số giấy tờ"
        typer.echo(f"  {name[:1].upper()}{name[1:]}: {found.certificate_number}")
    for e in trail:
        typer.echo(f"  {e['at'][:19]}  {e['from'] or '':<14} → {e['to']:<14} {e['actor']:<24} {e['reason']}")
        for path in e["evidence"]:
            typer.echo(f"      {path}")


@runs_app.command("settle")
def runs_settle(
    code: Annotated[str, typer.Argument(help="One-stop dossier code of a transfer waiting for review.")],
    receipt: Annotated[
        str | None, typer.Option("--receipt", help="The ministry receipt code a clerk found on the portal.")
    ] = None,
    absent: Annotated[
        bool, typer.Option("--absent", help="A clerk checked the portal: the application is not there.")
    ] = False,
    clerk: Annotated[str, typer.Option("--clerk", help="Who settles it (audit trail).")] = "",
    config: ConfigOption = None,
) -> None:
    """Settle a transfer in ``needs_review`` after looking at the portal: its receipt, or absent.

    With ``--receipt`` the transfer becomes ``submitted`` and the next run writes the receipt back;
    with ``--absent`` it is queued and typed again. Exit 2 when the request does not fit the transfer.
    """
    from rpa.ledger import Ledger, TransferState
    from rpa.ledger import clerk as clerk_actor
    from rpa.procedures import get_procedure

    if (receipt is None) == (not absent):
        typer.echo("Cần đúng một trong hai: --receipt MÃ hoặc --absent", err=True)
        raise typer.Exit(EXIT_BUSINESS)
    actor = clerk_actor(clerk or getpass.getuser())
    with Ledger(_settings(config).ledger_url) as ledger:
        found = ledger.find(code)
        if found is None or found.state is not TransferState.NEEDS_REVIEW:
            state = "không có" if found is None else found.state.value
            typer.echo(f"Hồ sơ {code} không chờ đối chiếu (trạng thái: {state})", err=True)
            raise typer.Exit(EXIT_BUSINESS)
        if receipt is not None:
            receipt = receipt.strip()
            holder = ledger.holder_of(receipt)
            if not get_procedure(found.flow).receipt_code.fullmatch(receipt) or holder not in (
                None,
                found.id,
            ):
                why = "đã thuộc hồ sơ khác" if holder not in (None, found.id) else "sai định dạng"
                typer.echo(f"Mã hồ sơ Bộ {receipt!r} {why}", err=True)
                raise typer.Exit(EXIT_BUSINESS)
            ledger.transition(
                found.id, TransferState.SUBMITTED, actor=actor, receipt_code=receipt,
                reason=f"cán bộ đối chiếu trên cổng Bộ: mã hồ sơ {receipt}",
            )  # fmt: skip
        else:
            if found.receipt_code is not None:
                typer.echo(f"Hồ sơ {code} đã có mã hồ sơ Bộ {found.receipt_code}: không nộp lại", err=True)
                raise typer.Exit(EXIT_BUSINESS)
            ledger.transition(
                found.id,
                TransferState.QUEUED,
                actor=actor,
                reason="cán bộ xác nhận trên cổng Bộ chưa có hồ sơ",
            )
    typer.echo(f"{code}: {'submitted' if receipt else 'queued'}")


def _report_day(text: str | None) -> date:
    if text is None:
        return datetime.now(VN).date()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise typer.BadParameter(
        f"ngày không hợp lệ / invalid date: {text!r} (YYYY-MM-DD hoặc dd/mm/yyyy)", param_hint="'--date'"
    )


@app.command()
def report(
    day: Annotated[
        str | None,
        typer.Option("--date", help="YYYY-MM-DD or dd/mm/yyyy; default: today (Vietnam)", show_default=False),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write an opened copy here for a person (.xlsx, owner-only; audited as report.open).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Seal the daily Excel report for supervisors into reports_dir (bao-cao-DAY.xlsx.enc); print its
    path (the opened copy's with --out) and a one-line summary."""
    from sqlalchemy.exc import SQLAlchemyError

    from rpa.evidence.keys import MissingKeyError
    from rpa.ledger import Ledger
    from rpa.ledger.audit import record_audit
    from rpa.private_files import private_dir, write_private
    from rpa.report.data import gather, summary_line
    from rpa.report.workbook import report_bytes, report_scope, seal_report

    report_day = _report_day(day)
    settings = _settings(config)
    try:
        data = gather(settings, report_day)
        content = report_bytes(data)
        path = seal_report(settings, report_day, content)
        if out is not None:
            private_dir(out.parent)
            path = write_private(out, content)
            with Ledger(settings.ledger_url) as ledger:  # a clear copy of citizens' data left the vault
                record_audit(
                    ledger.engine, f"cli:{getpass.getuser()}", "report.open", report_scope(report_day),
                    detail={"out": str(out)},
                )  # fmt: skip
    except MissingKeyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    except (OSError, SQLAlchemyError) as exc:
        typer.echo(f"report not written: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    typer.echo(path)
    typer.echo(summary_line(data))


@captcha_app.command("list")
def captcha_list(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """Open CAPTCHA requests: open each image and answer with `rpa captcha answer ID TEXT`."""
    from rpa.portal.captcha import CaptchaDesk

    requests = CaptchaDesk(_settings(config).work_dir / "captcha").list()
    if as_json:
        _print_json({"requests": [dataclasses.asdict(r) for r in requests]})
        return
    if not requests:
        typer.echo("no CAPTCHA is waiting")
    for r in requests:
        typer.echo(f"{r.id}  {r.portal}  {r.dossier_code}  asked {r.asked_at[:19]}  image: {r.image}")


@captcha_app.command("answer")
def captcha_answer(
    request_id: Annotated[str, typer.Argument(help="Request id from `rpa captcha list`.")],
    text: Annotated[str, typer.Argument(help="The characters you read in the image.")],
    config: ConfigOption = None,
) -> None:
    """Give a person's reading of a CAPTCHA to the bot waiting for it."""
    from rpa.portal.captcha import CaptchaDesk

    try:
        CaptchaDesk(_settings(config).work_dir / "captcha").answer(request_id, text)
    except KeyError:
        typer.echo(f"no CAPTCHA request {request_id}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    typer.echo(f"answer recorded for {request_id}; the bot goes on")


PortalArgument = Annotated[
    str | None, typer.Argument(help="A portal's name; every portal of the installed procedures when omitted.")
]


def _portals(portal: str | None) -> list[str]:
    from rpa.procedures import portals

    return [portal] if portal is not None else list(portals())


@breaker_app.command("status")
def breaker_status(portal: PortalArgument = None, config: ConfigOption = None) -> None:
    """Whether the bots are holding dossiers back from PORTAL, since when and why."""
    from rpa.portal.breaker import Breaker

    settings = _settings(config)
    for name in _portals(portal):
        state = Breaker(settings.work_dir, name, settings.breaker_cooldown_s).state()
        typer.echo(
            f"{name}: closed (in use)"
            if state is None
            else f"{name}: open since {state.opened_at}: {state.reason}"
        )


@breaker_app.command("reset")
def breaker_reset(portal: PortalArgument = None, config: ConfigOption = None) -> None:
    """Let the bots use PORTAL again now (after its selector map was fixed)."""
    from rpa.portal.breaker import Breaker

    settings = _settings(config)
    for name in _portals(portal):
        was_open = Breaker(settings.work_dir, name, settings.breaker_cooldown_s).close()
        typer.echo(f"{name}: closed" + ("" if was_open else " (it was not open)"))


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The provincial system's Excel export (.xlsx).")],
    as_json: JsonOption = False,
    clerk: Annotated[str, typer.Option("--clerk", help="Who is importing (audit trail).")] = "",
    config: ConfigOption = None,
) -> None:
    """Queue the dossiers of an Excel export; attachments are read by path beside the workbook.

    Exit 0: every row queued, already known or skipped; 2: some row refused or flawed (an annotated
    copy of the workbook names the cells); 1: the file cannot be read, or a system error.
    """
    from rpa.intake import UnreadableWorkbook, annotate, import_workbook, summary
    from rpa.intake import as_json as report_json
    from rpa.ledger import Ledger
    from rpa.ledger import clerk as clerk_actor

    settings = _settings(config)
    try:
        with Ledger(settings.ledger_url) as ledger:
            report = import_workbook(file, ledger, settings, actor=clerk_actor(clerk or getpass.getuser()))
        annotate(report)
    except UnreadableWorkbook as exc:
        if as_json:
            _print_json({"file": str(file), "error": str(exc)})
        else:
            typer.echo(f"Không đọc được tệp {file}: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    except RpaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    if as_json:
        _print_json(report_json(report))
    else:
        typer.echo(summary(report))
    raise typer.Exit(0 if report.ok else EXIT_BUSINESS)


@app.command()
def procedures(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """The procedures installed: provincial procedure codes, portal, selector maps and UI versions,
    whether each runs here and whether its portal answers (with a configuration)."""
    from rpa.procedures.listing import describe_procedures

    settings: Settings | None = None
    try:
        settings = load_settings(config)
    except RpaError as exc:
        if config is not None:  # a named file that cannot be read is an error; no file at all is not
            typer.echo(f"configuration error: {exc}", err=True)
            raise typer.Exit(EXIT_SYSTEM) from None
    infos = describe_procedures(settings)
    if as_json:
        _print_json([info.to_dict() for info in infos])
        return
    for info in infos:
        runs = "đang chạy" if info.active else "không chạy (chưa cấu hình cổng hoặc đã tắt)"
        typer.echo(f"{info.name}: {info.title} — {info.agency}, cổng {info.portal}; {runs}")
        typer.echo(f"  mã thủ tục: {', '.join(info.procedure_codes)}")
        versions = ", ".join(f"v{m['version']} {m['path']}" for m in info.selector_maps) or "không có"
        typer.echo(
            f"  bản đồ giao diện: {versions}"
            + (f" (lỗi: {info.selector_error})" if info.selector_error else "")
        )
        if info.portal_url is not None:
            answer = "trả lời" if info.portal_answers else "không trả lời"
            typer.echo(f"  cổng {info.portal_url}: {answer} ({info.portal_detail})")


@flows_app.command("check")
def flows_check() -> None:
    """Check every flow against its selector maps, without a browser."""
    from rpa.portal.flowcheck import check_flows

    problems = check_flows()
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        raise typer.Exit(EXIT_SYSTEM)
    typer.echo("every flow matches its selector maps")


@flows_app.command("draft-map")
def flows_draft_map(
    recording: Annotated[Path, typer.Argument(help="A `playwright codegen --target python` recording.")],
    portal: Annotated[
        str, typer.Option("--portal", help="The portal's name, as its selector maps give it (portal:).")
    ],
    version: Annotated[int, typer.Option("--version", min=1, help="The portal's UI version.")] = 1,
    out: Annotated[Path | None, typer.Option("--out", help="Write the map here, not to stdout.")] = None,
) -> None:
    """Draft a selector map from a codegen recording: one element per locator the clerk's pass used."""
    from rpa.portal.codegen import draft_map

    try:
        text = draft_map(recording.read_text(encoding="utf-8"), portal, version)
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        typer.echo(f"không đọc được bản ghi {recording}: {exc}", err=True)
        raise typer.Exit(EXIT_SYSTEM) from None
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"bản nháp selector map: {out}")


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where the demo keeps its data.")] = Path(
        "demo-data"
    ),
    dossiers: Annotated[int, typer.Option("--dossiers")] = 20,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Start the sandbox, seed dossiers, transfer them all and show the result (the README's main job)."""
    from rpa.demo import run_demo

    raise typer.Exit(run_demo(data_dir, dossiers=dossiers, seed=seed))
