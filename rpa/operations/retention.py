"""Retention: personal data the bots keep is deleted once it is older than the agreed period.

The Personal Data Protection Law (91/2025/QH15) asks the operator to keep personal data no longer than
needed. Run daily by the scheduler (``ScheduleSettings.purge_at``), it deletes:

- evidence day folders ``<recordings_dir>/YYYY/MM/DD`` older than ``evidence_retention_days`` (then the
  month and year folders left empty);
- daily reports ``<reports_dir>/...YYYY-MM-DD...`` older than the same period: their failure sheets quote
  citizens' names and reasons, so they are personal data too, and a year of them (the default)
  covers the yearly statistics;
- attachment folders left in ``<work_dir>/attachments`` for more than a day: the worker deletes them
  after each dossier, so only a killed worker leaves one, and it holds identity-card scans;
- dossiers kept as imported from an Excel export (``<work_dir>/imported/<code>``) not imported again
  for the retention period.

The ledger is never purged: it holds no scan, and it is the audit trail. Its events keep the paths
of purged evidence, which then no longer exist.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from loguru import logger

from rpa.config import Settings

__all__ = ["STALE_ATTACHMENTS_S", "Purged", "purge"]

STALE_ATTACHMENTS_S = 86_400.0
"""An attachment folder untouched this long belongs to no running worker."""
_DAY_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Purged:
    """What one purge deleted."""

    cutoff: date  # everything dated before this day went
    evidence_days: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    attachments: list[Path] = field(default_factory=list)
    imported: list[Path] = field(default_factory=list)


def purge(settings: Settings, today: date) -> Purged:
    """Delete what is older than the retention period, counted back from ``today`` (Vietnam date).

    A retention below one day would delete the evidence of transfers in progress: nothing is deleted
    then, and the log says why.
    """
    days = settings.evidence_retention_days
    purged = Purged(today - timedelta(days=days))
    if days < 1:
        logger.error("evidence_retention_days is {}: refusing to purge anything", days)
        return purged
    purged.evidence_days = _purge_evidence(settings.recordings_dir, purged.cutoff)
    purged.reports = _purge_reports(settings.reports_dir, purged.cutoff)
    purged.attachments = _purge_attachments(settings.work_dir / "attachments", time.time())
    purged.imported = _purge_older(settings.work_dir / "imported", time.time() - days * 86_400.0)
    logger.info(
        "retention: kept from {}; deleted {} evidence days, {} reports, {} stale attachment folders, "
        "{} imported dossiers",
        purged.cutoff, len(purged.evidence_days), len(purged.reports), len(purged.attachments),
        len(purged.imported),
    )  # fmt: skip
    return purged


def _purge_evidence(root: Path, cutoff: date) -> list[Path]:
    deleted = []
    for folder in sorted(root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]")):
        day = _date(*folder.relative_to(root).parts)
        if folder.is_dir() and day is not None and day < cutoff:
            _record_erasures(root, folder)
            shutil.rmtree(folder)
            deleted.append(folder)
    months = {folder.parent for folder in deleted}
    for month in sorted(months):
        _remove_if_empty(month)
    for year in sorted({month.parent for month in months}):
        _remove_if_empty(year)
    return deleted


def _record_erasures(root: Path, day_folder: Path) -> None:
    """Tell the evidence chain these attempts are erased on purpose, so verification does not take the
    purge for tampering (recorded first: a crash in between leaves folders marked erased, not lost)."""
    from rpa.evidence.chain import record_erasure

    for code in sorted(p for p in day_folder.iterdir() if p.is_dir()):
        attempts = [a.relative_to(root).as_posix() for a in code.iterdir() if a.is_dir()]
        record_erasure(root, code.name, attempts)


def _purge_reports(root: Path, cutoff: date) -> list[Path]:
    deleted = []
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        found = _DAY_IN_NAME.search(path.name)
        day = _date(*found.groups()) if found else None
        if path.is_file() and day is not None and day < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


def _purge_attachments(root: Path, now: float) -> list[Path]:
    return _purge_older(root, now - STALE_ATTACHMENTS_S)


def _purge_older(root: Path, before: float) -> list[Path]:
    """Delete the folders directly under ``root`` last changed before the time ``before``."""
    deleted = []
    for folder in sorted(root.iterdir()) if root.is_dir() else ():
        if folder.is_dir() and folder.stat().st_mtime < before:
            shutil.rmtree(folder, ignore_errors=True)
            deleted.append(folder)
    return deleted


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:  # 2025/13/40: not a folder the evidence store made; leave it
        return None


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: keep it
        folder.rmdir()
