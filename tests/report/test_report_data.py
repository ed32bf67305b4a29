"""The report's statistics and day boundaries, as the sheets explain them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from report_scenario import M_REASON, REPORT_DAY, F, H, M, vn

from flows.judicial_record import FLOW
from rpa.ledger import Event, TransferState
from rpa.report.data import build_report, day_bounds, median, p95, procedure_names, read_ledger, vn_number

S = TransferState


def test_p95_is_the_nearest_rank_value_that_really_occurred() -> None:
    assert p95([float(n) for n in range(1, 21)]) == 19.0
    assert p95([float(n) for n in range(1, 101)]) == 95.0
    assert p95([40.0, 10.0, 20.0]) == 40.0
    assert p95([7.5]) == 7.5
    assert p95([]) is None


def test_median_averages_the_two_middle_values() -> None:
    assert median([10.0, 60.0, 30.0, 20.0]) == 25.0
    assert median([]) is None


def test_a_report_day_is_a_vietnam_day() -> None:
    start, end = day_bounds(date(2025, 7, 2))
    assert start.astimezone(UTC) == datetime(2025, 7, 1, 17, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2025, 7, 2, 17, 0, tzinfo=UTC)


def test_the_worker_flow_has_its_vietnamese_procedure_name() -> None:
    assert procedure_names()[FLOW] == "Cấp Phiếu lý lịch tư pháp"


def test_numbers_are_written_the_vietnamese_way() -> None:
    assert vn_number(0.8) == "0,8"
    assert vn_number(15.0) == "15"
    assert vn_number(1234.56) == "1.234,6"
    assert vn_number(0.0) == "0"


def test_facts_recorded_without_a_state_change_are_neither_failures_nor_new_waits(ledger_url: str) -> None:
    """Status sync appends same-state events (a ministry status, a supplement request) to the trail."""
    until = day_bounds(REPORT_DAY)[1]
    transfers, events = read_ledger(ledger_url, until)
    ids = {t.dossier_code: t.id for t in transfers}
    recorded = [
        Event(10_001, ids[M], vn(2, 9), S.FAILED_BUSINESS, S.FAILED_BUSINESS, "system", "đã báo cán bộ", ()),
        Event(10_002, ids[F], vn(2, 12), S.WAITING_HUMAN, S.WAITING_HUMAN, "system", "nhắc lần 2", ()),
    ]
    data = build_report(REPORT_DAY, transfers, [*events, *recorded], minutes_per_dossier=12, now=until)
    assert [(f.dossier_code, f.reason) for f in data.failures if f.dossier_code == M] == [(M, M_REASON)]
    assert data.total.failed_business_today == 1
    (waiting,) = data.waiting
    assert (waiting.dossier_code, waiting.since, waiting.reason) == (F, vn(2, 11, 5), "nhắc lần 2")


def test_a_dossier_waiting_for_a_supplement_or_done_at_the_ministry_is_not_overdue(ledger_url: str) -> None:
    """The legal clock stops while the citizen owes papers (5) and once the ministry is done (9, 10)."""
    until = day_bounds(REPORT_DAY)[1]
    transfers, events = read_ledger(ledger_url, until)
    late = [t for t in transfers if t.dossier_code == H]
    assert late and late[0].due_on is not None and late[0].due_on < REPORT_DAY
    for status, overdue in [(None, True), (4, True), (5, False), (9, False), (10, False)]:
        changed = [
            dataclasses.replace(t, national_status=status) if t.dossier_code == H else t for t in transfers
        ]
        data = build_report(REPORT_DAY, changed, events, minutes_per_dossier=12, now=until)
        assert (H in [o.dossier_code for o in data.overdue]) is overdue, status
