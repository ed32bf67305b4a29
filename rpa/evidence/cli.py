"""``rpa keys`` and ``rpa evidence``: the installation's keys, checkpoints, verification, export."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from rpa.config import Settings
from rpa.console.cli import ConfigOption
from rpa.console.cli import _settings as _settings  # one way to load settings for every sub-app
from rpa.evidence import core
from rpa.evidence.chain import checkpoint
from rpa.evidence.export import export_bundle
from rpa.evidence.keys import MissingKeyError, init_keys, load_public

keys_app = typer.Typer(no_args_is_help=True, help="The installation's signing and master keys.")
evidence_app = typer.Typer(no_args_is_help=True, help="Tamper-evident evidence: checkpoints, verify, export.")

ACTOR = "cli"


def _audit(settings: Settings, action: str, target: str, detail: dict[str, object]) -> None:
    from rpa.ledger import Ledger
    from rpa.ledger.audit import record_audit

    record_audit(Ledger(settings.ledger_url).engine, ACTOR, action, target, detail=detail)


@keys_app.command("init")
def keys_init(
    force: Annotated[bool, typer.Option("--force", help="Replace existing keys.")] = False,
    config: ConfigOption = None,
) -> None:
    """Create the Ed25519 signing key (and its public key) and the master key."""
    settings = _settings(config)
    try:
        made = init_keys(
            settings.keys.signing_key_path(settings), settings.keys.master_key_path(settings), force=force
        )
    except FileExistsError as exc:
        typer.echo(f"Khoá đã có ({exc}): không ghi đè; thêm --force nếu thật sự muốn thay.", err=True)
        raise typer.Exit(1) from None
    json.dump(made, sys.stdout, ensure_ascii=False)
    typer.echo()


@evidence_app.command("checkpoint")
def evidence_checkpoint(config: ConfigOption = None) -> None:
    """Sign the chain head into checkpoints.jsonl."""
    settings = _settings(config)
    try:
        record = checkpoint(settings.recordings_dir, settings.keys.signing_key_path(settings))
    except (MissingKeyError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    json.dump(record, sys.stdout, ensure_ascii=False)
    typer.echo()


@evidence_app.command("verify")
def evidence_verify(
    code: Annotated[str | None, typer.Argument(help="One dossier's code.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Attempts started that day (YYYY-MM-DD).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every attempt folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    config: ConfigOption = None,
) -> None:
    """Check files, manifests, chain links and checkpoint signatures; exit 0 clean, 1 findings."""
    if sum(x is not None and x is not False for x in (code, day, every or None)) != 1:
        typer.echo("Chọn đúng một: MÃ_HỒ_SƠ, --date NGÀY hoặc --all.", err=True)
        raise typer.Exit(2)
    settings = _settings(config)
    try:
        public = load_public(settings.keys.signing_key_path(settings))
    except MissingKeyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        folder_day = date.fromisoformat(day).strftime("%Y/%m/%d") if day else None
    except ValueError:
        typer.echo(f"Ngày không đúng dạng YYYY-MM-DD: {day}", err=True)
        raise typer.Exit(2) from None
    report = core.verify(settings.recordings_dir, public, code=code, day=folder_day)
    _audit(settings, "evidence.verify", code or day or "all", {"findings": len(report.findings)})
    if as_json:
        json.dump(report.as_json(), sys.stdout, ensure_ascii=False)
        typer.echo()
    else:
        typer.echo(f"Đã kiểm tra {report.entries} mục chuỗi băm, {report.checkpoints} điểm ký số.")
        for folder in report.verified:
            typer.echo(f"  Khớp: {folder}")
        for folder in report.erased:
            typer.echo(f"  Đã xoá theo quy định: {folder}")
        for finding in report.findings:
            typer.echo(f"  SAI: {finding.message}")
        typer.echo("Nguyên vẹn." if not report.findings else f"Có {len(report.findings)} sai lệch.")
    raise typer.Exit(0 if not report.findings else 1)


@evidence_app.command("export")
def evidence_export(
    code: Annotated[str, typer.Argument(help="The dossier's code.")],
    out: Annotated[Path, typer.Option("--out", help="The zip to write.")],
    config: ConfigOption = None,
) -> None:
    """One dossier's evidence, chain, checkpoints, public key and verify.py in one zip."""
    settings = _settings(config)
    try:
        about = export_bundle(settings.recordings_dir, settings.keys.signing_key_path(settings), code, out)
    except (MissingKeyError, LookupError) as exc:
        typer.echo(str(exc).strip("'\""), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "evidence.export", code, {"out": str(out), "folders": about["folders"]})
    json.dump(about, sys.stdout, ensure_ascii=False)
    typer.echo()
