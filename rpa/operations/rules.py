"""Operating rules per portal, as the province agreed them, read from ``PortalSettings``::

    [portals.<name>]
    working_hours = ["Mon-Fri 07:30-11:30, 13:30-17:00", "T7 08:00-11:00"]
    max_per_minute = 2
    max_sessions = 1

- **Working hours**: outside every window no transfer starts; queued transfers wait, and the log says
  why and until when. No window at all means always open. Grammar of one window::

      [DAYS] HH:MM-HH:MM[, HH:MM-HH:MM ...]
      DAYS = DAY[-DAY][, DAY[-DAY] ...]    (none, "daily" or "hằng ngày": every day)
      DAY  = Mon ... Sun | Monday ... | T2 ... T7, CN | Thứ Hai ... Thứ Bảy, Chủ nhật | Thứ 2 ... Thứ 7

  Times are wall-clock times in ``ScheduleSettings.timezone`` (Vietnam), end excluded, ``24:00`` allowed as
  an end; a window cannot cross midnight (write two). ``Sat-Mon`` wraps over the week end.
- **Rate**: at most ``max_per_minute`` submissions per minute over every worker and process. The ledger's
  events into ``submitting`` in the window are counted (plus transfers being filled right now, whose
  submission is moments away), so every process sharing the ledger sees the same count. Below 1 the
  window stretches: 0.5 means one submission per 120 s. A worker waits, woken early by a stop request.
- **Sessions**: at most ``max_sessions`` workers use the portal account at once (:mod:`rpa.operations.slots`).

The count-and-claim step runs under a machine-wide admission lock, so two workers on one machine never
both take the last place in the rate. Workers on several machines sharing a PostgreSQL ledger are
serialised by nothing but the count, so each extra machine may start one submission too many.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from loguru import logger

from rpa.config import Settings
from rpa.domain.text import fold
from rpa.errors import ConfigError
from rpa.ledger import Ledger
from rpa.operations.slots import Slots
from rpa.operations.stopping import StopLatch

__all__ = ["SLOT_WAIT_S", "HeldBack", "PortalRules", "RateLimit", "Window", "WorkingHours"]

SLOT_WAIT_S = 120.0
"""How long a worker waits for a free session slot of the account before leaving the queue as it is."""
IN_FLIGHT_RECHECK_S = 2.0
"""When only transfers being filled elsewhere hold the rate, their submission time is unknown: look again."""

_EN_DAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
_VI_DAYS = {  # accent-folded, so "Thứ Bảy", "thứ bảy" and "Thu Bay" all match
    **dict.fromkeys(("thu hai", "thu 2", "t2"), 0),
    **dict.fromkeys(("thu ba", "thu 3", "t3"), 1),
    **dict.fromkeys(("thu tu", "thu 4", "t4"), 2),
    **dict.fromkeys(("thu nam", "thu 5", "t5"), 3),
    **dict.fromkeys(("thu sau", "thu 6", "t6"), 4),
    **dict.fromkeys(("thu bay", "thu 7", "t7"), 5),
    **dict.fromkeys(("chu nhat", "cn"), 6),
}
_EVERY_DAY = {"daily", "every day", "hang ngay", "moi ngay"}
_TIME = r"\d{1,2}:\d{2}"
_RANGE = re.compile(rf"({_TIME})\s*[-–]\s*({_TIME})")
_RANGES_AT_END = re.compile(rf"{_TIME}\s*[-–]\s*{_TIME}(?:\s*[,;]\s*{_TIME}\s*[-–]\s*{_TIME})*\s*$")
_DAY_RANGE = re.compile(r"\s*(?:-|–|\bđến\b)\s*")
EXAMPLES = '"Mon-Sat 07:00-21:00" or "T2-T6 07:30-11:30, 13:30-17:00"'


@dataclass(frozen=True)
class Window:
    """One weekly window: on ``days`` (0 = Monday), from ``start`` to ``end`` minutes after midnight."""

    days: frozenset[int]
    start: int
    end: int

    def contains(self, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute + local.second / 60
        return local.weekday() in self.days and self.start <= minute < self.end


class WorkingHours:
    """When a portal takes submissions; no window means always."""

    def __init__(self, windows: Sequence[Window], texts: Sequence[str], tz: tzinfo) -> None:
        self.windows = tuple(windows)
        self.texts = tuple(texts)
        self.tz = tz

    @classmethod
    def parse(cls, specs: Sequence[str], tz: tzinfo, setting: str = "working_hours") -> WorkingHours:
        """Read ``specs`` (see the module docstring); ``ConfigError`` names ``setting`` and the bad text."""
        windows = []
        for spec in specs:
            try:
                windows.extend(_parse_window(spec))
            except ValueError as exc:
                raise ConfigError(
                    f"{setting}: cannot read {spec!r}: {exc}; expected e.g. {EXAMPLES}"
                ) from None
        return cls(windows, [" ".join(s.split()) for s in specs], tz)

    def __str__(self) -> str:
        return "; ".join(self.texts) or "always"

    def local(self, now: datetime) -> datetime:
        return now.replace(tzinfo=self.tz) if now.tzinfo is None else now.astimezone(self.tz)

    def is_open(self, now: datetime) -> bool:
        local = self.local(now)
        return not self.windows or any(window.contains(local) for window in self.windows)

    def next_open(self, now: datetime) -> datetime | None:
        """When the next window opens after ``now`` (None without windows), in the rules' time zone."""
        local = self.local(now)
        starts = [
            datetime.combine(day, datetime.min.time(), self.tz) + timedelta(minutes=window.start)
            for day in (local.date() + timedelta(days=n) for n in range(8))
            for window in self.windows
            if day.weekday() in window.days
        ]
        return min((start for start in starts if start > local), default=None)


def _parse_window(spec: str) -> list[Window]:
    text = " ".join(spec.split())
    found = _RANGES_AT_END.search(text)
    if found is None:
        raise ValueError("no HH:MM-HH:MM time range at the end")
    days = _parse_days(text[: found.start()].strip().rstrip(",").strip())
    windows = []
    for start_text, end_text in _RANGE.findall(found.group(0)):
        start, end = _minutes(start_text), _minutes(end_text)
        if start >= 24 * 60:
            raise ValueError(f"a window cannot start at {start_text}")
        if end <= start:
            raise ValueError(
                f"{start_text}-{end_text} ends before it starts (write two windows around midnight)"
            )
        windows.append(Window(days, start, end))
    return windows


def _parse_days(text: str) -> frozenset[int]:
    if not text or fold(text).lower() in _EVERY_DAY:
        return frozenset(range(7))
    days: set[int] = set()
    for item in text.split(","):
        ends = [_day(name) for name in _DAY_RANGE.split(item.strip())]
        if len(ends) == 1:
            days.add(ends[0])
        elif len(ends) == 2:
            first, last = ends
            days.update((first + n) % 7 for n in range((last - first) % 7 + 1))
        else:
            raise ValueError(f"{item.strip()!r} is not a day or a range of days")
    return frozenset(days)


def _day(name: str) -> int:
    key = fold(name).lower()
    if key in _VI_DAYS:
        return _VI_DAYS[key]
    if name.isascii() and key in _EN_DAYS:  # "Thứ" alone folds to "thu" but is no Thursday
        return _EN_DAYS[key]
    raise ValueError(f"unknown day {name!r}")


def _minutes(hh_mm: str) -> int:
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"{hh_mm} is not a time of day")
    return hours * 60 + minutes


@dataclass(frozen=True)
class RateUse:
    """What counts against the rate at one moment."""

    submissions: tuple[datetime, ...]  # times of the events into ``submitting`` in the window, oldest first
    in_flight: int  # transfers being filled under a live lease: each submits within moments


class RateLimit:
    """At most ``per_minute`` submissions per minute through ``flows``, counted in the ledger."""

    def __init__(self, per_minute: float, ledger_url: str, flows: Sequence[str]) -> None:
        if per_minute <= 0:
            raise ConfigError(f"max_per_minute must be above 0, got {per_minute}")
        self.per_minute = per_minute
        self.window = timedelta(seconds=60.0 if per_minute >= 1 else 60.0 / per_minute)
        self.limit = max(1, math.floor(per_minute + 1e-9)) if per_minute >= 1 else 1
        self.flows = tuple(flows)
        self.ledger_url = ledger_url

    def __str__(self) -> str:
        return f"{self.limit} per {self.window.total_seconds():.0f} s"

    def use(self, now: datetime) -> RateUse:
        # A ledger for the one query (no migration, closed at once): a dropped worker keeps nothing open.
        with Ledger(self.ledger_url, migrate=False) as ledger:
            return RateUse(
                ledger.submissions_since(now - self.window, self.flows), ledger.filling_now(self.flows, now)
            )

    def wait_s(self, use: RateUse, now: datetime) -> float:
        """Seconds until one more submission may start (0: now)."""
        must_leave = len(use.submissions) + use.in_flight - self.limit + 1
        if must_leave <= 0:
            return 0.0
        if must_leave > len(use.submissions):
            return IN_FLIGHT_RECHECK_S
        return max((use.submissions[must_leave - 1] + self.window - now).total_seconds(), 0.01)


@dataclass(frozen=True)
class HeldBack:
    """Why no transfer starts now: ``reason`` (English) for the log, ``message`` (Vietnamese) for a clerk."""

    reason: str
    message: str


STOPPING = HeldBack("stop requested", "Bot đang dừng theo yêu cầu; hồ sơ vẫn nằm trong hàng đợi.")


def utcnow() -> datetime:
    return datetime.now(UTC)


class PortalRules:
    """The operating rules of one portal account, checked before each transfer starts."""

    def __init__(
        self,
        settings: Settings,
        portal: str,
        flows: Sequence[str],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if portal not in settings.portals:
            raise ConfigError(f"no settings for portal {portal!r} (portals.{portal})")
        config = settings.portals[portal]
        if config.max_sessions < 1:
            raise ConfigError(f"portals.{portal}.max_sessions must be at least 1, got {config.max_sessions}")
        self.portal = portal
        self.username = config.account.username
        tz = ZoneInfo(settings.schedule.timezone)
        self.hours = WorkingHours.parse(config.working_hours, tz, f"portals.{portal}.working_hours")
        self.rate = None
        if config.max_per_minute is not None:
            self.rate = RateLimit(config.max_per_minute, settings.ledger_url, flows)
        locks = settings.locks_dir
        account = re.sub(r"[^0-9A-Za-z._-]", "_", self.username)
        self.sessions = Slots(locks, f"{portal}-{account}-session", config.max_sessions)
        self._admission = Slots(locks, f"{portal}-admission", 1)
        self._clock = clock
        self.session = 1
        """The number (1..max_sessions) of the session slot held now: each has its own portal login,
        so two workers never share one server-side session (and its draft application)."""

    def closed(self, now: datetime | None = None) -> HeldBack | None:
        """Why the portal takes no submission now (outside its working hours), or None when it does."""
        now = now or self._clock()
        if self.hours.is_open(now):
            return None
        opens = self.hours.next_open(now)
        assert opens is not None  # closed implies at least one window
        return HeldBack(
            f"outside the working hours of {self.portal} ({self.hours}): transfers wait queued "
            f"until {opens.isoformat(timespec='minutes')}",
            f"Ngoài giờ làm việc của cổng {self.portal} ({self.hours}): hồ sơ vẫn nằm trong hàng đợi, "
            f"bot sẽ chuyển từ {opens:%H:%M} ngày {opens:%d/%m/%Y}.",
        )

    @contextmanager
    def session_slot(self, stop: StopLatch, wait_s: float = SLOT_WAIT_S) -> Iterator[HeldBack | None]:
        """Hold one of the account's session slots for the block; yields why not when none came free."""
        with self.sessions.hold(stop, 0.0) as held:
            if held:
                self.session = held
                yield None
                return
        logger.bind(portal=self.portal).info(
            "{}: all {} sessions of account {} in use ({}): waiting up to {:.0f} s",
            self.portal, self.sessions.count, self.username, "; ".join(self.sessions.holders()), wait_s,
        )  # fmt: skip
        with self.sessions.hold(stop, wait_s) as held:
            if held:
                self.session = held
                yield None
                return
        if stop.is_set():
            yield STOPPING
            return
        yield HeldBack(
            f"all {self.sessions.count} sessions of account {self.username} on {self.portal} stayed in use "
            f"for {wait_s:.0f} s: transfers wait queued",
            f"Tài khoản {self.username} trên cổng {self.portal} đang được dùng hết {self.sessions.count} "
            "phiên cho phép; hồ sơ vẫn nằm trong hàng đợi, bot sẽ chuyển khi có phiên trống.",
        )

    @contextmanager
    def admission(self, stop: StopLatch) -> Iterator[HeldBack | None]:
        """Within working hours and the rate, hold the admission lock while the caller claims a transfer.

        Yields None to go ahead, or why not (outside working hours, stop requested). A full rate is
        waited out here, on ``stop``, so a stop request ends the wait at once.
        """
        while True:
            with self._admission.hold(stop, None, poll_s=0.05) as held:
                if not held:
                    yield STOPPING
                    return
                now = self._clock()
                if (closed := self.closed(now)) is not None:
                    yield closed
                    return
                rate = self.rate
                if rate is None:
                    yield None
                    return
                use = rate.use(now)
                wait = rate.wait_s(use, now)
                if wait <= 0:
                    yield None
                    return
            logger.bind(portal=self.portal).info(
                "{}: {} submissions in the last {:.0f} s and {} being filled (limit {}): waiting {:.1f} s",
                self.portal, len(use.submissions), rate.window.total_seconds(), use.in_flight, rate, wait,
            )  # fmt: skip
            if stop.wait(wait):
                yield STOPPING
                return
