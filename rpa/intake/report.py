"""What an import tells: a copy of the workbook with a comment on each bad cell, one JSON object,
or a Vietnamese summary for the clerk."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment

from rpa.intake.importer import ImportReport, RowOutcome

__all__ = ["ANNOTATED_SUFFIX", "STATUS_LABELS", "annotate", "as_json", "summary"]

ANNOTATED_SUFFIX = ".loi.xlsx"
STATUS_LABELS = {
    "new": "đã đưa vào hàng chờ",
    "known": "đã có từ trước, không thêm",
    "updated": "đã cập nhật nội dung sửa (bot chưa chuyển)",
    "refused": "bị từ chối, chưa đưa vào hàng chờ",
    "skipped": "bỏ qua (không ở trạng thái “Được tiếp nhận”)",
}


def annotate(report: ImportReport, dest_dir: Path | None = None) -> Path | None:
    """Save a copy of the workbook with a Vietnamese comment on every cell of a flawed row that is
    wrong (``<name>.loi.xlsx`` in ``dest_dir``, default beside it); None when no row is flawed."""
    flawed = [row for row in report.rows if row.problems]
    if not flawed:
        return None
    workbook = load_workbook(report.path)
    notes: dict[tuple[str, str], list[str]] = {}
    for outcome in flawed:
        for issue in outcome.problems:
            key = (outcome.row.sheet, f"{issue.column.letter}{outcome.row.number}")
            notes.setdefault(key, []).append(issue.message)
    for (sheet, cell), messages in notes.items():
        comment = Comment("\n".join(dict.fromkeys(messages)), "motcua-rpa")
        comment.width, comment.height = 320, 40 + 30 * len(messages)
        workbook[sheet][cell].comment = comment
    dest = (dest_dir or report.path.parent) / (report.path.name.removesuffix(".xlsx") + ANNOTATED_SUFFIX)
    workbook.save(dest)
    report.annotated = dest
    return dest


def _row(outcome: RowOutcome) -> dict[str, Any]:
    row = outcome.row
    return {
        "sheet": row.sheet,
        "row": row.number,
        "code": outcome.code,
        "procedure": outcome.procedure,
        "status": outcome.status,
        "transfer_id": outcome.transfer_id,
        "problems": [
            {
                "cell": f"{i.column.letter}{row.number}",
                "column": i.column.header,
                "field": i.column.path,
                "message": i.message,
            }
            for i in outcome.problems
        ],
        "converted": [
            {"cell": f"{c.letter}{row.number}", "encoding": v.encoding, "from": v.before, "to": v.after}
            for c, v in row.converted
        ],
    }


def as_json(report: ImportReport) -> dict[str, Any]:
    counts = Counter(outcome.status for outcome in report.rows)
    return {
        "file": str(report.path),
        "sheets": report.sheets,
        "counts": {status: counts.get(status, 0) for status in STATUS_LABELS},
        "flawed": sum(outcome.flawed for outcome in report.rows),
        "annotated": None if report.annotated is None else str(report.annotated),
        "rows": [_row(outcome) for outcome in report.rows],
    }


def summary(report: ImportReport) -> str:
    """The clerk's summary: counts, then each flawed row with the cells to fix."""
    counts = Counter(outcome.status for outcome in report.rows)
    lines = [f"Nhập {report.path.name}: {len(report.rows)} hồ sơ."]
    lines += [f"  {counts[status]} {label}" for status, label in STATUS_LABELS.items() if counts[status]]
    for outcome in report.rows:
        converted = outcome.row.converted
        if converted:
            cells = ", ".join(f"{c.letter}{outcome.row.number} ({v.encoding})" for c, v in converted)
            lines.append(
                f"Trang {outcome.row.sheet}, dòng {outcome.row.number}: đã chuyển sang Unicode ô {cells}"
            )
        if not outcome.problems:
            continue
        what = "bị từ chối" if outcome.status == "refused" else "có lỗi, bot sẽ chuyển cho cán bộ"
        lines.append(
            f"Trang {outcome.row.sheet}, dòng {outcome.row.number} ({outcome.code or 'không rõ mã'}) {what}:"
        )
        for issue in outcome.problems:
            lines.append(
                f"  - ô {issue.column.letter}{outcome.row.number} ({issue.column.header}): {issue.message}"
            )
    if report.annotated is not None:
        lines.append(f"Bản sao có ghi chú ở từng ô lỗi: {report.annotated}")
    return "\n".join(lines)
