"""Retention: personal data the bots keep is deleted once it is older than its kind's period.

The Personal Data Protection Law (91/2025/QH15) asks the operator to keep personal data no longer than
needed. Each kind has its own period in days (``[retention]``, :class:`rpa.config.RetentionSettings`).
Run daily by the scheduler (job ``purge`` at ``ScheduleSettings.purge_at``), it deletes:

- screenshots: evidence day folders ``<recordings_dir>/YYYY/MM/DD`` older than ``retention.screenshots``
  (default ``evidence_retention_days``, 365), recorded in the evidence chain first; then the data key of
  every dossier left with no evidence, settled (latest transfer finished or failed_business) and not
  changed for the same period: the key also seals the ledger's record of what was submitted, which
  becomes unreadable with it;
- traces: ``trace.zip(.enc)`` older than ``retention.traces`` inside the evidence folders still kept,
  recorded in the chain as erased files (the folders' other files stay verifiable);
- reports: the sealed daily reports ``<reports_dir>/bao-cao-YYYY-MM-DD.xlsx.enc`` older than
  ``retention.reports``, and their day keys (``report:YYYY-MM-DD``) first: any copy is unreadable then;
- logs: the JSON log's rotated files (``rpa.logs`` rotates ``log_file`` daily) older than ``retention.logs``;
- sessions: saved portal logins (browser state) not refreshed for ``retention.sessions`` days;
- bundles: evidence exports kept in ``<work_dir>/exports`` older than ``retention.bundles``;
- attachments: attachment folders left in ``<work_dir>/attachments`` for more than ``retention.attachments``
  days: the worker deletes them after each dossier, so only a killed worker leaves one, and it holds
  identity-card scans;
- imported: dossiers kept as imported from an Excel export (``<work_dir>/imported/<code>``) not imported
  again for the screenshots period.

Each kind that deleted something writes one audit entry (actor ``scheduler``, action ``retention.purge``,
target the kind) with the count, the cutoff and the names deleted (days, file names, dossier codes: no
citizen's data). The ledger itself is never purged: it is the audit trail.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from rpa.clock import VN
from rpa.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rpa.ledger import Ledger
    from rpa.vault import Vault

__all__ = ["ACTOR", "STALE_ATTACHMENTS_S", "Purged", "purge", "screenshot_days"]

ACTOR = "scheduler"
REASON = "retention"  # why a data key was erased (kept on its ledger row)
STALE_ATTACHMENTS_S = 86_400.0
"""An attachment folder untouched this long belongs to no running worker (the default period)."""
_DAY_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_FOLDERS = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]"
_TRACES = ("trace.zip", "trace.zip.enc")
_SESSION_FILES = ("*.json", "*.json.enc")


@dataclass
class Purged:
    """What one purge deleted (``cutoff``: the screenshots', as before retention per kind)."""

    cutoff: date  # evidence dated before this day went
    evidence_days: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    attachments: list[Path] = field(default_factory=list)
    imported: list[Path] = field(default_factory=list)
    traces: list[Path] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    sessions: list[Path] = field(default_factory=list)
    bundles: list[Path] = field(default_factory=list)
    dossier_keys: list[str] = field(default_factory=list)  # scopes erased: dossier:<code>
    report_keys: list[str] = field(default_factory=list)  # scopes erased: report:<day>


def screenshot_days(settings: Settings) -> int:
    """The screenshots' period: ``retention.screenshots``, else the older ``evidence_retention_days``."""
    chosen = settings.retention.screenshots
    if chosen is None:
        return settings.evidence_retention_days
    if "evidence_retention_days" in settings.model_fields_set and settings.evidence_retention_days != chosen:
        logger.warning(
            "retention: evidence_retention_days ({}) is ignored, retention.screenshots ({}) is set; "
            "remove evidence_retention_days",
            settings.evidence_retention_days,
            chosen,
        )
    return chosen


def purge(settings: Settings, today: date) -> Purged:
    """Delete what is older than each kind's period, counted back from ``today`` (Vietnam date).

    A screenshots period below one day would delete the evidence of transfers in progress: no evidence,
    dossier key or imported dossier is deleted then, and the log says why (the other kinds' periods
    are at least a day by validation).
    """
    from rpa.ledger import Ledger

    periods, root = settings.retention, settings.recordings_dir
    days = screenshot_days(settings)
    purged = Purged(today - timedelta(days=days))
    now = time.time()
    vault = _vault(settings)
    ledger = Ledger(settings.ledger_url)
    try:
        audit = _Audit(ledger.engine)
        if days < 1:
            logger.error("evidence retention is {} days: refusing to purge evidence", days)
        else:
            purged.evidence_days = _purge_evidence(root, purged.cutoff)
            if vault is not None:
                purged.dossier_keys = _erase_dossier_keys(settings, vault, ledger, purged.cutoff)
            days_gone = [folder.relative_to(root).as_posix() for folder in purged.evidence_days]
            audit.record("screenshots", purged.cutoff, days_gone, keys_erased=purged.dossier_keys)
            purged.imported = _purge_older(settings.work_dir / "imported", now - days * 86_400.0)
            audit.record("imported", _moment(now - days * 86_400.0), [p.name for p in purged.imported])
        traces_cutoff = today - timedelta(days=periods.traces)
        purged.traces = _purge_traces(root, traces_cutoff)
        audit.record("traces", traces_cutoff, [p.relative_to(root).as_posix() for p in purged.traces])
        reports_cutoff = today - timedelta(days=periods.reports)
        if vault is not None:
            purged.report_keys = _erase_report_keys(vault, reports_cutoff)
        purged.reports = _purge_reports(settings.reports_dir, reports_cutoff)
        reports_gone = [p.name for p in purged.reports]
        audit.record("reports", reports_cutoff, reports_gone, keys_erased=purged.report_keys)
        for kind, found in _aged_kinds(settings):
            before = now - getattr(periods, kind) * 86_400.0
            deleted = _delete_older(found, before)
            setattr(purged, kind, deleted)
            audit.record(kind, _moment(before), [p.name for p in deleted])
    finally:
        ledger.close()
    logger.info(
        "retention: evidence kept from {}; deleted {} evidence days ({} dossier keys erased), {} traces, "
        "{} reports ({} report keys erased), {} log files, {} saved sessions, {} bundles, "
        "{} stale attachment folders, {} imported dossiers",
        purged.cutoff, len(purged.evidence_days), len(purged.dossier_keys), len(purged.traces),
        len(purged.reports), len(purged.report_keys), len(purged.logs), len(purged.sessions),
        len(purged.bundles), len(purged.attachments), len(purged.imported),
    )  # fmt: skip
    return purged


class _Audit:
    """One audit entry per kind that deleted something."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, kind: str, cutoff: date | datetime, items: list[str], **extra: list[str]) -> None:
        if not items and not any(extra.values()):
            return
        from rpa.ledger.audit import record_audit

        detail: dict[str, Any] = {"count": len(items), "cutoff": cutoff.isoformat(), "items": items}
        detail.update({key: value for key, value in extra.items() if value})
        record_audit(self.engine, ACTOR, "retention.purge", kind, detail=detail)


def _vault(settings: Settings) -> Vault | None:
    """The vault, or None without a master key: files are still deleted, keys wait for the next
    purge (which finds them again: a key is erased for what is gone, not for what goes now)."""
    from rpa.evidence.keys import MissingKeyError
    from rpa.vault import vault_for

    try:
        return vault_for(settings)
    except MissingKeyError as exc:
        logger.error("retention: no master key, data keys not erased this time: {}", exc)
        return None


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


# -- screenshots (evidence days) and dossier keys -------------------------------------------------------


def _purge_evidence(root: Path, cutoff: date) -> list[Path]:
    deleted = []
    for folder in _day_folders(root):
        day = _date(*folder.relative_to(root).parts)
        if day is not None and day < cutoff:
            _record_erasures(root, folder)
            shutil.rmtree(folder)
            deleted.append(folder)
    months = {folder.parent for folder in deleted}
    for month in sorted(months):
        _remove_if_empty(month)
    for year in sorted({month.parent for month in months}):
        _remove_if_empty(year)
    return deleted


def _day_folders(root: Path) -> list[Path]:
    return sorted(f for f in root.glob(_DAY_FOLDERS) if f.is_dir() and not f.is_symlink())


def _record_erasures(root: Path, day_folder: Path) -> None:
    """Tell the evidence chain these attempts are erased on purpose, so verification does not take the
    purge for tampering (recorded first: a crash in between leaves folders marked erased, not lost)."""
    from rpa.evidence.chain import record_erasure

    for code in sorted(p for p in day_folder.iterdir() if p.is_dir()):
        attempts = [a.relative_to(root).as_posix() for a in code.iterdir() if a.is_dir()]
        record_erasure(root, code.name, attempts)


def _erase_dossier_keys(settings: Settings, vault: Vault, ledger: Ledger, cutoff: date) -> list[str]:
    """Erase the key of every dossier with no evidence left whose latest transfer is settled and has
    not changed since before ``cutoff``: a worker that will type it again, or a machine whose evidence
    this one does not see, never loses its key to a dossier merely finished today."""
    from rpa.evidence.opening import ERASABLE, attempt_folders
    from rpa.vault import dossier_scope

    settled_before = datetime.combine(cutoff, clock_time(), tzinfo=VN)
    erased = []
    for scope in vault.store.scopes(dossier_scope("")):
        code = scope.removeprefix(dossier_scope(""))
        if attempt_folders(settings.recordings_dir, code):
            continue
        latest = ledger.find(code)
        if latest is None or str(latest.state) not in ERASABLE or latest.updated_at >= settled_before:
            continue
        if vault.erase(scope, REASON):
            erased.append(scope)
    return erased


# -- traces ---------------------------------------------------------------------------------------------


def _purge_traces(root: Path, cutoff: date) -> list[Path]:
    """Delete the traces of kept evidence days before ``cutoff``, each dossier's recorded in the chain
    as erased files first."""
    from rpa.evidence.chain import record_file_erasure

    deleted = []
    for day_folder in _day_folders(root):
        day = _date(*day_folder.relative_to(root).parts)
        if day is None or day >= cutoff:
            continue
        for code in sorted(p for p in day_folder.iterdir() if p.is_dir()):
            traces = [t for attempt in sorted(code.iterdir()) for t in _traces_in(attempt)]
            if not traces:
                continue
            record_file_erasure(root, code.name, [t.relative_to(root).as_posix() for t in traces])
            for trace in traces:
                trace.unlink(missing_ok=True)
            deleted.extend(traces)
    return deleted


def _traces_in(attempt: Path) -> Iterator[Path]:
    if attempt.is_dir() and not attempt.is_symlink():
        yield from (attempt / name for name in _TRACES if (attempt / name).is_file())


# -- reports --------------------------------------------------------------------------------------------


def _erase_report_keys(vault: Vault, cutoff: date) -> list[str]:
    """Erase the keys of the report days before ``cutoff`` (before the files: a crash in between
    leaves files nobody can open, deleted next time)."""
    erased = []
    for scope in vault.store.scopes("report:"):
        found = _DAY_IN_NAME.fullmatch(scope.removeprefix("report:"))
        day = _date(*found.groups()) if found else None
        if day is not None and day < cutoff and vault.erase(scope, REASON):
            erased.append(scope)
    return erased


def _purge_reports(root: Path, cutoff: date) -> list[Path]:
    """Delete the report files (sealed, or clear from before sealing) dated before ``cutoff``."""
    deleted = []
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        found = _DAY_IN_NAME.search(path.name)
        day = _date(*found.groups()) if found else None
        if path.is_file() and day is not None and day < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


# -- kinds aged by their last change: logs, sessions, bundles, attachments -------------------------------


def _aged_kinds(settings: Settings) -> list[tuple[str, list[Path]]]:
    """(kind, candidates) of the kinds whose age is their last change."""
    from rpa.portal.session import browser_settings

    return [
        ("logs", _rotated_logs(settings.log_file)),
        ("sessions", _files(browser_settings(settings).state_dir, _SESSION_FILES)),
        ("bundles", _entries(settings.work_dir / "exports")),
        ("attachments", [p for p in _entries(settings.work_dir / "attachments") if p.is_dir()]),
    ]


def _rotated_logs(log_file: Path | None) -> list[Path]:
    """The files loguru renamed ``log_file`` to at its rotations: ``rpa.jsonl`` became
    ``rpa.2025-07-01_02-30-00_000000.jsonl`` (``.2`` before the suffix when the name was taken)."""
    if log_file is None or not log_file.parent.is_dir():
        return []
    rotated = re.compile(
        re.escape(log_file.stem)
        + r"\.\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_\d{6}(\.\d+)?"
        + re.escape(log_file.suffix)
    )
    return [p for p in sorted(log_file.parent.iterdir()) if p.is_file() and rotated.fullmatch(p.name)]


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        {p for pattern in patterns for p in root.glob(pattern) if p.is_file() and not p.is_symlink()}
    )


def _entries(root: Path) -> list[Path]:
    return sorted(root.iterdir()) if root.is_dir() else []


def _delete_older(paths: list[Path], before: float) -> list[Path]:
    """Delete the files and folders of ``paths`` last changed before the time ``before``."""
    deleted = []
    for path in paths:
        try:
            if path.lstat().st_mtime >= before:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except FileNotFoundError:  # deleted meanwhile (another purge, loguru's own clean-up)
            continue
        deleted.append(path)
    return deleted


def _purge_older(root: Path, before: float) -> list[Path]:
    """Delete the folders directly under ``root`` last changed before the time ``before``."""
    return _delete_older([p for p in _entries(root) if p.is_dir()], before)


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 2025/13/40: not a folder the evidence store made; leave it
        return None


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: keep it
        folder.rmdir()
