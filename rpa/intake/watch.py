"""The watched folder (``[intake] watch_dir``): each new workbook there is imported, then moved to
``imported/`` (every row queued, known or skipped) or ``refused/`` (some row refused or flawed, with
its annotated copy ``<name>.loi.xlsx``; a file that is no workbook of dossiers goes there too)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from loguru import logger

from rpa.config import Settings
from rpa.intake.importer import ImportReport, import_workbook
from rpa.intake.report import ANNOTATED_SUFFIX, annotate
from rpa.intake.workbook import UnreadableWorkbook
from rpa.ledger import Ledger

__all__ = ["IMPORTED", "REFUSED", "SETTLE_S", "Imported", "import_folder"]

IMPORTED, REFUSED = "imported", "refused"
SETTLE_S = 5.0
"""A workbook changed more recently than this may still be being copied in: it waits for the next run."""


@dataclass(frozen=True)
class Imported:
    """One workbook taken from the folder: where it went, and its report (None: unreadable)."""

    moved_to: Path
    report: ImportReport | None
    error: str | None = None


def _free(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / name
    if dest.exists():  # the same name imported before: keep both
        dest = folder / f"{Path(name).stem}-{datetime.now():%Y%m%d-%H%M%S-%f}{Path(name).suffix}"
    return dest


def _waiting(folder: Path, settle_s: float) -> list[Path]:
    now = time.time()
    return [
        path
        for path in sorted(folder.glob("*.xlsx"))
        if path.is_file()
        and not path.name.startswith("~$")  # Excel's lock file of an open workbook
        and not path.name.endswith(ANNOTATED_SUFFIX)
        and now - path.stat().st_mtime >= settle_s
    ]


def import_folder(
    settings: Settings, ledger: Ledger, *, actor: str, settle_s: float = SETTLE_S
) -> list[Imported]:
    """Import every workbook waiting in ``settings.intake.watch_dir`` (none when it is not set)."""
    folder = settings.intake.watch_dir
    if folder is None or not folder.is_dir():
        return []
    done: list[Imported] = []
    for path in _waiting(folder, settle_s):
        try:
            report = import_workbook(path, ledger, settings, actor=actor)
        except UnreadableWorkbook as exc:
            logger.warning("intake: {} refused: {}", path.name, exc)
            dest = _free(folder / REFUSED, path.name)
            done.append(Imported(path.rename(dest), None, str(exc)))
            continue
        dest = _free(folder / (IMPORTED if report.ok else REFUSED), path.name)
        annotate(report, dest.parent)
        path.rename(dest)
        report.path = dest
        done.append(Imported(dest, report))
        logger.info(
            "intake: {} imported, {} rows, moved to {}", path.name, len(report.rows), dest.parent.name
        )
    return done
