"""The watched folder through the scheduler's job: each workbook imported, then moved aside."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rpa.config import Settings
from rpa.ledger import Ledger
from rpa.operations import jobs
from rpa.operations.scheduler import job_specs
from rpa.operations.stopping import StopLatch

if TYPE_CHECKING:
    from conftest import Sandbox


def test_the_scheduler_job_imports_each_workbook_and_moves_it(
    served: Sandbox, settings: Settings, tmp_path: Path
) -> None:
    watch = tmp_path / "watch"
    shutil.copytree(served.export, watch)
    good = watch / "danh-sach-ho-so.xlsx"
    broken = watch / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    settings = settings.model_copy(update={"intake": settings.intake.model_copy(update={"watch_dir": watch})})
    assert "intake" in [spec.id for spec in job_specs(settings)]
    for path in (good, broken):  # copied in a while ago: no longer being written
        os.utime(path, (time.time() - 60, time.time() - 60))
    jobs.bind(jobs.JobContext(settings, StopLatch()))
    try:
        jobs.import_workbooks()
    finally:
        jobs.bind(None)
    assert not good.exists() and not broken.exists()
    assert (watch / "refused" / "hong.xlsx").exists()
    moved = [*(watch / "imported").glob("*.xlsx"), *(watch / "refused").glob("danh-sach-ho-so*.xlsx")]
    assert moved, list(watch.rglob("*.xlsx"))
    with Ledger(settings.ledger_url) as ledger:
        assert len(ledger.list(limit=10_000)) > 0
