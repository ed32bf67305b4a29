"""A transfer parked for a clerk's review (ambiguous or fruitless look-up) is counted and listed."""

from __future__ import annotations

from pathlib import Path

from report_scenario import REPORT_DAY, HandClock, vn

from rpa.ledger import STATE_LABELS, Ledger, TransferState
from rpa.report.data import build_report, day_bounds, read_ledger
from rpa.report.workbook import build_workbook

S = TransferState
FLOW = "judicial_record"
CODE = "000.00.51.H55-250702-0042"
REASON = "Tra cứu thấy 2 hồ sơ trên cổng có thể là hồ sơ này; cần cán bộ đối chiếu"
HEADER_ROW = 3


def test_a_transfer_awaiting_review_is_counted_and_on_the_waiting_sheet(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    clock = HandClock(now=vn(2, 9))
    with Ledger(url, clock=clock) as ledger:
        transfer = ledger.enqueue(CODE, FLOW, actor="scheduler")
        assert ledger.claim("w1", lease_s=7200) is not None
        for state in (S.SUBMITTING, S.UNCERTAIN):
            ledger.transition(transfer.id, state, actor="worker:w1", worker_id="w1")
        clock.now = vn(2, 10)
        ledger.transition(transfer.id, S.NEEDS_REVIEW, actor="worker:w1", worker_id="w1", reason=REASON)
    until = day_bounds(REPORT_DAY)[1]
    transfers, events = read_ledger(url, until)
    data = build_report(REPORT_DAY, transfers, events, minutes_per_dossier=12, now=until)

    assert data.total.states[S.NEEDS_REVIEW] == 1
    (waiting,) = data.waiting
    assert (waiting.dossier_code, waiting.since, waiting.reason, waiting.state) == (
        CODE,
        vn(2, 10),
        REASON,
        S.NEEDS_REVIEW,
    )

    workbook = build_workbook(data)
    summary = [
        row
        for row in workbook["Tổng hợp"].iter_rows(values_only=True)
        if row[1] == STATE_LABELS[S.NEEDS_REVIEW]
    ]
    assert len(summary) == 1 and 1 in summary[0]
    sheet = workbook["Chờ người xử lý"]
    headings = [cell.value for cell in sheet[HEADER_ROW]]
    (row,) = [
        dict(zip(headings, values, strict=True))
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]
    assert (row["Mã hồ sơ"], row["Việc cần làm"], row["Lý do"]) == (
        CODE,
        STATE_LABELS[S.NEEDS_REVIEW],
        REASON,
    )
