"""`rpa report` as an operator's script or the scheduler's shell runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from report_scenario import MINUTES_PER_DOSSIER

from rpa.config import write_config

RPA = [sys.executable, "-m", "rpa"]
SUMMARY = (
    "Ngày 02/07/2025: 4 hồ sơ đã nộp sang Bộ, 3 lần chuyển lỗi, 1 hồ sơ chờ người xử lý, "
    "1 hồ sơ quá hạn; tiết kiệm khoảng 0,8 giờ công."
)


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
    command = [
        *RPA,
        "report",
        "--date",
        "02/07/2025",
        "--out",
        str(out),
        "--config",
        str(_config(tmp_path, ledger_url)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(out), SUMMARY]
    report = load_workbook(out)
    assert report["Tổng hợp"]["A1"].value.endswith("NGÀY 02/07/2025")
    assert report["Chờ người xử lý"].max_row == 4  # title, note, header, one dossier


def test_a_bad_date_is_refused_clearly_and_writes_nothing(tmp_path: Path, ledger_url: str) -> None:
    config = _config(tmp_path, ledger_url)
    done = subprocess.run(
        [*RPA, "report", "--date", "31/02/2025", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "ngày không hợp lệ / invalid date" in done.stderr
    assert "31/02/2025" in done.stderr
    assert not (tmp_path / "reports").exists()
