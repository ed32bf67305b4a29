"""Health check: can the bots reach the provincial system and every ministry portal?

Each check is an HTTP GET of the system's base URL: any answer below 500 (a login page, a redirect)
counts as up; a 5xx (maintenance is a 503), a timeout or a refused connection as down. A system is down
only when ``ATTEMPTS`` GETs a second or so apart all fail: portals answer a stray 502 now and then, and
an outage alert for each would teach supervisors to ignore them. Every result is logged. A change
of state raises an alert (:mod:`rpa.operations.alerts`): the first failure, and the recovery, each
once, because a supervisor must hear about an outage but not every five minutes while it lasts. The
last state of each system is kept in ``<work_dir>/health.json``, so a restart does not alert again.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from loguru import logger
from tenacity import Retrying, retry_if_result, stop_after_attempt, wait_fixed

from rpa.clock import VN
from rpa.config import Settings
from rpa.operations.alerts import raise_alert
from rpa.private_files import private_dir, write_private

__all__ = ["PROVINCIAL", "TIMEOUT_S", "Probe", "check_health", "probe"]

PROVINCIAL = "provincial"
TIMEOUT_S = 10.0
ATTEMPTS = 3
PAUSE_S = 1.0
STATE_FILE = "health.json"


@dataclass(frozen=True)
class Probe:
    """One system's answer to one check."""

    system: str
    url: str
    up: bool
    detail: str  # "HTTP 200", "HTTP 503", "ConnectError: ..."
    elapsed_ms: int
    at: str  # ISO 8601, UTC


def probe(system: str, url: str, timeout_s: float = TIMEOUT_S, pause_s: float = PAUSE_S) -> Probe:
    """The first answer that is up, else the last of ``ATTEMPTS`` failures."""
    retrying = Retrying(
        retry=retry_if_result(lambda found: not found.up),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_fixed(pause_s),
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        reraise=True,
    )
    result: Probe = retrying(_probe_once, system, url, timeout_s)
    return result


def _probe_once(system: str, url: str, timeout_s: float) -> Probe:
    started = time.monotonic()
    try:
        response = httpx.get(url, timeout=timeout_s, follow_redirects=True)
        up, detail = response.status_code < 500, f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        up, detail = False, f"{type(exc).__name__}: {exc}"
    elapsed = int((time.monotonic() - started) * 1000)
    return Probe(system, url, up, detail, elapsed, datetime.now(UTC).isoformat())


def check_health(settings: Settings, timeout_s: float = TIMEOUT_S, pause_s: float = PAUSE_S) -> list[Probe]:
    """Check every system once, log each result, alert on a change of state; returns the results."""
    targets = {PROVINCIAL: settings.provincial.base_url}
    targets.update({name: portal.base_url for name, portal in settings.portals.items()})
    previous = _load(settings.work_dir)
    probes = [probe(system, url, timeout_s, pause_s) for system, url in targets.items()]
    state = dict(previous)
    for result in probes:
        log = logger.bind(portal=result.system)
        if result.up:
            log.info("health {}: up ({}, {} ms)", result.system, result.detail, result.elapsed_ms)
        else:
            log.warning("health {}: DOWN ({}, {} ms)", result.system, result.detail, result.elapsed_ms)
        before = previous.get(result.system)
        if before is None or before["up"] != result.up:
            _alert_change(settings.work_dir, result, before)
            state[result.system] = {**asdict(result), "since": result.at}
        else:
            state[result.system] = {**asdict(result), "since": before.get("since", result.at)}
    _save(settings.work_dir, state)
    return probes


def _alert_change(work_dir: Path, result: Probe, before: dict[str, Any] | None) -> None:
    name = "Hệ thống một cửa của tỉnh" if result.system == PROVINCIAL else f"Cổng {result.system}"
    if not result.up:
        message = f"{name} ({result.url}) không truy cập được: {result.detail}."
        raise_alert(work_dir, "portal_down", message, portal=result.system, url=result.url)
    elif before is not None:  # a first check that finds the system up is no news
        down_since = datetime.fromisoformat(before["since"]).astimezone(VN)
        message = f"{name} ({result.url}) đã hoạt động trở lại (lỗi từ {down_since:%H:%M %d/%m/%Y})."
        raise_alert(work_dir, "portal_up", message, portal=result.system, url=result.url)


def _load(work_dir: Path) -> dict[str, dict[str, Any]]:
    path = work_dir / STATE_FILE
    if not path.is_file():
        return {}
    loaded: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _save(work_dir: Path, state: dict[str, dict[str, Any]]) -> None:
    private_dir(work_dir)
    write_private(work_dir / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2))
