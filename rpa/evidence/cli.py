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
from rpa.evidence.timestamps import check_stamps
from rpa.vault import rotate_master, vault_for

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
        record = checkpoint(
            settings.recordings_dir, settings.keys.signing_key_path(settings), settings.timestamping
        )
    except (MissingKeyError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    json.dump(record, sys.stdout, ensure_ascii=False)
    typer.echo()
    if "timestamp_error" in record:  # signed and kept, but what was asked for is missing
        typer.echo(f"Đã ký nhưng chưa có dấu thời gian: {record['timestamp_error']}", err=True)
        raise typer.Exit(3)


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
    stamps = None
    if settings.timestamping.certificate is not None:  # the TSA's tokens, checked against its certificate
        stamps = check_stamps(settings.recordings_dir, settings.timestamping.certificate)
        report.findings += [core.Finding("timestamp_invalid", seq=seq) for seq in stamps.invalid]
    _audit(settings, "evidence.verify", code or day or "all", {"findings": len(report.findings)})
    if as_json:
        json.dump(
            report.as_json() | ({"timestamps": stamps.as_json()} if stamps else {}),
            sys.stdout,
            ensure_ascii=False,
        )
        typer.echo()
    else:
        typer.echo(f"Đã kiểm tra {report.entries} mục chuỗi băm, {report.checkpoints} điểm ký số.")
        if stamps is not None:
            latest = max(stamps.stamped, default=None)
            typer.echo(
                f"  Dấu thời gian RFC 3161: {len(stamps.stamped)} điểm ký số có dấu hợp lệ"
                + (f" (mới nhất: điểm {latest}, {stamps.stamped[latest]})" if latest is not None else "")
                + (f", {len(stamps.unstamped)} điểm chưa có dấu" if stamps.unstamped else "")
                + "."
            )
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
        vault = vault_for(settings)
        signing = settings.keys.signing_key_path(settings)
        tsa = settings.timestamping.certificate
        about = export_bundle(settings.recordings_dir, signing, code, out, vault, tsa)
    except (MissingKeyError, LookupError) as exc:
        typer.echo(str(exc).strip("'\""), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "evidence.export", code, {"out": str(out), "folders": about["folders"]})
    json.dump(about, sys.stdout, ensure_ascii=False)
    typer.echo()


@keys_app.command("rotate")
def keys_rotate(config: ConfigOption = None) -> None:
    """A new master key: every data key is wrapped again with it, the old one is destroyed.

    The evidence is not rewritten. Stop the scheduler and workers first: a worker started before
    the rotation would wrap a new dossier's key with the old master key.
    """
    settings = _settings(config)
    try:
        done = rotate_master(settings)
    except MissingKeyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "keys.rotate", "master", {k: v for k, v in done.items() if k != "master_key"})
    json.dump(done, sys.stdout, ensure_ascii=False)
    typer.echo()


@evidence_app.command("open")
def evidence_open(
    code: Annotated[str, typer.Argument(help="The dossier's code.")],
    out: Annotated[Path, typer.Option("--out", help="A new folder for the opened files.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    config: ConfigOption = None,
) -> None:
    """Open (decrypt) a dossier's evidence into a new owner-only folder; recorded in the audit log."""
    from rpa.evidence.opening import open_dossier

    settings = _settings(config)
    try:
        opened = open_dossier(settings, vault_for(settings), code, out)
    except (MissingKeyError, LookupError, FileExistsError) as exc:
        typer.echo(str(exc).strip("'\""), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "evidence.open", code, {"out": str(out), "files": len(opened), "reason": reason})
    json.dump({"dossier_code": code, "out": str(out), "files": opened}, sys.stdout, ensure_ascii=False)
    typer.echo()


@evidence_app.command("erase")
def evidence_erase(
    code: Annotated[str, typer.Argument(help="The dossier's code.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (a citizen's request, a decision...).")],
    config: ConfigOption = None,
) -> None:
    """Erase a dossier's data for good: its data key (every copy, backups included, becomes
    unreadable), its evidence folders, recorded in the chain (verification reports it as erased)
    and in the audit log. Refused while the dossier's transfer is still in progress."""
    from rpa.evidence.opening import erase_dossier

    settings = _settings(config)
    try:
        erased = erase_dossier(settings, vault_for(settings), code, reason)
    except (MissingKeyError, LookupError, ValueError) as exc:
        typer.echo(str(exc).strip("'\""), err=True)
        raise typer.Exit(1) from None
    _audit(settings, "evidence.erase", code, {"folders": erased["folders"], "reason": reason})
    json.dump(erased, sys.stdout, ensure_ascii=False)
    typer.echo()
