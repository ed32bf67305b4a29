"""Fault knobs every sandbox ministry portal has, and the middleware that applies them.

A portal's knobs are a :class:`PortalKnobs` model (a portal may add its own fields in a subclass), set
through ``POST /_sandbox/knobs`` with exactly its JSON keys. ``/_sandbox/`` and ``/static/`` are exempt
from errors and maintenance; ``/_sandbox/`` is also exempt from latency. ``error_rate`` fails a request
before the portal does anything; ``lost_answer_rate`` (applied by the final submission itself) loses the
answer after the application is stored.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final, Generic, Literal, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, Field

from rpa import clock

__all__ = ["MAX_CLOCK_OFFSET_S", "KnobsState", "LostAnswerMode", "PortalKnobs", "apply_knobs"]

MAX_CLOCK_OFFSET_S: Final = 86_400.0
LostAnswerMode = Literal["gateway", "drop"]


class PortalKnobs(BaseModel):
    """The knobs of every sandbox ministry portal, with their defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    jitter_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    maintenance: bool = False
    captcha: bool = True
    session_idle_s: float = Field(default=900.0, gt=0)
    auto_advance_s: float = Field(default=0.0, ge=0)  # 0: statuses advance only by the control API
    lost_answer_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    lost_answer_mode: LostAnswerMode = "gateway"
    clock_offset_s: float = Field(default=0.0, ge=-MAX_CLOCK_OFFSET_S, le=MAX_CLOCK_OFFSET_S)


K = TypeVar("K", bound=PortalKnobs)


class KnobsState(Generic[K]):
    """The current knobs of one portal, shared by every request thread."""

    def __init__(self, model: type[K]) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._knobs = model()
        self.rng = random.Random()

    @property
    def current(self) -> K:
        with self._lock:
            return self._knobs

    def update(self, change: Mapping[str, Any]) -> K:
        """Change only the keys given (None leaves a knob as it is).

        Raises:
            pydantic.ValidationError: an unknown key or a value out of range; nothing changes.
        """
        with self._lock:
            given = {key: value for key, value in change.items() if value is not None}
            self._knobs = self._model.model_validate({**self._knobs.model_dump(), **given})
            return self._knobs

    def reset(self) -> K:
        with self._lock:
            self._knobs = self._model()
            return self._knobs

    def now(self) -> datetime:
        """The portal's own clock: Vietnam time, naive and to the second, off by ``clock_offset_s``."""
        real = clock.vn_now().replace(tzinfo=None)
        return (real + timedelta(seconds=self.current.clock_offset_s)).replace(microsecond=0)

    def answer_lost(self) -> bool:
        """Draw whether the answer to this final submission is lost (``lost_answer_rate``)."""
        rate = self.current.lost_answer_rate
        return rate > 0 and self.rng.random() < rate


NextCall = Callable[[Request], Awaitable[Response]]
Page = Callable[[Request], Response]


def apply_knobs(
    state: KnobsState[Any], *, maintenance: Page, gateway_error: Page
) -> Callable[[Request, NextCall], Awaitable[Response]]:
    """Build the HTTP middleware that adds latency, gateway errors and the maintenance notice.

    ``maintenance`` renders the portal's 503 page, ``gateway_error`` its gateway's 502 page.
    """

    async def middleware(request: Request, call_next: NextCall) -> Response:
        path = request.url.path
        if path.startswith("/_sandbox/"):
            return await call_next(request)
        knobs = state.current
        delay_ms = knobs.latency_ms + (state.rng.uniform(0, knobs.jitter_ms) if knobs.jitter_ms else 0)
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)
        if path.startswith("/static/"):
            return await call_next(request)
        if knobs.maintenance:
            return maintenance(request)
        if knobs.error_rate > 0 and state.rng.random() < knobs.error_rate:
            return gateway_error(request)
        return await call_next(request)

    return middleware
