"""The figures of the daily report, computed from the ledger's transfers and audit trail (no Excel here).

States are those at the end of the report day (a Vietnam day, Asia/Ho_Chi_Minh), replayed from the audit
trail, so a report for a past day shows that day as it was. Facts the ledger keeps only as current values
(due date, receipt code, ministry status, business reasons) are shown as they are now.

:func:`build_report` is pure: transfers and events in, a :class:`ReportData` out. :func:`gather` reads
them from the ledger first.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType

from rpa.clock import VN
from rpa.config import Settings
from rpa.ledger import Event, Ledger, Transfer, TransferState
from rpa.procedures import all_procedures
from rpa.status.deadlines import clock_running

__all__ = [
    "ALL_PROCEDURES",
    "HISTORY_DAYS",
    "VN",
    "DayVolume",
    "Failure",
    "Overdue",
    "ProcedureSummary",
    "ReportData",
    "Waiting",
    "build_report",
    "day_bounds",
    "first_attempt_by_day",
    "gather",
    "median",
    "p95",
    "procedure_names",
    "read_ledger",
    "summary_line",
    "vn_number",
]

S = TransferState
HISTORY_DAYS = 30
"""Days shown on the daily-volume sheet, the report day included."""
ALL_PROCEDURES = "Tất cả thủ tục"


def procedure_names() -> Mapping[str, str]:
    """Vietnamese name of each registered procedure, by its ledger name (unknown flows show their id)."""
    return MappingProxyType({p.name: p.title for p in all_procedures()})


FAILED = (S.FAILED_BUSINESS, S.FAILED_SYSTEM)
WAITING_FOR_A_PERSON = (S.WAITING_HUMAN, S.NEEDS_REVIEW)


@dataclass(frozen=True, slots=True)
class ProcedureSummary:
    """One procedure's figures (or every procedure's, with ``flow`` empty)."""

    flow: str
    name: str
    states: Mapping[TransferState, int]  # transfers in each state at the end of the day, every state listed
    queued_today: int
    submitted_today: int
    failed_business_today: int  # failure events, not dossiers: a dossier may fail twice
    failed_system_today: int
    median_minutes: float | None  # transfer time of the dossiers submitted that day
    p95_minutes: float | None
    hours_saved_today: float
    hours_saved_to_date: float

    @property
    def total(self) -> int:
        return sum(self.states.values())


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt: on the report day, or earlier and still unresolved at its end."""

    at: datetime
    dossier_code: str
    procedure: str
    kind: TransferState
    reason: str
    attempts: int
    state_at_end: TransferState


@dataclass(frozen=True, slots=True)
class Waiting:
    """A dossier the bot cannot take further without a person (CAPTCHA, OTP, approval, or a look-up a
    clerk must settle by comparing with the portal)."""

    dossier_code: str
    procedure: str
    since: datetime
    hours_waiting: float
    reason: str
    attempts: int
    state: TransferState  # waiting_human or needs_review: what the person is asked to do


@dataclass(frozen=True, slots=True)
class Overdue:
    """A dossier past its legal due date and still without a final result."""

    dossier_code: str
    procedure: str
    due_on: date
    days_overdue: int
    state_at_end: TransferState
    receipt_code: str | None
    ministry_status: str | None
    submitted_at: datetime | None
    supplement_reason: str | None


@dataclass(frozen=True, slots=True)
class DayVolume:
    """Every procedure's activity on one Vietnam day."""

    day: date
    queued: int
    submitted: int
    failed_business: int
    failed_system: int
    median_minutes: float | None
    hours_saved: float


@dataclass(frozen=True, slots=True)
class ReportData:
    day: date
    generated_at: datetime
    minutes_per_dossier: float
    procedures: tuple[ProcedureSummary, ...]
    total: ProcedureSummary
    failures: tuple[Failure, ...]
    waiting: tuple[Waiting, ...]
    overdue: tuple[Overdue, ...]
    daily: tuple[DayVolume, ...]  # oldest first, ending with the report day


@dataclass(frozen=True, slots=True)
class _History:
    """One transfer and its events up to the end of the report day, oldest first."""

    transfer: Transfer
    events: tuple[Event, ...]
    submitted: datetime | None  # when the ledger recorded the portal's acceptance (at most once)
    latest_business_failure: int | None  # event id over the whole trail: business_reasons belong to it

    @property
    def state(self) -> TransferState:
        return self.events[-1].to_state

    @property
    def entered(self) -> Event:
        """The event that moved the transfer into its current state."""
        return next(e for e in reversed(self.events) if _moved(e))

    @property
    def procedure(self) -> str:
        return procedure_names().get(self.transfer.flow, self.transfer.flow)

    def transfer_minutes(self) -> float | None:
        """From queueing to the portal's acceptance, retries and a clerk's fixes included."""
        if self.submitted is None:
            return None
        return (self.submitted - self.transfer.created_at).total_seconds() / 60

    def attempts_until(self, moment: datetime) -> int:
        """Claims by a worker up to ``moment``: what the ``attempts`` column held then."""
        return sum(
            1 for e in self.events if e.at <= moment and e.from_state is S.QUEUED and e.to_state is S.FILLING
        )


def _moved(event: Event) -> bool:
    """A state change, not a fact recorded in the same state (``Ledger.record``: a ministry status...)."""
    return event.from_state is not event.to_state


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of the Vietnam day and the first instant of the next."""
    start = datetime.combine(day, time(), tzinfo=VN)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=VN)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: Sequence[float]) -> float | None:
    """The 95th percentile by nearest rank: a value that really occurred, at or below which 95 % fall."""
    if not values:
        return None
    rank = (95 * len(values) + 99) // 100  # ceil(0.95 n) in integers, free of float rounding
    return sorted(values)[rank - 1]


def _histories(transfers: Iterable[Transfer], events: Iterable[Event], end: datetime) -> list[_History]:
    trails: defaultdict[int, list[Event]] = defaultdict(list)
    for event in events:
        trails[event.transfer_id].append(event)
    histories = []
    for transfer in transfers:
        trail = sorted(trails[transfer.id], key=lambda e: (e.at, e.id))
        before_end = tuple(e for e in trail if e.at < end)
        if transfer.created_at >= end or not before_end:
            continue
        submitted = next((e.at for e in before_end if e.to_state is S.SUBMITTED), None)
        business = [e.id for e in trail if e.to_state is S.FAILED_BUSINESS and _moved(e)]
        histories.append(_History(transfer, before_end, submitted, business[-1] if business else None))
    return histories


def _in(moment: datetime | None, bounds: tuple[datetime, datetime]) -> bool:
    return moment is not None and bounds[0] <= moment < bounds[1]


def _summary(
    flow: str, name: str, histories: Sequence[_History], bounds: tuple[datetime, datetime], minutes: float
) -> ProcedureSummary:
    counts = Counter(h.state for h in histories)
    submitted = [h for h in histories if _in(h.submitted, bounds)]
    durations = [m for h in submitted if (m := h.transfer_minutes()) is not None]
    failures = Counter(
        e.to_state
        for h in histories
        for e in h.events
        if e.to_state in FAILED and _moved(e) and _in(e.at, bounds)
    )
    ever_submitted = sum(1 for h in histories if h.submitted is not None)
    return ProcedureSummary(
        flow=flow,
        name=name,
        states=MappingProxyType({state: counts[state] for state in TransferState}),
        queued_today=sum(1 for h in histories if _in(h.transfer.created_at, bounds)),
        submitted_today=len(submitted),
        failed_business_today=failures[S.FAILED_BUSINESS],
        failed_system_today=failures[S.FAILED_SYSTEM],
        median_minutes=median(durations),
        p95_minutes=p95(durations),
        hours_saved_today=len(submitted) * minutes / 60,
        hours_saved_to_date=ever_submitted * minutes / 60,
    )


def _failure_reason(history: _History, event: Event) -> str:
    reasons = history.transfer.business_reasons
    if event.id == history.latest_business_failure and reasons:
        return "; ".join(reasons)  # the event says only "hồ sơ không hợp lệ"; the transfer lists each problem
    if event.to_state is S.FAILED_SYSTEM and not event.reason:
        return history.transfer.last_error or ""
    return event.reason


def _failures(histories: Sequence[_History], bounds: tuple[datetime, datetime]) -> list[Failure]:
    found = []
    for h in histories:
        for event in h.events:
            if event.to_state not in FAILED or not _moved(event):
                continue
            still_failed = event is h.entered  # an earlier day's failure nobody has resolved yet
            if _in(event.at, bounds) or still_failed:
                found.append(
                    Failure(
                        at=event.at.astimezone(VN),
                        dossier_code=h.transfer.dossier_code,
                        procedure=h.procedure,
                        kind=event.to_state,
                        reason=_failure_reason(h, event),
                        attempts=h.attempts_until(event.at),
                        state_at_end=h.state,
                    )
                )
    return sorted(found, key=lambda f: (f.at, f.dossier_code))


def _waiting(histories: Sequence[_History], as_of: datetime) -> list[Waiting]:
    found = []
    for h in histories:
        if h.state in WAITING_FOR_A_PERSON:
            entered, last = h.entered, h.events[-1]
            found.append(
                Waiting(
                    dossier_code=h.transfer.dossier_code,
                    procedure=h.procedure,
                    since=entered.at.astimezone(VN),
                    hours_waiting=max(0.0, (as_of - entered.at).total_seconds() / 3600),
                    reason=last.reason,
                    attempts=h.attempts_until(as_of),
                    state=h.state,
                )
            )
    return sorted(found, key=lambda w: (w.since, w.dossier_code))


def _overdue(histories: Sequence[_History], day: date) -> list[Overdue]:
    found = []
    for h in histories:
        t = h.transfer
        # the same rule as status sync's alert: late only while the ministry's clock runs
        late = t.due_on is not None and t.due_on < day and clock_running(t.national_status)
        if late and h.state is not S.FINISHED:
            assert t.due_on is not None
            found.append(
                Overdue(
                    dossier_code=t.dossier_code,
                    procedure=h.procedure,
                    due_on=t.due_on,
                    days_overdue=(day - t.due_on).days,
                    state_at_end=h.state,
                    receipt_code=t.receipt_code,
                    ministry_status=t.ministry_status,
                    submitted_at=t.submitted_at.astimezone(VN) if t.submitted_at else None,
                    supplement_reason=t.supplement_reason,
                )
            )
    return sorted(found, key=lambda o: (-o.days_overdue, o.dossier_code))


def _daily(histories: Sequence[_History], day: date, minutes: float) -> list[DayVolume]:
    volumes = []
    for offset in range(HISTORY_DAYS - 1, -1, -1):
        one_day = day - timedelta(days=offset)
        figures = _summary("", ALL_PROCEDURES, histories, day_bounds(one_day), minutes)
        volumes.append(
            DayVolume(
                day=one_day,
                queued=figures.queued_today,
                submitted=figures.submitted_today,
                failed_business=figures.failed_business_today,
                failed_system=figures.failed_system_today,
                median_minutes=figures.median_minutes,
                hours_saved=figures.hours_saved_today,
            )
        )
    return volumes


def build_report(
    day: date,
    transfers: Iterable[Transfer],
    events: Iterable[Event],
    *,
    minutes_per_dossier: float,
    now: datetime,
) -> ReportData:
    """The report of ``day`` from every transfer and event (later ones are ignored).

    Args:
        minutes_per_dossier: a clerk's typing time per dossier, for the hours-saved estimate.
        now: when the report is made (timezone-aware); waiting times run to the end of the day or to now.
    """
    bounds = day_bounds(day)
    histories = _histories(transfers, events, bounds[1])
    by_flow: defaultdict[str, list[_History]] = defaultdict(list)
    for h in histories:
        by_flow[h.transfer.flow].append(h)
    names = procedure_names()
    flows = sorted(set(names) | set(by_flow), key=lambda f: (f not in names, f))
    procedures = tuple(_summary(f, names.get(f, f), by_flow[f], bounds, minutes_per_dossier) for f in flows)
    return ReportData(
        day=day,
        generated_at=now.astimezone(VN),
        minutes_per_dossier=minutes_per_dossier,
        procedures=procedures,
        total=_summary("", ALL_PROCEDURES, histories, bounds, minutes_per_dossier),
        failures=tuple(_failures(histories, bounds)),
        waiting=tuple(_waiting(histories, min(bounds[1], now))),
        overdue=tuple(_overdue(histories, day)),
        daily=tuple(_daily(histories, day, minutes_per_dossier)),
    )


def first_attempt_by_day(
    day: date, transfers: Iterable[Transfer], events: Iterable[Event]
) -> tuple[tuple[date, int, int], ...]:
    """For each of the :data:`HISTORY_DAYS` days ending with ``day`` (oldest first): the day, the
    dossiers submitted on it, and how many of those the portal accepted on the bot's first attempt
    (one claim, no retry, no clerk's fix): the share tells how often a dossier goes through untouched."""
    histories = _histories(transfers, events, day_bounds(day)[1])
    found = []
    for offset in range(HISTORY_DAYS - 1, -1, -1):
        bounds = day_bounds(day - timedelta(days=offset))
        submitted = [h for h in histories if _in(h.submitted, bounds)]
        first = sum(1 for h in submitted if h.submitted is not None and h.attempts_until(h.submitted) == 1)
        found.append((bounds[0].date(), len(submitted), first))
    return tuple(found)


def read_ledger(url: str, until: datetime) -> tuple[list[Transfer], list[Event]]:
    """Transfers created before ``until`` and their whole audit trail, read in one transaction.

    The schema is first brought to the newest revision, as every ledger user does on open.
    """
    with Ledger(url) as ledger:
        return ledger.history(until)


def gather(settings: Settings, day: date, now: datetime | None = None) -> ReportData:
    """Read the ledger of ``settings`` and compute the report of ``day``."""
    transfers, events = read_ledger(settings.ledger_url, until=day_bounds(day)[1])
    return build_report(
        day,
        transfers,
        events,
        minutes_per_dossier=settings.manual_minutes_per_dossier,
        now=now or datetime.now(UTC),
    )


def vn_number(value: float, decimals: int = 1) -> str:
    """``1234.5`` as Vietnamese writes it: ``1.234,5`` (and ``15`` rather than ``15,0``)."""
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.rstrip("0").rstrip(",") if "," in text else text


def summary_line(data: ReportData) -> str:
    """One Vietnamese sentence for a console or a notification."""
    total = data.total
    failed = total.failed_business_today + total.failed_system_today
    return (
        f"Ngày {data.day:%d/%m/%Y}: {total.submitted_today} hồ sơ đã nộp sang Bộ, {failed} lần chuyển lỗi, "
        f"{len(data.waiting)} hồ sơ chờ người xử lý, {len(data.overdue)} hồ sơ quá hạn; "
        f"tiết kiệm khoảng {vn_number(total.hours_saved_today)} giờ công."
    )
