"""Operating rules: working-hours windows at fixed moments, the rate counted on a real SQLite ledger,
session slots held by two real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rpa.config import Settings, write_config
from rpa.errors import ConfigError
from rpa.ledger import Ledger, TransferState
from rpa.operations.rules import PortalRules, RateLimit, WorkingHours
from rpa.operations.slots import Slots
from rpa.operations.stopping import StopLatch

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = TransferState
# 2025-07-07 is a Monday.
MONDAY = datetime(2025, 7, 7, tzinfo=VN)


def at(day: int, hh_mm: str) -> datetime:
    """``day`` days after Monday 2025-07-07, at ``hh_mm`` Vietnam time."""
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    return MONDAY + timedelta(days=day, hours=hours, minutes=minutes)


def hours(*specs: str) -> WorkingHours:
    return WorkingHours.parse(list(specs), VN)


# -- working hours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "open_at", "closed_at"),
    [
        (
            "Mon-Sat 07:00-21:00",
            [at(0, "07:00"), at(5, "20:59")],
            [at(0, "06:59"), at(0, "21:00"), at(6, "12:00")],
        ),
        (
            "T2-T6 07:30-11:30, 13:30-17:00",
            [at(4, "07:30"), at(2, "13:30")],
            [at(1, "12:00"), at(5, "08:00")],
        ),
        ("Thứ Hai - Thứ Bảy 08:00-09:00", [at(5, "08:30")], [at(6, "08:30")]),
        (
            "thu hai, Thứ 4, CN 08:00-09:00",
            [at(0, "08:00"), at(2, "08:00"), at(6, "08:59")],
            [at(1, "08:00")],
        ),
        ("Chủ nhật 00:00-24:00", [at(6, "00:00"), at(6, "23:59")], [at(0, "00:00")]),
        ("Sat-Mon 10:00-11:00", [at(5, "10:00"), at(6, "10:00"), at(0, "10:00")], [at(1, "10:00")]),
        ("hằng ngày 06:00-06:30", [at(3, "06:15")], [at(3, "06:30")]),
        ("09:00-10:00", [at(1, "09:00")], [at(1, "10:00")]),
    ],
)
def test_windows_are_read_and_checked(spec: str, open_at: list[datetime], closed_at: list[datetime]) -> None:
    rules = hours(spec)
    assert [rules.is_open(moment) for moment in open_at] == [True] * len(open_at)
    assert [rules.is_open(moment) for moment in closed_at] == [False] * len(closed_at)


def test_several_windows_add_up_and_no_window_means_always_open() -> None:
    rules = hours("Mon-Fri 07:30-11:30", "T7 08:00-10:00")
    assert rules.is_open(at(5, "09:00")) and rules.is_open(at(0, "08:00"))
    assert not rules.is_open(at(5, "11:00"))
    assert hours().is_open(at(6, "03:00"))


def test_moments_in_other_zones_are_read_in_vietnam_time() -> None:
    rules = hours("Mon 07:00-08:00")
    assert rules.is_open(datetime(2025, 7, 7, 0, 30, tzinfo=UTC))  # 07:30 in Hà Nội
    assert not rules.is_open(datetime(2025, 7, 7, 7, 30, tzinfo=UTC))  # 14:30


def test_the_next_opening_is_named() -> None:
    rules = hours("Mon-Fri 07:30-11:30, 13:30-17:00")
    assert rules.next_open(at(0, "12:00")) == at(0, "13:30")
    assert rules.next_open(at(4, "17:00")) == at(7, "07:30")  # Friday evening → next Monday


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("Mon-Sat", "no HH:MM-HH:MM"),
        ("Funday 07:00-09:00", "unknown day 'Funday'"),
        ("Thứ 07:00-09:00", "unknown day 'Thứ'"),
        ("Mon 21:00-07:00", "ends before it starts"),
        ("Mon 07:00-25:00", "not a time of day"),
        ("Mon-Wed-Fri 07:00-09:00", "not a day or a range"),
    ],
)
def test_bad_windows_are_a_clear_config_error(spec: str, complaint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        WorkingHours.parse([spec], VN, "portals.moj-lltp.working_hours")
    message = str(caught.value)
    assert "portals.moj-lltp.working_hours" in message and repr(spec) in message and complaint in message
    assert "Mon-Sat 07:00-21:00" in message  # an example of what works


def test_outside_the_hours_the_portal_rules_say_why_in_both_languages(tmp_path: Path) -> None:
    settings = _settings(tmp_path, working_hours=["Mon-Fri 07:30-17:00"])
    rules = PortalRules(settings, "moj-lltp", ["judicial_record"])
    assert rules.closed(at(0, "08:00")) is None
    held_back = rules.closed(at(5, "08:00"))
    assert held_back is not None
    assert "until 2025-07-14T07:30+07:00" in held_back.reason
    assert held_back.message == (
        "Ngoài giờ làm việc của cổng moj-lltp (Mon-Fri 07:30-17:00): hồ sơ vẫn nằm trong hàng đợi, "
        "bot sẽ chuyển từ 07:30 ngày 14/07/2025."
    )


# -- the rate, counted in the ledger ------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 7, 7, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _submit(ledger: Ledger, code: str, flow: str = "judicial_record") -> None:
    """Enqueue, claim and move ``code`` into ``submitting`` at the ledger's "now"."""
    ledger.enqueue(code, flow, actor="scheduler")
    claimed = ledger.claim("w1", lease_s=300, flow=flow, dossier_code=code)
    assert claimed is not None
    ledger.transition(claimed.id, S.SUBMITTING, actor="worker:w1", worker_id="w1")


def test_submissions_are_counted_in_the_last_minute_across_everything_in_the_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    clock = Clock()
    rate = RateLimit(2, url, ["judicial_record"])
    with Ledger(url, clock=clock) as ledger:
        _submit(ledger, "A")  # 01:00:00
        clock.now += timedelta(seconds=20)
        _submit(ledger, "B")  # 01:00:20
        _submit(ledger, "X", flow="another_portal_flow")  # not this portal's
        clock.now += timedelta(seconds=10)
        ledger.enqueue("C", "judicial_record", actor="scheduler")
        assert ledger.claim("w2", lease_s=300, flow="judicial_record") is not None  # C being filled
    now = clock.now  # 01:00:30
    use = rate.use(now)
    assert len(use.submissions) == 2 and use.in_flight == 1
    # Two submissions and one on its way: A (01:00:00) and B (01:00:20) must both leave the minute.
    assert rate.wait_s(use, now) == pytest.approx(50.0)
    later = now + timedelta(seconds=31)  # A left the window; B and C's coming submission remain
    assert len(rate.use(later).submissions) == 1
    assert rate.wait_s(rate.use(later), later) == pytest.approx(19.0)  # until B leaves


def test_a_rate_below_one_stretches_the_window(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    clock = Clock()
    with Ledger(url, clock=clock) as ledger:
        _submit(ledger, "A")
    rate = RateLimit(0.5, url, ["judicial_record"])
    assert (rate.limit, rate.window.total_seconds()) == (1, 120.0)
    assert rate.wait_s(rate.use(clock.now + timedelta(seconds=90)), clock.now + timedelta(seconds=90)) == 30.0
    assert (
        rate.wait_s(rate.use(clock.now + timedelta(seconds=121)), clock.now + timedelta(seconds=121)) == 0.0
    )


def test_the_admission_waits_out_the_rate_and_a_stop_ends_the_wait(tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_per_minute=1)
    almost_a_minute_ago = Clock()
    almost_a_minute_ago.now = datetime.now(UTC) - timedelta(seconds=59.5)
    with Ledger(settings.ledger_url, clock=almost_a_minute_ago) as ledger:
        _submit(ledger, "A")
    rules = PortalRules(settings, "moj-lltp", ["judicial_record"])
    stop = StopLatch()
    a_leaves_the_minute = almost_a_minute_ago.now + timedelta(seconds=60)
    with rules.admission(stop) as held_back:  # waits for A to leave the minute, then lets one more in
        assert held_back is None
        admitted = datetime.now(UTC)
    # Measured from A's time, not from the call: a slow set-up must not eat the wait being tested.
    assert a_leaves_the_minute <= admitted < a_leaves_the_minute + timedelta(seconds=10)
    with Ledger(settings.ledger_url) as ledger:
        _submit(ledger, "B")  # now: the minute is full again
    stop.set()
    with rules.admission(stop) as held_back:
        assert held_back is not None and held_back.reason == "stop requested"


# -- session slots across processes -------------------------------------------------------------------

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rpa.operations.slots import Slots
    slots = Slots(Path(sys.argv[1]), "moj-lltp-canbo-session", int(sys.argv[2]))
    fd = slots.try_take()
    print("held" if fd is not None else "none", flush=True)
    sys.stdin.readline()  # hold until the test says so (or is gone)
    """
)


def _holder(folder: Path, count: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder), str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_session_slot_held_by_another_process_is_not_given_twice(tmp_path: Path) -> None:
    slots = Slots(tmp_path / "locks", "moj-lltp-canbo-session", 1)
    other = _holder(slots.folder, 1)
    try:
        assert slots.try_take() is None
        (holder,) = slots.holders()
        assert holder.startswith(f"pid {other.pid} since ")
        with slots.hold(StopLatch(), wait_s=0.3, poll_s=0.1) as held:
            assert not held
    finally:
        other.kill()  # killed outright: the kernel frees its slot all the same
        other.wait()
    with slots.hold(StopLatch(), wait_s=5) as held:
        assert held
        assert slots.try_take() is None  # this process's own second attempt waits its turn too


def test_two_sessions_allowed_means_two_holders_and_no_third(tmp_path: Path) -> None:
    slots = Slots(tmp_path / "locks", "moj-lltp-canbo-session", 2)
    other = _holder(slots.folder, 2)
    try:
        with slots.hold(StopLatch(), wait_s=0) as held:
            assert held
            assert slots.try_take() is None
            assert len(slots.holders()) == 2
    finally:
        assert other.stdin is not None
        other.stdin.write("done\n")
        other.stdin.close()
        other.wait(timeout=10)


def test_a_stop_request_ends_the_wait_for_a_slot(tmp_path: Path) -> None:
    slots = Slots(tmp_path / "locks", "s", 1)
    first = slots.try_take()
    assert first is not None
    stop = StopLatch()
    stop.set()
    started = datetime.now(UTC)
    with slots.hold(stop, wait_s=60) as held:
        assert not held
    assert datetime.now(UTC) - started < timedelta(seconds=5)


def _settings(tmp_path: Path, **rules: object) -> Settings:
    account = {"username": "canbo.qngai", "password": "x"}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "portals": {"moj-lltp": {"base_url": "http://moj.invalid", "account": account, **rules}},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "work_dir": str(tmp_path / "work"),
        }
    )


# -- locks beside the ledger, wherever a command starts ----------------------------------------------

SESSION_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from rpa.config import load_settings
    from rpa.operations.rules import PortalRules
    from rpa.operations.stopping import StopLatch
    rules = PortalRules(load_settings(Path(sys.argv[1])), "moj-lltp", ["judicial_record"])
    with rules.session_slot(StopLatch(), wait_s=float(sys.argv[2])) as held_back:
        print("held" if held_back is None else "refused", flush=True)
        if held_back is None:
            sys.stdin.readline()  # hold the session until the test says so (or is gone)
    """
)


def _session_holder(config: Path, cwd: Path, wait_s: float) -> subprocess.Popen[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", SESSION_HOLDER, str(config), str(wait_s)],
        cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_processes_started_in_different_folders_share_the_accounts_session_slots(tmp_path: Path) -> None:
    """The configuration names no work_dir (as ``--write-config`` used to): the slots still meet."""
    config = tmp_path / "rpa.toml"
    account = {"username": "canbo.qngai", "password": "x"}
    write_config(
        config,
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "portals": {
                "moj-lltp": {"base_url": "http://moj.invalid", "account": account, "max_sessions": 1}
            },
            "ledger_url": f"sqlite:///{tmp_path / 'shared' / 'ledger.sqlite'}",
        },
    )
    first = _session_holder(config, tmp_path / "started-here", wait_s=0)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "held"
        second = _session_holder(config, tmp_path / "started-there", wait_s=0.5)
        out, _ = second.communicate(timeout=60)
        assert out.strip() == "refused"
    finally:
        first.kill()
        first.wait()
    assert (tmp_path / "shared" / "ledger.sqlite.locks").is_dir()
    assert not (tmp_path / "started-here" / "rpa-work").exists()
