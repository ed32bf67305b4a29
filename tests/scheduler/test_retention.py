"""Retention: evidence days and reports older than the period go, the rest and foreign files stay."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from rpa.config import Settings
from rpa.operations.retention import STALE_ATTACHMENTS_S, purge

TODAY = date(2025, 7, 10)


def _settings(tmp_path: Path, days: int) -> Settings:
    account = {"username": "u", "password": "p"}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "recordings_dir": str(tmp_path / "recordings"),
            "reports_dir": str(tmp_path / "reports"),
            "work_dir": str(tmp_path / "work"),
            "evidence_retention_days": days,
        }
    )


def _evidence(root: Path, day: str, code: str = "000.00.01.H55-250701-0001") -> Path:
    folder = root / day / code / "1"
    folder.mkdir(parents=True)
    (folder / "01-a-applicant.png").write_bytes(b"png")
    return folder


def test_evidence_and_reports_older_than_the_period_are_deleted(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=10)
    root = settings.recordings_dir
    old = [_evidence(root, "2025/06/29"), _evidence(root, "2024/12/31")]
    kept = [_evidence(root, "2025/06/30"), _evidence(root, "2025/07/10")]  # the cutoff day itself stays
    (root / "README.md").parent.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text("evidence store")
    (root / "2025" / "13" / "40").mkdir(parents=True)  # not a day the store made: left alone
    reports = settings.reports_dir
    reports.mkdir()
    (reports / "bao-cao-2025-06-29.xlsx").write_bytes(b"x")
    (reports / "bao-cao-2025-06-30.xlsx").write_bytes(b"x")
    (reports / "notes.txt").write_text("no date, not ours to judge")

    purged = purge(settings, TODAY)

    assert purged.cutoff == date(2025, 6, 30)
    assert sorted(purged.evidence_days) == sorted(folder.parents[1] for folder in old)
    assert not any(folder.exists() for folder in old) and all(folder.exists() for folder in kept)
    assert not (root / "2024").exists()  # the year emptied by the purge goes too
    assert (root / "README.md").exists() and (root / "2025" / "13" / "40").exists()
    assert sorted(p.name for p in reports.iterdir()) == ["bao-cao-2025-06-30.xlsx", "notes.txt"]


def test_attachments_left_by_a_killed_worker_are_deleted_after_a_day(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=365)
    attachments = settings.work_dir / "attachments"
    stale, fresh = attachments / "17", attachments / "18"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "cccd.png").write_bytes(b"scan")
    long_ago = time.time() - STALE_ATTACHMENTS_S - 60
    os.utime(stale, (long_ago, long_ago))
    assert purge(settings, TODAY).attachments == [stale]
    assert not stale.exists() and fresh.exists()


def test_a_retention_below_one_day_deletes_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=0)
    today = _evidence(settings.recordings_dir, "2025/07/10")
    purged = purge(settings, TODAY)
    assert purged.evidence_days == [] and today.exists()


def test_dossiers_kept_from_an_excel_import_go_after_the_period(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=30)
    imported = settings.work_dir / "imported"
    old, recent = imported / "000.00.01.H55-250501-0001", imported / "000.00.01.H55-250705-0001"
    for folder in (old, recent):
        (folder / "files").mkdir(parents=True)
        (folder / "dossier.json").write_text("{}")
    long_ago = time.time() - 31 * 86_400
    os.utime(old, (long_ago, long_ago))
    assert purge(settings, TODAY).imported == [old]
    assert not old.exists() and recent.exists()
