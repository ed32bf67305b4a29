"""The daily report as a supervisor opens it: the right figures in the right cells, and a usable layout."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from report_scenario import (
    D_REASONS,
    E_FIRST_ERROR,
    E_SECOND_ERROR,
    F_REASON,
    M_REASON,
    OTHER_FLOW,
    REPORT_DAY,
    B,
    D,
    E,
    F,
    H,
    M,
    N,
)

from rpa.config import Settings
from rpa.report.workbook import open_report, report_path, write_daily_report
from rpa.vault import MAGIC, SealedDataError

SHEETS = ["Tổng hợp", "Lỗi", "Chờ người xử lý", "Quá hạn", "Theo ngày"]
HEADER_ROW = 3
JUDICIAL = "Cấp Phiếu lý lịch tư pháp"


@pytest.fixture
def report(settings: Settings) -> Workbook:
    write_daily_report(settings, REPORT_DAY)
    return load_workbook(io.BytesIO(open_report(settings, REPORT_DAY)))


def table(ws: Worksheet) -> list[dict[str, Any]]:
    """The data rows under the header row, as dicts keyed by heading."""
    headings = [cell.value for cell in ws[HEADER_ROW]]
    rows = ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    return [dict(zip(headings, row, strict=True)) for row in rows]


def summary(report: Workbook) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["Nhóm"], row["Chỉ số"]): row for row in table(report["Tổng hợp"])}


def test_the_report_has_one_sheet_per_topic_in_order(report: Workbook) -> None:
    assert report.sheetnames == SHEETS


def test_state_counts_are_those_at_the_end_of_the_vietnam_day(report: Workbook) -> None:
    rows = summary(report)
    expected = {
        "Chờ chuyển": 1,  # G (J is queued only on 03/07)
        "Đang điền biểu mẫu": 0,
        "Đang nộp": 0,
        "Chưa rõ đã nộp (chờ tra cứu)": 0,
        "Đã nộp, chưa cập nhật về một cửa": 2,  # B, and K written back only the next day
        "Đã cập nhật về một cửa": 2,  # A, H
        "Đã có kết quả": 2,  # C, N
        "Chờ người xử lý": 1,  # F
        "Lỗi nghiệp vụ": 2,  # D, M
        "Lỗi hệ thống": 1,  # E
        "Tổng số hồ sơ": 11,
    }
    assert {label: rows["Cuối ngày", label][JUDICIAL] for label in expected} == expected
    assert rows["Cuối ngày", "Chờ chuyển"][OTHER_FLOW] == 1
    assert rows["Cuối ngày", "Chờ chuyển"]["Tất cả thủ tục"] == 2
    assert rows["Cuối ngày", "Tổng số hồ sơ"]["Tất cả thủ tục"] == 12


def test_the_days_figures_median_p95_and_hours_saved(report: Workbook) -> None:
    rows = summary(report)
    day = {label: row[JUDICIAL] for (group, label), row in rows.items() if group == "Trong ngày"}
    assert day["Vào hàng đợi"] == 7  # A B K D E F G; C was queued at 23:30 the day before
    assert day["Đã nộp sang Bộ"] == 4  # A B C K: 10, 30, 60, 20 minutes
    assert day["Thời gian chuyển: trung vị (phút)"] == pytest.approx(25.0)
    assert day["Thời gian chuyển: phân vị 95 (phút)"] == pytest.approx(60.0)
    assert day["Lần chuyển lỗi nghiệp vụ"] == 1
    assert day["Lần chuyển lỗi hệ thống"] == 2
    assert day["Giờ công tiết kiệm (ước tính)"] == pytest.approx(4 * 12 / 60)
    assert rows["Lũy kế", "Giờ công tiết kiệm (ước tính)"][JUDICIAL] == pytest.approx(6 * 12 / 60)
    assert rows["Trong ngày", "Vào hàng đợi"]["Tất cả thủ tục"] == 8
    assert rows["Trong ngày", "Thời gian chuyển: trung vị (phút)"][OTHER_FLOW] is None
    explained = rows["Trong ngày", "Thời gian chuyển: trung vị (phút)"]["Cách tính"]
    assert "Từ lúc hồ sơ vào hàng đợi của bot đến lúc cổng của Bộ nhận hồ sơ" in explained
    assert "× 12 phút" in rows["Trong ngày", "Giờ công tiết kiệm (ước tính)"]["Cách tính"]


def test_every_failure_of_the_day_and_every_unresolved_one_with_its_reason(report: Workbook) -> None:
    found = [
        (row["Thời điểm"], row["Mã hồ sơ"], row["Loại lỗi"], row["Lý do"], row["Số lần thử"],
         row["Trạng thái cuối ngày"])
        for row in table(report["Lỗi"])
    ]  # fmt: skip
    assert found == [
        (datetime(2025, 6, 30, 14, 5), M, "Lỗi nghiệp vụ", M_REASON, 1, "Lỗi nghiệp vụ"),
        (datetime(2025, 7, 2, 10, 2), E, "Lỗi hệ thống", E_FIRST_ERROR, 1, "Lỗi hệ thống"),
        (datetime(2025, 7, 2, 10, 5), D, "Lỗi nghiệp vụ", "; ".join(D_REASONS), 1, "Lỗi nghiệp vụ"),
        (datetime(2025, 7, 2, 10, 10), E, "Lỗi hệ thống", E_SECOND_ERROR, 2, "Lỗi hệ thống"),
    ]
    assert {row["Thủ tục"] for row in table(report["Lỗi"])} == {JUDICIAL}
    assert report["Lỗi"]["A4"].number_format == "dd/mm/yyyy hh:mm"


def test_dossiers_waiting_for_a_person_with_the_reason_of_the_last_event(report: Workbook) -> None:
    (row,) = table(report["Chờ người xử lý"])
    assert (row["Mã hồ sơ"], row["Thủ tục"], row["Chờ từ"]) == (F, JUDICIAL, datetime(2025, 7, 2, 11, 5))
    assert row["Lý do"] == F_REASON
    assert row["Số giờ đã chờ"] == pytest.approx(12 + 55 / 60)  # until the end of the day
    assert row["Số lần thử"] == 1


def test_overdue_means_due_before_the_report_day_and_not_finished(report: Workbook) -> None:
    rows = table(report["Quá hạn"])
    assert [row["Mã hồ sơ"] for row in rows] == [H]  # not B (due on the day), not N (finished)
    (row,) = rows
    assert row["Hạn trả kết quả"] == datetime(2025, 6, 30)
    assert row["Số ngày quá hạn"] == 2
    assert row["Trạng thái cuối ngày"] == "Đã cập nhật về một cửa"
    assert row["Trạng thái tại Bộ"] == "Đang xử lý"
    assert row["Mã hồ sơ tại Bộ"] == f"LLTP-{H[-11:]}"
    assert report["Quá hạn"]["C4"].number_format == "dd/mm/yyyy"
    assert {B, N}.isdisjoint(row["Mã hồ sơ"] for row in rows)


def test_daily_volume_covers_thirty_vietnam_days_with_a_chart(report: Workbook) -> None:
    ws = report["Theo ngày"]
    rows = {row["Ngày"].date(): row for row in table(ws)}
    assert list(rows) == [date(2025, 6, 3 + n) for n in range(28)] + [date(2025, 7, 1), date(2025, 7, 2)]
    assert (rows[REPORT_DAY]["Vào hàng đợi"], rows[REPORT_DAY]["Đã nộp sang Bộ"]) == (8, 4)
    assert rows[date(2025, 7, 1)]["Vào hàng đợi"] == 1  # C, queued at 23:30 Vietnam time (16:30 UTC)
    assert rows[date(2025, 6, 20)]["Đã nộp sang Bộ"] == 1
    assert rows[date(2025, 6, 20)]["Thời gian chuyển trung vị (phút)"] == pytest.approx(15.0)
    assert rows[date(2025, 6, 30)]["Lần lỗi nghiệp vụ"] == 1
    assert rows[date(2025, 6, 18)]["Giờ công tiết kiệm (ước tính)"] == pytest.approx(0.2)
    assert sum(row["Đã nộp sang Bộ"] for row in rows.values()) == 6
    assert ws["A4"].number_format == "dd/mm/yyyy"
    (chart,) = ws._charts
    assert chart.tagname == "barChart"
    assert len(chart.series) == 2


def test_every_sheet_has_a_title_a_frozen_header_and_an_auto_filter(report: Workbook) -> None:
    for name in SHEETS:
        ws = report[name]
        assert ws["A1"].value and ws["A1"].font.bold, name
        assert "02/07/2025" in ws["A1"].value, name
        assert ws.freeze_panes == ("C4" if name == "Tổng hợp" else "A4"), name
        width = ws.max_column
        last_row = HEADER_ROW + len(table(ws))
        assert ws.auto_filter.ref == f"A3:{chr(ord('A') + width - 1)}{last_row}", name
        assert all(ws.column_dimensions[chr(ord("A") + i)].width >= 10 for i in range(width)), name
    assert report["Lỗi"].column_dimensions["E"].width <= 62  # long reasons wrap instead


def test_a_day_without_activity_still_gives_a_complete_report(settings: Settings, tmp_path: Path) -> None:
    path = write_daily_report(settings, date(2025, 5, 1))
    assert path == settings.reports_dir / "bao-cao-2025-05-01.xlsx.enc"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    report = load_workbook(io.BytesIO(open_report(settings, date(2025, 5, 1))))
    assert report.sheetnames == SHEETS
    assert summary(report)["Cuối ngày", "Tổng số hồ sơ"][JUDICIAL] == 0
    assert table(report["Lỗi"]) == [] and report["Lỗi"].auto_filter.ref == "A3:G3"
    assert path.stat().st_mode & 0o077 == 0
    assert table(report["Quá hạn"]) == [] and table(report["Chờ người xử lý"]) == []


def test_the_stored_report_is_sealed_and_bound_to_its_day(settings: Settings) -> None:
    path = write_daily_report(settings, REPORT_DAY)
    sealed = path.read_bytes()
    assert not sealed.startswith(b"PK") and sealed.startswith(MAGIC)  # no clear .xlsx (a zip) on disk
    assert not list(settings.reports_dir.glob("*.xlsx"))
    opened = load_workbook(io.BytesIO(open_report(settings, REPORT_DAY)))
    assert opened["Lỗi"].cell(HEADER_ROW + 1, 5).value is not None
    other_day = date(2025, 7, 3)
    other = write_daily_report(settings, other_day)
    path.replace(other)  # a report passed off as another day's does not open
    assert other == report_path(settings, other_day)
    with pytest.raises(SealedDataError):
        open_report(settings, other_day)
