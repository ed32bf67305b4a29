"""`rpa report` as an operator's script or the scheduler's shell runs it."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from report_scenario import MINUTES_PER_DOSSIER

from rpa.config import load_settings, write_config
from rpa.ledger import Ledger
from rpa.ledger.audit import read_audit
from rpa.report.workbook import open_report

RPA = [sys.executable, "-m", "rpa"]
SUMMARY = (
    "Ngày 02/07/2025: 4 hồ sơ đã nộp sang Bộ, 3 lần chuyển lỗi, 1 hồ sơ chờ người xử lý, "
    "1 hồ sơ quá hạn; tiết kiệm khoảng 0,8 giờ công."
)


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RPA, "report", *arguments], capture_output=True, text=True, timeout=60)


def _config(tmp_path: Path, ledger_url: str) -> Path:
    path = tmp_path / "rpa.toml"
    write_config(
        path,
        {
            "provincial": {"base_url": "http://127.0.0.1:9", "account": {"username": "bot", "password": "x"}},
            "ledger_url": ledger_url,
            "reports_dir": str(tmp_path / "reports"),
            "manual_minutes_per_dossier": MINUTES_PER_DOSSIER,
        },
    )
    return path


def test_report_writes_the_file_and_prints_its_path_and_a_vietnamese_summary(
    tmp_path: Path, ledger_url: str
) -> None:
    out = tmp_path / "bao-cao" / "hom-nay.xlsx"
    done = _run("--date", "02/07/2025", "--out", str(out), "--config", str(_config(tmp_path, ledger_url)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(out), SUMMARY]
    report = load_workbook(out)  # the person's opened copy
    assert report["Tổng hợp"]["A1"].value.endswith("NGÀY 02/07/2025")
    assert report["Chờ người xử lý"].max_row == 4  # title, note, header, one dossier
    assert out.stat().st_mode & 0o077 == 0
    opened = read_audit(Ledger(ledger_url).engine, action="report.open", target="report:2025-07-02")
    assert opened and opened[0].detail == {"out": str(out)} and opened[0].actor.startswith("cli:")
    # the stored report is sealed beside it, and opens to the same sheets
    settings = load_settings(_config(tmp_path, ledger_url))
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["bao-cao-2025-07-02.xlsx.enc"]
    stored = load_workbook(io.BytesIO(open_report(settings, date(2025, 7, 2))))
    assert stored.sheetnames == report.sheetnames


def test_report_without_out_prints_the_sealed_file(tmp_path: Path, ledger_url: str) -> None:
    done = _run("--date", "2025-07-02", "--config", str(_config(tmp_path, ledger_url)))
    assert done.returncode == 0, done.stderr
    sealed = tmp_path / "reports" / "bao-cao-2025-07-02.xlsx.enc"
    assert done.stdout.splitlines() == [str(sealed), SUMMARY]
    assert not sealed.read_bytes().startswith(b"PK")


def test_a_bad_date_is_refused_clearly_and_writes_nothing(tmp_path: Path, ledger_url: str) -> None:
    done = _run("--date", "31/02/2025", "--config", str(_config(tmp_path, ledger_url)))
    assert done.returncode == 2
    assert "ngày không hợp lệ / invalid date" in done.stderr
    assert "31/02/2025" in done.stderr
    assert not (tmp_path / "reports").exists()
