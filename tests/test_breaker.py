from datetime import UTC, datetime, timedelta
from pathlib import Path

from rpa.portal.breaker import Breaker


def test_breaker_opens_cools_down_to_half_open_and_closes(tmp_path: Path) -> None:
    start = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    breaker = Breaker(tmp_path, "moj-lltp", cooldown_s=600)
    assert breaker.allows(start) and breaker.state() is None
    breaker.open("selector drift: applicant.full_name", now=start)
    other_worker = Breaker(tmp_path, "moj-lltp", cooldown_s=600)  # shares the state through the file
    assert not other_worker.allows(start + timedelta(minutes=9))
    assert other_worker.allows(start + timedelta(minutes=10))  # half-open: one dossier may try
    state = other_worker.state()
    assert state is not None and state.reason == "selector drift: applicant.full_name"
    assert breaker.close() and not breaker.close()
    assert Breaker(tmp_path, "other-portal", cooldown_s=600).allows(start)
