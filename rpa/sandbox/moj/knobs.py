"""Fault knobs of the sandbox portal and the middleware that applies them.

The knobs are set through ``POST /_sandbox/knobs`` with exactly these JSON keys. ``/_sandbox/`` and
``/static/`` are exempt from errors and maintenance; ``/_sandbox/`` is also exempt from latency.
``error_rate`` fails a request before the portal does anything; ``lost_answer_rate`` (applied by the
final submission itself) loses the answer after the application is stored.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Final, Literal

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from rpa import clock

__all__ = ["MAX_CLOCK_OFFSET_S", "KnobUpdate", "Knobs", "KnobsState", "LostAnswerMode", "apply_knobs"]

MAX_CLOCK_OFFSET_S: Final = 86_400.0
LostAnswerMode = Literal["gateway", "drop"]


class Knobs(BaseModel):
    """All knobs with their defaults."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    jitter_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    maintenance: bool = False
    captcha: bool = True
    session_idle_s: float = Field(default=900.0, gt=0)
    ui_version: Literal[1, 2] = 1
    auto_advance_s: float = Field(default=0.0, ge=0)  # 0: statuses advance only by the control API
    legacy_units: bool = False  # address groups start in the pre-2025 (province-district-commune) mode
    lost_answer_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    lost_answer_mode: LostAnswerMode = "gateway"
    clock_offset_s: float = Field(default=0.0, ge=-MAX_CLOCK_OFFSET_S, le=MAX_CLOCK_OFFSET_S)
    receipt_layout: Literal[1, 2] = 1


class KnobUpdate(BaseModel):
    """A partial update: only the keys given change; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: int | None = Field(default=None, ge=0, le=60_000)
    jitter_ms: int | None = Field(default=None, ge=0, le=60_000)
    error_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    maintenance: bool | None = None
    captcha: bool | None = None
    session_idle_s: float | None = Field(default=None, gt=0)
    ui_version: Literal[1, 2] | None = None
    auto_advance_s: float | None = Field(default=None, ge=0)
    legacy_units: bool | None = None
    lost_answer_rate: float | None = Field(default=None, ge=0.0, le=1.0)
    lost_answer_mode: LostAnswerMode | None = None
    clock_offset_s: float | None = Field(default=None, ge=-MAX_CLOCK_OFFSET_S, le=MAX_CLOCK_OFFSET_S)
    receipt_layout: Literal[1, 2] | None = None


class KnobsState:
    """The current knobs, shared by every request thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._knobs = Knobs()
        self.rng = random.Random()

    @property
    def current(self) -> Knobs:
        with self._lock:
            return self._knobs

    def update(self, change: KnobUpdate) -> Knobs:
        with self._lock:
            data = self._knobs.model_dump()
            data.update(change.model_dump(exclude_none=True))
            self._knobs = Knobs.model_validate(data)
            return self._knobs

    def reset(self) -> Knobs:
        with self._lock:
            self._knobs = Knobs()
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


def apply_knobs(
    state: KnobsState, templates: Jinja2Templates
) -> Callable[[Request, NextCall], Awaitable[Response]]:
    """Build the HTTP middleware that adds latency, gateway errors and the maintenance notice."""

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
        context = {"version": knobs.ui_version}
        if knobs.maintenance:
            return templates.TemplateResponse(
                request, "maintenance.html", context, status_code=503, headers={"Retry-After": "120"}
            )
        if knobs.error_rate > 0 and state.rng.random() < knobs.error_rate:
            return templates.TemplateResponse(request, "gateway_error.html", context, status_code=502)
        return await call_next(request)

    return middleware
