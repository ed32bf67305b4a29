"""The supervisor's dashboard for today: the daily report's figures (``rpa.report.data``, the same code
that fills the Excel report, so the page and the file never disagree), plus what only the work folder
knows: open circuit breakers with the drift they stored, and CAPTCHA requests nobody has answered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from markupsafe import Markup

from rpa.clock import VN
from rpa.config import Settings
from rpa.console.charts import Bar, bar_chart
from rpa.ledger import Ledger, TransferState
from rpa.portal.breaker import Breaker, BreakerState
from rpa.portal.captcha import CaptchaDesk, CaptchaRequest
from rpa.procedures import portals
from rpa.report.data import ReportData, build_report, day_bounds, first_attempt_by_day, vn_number

__all__ = ["Dashboard", "DayRow", "build_dashboard", "open_breakers"]


@dataclass(frozen=True, slots=True)
class DayRow:
    """One of the last 30 days, as the charts draw it and the table beside them reads it."""

    day: date
    submitted: int
    failed: int
    first_attempt: int
    median_minutes: float | None

    @property
    def first_share(self) -> float | None:
        return 100 * self.first_attempt / self.submitted if self.submitted else None


@dataclass(frozen=True, slots=True)
class Dashboard:
    report: ReportData
    states: tuple[TransferState, ...]  # the columns worth showing: states some procedure has today
    days: tuple[DayRow, ...]
    breakers: tuple[BreakerState, ...]
    captchas: tuple[CaptchaRequest, ...]
    transfer_ids: dict[str, int]  # dossier code → its latest transfer, for links
    charts: tuple[tuple[str, Markup], ...]  # (visible caption, SVG)


def open_breakers(settings: Settings) -> tuple[BreakerState, ...]:
    """Every portal whose breaker is open, with the reason (the drift report) it stored."""
    found = []
    for name in portals():
        state = Breaker(settings.work_dir, name, settings.breaker_cooldown_s).state()
        if state is not None:
            found.append(state)
    return tuple(found)


def _or_none(value: float | None, text: str) -> str:
    return text if value is not None else "không có hồ sơ nộp"


def _first_text(d: DayRow) -> str:
    share = d.first_share or 0.0
    return f"{vn_number(share, 0)}% ({d.first_attempt}/{d.submitted}) nộp được ngay lần đầu"


def _median_text(d: DayRow) -> str:
    return f"trung vị {vn_number(d.median_minutes or 0.0)} phút"


def _charts(days: tuple[DayRow, ...]) -> tuple[tuple[str, Markup], ...]:
    def label(index: int, day: date) -> str:
        return f"{day:%d/%m}" if index % 5 == 4 or index == len(days) - 1 else ""

    volume = [
        Bar(label(i, d.day), d.submitted, f"{d.day:%d/%m/%Y}: {d.submitted} hồ sơ đã nộp, {d.failed} lần lỗi")
        for i, d in enumerate(days)
    ]
    share = [
        Bar(label(i, d.day), d.first_share, f"{d.day:%d/%m/%Y}: " + _or_none(d.first_share, _first_text(d)))
        for i, d in enumerate(days)
    ]
    duration = [
        Bar(
            label(i, d.day),
            d.median_minutes,
            f"{d.day:%d/%m/%Y}: " + _or_none(d.median_minutes, _median_text(d)),
        )
        for i, d in enumerate(days)
    ]
    total = sum(d.submitted for d in days)
    firsts = sum(d.first_attempt for d in days)
    titles = (
        "Số hồ sơ nộp sang Bộ mỗi ngày",
        "Tỷ lệ nộp được ngay lần đầu (%)",
        "Thời gian chuyển trung vị (phút)",
    )
    return (
        (
            titles[0],
            bar_chart(
                "chart-volume",
                titles[0],
                f"Tổng {total} hồ sơ đã nộp trong 30 ngày; chi tiết theo ngày ở bảng bên dưới.",
                volume,
            ),
        ),
        (
            titles[1],
            bar_chart(
                "chart-first",
                titles[1],
                f"{firsts}/{total} hồ sơ nộp được ngay lần thử đầu tiên trong 30 ngày.",
                share,
                unit="%",
                top=100,
            ),
        ),
        (
            titles[2],
            bar_chart(
                "chart-duration",
                titles[2],
                "Từ lúc xếp hàng đến lúc cổng Bộ nhận hồ sơ, trung vị mỗi ngày.",
                duration,
            ),
        ),
    )


def build_dashboard(settings: Settings, ledger: Ledger, now: datetime | None = None) -> Dashboard:
    now = now or datetime.now(UTC)
    today = now.astimezone(VN).date()
    transfers, events = ledger.history(day_bounds(today)[1])
    report = build_report(
        today, transfers, events, minutes_per_dossier=settings.manual_minutes_per_dossier, now=now
    )
    firsts = {day: first for day, _submitted, first in first_attempt_by_day(today, transfers, events)}
    days = tuple(
        DayRow(
            day=v.day,
            submitted=v.submitted,
            failed=v.failed_business + v.failed_system,
            first_attempt=firsts.get(v.day, 0),
            median_minutes=v.median_minutes,
        )
        for v in report.daily
    )
    shown = tuple(s for s in TransferState if any(p.states[s] for p in report.procedures))
    captchas = tuple(CaptchaDesk(settings.work_dir / "captcha").list())
    ids: dict[str, int] = {}
    for transfer in sorted(transfers, key=lambda t: (t.created_at, t.id)):
        ids[transfer.dossier_code] = transfer.id
    return Dashboard(report, shown, days, open_breakers(settings), captchas, ids, _charts(days))
