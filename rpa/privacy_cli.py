"""``rpa privacy``: a citizen's request about their data (find, export), each recorded in the audit log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rpa.config import Settings
from rpa.console.cli import ConfigOption
from rpa.console.cli import _settings as _settings
from rpa.errors import BusinessError, ConfigError
from rpa.privacy import PersonRecord, export_person, find_person, masked_number, valid_number

privacy_app = typer.Typer(no_args_is_help=True, help="A citizen's request: what is held about them.")

NumberOption = Annotated[str, typer.Option("--identity-number", help="The person's CCCD (12) or CMND (9).")]


def _audit(settings: Settings, action: str, number: str, detail: dict[str, Any]) -> None:
    from rpa.ledger import Ledger
    from rpa.ledger.audit import record_audit

    target = f"identity:{masked_number(number)}"
    record_audit(Ledger(settings.ledger_url).engine, "cli", action, target, detail=detail)


def _number(text: str) -> str:
    try:
        return valid_number(text)
    except BusinessError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _show(record: PersonRecord) -> None:
    counts = record.counts()
    if not record.transfers:
        typer.echo(f"Không có dữ liệu nào về người có số định danh {record.identity}.")
        return
    typer.echo(f"Người có số định danh {record.identity}:")
    for t in record.transfers:
        typer.echo(
            f"  Hồ sơ {t['dossier_code']} ({t['procedure']}): {t['state']}, mã Bộ {t['receipt_code'] or '—'}"
        )
    typer.echo(
        f"  {counts['events']} sự kiện, {counts['evidence_attempts']} lần thử có bằng chứng, "
        f"{counts['log_lines']} dòng nhật ký, {counts['report_rows']} dòng báo cáo."
    )
    for attempt in record.evidence:
        typer.echo(f"  Bằng chứng {attempt['folder']}: {len(attempt['files'])} tệp ({attempt['state']})")


@privacy_app.command("find")
def privacy_find(
    identity_number: NumberOption,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    config: ConfigOption = None,
) -> None:
    """List everything held about one person: transfers, events, evidence, log lines, report rows."""
    number = _number(identity_number)
    settings = _settings(config)
    try:
        record = find_person(settings, number)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "privacy.find", number, record.counts() | {"dossiers": record.codes})
    if as_json:
        json.dump(record.as_json(), sys.stdout, ensure_ascii=False)
        typer.echo()
    else:
        _show(record)


@privacy_app.command("export")
def privacy_export(
    identity_number: NumberOption,
    out: Annotated[Path, typer.Option("--out", help="The zip to write (a new file).")],
    reason: Annotated[str, typer.Option("--reason", help="The request (kept in the audit log).")] = "",
    config: ConfigOption = None,
) -> None:
    """Everything held about one person as one zip: person.json, opened evidence, log lines, report rows."""
    number = _number(identity_number)
    settings = _settings(config)
    try:
        record = export_person(settings, number, out)
    except FileExistsError:
        typer.echo(f"Tệp {out} đã có: chọn tên khác.", err=True)
        raise typer.Exit(1) from None
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "privacy.export", number, record.counts() | {"out": str(out), "reason": reason})
    json.dump(
        {"identity": record.identity, "out": str(out)} | record.counts(), sys.stdout, ensure_ascii=False
    )
    typer.echo()
