import random

import pytest

from rpa.retry import RetryPolicy


def test_back_off_doubles_with_jitter_and_stops_after_the_last_attempt() -> None:
    policy = RetryPolicy(max_attempts=4, base_delay_s=10, max_delay_s=25, jitter=0.5)
    rng = random.Random(7)
    first, second, third = (policy.delay(n, rng) for n in (1, 2, 3))
    assert first is not None and 5 <= first <= 10
    assert second is not None and 10 <= second <= 20
    assert third is not None and 12.5 <= third <= 25  # capped at max_delay_s
    assert policy.delay(4, rng) is None


def test_without_jitter_the_delay_is_exact() -> None:
    assert RetryPolicy(base_delay_s=3, jitter=0).delay(2) == pytest.approx(6)
