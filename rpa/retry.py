"""Retry policy as data: how often and how late a transfer that hit a system error is tried again.

Only system errors (the portal was slow, down, in maintenance, or its session expired) are retried;
a business error goes to a clerk and is never retried automatically.
"""

from __future__ import annotations

import random

from pydantic import BaseModel, Field

__all__ = ["RetryPolicy"]


class RetryPolicy(BaseModel):
    """Exponential back-off with jitter: attempt n waits about ``base_delay_s * 2**(n-1)`` seconds.

    Attributes:
        max_attempts: attempts in all, the first one included; after the last the transfer stays
            ``failed_system`` and an alert is raised.
        base_delay_s: wait after the first failure.
        max_delay_s: the longest wait, however many failures.
        jitter: share of the wait drawn at random (0.5: between 50% and 100% of it), so that many
            transfers failed by one outage do not all come back at the same second.
    """

    max_attempts: int = Field(default=4, ge=1)
    base_delay_s: float = Field(default=60.0, ge=0)
    max_delay_s: float = Field(default=1800.0, ge=0)
    jitter: float = Field(default=0.5, ge=0, le=1)

    def delay(self, attempts: int, rng: random.Random | None = None) -> float | None:
        """Seconds to wait after ``attempts`` failed attempts, or None when no attempt is left."""
        if attempts >= self.max_attempts:
            return None
        full = min(self.max_delay_s, self.base_delay_s * 2 ** max(attempts - 1, 0))
        return full * (1 - self.jitter * (rng or random).random())
