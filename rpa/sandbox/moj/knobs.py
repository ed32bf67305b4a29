"""Fault knobs of the sandbox portal and the middleware that applies them.

The knobs are set through ``POST /_sandbox/knobs`` with exactly these JSON keys. ``/_sandbox/`` and
``/static/`` are exempt from errors and maintenance; ``/_sandbox/`` is also exempt from latency.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["KnobUpdate", "Knobs", "KnobsState", "apply_knobs"]


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
