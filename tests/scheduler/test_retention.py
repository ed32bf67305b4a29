"""Retention: each kind of data older than its period goes, the rest and foreign files stay; keys of
what is gone are erased; every kind purged is one audit entry."""

from __future__ import annotations

import io
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rpa.config import Settings
from rpa.evidence.chain import record_attempt
from rpa.evidence.core import MANIFEST, file_sha256, verify
from rpa.ledger import Ledger, TransferState, worker
from rpa.ledger.audit import read_audit
from rpa.operations.retention import STALE_ATTACHMENTS_S, purge
from rpa.report.data import VN, gather
from rpa.report.workbook import build_workbook, open_report, report_bytes, seal_report, write_daily_report
from rpa.vault import ErasedKey, dossier_scope, evidence_aad, vault_for

TODAY = date(2025, 7, 10)
DAY_S = 86_400.0
FLOW = "judicial_record"
APPLICANT = "Nguyễn Thị Hoà"


def _settings(tmp_path: Path, days: int | None = None, **retention: int) -> Settings:
    account = {"username": "u", "password": "p"}
    chosen: dict[str, Any] = {} if days is None else {"evidence_retention_days": days}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "recordings_dir": str(tmp_path / "recordings"),
            "reports_dir": str(tmp_path / "reports"),
            "work_dir": str(tmp_path / "work"),
            "log_file": str(tmp_path / "logs" / "rpa.jsonl"),
            "retention": retention,
            **chosen,
        }
    )


def _evidence(root: Path, day: str, code: str = "000.00.01.H55-250701-0001") -> Path:
    folder = root / day / code / "1"
    folder.mkdir(parents=True)
    (folder / "01-a-applicant.png").write_bytes(b"png")
    return folder


def test_evidence_and_reports_older_than_the_period_are_deleted(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=10, reports=10)
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


# -- each kind at its own period ----------------------------------------------------------------------


def _age(path: Path, days: float) -> Path:
    moment = time.time() - days * DAY_S
    os.utime(path, (moment, moment))
    return path


def _file(path: Path, days_old: float, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return _age(path, days_old)


def _chained_attempt(root: Path, day: str, code: str) -> Path:
    """An attempt folder with a screenshot and a trace, its manifest chained as the worker does."""
    folder = root / day / code / "1"
    folder.mkdir(parents=True)
    (folder / "01-form.png.enc").write_bytes(b"sealed screenshot")
    (folder / "trace.zip.enc").write_bytes(b"sealed trace")
    files = [
        {"name": p.name, "sha256": file_sha256(p), "size": p.stat().st_size} for p in sorted(folder.iterdir())
    ]
    (folder / MANIFEST).write_text(json.dumps({"files": files, "finished": "2025-07-01T00:00:00+00:00"}))
    record_attempt(root, folder, code, 1)
    return folder


def test_each_kind_goes_at_its_own_period_and_is_audited_once(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, screenshots=10, traces=5, reports=20, logs=3, sessions=2, bundles=4, attachments=2
    )
    root, work = settings.recordings_dir, settings.work_dir
    code = "000.00.01.H55-250701-0001"
    gone_day = _chained_attempt(root, "2025/06/29", code)  # before the screenshots' cutoff (30/06)
    old_trace = _chained_attempt(root, "2025/07/04", code.replace("0001", "0002"))  # traces' cutoff: 05/07
    new_trace = _chained_attempt(root, "2025/07/05", code.replace("0001", "0003"))
    vault = vault_for(settings)
    for day in ("2025-06-19", "2025-06-20"):  # reports' cutoff: 20/06
        seal_report(settings, date.fromisoformat(day), f"report {day}".encode(), vault)
    logs = settings.log_file
    assert logs is not None
    current = _file(logs, 9)  # the live file is never the purge's: loguru rotates it
    rotated = [
        _file(logs.with_name(f"rpa.2025-07-0{d}_02-30-00_000000.jsonl"), age) for d, age in ((5, 4), (8, 2))
    ]
    foreign = _file(logs.with_name("notes.jsonl"), 30)
    sessions = [
        _file(work / "browser-state" / name, age)
        for name, age in (("moj-bot.json", 3), ("moj-bot-2.json", 1))
    ]
    bundles = [_file(work / "exports" / name, age) for name, age in (("a.zip", 5), ("b.zip", 3))]
    attachments = [
        _age(_file(work / "attachments" / n / "cccd.png", age).parent, age) for n, age in (("7", 3), ("8", 1))
    ]

    purged = purge(settings, TODAY)

    assert purged.evidence_days == [root / "2025/06/29"] and not gone_day.exists()
    assert purged.traces == [old_trace / "trace.zip.enc"]
    assert not (old_trace / "trace.zip.enc").exists() and (old_trace / "01-form.png.enc").exists()
    assert (new_trace / "trace.zip.enc").exists()
    assert [p.name for p in purged.reports] == ["bao-cao-2025-06-19.xlsx.enc"]
    assert purged.report_keys == ["report:2025-06-19"]
    assert open_report(settings, date(2025, 6, 20)) == b"report 2025-06-20"
    assert purged.logs == rotated[:1] and rotated[1].exists() and current.exists() and foreign.exists()
    assert purged.sessions == sessions[:1] and sessions[1].exists()
    assert purged.bundles == bundles[:1] and bundles[1].exists()
    assert purged.attachments == attachments[:1] and attachments[1].exists()

    # the chain knows the day and the trace were erased on purpose: the rest still verifies
    report = verify(root, None)
    assert report.findings == []
    assert f"2025/07/04/{code.replace('0001', '0002')}/1/trace.zip.enc" in report.erased
    assert f"2025/06/29/{code}/1" in report.erased
    assert sorted(report.verified) == sorted(f.relative_to(root).as_posix() for f in (old_trace, new_trace))

    entries = {e.target: e for e in read_audit(Ledger(settings.ledger_url).engine, action="retention.purge")}
    assert sorted(entries) == [
        "attachments",
        "bundles",
        "logs",
        "reports",
        "screenshots",
        "sessions",
        "traces",
    ]
    assert all(e.actor == "scheduler" and e.detail["count"] == 1 for e in entries.values())
    assert entries["screenshots"].detail["items"] == ["2025/06/29"]
    assert entries["screenshots"].detail["cutoff"] == "2025-06-30"
    assert entries["reports"].detail["items"] == ["bao-cao-2025-06-19.xlsx.enc"]
    assert entries["reports"].detail["keys_erased"] == ["report:2025-06-19"]
    assert entries["logs"].detail["items"] == [rotated[0].name]
    assert entries["sessions"].detail["items"] == ["moj-bot.json"]

    # a second purge finds nothing more and writes nothing
    again = purge(settings, TODAY)
    assert not (again.evidence_days or again.traces or again.reports or again.logs or again.sessions)
    assert len(read_audit(Ledger(settings.ledger_url).engine, action="retention.purge")) == len(entries)


def test_the_older_evidence_setting_still_sets_the_screenshots_period(tmp_path: Path) -> None:
    settings = _settings(tmp_path, days=3)
    kept = _evidence(settings.recordings_dir, "2025/07/07")
    gone = _evidence(settings.recordings_dir, "2025/07/06")
    assert purge(settings, TODAY).cutoff == date(2025, 7, 7)
    assert kept.exists() and not gone.exists()
    overridden = _settings(tmp_path, days=3, screenshots=1)
    assert purge(overridden, TODAY).cutoff == date(2025, 7, 9) and not kept.exists()


# -- dossiers' data keys -----------------------------------------------------------------------------


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _transfer(ledger: Ledger, clock: Clock, code: str, to: TransferState | None, when: datetime) -> None:
    """A transfer of ``code`` left in ``to`` (None: queued) at ``when``."""
    clock.now = when
    transfer = ledger.enqueue(code, FLOW, actor="scheduler")
    if to is not None:
        assert ledger.claim("host-1", lease_s=600, dossier_code=code) is not None
        reason = f"Họ tên {APPLICANT} không khớp với số CCCD"
        ledger.transition(
            transfer.id,
            to,
            actor=worker("host-1"),
            worker_id="host-1",
            reason=reason,
            business_reasons=[reason],
        )


def _sealed_evidence(settings: Settings, day: str, code: str) -> Path:
    folder = settings.recordings_dir / day / code / "1"
    folder.mkdir(parents=True)
    path = folder / "01-form.png.enc"
    return vault_for(settings).write(
        dossier_scope(code), path, b"screenshot of " + code.encode(), evidence_aad(code, 1, path.name)
    )


def _opens(settings: Settings, code: str, copy: Path) -> bytes:
    return vault_for(settings).read(dossier_scope(code), copy, evidence_aad(code, 1, "01-form.png.enc"))


@pytest.fixture
def dossiers(tmp_path: Path) -> Iterator[tuple[Settings, dict[str, Path]]]:
    """Four dossiers, each with one sealed screenshot and a copy of it kept aside (a backup)."""
    settings = _settings(tmp_path, screenshots=10)
    clock = Clock(datetime(2025, 6, 1, 3, tzinfo=UTC))
    ledger = Ledger(settings.ledger_url, clock=clock)
    codes = {
        "purged": ("2025/06/01", TransferState.FAILED_BUSINESS, datetime(2025, 6, 1, 3, tzinfo=UTC)),
        "kept": ("2025/07/05", TransferState.FAILED_BUSINESS, datetime(2025, 7, 5, 3, tzinfo=UTC)),
        "busy": ("2025/06/01", None, datetime(2025, 6, 1, 3, tzinfo=UTC)),
        # its evidence is gone, but its transfer changed after the cutoff: not settled long enough
        "recent": ("2025/06/01", TransferState.FAILED_BUSINESS, datetime(2025, 7, 1, 3, tzinfo=UTC)),
    }
    copies = {}
    for index, (name, (day, state, when)) in enumerate(codes.items(), 1):
        code = f"000.00.01.H55-250601-000{index}"
        _transfer(ledger, clock, code, state, when)
        copies[code] = tmp_path / "backup" / name
        copies[code].parent.mkdir(exist_ok=True)
        shutil.copy(_sealed_evidence(settings, day, code), copies[code])
    ledger.close()
    yield settings, copies


def test_a_dossier_left_with_no_evidence_loses_its_key_a_kept_or_busy_one_does_not(
    dossiers: tuple[Settings, dict[str, Path]],
) -> None:
    settings, copies = dossiers
    purged_code, kept_code, busy_code, recent_code = copies

    purged = purge(settings, TODAY)

    assert purged.dossier_keys == [dossier_scope(purged_code)]
    with pytest.raises(ErasedKey):
        _opens(settings, purged_code, copies[purged_code])  # the backup copy is unreadable too
    assert _opens(settings, kept_code, copies[kept_code]) == b"screenshot of " + kept_code.encode()
    assert _opens(settings, busy_code, copies[busy_code]).startswith(b"screenshot of")
    assert _opens(settings, recent_code, copies[recent_code]).startswith(b"screenshot of")
    entry = read_audit(Ledger(settings.ledger_url).engine, action="retention.purge", target="screenshots")[0]
    assert entry.detail["keys_erased"] == [dossier_scope(purged_code)]


def _cells(sheet: Worksheet) -> list[tuple[Any, ...]]:
    """The sheet's non-empty rows, dates as Excel reads them back (a date cell comes back a datetime)."""
    rows = [tuple(_as_read(c) for c in row) for row in sheet.iter_rows(values_only=True)]
    return [row for row in rows if any(c is not None for c in row)]


def _as_read(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


# -- reports --------------------------------------------------------------------------------------------


def test_reports_are_sealed_on_disk_and_their_key_goes_with_them(tmp_path: Path) -> None:
    settings = _settings(tmp_path, reports=30)
    clock = Clock(datetime(2025, 6, 2, 3, tzinfo=UTC))
    with Ledger(settings.ledger_url, clock=clock) as ledger:
        _transfer(ledger, clock, "000.00.01.H55-250602-0001", TransferState.FAILED_BUSINESS, clock.now)
    day = datetime(2025, 6, 2, 3, tzinfo=UTC).astimezone(VN).date()
    path = write_daily_report(settings, day)

    sealed = path.read_bytes()
    assert not sealed.startswith(b"PK") and APPLICANT.encode() not in sealed
    assert not list(settings.reports_dir.glob("*.xlsx"))
    opened = load_workbook(io.BytesIO(open_report(settings, day)))
    expected = build_workbook(gather(settings, day))
    for name in expected.sheetnames:
        skip = 2 if name == "Tổng hợp" else 0  # its note says when it was made
        assert _cells(opened[name])[skip:] == _cells(expected[name])[skip:], name
    assert any(APPLICANT in str(cell) for row in opened["Lỗi"].iter_rows(values_only=True) for cell in row)
    assert report_bytes(gather(settings, day))[:2] == b"PK"  # what the vault hides is an ordinary workbook

    copy = tmp_path / "backup.xlsx.enc"
    shutil.copy(path, copy)
    purged = purge(settings, day + timedelta(days=31))
    assert purged.reports == [path] and not path.exists()
    with pytest.raises(ErasedKey):
        vault_for(settings).read(f"report:{day.isoformat()}", copy, path.name.removesuffix(".enc"))
