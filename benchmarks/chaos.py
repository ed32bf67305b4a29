"""Soak harness: exactly-once under crashes, with the real ``rpa run --once`` killed at random moments.

Every procedure at once: each one registered (``rpa.procedures.all_procedures()``) whose portal the
sandbox serves and whose dossiers its seed makes (``--procedure`` names a few of them instead). One
in-process sandbox (every system, own temp data dir, CAPTCHA off) seeded with ``--dossiers`` generated
dossiers, the procedures taking turns (valid, flawed, and some not accepted yet). The worker is the
real CLI, ``python -m rpa run --once --json --config FILE``, run as a subprocess in its own session and
started again and again until every accepted dossier's transfer is final (``written_back``,
``failed_business``, or ``needs_review`` where a person decides) and a run ended by itself.

Faults, all through the portals' sandbox knobs, on every soaked portal that has the knob, for the whole
soak:

- ``jitter_ms`` on every request and ``error_rate`` (``--error-rate``, default 0.1: HTTP 502);
- session expiry: ``session_idle_s`` set to 1 s for a few seconds every ``--session-every`` seconds;
- one maintenance window (HTTP 503) of ``--maintenance-s`` seconds.

Kills (``--kills``, SIGKILL to the worker's PID only, as a crash would): about half are timed right
after the final click: once the ledger shows a transfer (of any procedure) in ``submitting``
(committed before the click) its portal turns slow (``latency_ms``) and the worker is killed as soon as
that portal holds one more application, i.e. between storing it and showing the receipt. The others
fire at a random moment of a run. Just before each kill the worker's descendants (Playwright driver,
Chromium) are sampled; at the end the harness counts how many of them are still alive (it never kills
them before counting).

Checks (exit 1 when one fails), in total and per procedure (``procedures`` in the JSON): one
application per valid dossier with every field equal to the source (``read_form`` on the provincial
data), flawed dossiers ``failed_business`` with their reasons and nothing typed (a flaw only the portal
can see, such as a company name it already has, with the portal's reason), no dossier lost, each receipt
written back exactly once, one SMS per status change, no stray application, no Chromium left, and the
time taken. An application is told to be a dossier's by its procedure's key (:data:`KEY_FACTS`): the
identity number the portal finds it by (``Procedure.lookup_key``) and the facts that tell two
applications of one person apart (``Procedure.submission_facts``): the purpose of a judicial record,
the company's name of a business registration.

The faults exactly-once exists for (issue 11), each switchable, all on by default:

- lost answers (``--lost-answer-rate``, default 0.15): the portal stores a final submission and then
  loses its answer (HTTP 502 page or a dropped connection; the mode alternates every
  ``--lost-answer-switch-s`` seconds);
- several dossiers of one person (``--same-person N``, default 3): N pairs of valid dossiers of each
  procedure sharing the applicant, added through ``POST /_sandbox/dossiers``: a judicial record's pair
  has different purposes, a business registration's is two companies of one owner with different
  names, a badge request's is two requests of one transport business for different vehicles. Check:
  each has its own application with its own purpose, name or vehicles;
- status changes in flight (``--withdraw N``, default 2): while a worker runs, N valid accepted dossiers
  that are ``filling`` (first) or ``queued`` (next) are set to status 7 (withdrawn) through the
  provincial API, as a clerk would; the harness records the time before and after the call. Check:
  no application unless the worker committed ``submitting`` (it re-reads the status right before)
  by the time the withdrawal returned; the status stays 7 with no receipt; the transfer ends
  ``failed_business`` or ``needs_review`` with its reason;
- the portals' clocks off (``--portal-clock-offset-s``, default -240: four minutes behind the bot's)
  for the whole soak: look-ups after kills and lost answers must still find the applications;
- receipt-page drift (``--receipt-drift``), on the portals that have the ``receipt_layout`` knob: from
  ``--drift-at`` seconds their receipt page has the redesigned layout (``receipt_layout`` 2, where the
  shipped selector reads the status label); once a ``selector_drift`` alert of one of them is in
  ``alerts.jsonl`` (or ``--drift-max-s`` passed) the layout goes back and the harness runs
  ``rpa breaker reset`` as an operator would. Check: no receipt code outside its portal's format
  anywhere, and the transfers submitted on those portals in the window end with their true receipt;
- attempts longer than the lease (``--long-attempts``): the bots' lease is ``--long-lease-s`` (3 s);
  from ``--long-at`` seconds, for ``--long-s`` seconds, the portals get ``--long-latency-ms`` per request
  and a second ``rpa run --once`` (the rival) works beside the first (``max_sessions`` 2), so a lease
  that is not renewed is taken over while its holder still types. Check: attempts outlived the
  lease, and every lease that expired had a killed holder.

A transfer may end ``needs_review`` (a person settles it) only for a withdrawn dossier or an ambiguous
look-up; the counts are reported, any other ``needs_review`` fails.

Usage::

    python benchmarks/chaos.py [--dossiers 30] [--kills 5] [--seed 1] [--procedure NAME ...] [--json]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from pydantic import BaseModel

from rpa.clock import VN
from rpa.config import Settings, write_config
from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.evidence.keys import ensure_keys
from rpa.ledger import Event, Ledger, Transfer, TransferState
from rpa.operations.alerts import read_alerts
from rpa.portal.evidence import sha256_of
from rpa.procedures import Procedure, all_procedures, named, portals, read_form
from rpa.sandbox.cli import bot_config
from rpa.sandbox.seed import PROCEDURES as SEEDED_PROCEDURES
from rpa.sandbox.seed import generate
from rpa.sandbox.seed_business import name_key
from rpa.sandbox.seed_names import PURPOSES
from rpa.sandbox.serving import RunningSandbox, start_sandbox

S = TransferState
SERVICE_ACCOUNT = ("rpa.bot", "RpaBot@2025")  # provincial service account (docs/sandbox.md)
FINAL = {S.WRITTEN_BACK, S.FAILED_BUSINESS, S.NEEDS_REVIEW}  # needs_review: a person decides
SLOW_MS = 3000  # portal latency during a final-click kill: the window between storing and the receipt
ADDRESS_KEYS = ("legacy", "provinceId", "districtId", "wardId", "street")
WITHDRAWN = int(DossierStatus.WITHDRAWN)
AMBIGUOUS_MARK = "nhiều hồ sơ có thể là hồ sơ này"  # rpa.transfer.worker's reason for an ambiguous look-up
# The worker re-reads the provincial status right before it commits ``submitting``: a withdrawal that
# returned less than this before that commit may have raced the read (one in-process HTTP call).
READ_RACE_S = 1.0
KEY_FACTS: dict[str, tuple[str, ...]] = {
    "judicial_record": ("purpose",),  # one person, several purposes (the copies may be the same)
    "business_registration": ("company_name",),  # one owner, several companies
}
"""Which of a procedure's ``submission_facts`` tell two applications of one person apart, besides the
identity number it is looked up by (``lookup_key``). A procedure not named here: all of its facts."""


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- the procedures ---------------------------------------------------------------------------------
def soaked_procedures(running: RunningSandbox, wanted: Sequence[str] = ()) -> tuple[Procedure, ...]:
    """Every registered procedure the sandbox serves a portal of and seeds dossiers of (only those in
    ``wanted`` when given), in the registry's order; the others are named on stderr with the reason."""
    registered = {p.name: p for p in all_procedures()}
    if unknown := sorted(set(wanted) - set(registered)):
        raise SystemExit(f"--procedure {unknown}: not registered (registered: {sorted(registered)})")
    chosen: list[Procedure] = []
    for procedure in registered.values():
        reason = None
        if wanted and procedure.name not in wanted:
            reason = "not asked for"
        elif procedure.portal not in running.urls:
            reason = f"the sandbox serves no portal {procedure.portal}"
        elif procedure.name not in SEEDED_PROCEDURES:
            reason = "the sandbox seed makes no dossier of it"
        elif any(p.portal == procedure.portal for p in chosen):
            reason = f"its portal {procedure.portal} is soaked with another (applications are told by portal)"
        if reason is None:
            chosen.append(procedure)
        else:
            progress(f"procedure {procedure.name} left out: {reason}")
    if not chosen:
        raise SystemExit("no procedure to soak: none registered is both served and seeded by the sandbox")
    return tuple(chosen)


class _Stored:
    """A stored form (the portal's JSON) read by attribute, as a procedure's functions read its form."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self._form = form

    def __getattr__(self, name: str) -> Any:
        try:
            return self._form[name]
        except KeyError:
            raise AttributeError(name) from None


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).casefold().split())


def number_of(procedure: Procedure, form: Any) -> str:
    """The identity number the portal finds the application of ``form`` (typed, or stored) by."""
    source = _Stored(form) if isinstance(form, Mapping) else form
    try:
        return _text(procedure.lookup_key(source))
    except (AttributeError, KeyError, TypeError):
        return "<unreadable>"


def application_key(procedure: Procedure, form: Any) -> tuple[str, ...]:
    """Which dossier an application is: its procedure, the identity number and the facts that tell one
    person's applications apart (:data:`KEY_FACTS`). ``form``: the typed form, or the stored JSON."""
    source = _Stored(form) if isinstance(form, Mapping) else form
    try:
        facts = procedure.submission_facts(source)
    except (AttributeError, KeyError, TypeError):
        return (procedure.name, "<unreadable>", repr(form))
    wanted = KEY_FACTS.get(procedure.name, tuple(sorted(facts)))
    return (procedure.name, number_of(procedure, form), *(_text(facts.get(key, "")) for key in wanted))


def procedure_of_data(data: Mapping[str, Any], procedures: Sequence[Procedure]) -> Procedure | None:
    """The soaked procedure a provincial dossier's JSON belongs to (its payload's kind, else its code)."""
    payload = data.get("payload")
    found = named(payload.get("kind")) if isinstance(payload, Mapping) else None
    if found in procedures:
        return found
    code = data.get("procedure_code")
    return next((p for p in procedures if code in p.procedure_codes), None)


# ---- the sandbox ------------------------------------------------------------------------------------
@dataclass
class Sandbox:
    running: RunningSandbox
    procedures: tuple[Procedure, ...]
    latency_floor_ms: int = 0  # the portals' latency outside a final-click kill (the long-attempt window)
    knob_names: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for portal in self.portals:
            known = httpx.get(f"{self.url(portal)}/_sandbox/knobs", timeout=10).raise_for_status().json()
            self.knob_names[portal] = frozenset(known)

    @property
    def portals(self) -> tuple[str, ...]:
        return portals(self.procedures)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.procedures]

    def url(self, portal: str) -> str:
        return self.running.urls[portal]

    def procedure(self, name: str) -> Procedure:
        return next(p for p in self.procedures if p.name == name)

    def on_portal(self, portal: str) -> Procedure:
        return next(p for p in self.procedures if p.portal == portal)

    @property
    def provincial(self) -> str:
        return self.running.urls["provincial"]

    def portals_with(self, knob: str) -> list[str]:
        return [portal for portal in self.portals if knob in self.knob_names[portal]]

    def knobs(self, **values: Any) -> None:
        """Set each knob on every soaked portal that has it (one that none has is a mistake: say so)."""
        if missing := [knob for knob in values if not self.portals_with(knob)]:
            raise SystemExit(f"no soaked portal has the knobs {missing}: {dict(self.knob_names)}")
        for portal in self.portals:
            self.knobs_on(portal, **{k: v for k, v in values.items() if k in self.knob_names[portal]})

    def knobs_on(self, portal: str, **values: Any) -> None:
        if not values:
            return
        response = httpx.post(f"{self.url(portal)}/_sandbox/knobs", json=values, timeout=10)
        if response.status_code == 422:  # a knob this sandbox does not have: say which
            raise SystemExit(f"the {portal} sandbox refused knobs {values}: {response.text}")
        response.raise_for_status()

    def add_dossiers(self, dossiers: list[dict[str, Any]]) -> list[str]:
        response = httpx.post(
            f"{self.provincial}/_sandbox/dossiers", json={"dossiers": dossiers}, timeout=600
        )
        codes: list[str] = response.raise_for_status().json()["codes"]
        return codes

    def applications(self, portal: str | None = None) -> list[dict[str, Any]]:
        """Every application of the soaked portals (or of ``portal``), each with its ``procedure``."""
        found: list[dict[str, Any]] = []
        for name in (portal,) if portal else self.portals:
            listed = httpx.get(f"{self.url(name)}/_sandbox/applications", timeout=60).raise_for_status()
            procedure = self.on_portal(name).name
            found += [{**a, "procedure": procedure} for a in listed.json()]
        return found

    def dossiers(self) -> dict[str, dict[str, Any]]:
        listed = httpx.get(f"{self.provincial}/_sandbox/dossiers", timeout=60).raise_for_status().json()
        return {d["code"]: d for d in listed}

    def sms(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = (
            httpx.get(f"{self.provincial}/_sandbox/sms", timeout=60).raise_for_status().json()
        )
        return messages

    def seed(self, seed: int, count: int) -> list[str]:
        """``count`` generated dossiers, the soaked procedures taking turns."""
        body = {"seed": seed, "dossiers": count, "procedures": self.names}
        response = httpx.post(f"{self.provincial}/_sandbox/seed", json=body, timeout=600)
        codes: list[str] = response.raise_for_status().json()["codes"]
        return codes

    def download_attachments(self, client: httpx.Client, code: str, folder: Path) -> Path:
        """Every attachment of ``code`` as the provincial API serves it (``client`` is logged in)."""
        folder.mkdir(parents=True, exist_ok=True)
        dossier = client.get(f"/api/dossiers/{code}").raise_for_status().json()
        for index, attachment in enumerate(dossier["attachments"]):
            content = client.get(f"/api/dossiers/{code}/attachments/{index}").raise_for_status().content
            (folder / Path(attachment["name"]).name).write_bytes(content)
        return folder

    @contextlib.contextmanager
    def provincial_api(self) -> Iterator[httpx.Client]:
        """A client of the provincial API, logged in with the service account."""
        with httpx.Client(base_url=self.provincial, timeout=60) as client:
            username, password = SERVICE_ACCOUNT
            token = client.post("/api/auth/token", data={"username": username, "password": password})
            client.headers["Authorization"] = f"Bearer {token.raise_for_status().json()['access_token']}"
            yield client


@dataclass(frozen=True)
class Pair:
    """Two valid accepted dossiers of one applicant that must each get their own application."""

    procedure: str
    first: str
    second: str


def _body(item: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A generated dossier in the body shape of ``POST /_sandbox/dossiers``, with ``data``."""
    files = [
        {
            "name": f.name,
            "media_type": f.media_type,
            "content_base64": base64.b64encode(f.content).decode("ascii"),
        }
        for f in item.files
    ]
    return {"data": data, "files": files, "tricky": item.tricky}


def _valid_accepted(seed: int, count: int, procedure: str) -> list[Any]:
    made = generate(seed + 7919, count * 4 + 8, procedures=[procedure])
    return [i for i in made if i.flaw is None and i.data.get("status") == int(DossierStatus.ACCEPTED)]


def _judicial_pairs(seed: int, count: int, taken: set[str]) -> list[dict[str, Any]]:
    """Two dossiers of one applicant differing in their purpose."""
    rng = random.Random(seed)
    pairs: list[dict[str, Any]] = []
    for item in _valid_accepted(seed, count, "judicial_record")[:count]:
        second = copy.deepcopy(item.data)
        purpose = item.data["payload"]["purpose"]
        second["payload"]["purpose"] = rng.choice([p for p in PURPOSES if p != purpose])
        pairs += [_body(item, item.data), _body(item, second)]
    return pairs


def _business_pairs(seed: int, count: int, taken: set[str]) -> list[dict[str, Any]]:
    """Two companies of one owner: the second dossier is the first with another generated company's
    names (one no other dossier of the soak has, nor the portal's registered ones)."""
    items = _valid_accepted(seed, count, "business_registration")
    owners = [i for i in items if name_key(i.data["payload"]["company_name"]) not in taken]
    pairs: list[dict[str, Any]] = []
    for owner, donor in zip(owners[:count], owners[count : 2 * count], strict=False):
        second = copy.deepcopy(owner.data)
        for key in ("company_name", "foreign_name", "abbreviation"):
            second["payload"][key] = donor.data["payload"][key]
        pairs += [_body(owner, owner.data), _body(owner, second)]
    return pairs


def _transport_pairs(seed: int, count: int, taken: set[str]) -> list[dict[str, Any]]:
    """Two badge requests of one transport business for different vehicles: both generated as they are
    (each valid on its own), found among many by their shared licence number."""
    by_licence: dict[str, list[Any]] = {}
    for item in _valid_accepted(seed, count * 40, "road_transport"):
        by_licence.setdefault(item.data["payload"]["business"]["licence_number"], []).append(item)
    pairs: list[dict[str, Any]] = []
    for items in by_licence.values():
        plates = [{v["plate"] for v in i.data["payload"]["vehicles"]} for i in items]
        apart = [
            (a, b) for a in range(len(items)) for b in range(a + 1, len(items)) if not plates[a] & plates[b]
        ]
        if apart and len(pairs) < 2 * count:
            first, second = apart[0]
            pairs += [_body(items[first], items[first].data), _body(items[second], items[second].data)]
    return pairs


PAIRS = {
    "judicial_record": _judicial_pairs,
    "business_registration": _business_pairs,
    "road_transport": _transport_pairs,
}
"""How each procedure's same-person pairs are made (a procedure not named here gets none)."""


def same_person_pairs(
    seed: int, count: int, procedures: Sequence[str], seeded: Sequence[Mapping[str, Any]] = ()
) -> dict[str, list[dict[str, Any]]]:
    """``count`` pairs of valid accepted dossiers of one applicant each, per procedure of ``procedures``
    that has a way to make them (:data:`PAIRS`), each pair's two dossiers adjacent.

    Generated apart from the main seed (so ``--dossiers``/``--seed`` keep giving the same mix) and
    returned in the body shape of ``POST /_sandbox/dossiers``. ``seeded``: the dossiers already in the
    provincial system (no pair may reuse a company name of theirs).
    """
    taken = {
        name_key(str(d["data"]["payload"]["company_name"]))
        for d in seeded
        if isinstance(d.get("data", {}).get("payload"), Mapping) and "company_name" in d["data"]["payload"]
    }
    made: dict[str, list[dict[str, Any]]] = {}
    for procedure in procedures:
        if procedure not in PAIRS:
            continue
        made[procedure] = PAIRS[procedure](seed, count, taken)
        if len(made[procedure]) < 2 * count:
            raise SystemExit(f"the generator gave fewer than {count} {procedure} pairs")
    return made


# ---- faults -----------------------------------------------------------------------------------------
@dataclass
class Drift:
    """The receipt-page drift window on ``portals`` (those with ``receipt_layout``): when it ran, what
    the bots alerted, how the operator reset."""

    at_s: float
    max_s: float
    config: Path
    work_dir: Path
    portals: Sequence[str]
    started: datetime | None = None
    ended: datetime | None = None
    alert_seen: datetime | None = None
    reset_exit: int | None = None
    reset_output: str = ""

    def alerted(self) -> bool:
        return any(
            a.get("kind") == "selector_drift" and a.get("portal", self.portals[0]) in self.portals
            for a in read_alerts(self.work_dir)
        )

    def breaker_reset(self) -> None:
        """What an operator runs once the selector map is fixed: ``rpa breaker reset`` (each portal)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("RPA_")}
        exits, outputs = [], []
        for portal in self.portals:
            command = [sys.executable, "-m", "rpa", "breaker", "reset", portal, "--config", str(self.config)]
            done = subprocess.run(
                command, cwd=self.config.parent, env=env, capture_output=True, text=True, timeout=120
            )
            exits.append(done.returncode)
            outputs.append((done.stdout + done.stderr).strip()[-500:])
            progress(f"rpa breaker reset {portal}: exit {done.returncode}: {outputs[-1]}")
        self.reset_exit = max(exits, key=abs, default=0)
        self.reset_output = "\n".join(outputs)

    def facts(self) -> dict[str, Any]:
        return {
            "portals": list(self.portals), "started": self.started, "ended": self.ended,
            "alert_seen": self.alert_seen, "breaker_reset_exit": self.reset_exit,
            "breaker_reset_output": self.reset_output,
        }  # fmt: skip


class Faults(threading.Thread):
    """Drives the fault knobs of every soaked portal over time: jitter and 502s always, session expiry
    cycles, one maintenance, lost answers (alternating gateway/drop) and the portal's clock offset
    always, one drift window on the portals that have one."""

    def __init__(
        self, box: Sandbox, *, error_rate: float, jitter_ms: float, session_every_s: float,
        session_short_s: float, maintenance_at_s: float, maintenance_s: float,
        lost_answer_rate: float = 0.0, lost_answer_switch_s: float = 30.0, clock_offset_s: float = 0.0,
        drift: Drift | None = None, portal_error_rates: Mapping[str, float] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(daemon=True, name="faults")
        self.box = box
        self.error_rate = error_rate
        self.portal_error_rates = dict(portal_error_rates or {})
        self.jitter_ms = jitter_ms
        self.session_every_s = session_every_s
        self.session_short_s = session_short_s
        self.maintenance_at_s = maintenance_at_s
        self.maintenance_s = maintenance_s
        self.lost_answer_rate = lost_answer_rate
        self.lost_answer_switch_s = lost_answer_switch_s
        self.clock_offset_s = clock_offset_s
        self.drift = drift
        self.stop = threading.Event()
        self.session_expiries = 0
        self.maintenance_windows = 0
        self.lost_answer_modes: list[str] = []

    def begin(self) -> None:
        """The soak-long knobs, set before the first worker starts."""
        self.box.knobs(jitter_ms=self.jitter_ms, error_rate=self.error_rate)
        for portal, rate in self.portal_error_rates.items():
            self.box.knobs_on(portal, error_rate=rate)
        if self.clock_offset_s:
            self.box.knobs(clock_offset_s=self.clock_offset_s)
        if self.lost_answer_rate:
            self._lost_answer_mode()
        self.start()

    def _lost_answer_mode(self) -> None:
        mode = "drop" if self.lost_answer_modes and self.lost_answer_modes[-1] == "gateway" else "gateway"
        self.box.knobs(lost_answer_rate=self.lost_answer_rate, lost_answer_mode=mode)
        self.lost_answer_modes.append(mode)

    def _layout(self, layout: int) -> None:
        assert self.drift is not None
        for portal in self.drift.portals:
            self.box.knobs_on(portal, receipt_layout=layout)

    def _drift_step(self, elapsed_s: float) -> None:
        drift = self.drift
        if drift is None or drift.ended is not None or elapsed_s < drift.at_s:
            return
        if drift.started is None:
            self._layout(2)
            drift.started = datetime.now(UTC)
            progress(f"receipt page drift: receipt_layout 2 on {', '.join(drift.portals)}")
            return
        if drift.alert_seen is None and drift.alerted():
            drift.alert_seen = datetime.now(UTC)
        # Let the alert settle a moment (the worker opens its breaker right after it), then fix.
        seen_long_enough = drift.alert_seen is not None and datetime.now(UTC) > drift.alert_seen + timedelta(
            seconds=2
        )
        if seen_long_enough or elapsed_s >= drift.at_s + drift.max_s:
            self._layout(1)
            drift.ended = datetime.now(UTC)
            progress(f"receipt page back to layout 1 (alert seen: {drift.alert_seen is not None})")
            drift.breaker_reset()

    def run(self) -> None:
        started = time.monotonic()
        next_session = started + self.session_every_s
        maintenance_start = started + self.maintenance_at_s
        maintenance_done = False
        next_switch = started + self.lost_answer_switch_s
        while not self.stop.wait(0.5):
            now = time.monotonic()
            self._drift_step(now - started)
            if self.lost_answer_rate and now >= next_switch:
                self._lost_answer_mode()
                next_switch = now + self.lost_answer_switch_s
            if now >= next_session:
                self.box.knobs(session_idle_s=1.0)
                self.session_expiries += 1
                self.stop.wait(self.session_short_s)
                self.box.knobs(session_idle_s=900.0)
                next_session = time.monotonic() + self.session_every_s
            if not maintenance_done and now >= maintenance_start:
                self.box.knobs(maintenance=True)
                self.maintenance_windows += 1
                self.stop.wait(self.maintenance_s)
                self.box.knobs(maintenance=False)
                maintenance_done = True

    def end(self) -> None:
        self.stop.set()
        self.join(timeout=150)  # a breaker reset may be running
        self.box.knobs(jitter_ms=0, error_rate=0.0, maintenance=False, session_idle_s=900.0, latency_ms=0)
        if self.lost_answer_rate:
            self.box.knobs(lost_answer_rate=0.0)
        if self.drift is not None and self.drift.started is not None and self.drift.ended is None:
            self._layout(1)  # the soak ended inside the window (the checks will say)


@dataclass
class Withdrawal:
    """One dossier a clerk set to status 7 while a worker ran; the call took ``before`` → ``after``."""

    code: str
    state: str  # the transfer's state in the ledger when the harness chose it
    before: datetime
    after: datetime


class Withdrawer(threading.Thread):
    """While a worker runs, withdraws ``count`` eligible dossiers: the first ``filling`` (the worker is
    typing it, so only its re-read before the final click can stop it), the next ``queued``."""

    def __init__(
        self, box: Sandbox, ledger_url: str, eligible: set[str], count: int, at_s: float,
        worker_running: threading.Event,
    ) -> None:  # fmt: skip
        super().__init__(daemon=True, name="withdrawer")
        self.box = box
        self.ledger_url = ledger_url
        self.eligible = set(eligible)
        self.count = count
        self.at_s = at_s
        self.worker_running = worker_running
        self.stop = threading.Event()
        self.done: list[Withdrawal] = []

    def run(self) -> None:
        started = time.monotonic()
        with Ledger(self.ledger_url) as ledger, self.box.provincial_api() as client:
            while len(self.done) < self.count and not self.stop.wait(0.1):
                elapsed = time.monotonic() - started
                if elapsed < self.at_s + 15.0 * len(self.done) or not self.worker_running.is_set():
                    continue
                # Filling first; a queued one if no filling one shows up within a minute of trying.
                wanted = [S.FILLING] if len(self.done) % 2 == 0 else [S.QUEUED]
                if elapsed > self.at_s + 15.0 * len(self.done) + 60.0:
                    wanted = [S.FILLING, S.QUEUED]
                candidates = [
                    t
                    for t in ledger.list(states=wanted, flows=self.box.names, limit=10_000)
                    if t.dossier_code in self.eligible
                ]
                if not candidates:
                    continue
                target = candidates[0]
                before = datetime.now(UTC)
                body = {"status": WITHDRAWN, "note": "Công dân xin rút hồ sơ", "actor": "canbo.motcua"}
                client.put(f"/api/dossiers/{target.dossier_code}/status", json=body).raise_for_status()
                after = datetime.now(UTC)
                self.eligible.discard(target.dossier_code)
                self.done.append(Withdrawal(target.dossier_code, target.state.value, before, after))
                progress(
                    f"withdrew {target.dossier_code} ({target.flow}) while its transfer was "
                    f"{target.state.value}"
                )

    def end(self) -> None:
        self.stop.set()
        self.join(timeout=30)


# ---- the worker and its killer ----------------------------------------------------------------------
@dataclass
class Tracked:
    """A descendant of a killed worker, identified by pid and start time (a reused pid is not it)."""

    pid: int
    started: float
    name: str

    def alive(self) -> bool:
        try:
            process = psutil.Process(self.pid)
            return (
                abs(process.create_time() - self.started) < 0.01 and process.status() != psutil.STATUS_ZOMBIE
            )
        except psutil.NoSuchProcess:
            return False


@dataclass
class LongAttempts:
    """The window in which attempts outlive the lease, with a rival worker that would take them over."""

    due: float  # monotonic time from which the next run without a final-click kill opens the window
    length_s: float
    latency_ms: int
    done: bool = False
    rival_runs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Soak:
    box: Sandbox
    config: Path
    root: Path
    ledger: Ledger
    rng: random.Random
    plan: list[str]  # "click" or "random", one per kill still to do
    kills: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    orphans: list[Tracked] = field(default_factory=list)
    long: LongAttempts | None = None
    worker_running: threading.Event = field(default_factory=threading.Event)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "rpa", "run", "--once", "--json", "--config", str(self.config)]

    def start(self) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RPA_")}
        log = (self.root / "worker-output.log").open("ab")
        return subprocess.Popen(
            self.command(),
            cwd=self.root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, worker: subprocess.Popen[bytes], kind: str, **facts: Any) -> None:
        descendants = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(worker.pid).children(recursive=True):
                with contextlib.suppress(psutil.NoSuchProcess):
                    descendants.append(Tracked(child.pid, child.create_time(), child.name()))
        at = datetime.now(UTC)
        os.kill(worker.pid, signal.SIGKILL)  # the worker only, as a crash would
        worker.wait(timeout=30)
        self.orphans.extend(descendants)
        chromium = sum("chrom" in d.name.lower() for d in descendants)
        time.sleep(1.0)  # before the next worker starts (and its reaper runs): do they go by themselves?
        alive_1s = sum(d.alive() for d in descendants)
        self.kills.append(
            {
                "kind": kind,
                "descendants": len(descendants),
                "chromium": chromium,
                "alive_1s": alive_1s,
                "at": at.isoformat(),
                **facts,
            }
        )
        progress(
            f"kill {len(self.kills)} ({kind}) {facts}: {len(descendants)} descendants ({chromium} Chromium), "
            f"{alive_1s} alive 1 s later"
        )

    def submitting(self) -> list[Transfer]:
        return self.ledger.list(states=[S.SUBMITTING], flows=self.box.names, limit=10_000)

    def one_run(self, max_run_s: float) -> None:
        """Start the worker once; kill it if the plan says so; record how it ended."""
        kind = self.plan[0] if self.plan else None
        started = time.monotonic()
        random_at = started + self.rng.uniform(2.0, 25.0)
        worker = self.start()
        self.worker_running.set()
        killed = False
        try:
            long = self.long
            if long is not None and not long.done and kind != "click" and started >= long.due:
                # A final-click kill watches for a new ``submitting``: a rival's would mislead it.
                self._long_window(worker, long, started + max_run_s)
                random_at = time.monotonic() + self.rng.uniform(2.0, 25.0)
            if kind == "click":
                killed = self._kill_after_click(worker, started + max_run_s)
            elif kind == "random":
                while worker.poll() is None and time.monotonic() < random_at:
                    time.sleep(0.05)
                if worker.poll() is None:
                    self.kill(worker, "random", after_s=round(time.monotonic() - started, 1))
                    killed = True
            if not killed:
                worker.wait(timeout=max(1.0, started + max_run_s - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill(worker, "timeout", after_s=round(time.monotonic() - started, 1))
        finally:
            self.worker_running.clear()
        if killed:
            self.plan.pop(0)
        self.runs.append(
            {"seconds": round(time.monotonic() - started, 1), "exit": worker.returncode, "killed": killed}
        )

    def _long_window(self, worker: subprocess.Popen[bytes], long: LongAttempts, deadline: float) -> None:
        """Slow the portals so attempts outlive the lease while a rival worker runs beside ``worker``;
        then SIGTERM the rival (it finishes its transfer and exits) and restore the latency."""
        long.done = True
        opened = time.monotonic()
        self.box.latency_floor_ms = long.latency_ms
        self.box.knobs(latency_ms=long.latency_ms)
        rival = self.start()
        progress(f"long attempts: latency {long.latency_ms} ms, rival worker {rival.pid} beside {worker.pid}")
        try:
            while (
                worker.poll() is None and rival.poll() is None and time.monotonic() < opened + long.length_s
            ):
                time.sleep(0.1)
        finally:
            self.box.latency_floor_ms = 0
            self.box.knobs(latency_ms=0)
        if rival.poll() is None:
            rival.send_signal(signal.SIGTERM)
        try:
            rival.wait(timeout=max(1.0, deadline - time.monotonic()))
            killed = False
        except subprocess.TimeoutExpired:
            self.kill(rival, "rival timeout", after_s=round(time.monotonic() - opened, 1))
            killed = True
        long.rival_runs.append(
            {"seconds": round(time.monotonic() - opened, 1), "exit": rival.returncode, "killed": killed}
        )
        progress(f"long attempts over: rival exit {rival.returncode} after {time.monotonic() - opened:.0f} s")

    def _kill_after_click(self, worker: subprocess.Popen[bytes], deadline: float) -> bool:
        """Wait for a transfer in ``submitting``; slow its portal; kill once the application is stored."""
        before_ids = {t.id for t in self.submitting()}  # leftovers of an earlier kill are no final click
        target: Transfer | None = None
        while worker.poll() is None and time.monotonic() < deadline:
            fresh = [t for t in self.submitting() if t.id not in before_ids]
            if fresh:
                target = fresh[0]
                break
            time.sleep(0.02)
        if target is None:
            return False
        portal = self.box.procedure(target.flow).portal
        count = len(self.box.applications(portal))
        self.box.knobs_on(portal, latency_ms=SLOW_MS)
        try:
            while worker.poll() is None and time.monotonic() < deadline:
                now = len(self.box.applications(portal))
                if now > count:
                    self.kill(
                        worker, "after final click", dossier=target.dossier_code, transfer=target.id,
                        procedure=target.flow,
                    )  # fmt: skip
                    return True
                time.sleep(0.02)
        finally:
            self.box.knobs_on(portal, latency_ms=self.box.latency_floor_ms)
        return False

    def settled(self, accepted: set[str]) -> tuple[bool, float]:
        """Whether every accepted dossier's transfer is final; else how long to wait before the next run."""
        transfers = {t.dossier_code: t for t in self.ledger.list(flows=self.box.names, limit=100_000)}
        if accepted <= {code for code, t in transfers.items() if t.state in FINAL}:
            return True, 0.0
        now = datetime.now(UTC)
        waits = [0.5]
        for t in transfers.values():
            if t.state in FINAL:
                continue
            for moment in (t.next_attempt_at, t.lease_expires_at):
                if moment is not None and moment > now:
                    waits.append((moment - now).total_seconds() + 0.2)
        pending = [w for w in waits if w > 0.5]
        return False, min(5.0, min(pending) if pending else 0.5)


# ---- checks -----------------------------------------------------------------------------------------
def form_differences(stored: dict[str, Any], expected: BaseModel) -> dict[str, Any]:
    """``{field: [expected, stored]}`` for every field the portal stored differently (as in the e2e tests)."""
    differences: dict[str, Any] = {}
    for key, want in expected.model_dump(mode="json").items():
        got = stored.get(key, "<missing>")
        value = getattr(expected, key)
        if key.endswith("Address") and isinstance(got, dict):
            got = {k: got.get(k) for k in ADDRESS_KEYS}
        elif isinstance(value, Path):  # an uploaded file: the portal keeps its digest and size
            want = {"sha256": sha256_of(value), "size": value.stat().st_size}
            got = None if got is None else {"sha256": got.get("sha256"), "size": got.get("size")}
        if got != want:
            differences[key] = [want, got]
    return differences


def _bot_clock(submitted_at: str, clock_offset_s: float) -> datetime:
    """An application's ``submittedAt`` (the portal's clock: Vietnam time, naive, off by the offset)
    on the bot's clock (UTC); the portal cuts it to the second, so the real moment is up to 1 s later."""
    portal = datetime.fromisoformat(submitted_at).replace(tzinfo=VN)
    return (portal - timedelta(seconds=clock_offset_s)).astimezone(UTC)


def _receipt_ok(code: object, procedures: Sequence[Procedure]) -> bool:
    """Whether ``code`` is a receipt code in the format of (one of) ``procedures``' portal."""
    return isinstance(code, str) and any(p.receipt_code.fullmatch(code) for p in procedures)


def _sms_receipt_ok(text: str, procedures: Sequence[Procedure]) -> bool:
    """Whether the receipt an SMS quotes ("..., ma ho so X. Tra cuu: ...") is in a portal's format."""
    quoted = text.split("ma ho so ", 1)[1]
    for procedure in procedures:
        found = procedure.receipt_code.match(quoted)
        if found is not None and re.match(r"[\w-]", quoted[found.end() : found.end() + 1]) is None:
            return True
    return False


@dataclass
class Tally:
    """What the checks found for one procedure's dossiers; :func:`_merge` adds them up for the soak."""

    valid: int = 0  # valid accepted dossiers not withdrawn
    flawed: int = 0
    not_accepted: int = 0
    applications: int = 0
    per_valid: Counter[int] = field(default_factory=Counter)
    fields_equal: int = 0
    parked: int = 0
    parked_by_portal: int = 0  # of ``parked``: a flaw only the portal can see (no application either)
    written_once: int = 0
    sms_ok: int = 0
    withdrawn_review: int = 0
    lost: list[str] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)  # not accepted yet, yet in the ledger or written to
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    unexplained: list[dict[str, Any]] = field(default_factory=list)
    shared: dict[str, list[str]] = field(default_factory=dict)
    foreign: list[dict[str, Any]] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    same_person: list[dict[str, Any]] = field(default_factory=list)
    withdrawals: list[dict[str, Any]] = field(default_factory=list)
    drifted: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The figures as the JSON reports them (the keys operators' scripts read)."""
        return {
            "valid": self.valid,
            "flawed": self.flawed,
            "not_accepted": self.not_accepted,
            "applications": self.applications,
            "applications_per_valid_dossier": {str(k): v for k, v in sorted(self.per_valid.items())},
            "fields_equal": self.fields_equal,
            "flawed_parked_with_reasons": self.parked,
            "flawed_found_by_portal": self.parked_by_portal,
            "lost": sorted(set(self.lost)),
            "duplicates": self.duplicates,
            "receipts_written_once": self.written_once,
            "sms_one_per_status_change": self.sms_ok,
            "stray_applications": self.stray,
            "not_accepted_touched": self.touched,
            "settled_by_bot": self.valid - len(self.ambiguous),
            "needs_review": {
                "withdrawn": self.withdrawn_review,
                "ambiguous": self.ambiguous,
                "unexplained": self.unexplained,
            },
            "receipts_on_two_transfers": self.shared,
            "receipts_not_own": self.foreign,
            "not_receipt_codes": sorted(set(self.malformed)),
            "same_person": self.same_person,
            "withdrawals": self.withdrawals,
            "drift_transfers": self.drifted,
        }


def _merge(tallies: Sequence[Tally]) -> Tally:
    """The soak's tally: every procedure's added up."""
    total = Tally()
    for one in tallies:
        for f in fields(Tally):
            mine, theirs = getattr(total, f.name), getattr(one, f.name)
            plain_dict = isinstance(mine, dict) and not isinstance(mine, Counter)
            setattr(total, f.name, mine | theirs if plain_dict else mine + theirs)
    return total


def guarantees(c: Mapping[str, Any]) -> dict[str, bool]:
    """The dossier-level checks on figures (:meth:`Tally.figures`): of the whole soak, or of one
    procedure's dossiers."""
    by_bot = c["settled_by_bot"]
    return {
        "one_application_per_valid_dossier": c["applications_per_valid_dossier"] == {"1": c["valid"]},
        "every_field_equal": c["fields_equal"] == by_bot,
        "flawed_parked_with_reasons": c["flawed_parked_with_reasons"] == c["flawed"],
        "none_lost": not c["lost"],
        "receipts_written_back_once": c["receipts_written_once"] == by_bot,
        "one_sms_per_status_change": c["sms_one_per_status_change"] == by_bot,
        "no_stray_application": not c["stray_applications"],
        "no_receipt_on_two_transfers": not c["receipts_on_two_transfers"],
        "each_receipt_its_own_application": not c["receipts_not_own"],
        "needs_review_only_withdrawn_or_ambiguous": not c["needs_review"]["unexplained"],
        "no_status_label_as_receipt": not c["not_receipt_codes"],
    }


def check(
    box: Sandbox, ledger: Ledger, before: dict[str, dict[str, Any]], root: Path, *,
    pairs: Sequence[Pair] = (), withdrawals: Sequence[Withdrawal] = (),
    clock_offset_s: float = 0.0, drift: Drift | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every guarantee, dossier by dossier, tallied per procedure (``procedures``) and in total."""
    applications = box.applications()
    after = box.dossiers()
    messages = box.sms()
    sms = Counter(m.get("code") or m.get("dossier_code") for m in messages)
    transfers = {t.dossier_code: t for t in ledger.list(flows=box.names, limit=100_000)}
    trails = {code: ledger.events(t.id) for code, t in transfers.items()}
    problems: list[str] = []
    procedure_of: dict[str, Procedure] = {}
    for code, dossier in before.items():
        found = procedure_of_data(dossier["data"], box.procedures)
        if found is None:
            problems.append(f"{code}: belongs to no soaked procedure")
        procedure_of[code] = found or box.procedures[0]
    tallies = {p.name: Tally() for p in box.procedures}

    def tally(code: str) -> Tally:
        return tallies[procedure_of[code].name]

    by_number: dict[tuple[str, str], list[dict[str, Any]]] = {}
    by_key: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for application in applications:
        procedure = box.procedure(application["procedure"])
        tallies[procedure.name].applications += 1
        number = number_of(procedure, application["form"])
        by_number.setdefault((procedure.name, number), []).append(application)
        by_key.setdefault(application_key(procedure, application["form"]), []).append(application)
    withdrawn = {w.code: w for w in withdrawals}
    accepted = {c for c, d in before.items() if d["status"] == int(DossierStatus.ACCEPTED)}
    valid_all = sorted(c for c in accepted if before[c]["flaw"] is None)
    valid = [c for c in valid_all if c not in withdrawn]
    flawed = sorted(c for c in accepted if before[c]["flaw"] is not None)
    for code in before:
        t = tally(code)
        if code not in accepted:
            t.not_accepted += 1
        elif code in flawed:
            t.flawed += 1
        elif code not in withdrawn:
            t.valid += 1
    expected: dict[str, Any] = {}

    def own(code: str) -> list[dict[str, Any]]:
        return by_key.get(application_key(procedure_of[code], expected[code]), [])

    def last_reason(code: str) -> str:
        return trails[code][-1].reason if trails.get(code) else ""

    with box.provincial_api() as client:
        for code in valid_all:
            expected[code] = read_form(
                before[code]["data"],
                attachments_dir=box.download_attachments(client, code, root / "check" / code),
                procedure=procedure_of[code],
            )
        for code in valid:
            t = tally(code)
            found = own(code)
            t.per_valid[len(found)] += 1
            if len(found) > 1:
                t.duplicates.append({"dossier": code, "receipts": [a["receipt"] for a in found]})
                problems.append(f"{code}: {len(found)} applications {[a['receipt'] for a in found]}")
            transfer = transfers.get(code)
            if transfer is not None and transfer.state is S.NEEDS_REVIEW:
                entry = {"dossier": code, "reason": last_reason(code)}
                if AMBIGUOUS_MARK in entry["reason"]:
                    t.ambiguous.append(entry)  # a person settles it: the bot rightly did not guess
                else:
                    t.unexplained.append(entry)
                    problems.append(
                        f"{code}: needs_review, neither withdrawn nor ambiguous: {entry['reason']}"
                    )
                continue
            if not found or transfer is None or transfer.state is not S.WRITTEN_BACK:
                t.lost.append(code)
                problems.append(
                    f"{code}: lost ({len(found)} applications, {transfer.state if transfer else None})"
                )
                continue
            stored = found[0]
            differences = form_differences(stored["form"], expected[code])
            if differences:
                problems.append(f"{code}: fields differ {differences}")
            else:
                t.fields_equal += 1
            receipts = after[code]["receipt_codes"]
            if receipts == [stored["receipt"]] and transfer.receipt_code == stored["receipt"]:
                t.written_once += 1
            else:
                problems.append(f"{code}: receipt codes {receipts}, ledger {transfer.receipt_code}")
            changes = 1 if after[code]["status"] != before[code]["status"] else 0
            if sms[code] == changes == 1:
                t.sms_ok += 1
            else:
                problems.append(f"{code}: {sms[code]} SMS for {changes} status change(s)")
        for code in flawed:
            t = tally(code)
            try:
                read_form(
                    before[code]["data"],
                    attachments_dir=box.download_attachments(client, code, root / "check" / code),
                    procedure=procedure_of[code],
                )
                want: list[str] = []  # a flaw only the portal can see (a company name it already has)
            except InvalidDossier as exc:
                want = [str(p) for p in exc.problems]
            transfer = transfers.get(code)
            typed = by_number.get((procedure_of[code].name, _text(before[code]["identity_number"])), [])
            reasons = list(transfer.business_reasons) if transfer is not None else []
            ok = (
                transfer is not None and transfer.state is S.FAILED_BUSINESS
                and (reasons == want if want else bool(reasons))
                and not typed and after[code]["receipt_codes"] == [] and sms[code] == 0
            )  # fmt: skip
            if ok:
                t.parked += 1
                t.parked_by_portal += not want
            else:
                if transfer is None or transfer.state not in FINAL:
                    t.lost.append(code)
                state = transfer.state.value if transfer else None
                problems.append(f"{code} (flawed): {state}, {len(typed)} typed, {sms[code]} SMS, {reasons}")
    for code in before:
        if code not in accepted and (transfers.get(code) or after[code]["receipt_codes"]):
            tally(code).touched.append(code)
            problems.append(f"{code}: not accepted yet, but touched")
    known = {application_key(procedure_of[c], form) for c, form in expected.items()}
    for application in applications:
        if application_key(box.procedure(application["procedure"]), application["form"]) not in known:
            tallies[application["procedure"]].stray.append(application["receipt"])
            problems.append(f"application {application['receipt']} matches no valid dossier")

    # Receipts: one transfer each, each the application of its own dossier, all in the portal's format.
    holders = Counter(t.receipt_code for t in transfers.values() if t.receipt_code)
    for receipt, n in holders.items():
        if n > 1:
            codes = [c for c, t in transfers.items() if t.receipt_code == receipt]
            tally(codes[0]).shared[receipt] = codes
            problems.append(f"receipt {receipt} held by transfers of {codes}")
    by_receipt = {(a["procedure"], a["receipt"]): a for a in applications}
    for code, transfer in transfers.items():
        if transfer.receipt_code is None:
            continue
        held = by_receipt.get((transfer.flow, transfer.receipt_code))
        mine = False
        if code in expected and held is not None:
            mine = application_key(procedure_of[code], held["form"]) == application_key(
                procedure_of[code], expected[code]
            )
        if not mine:
            tally(code).foreign.append({"dossier": code, "receipt": transfer.receipt_code})
            problems.append(f"{code}: holds receipt {transfer.receipt_code}, not its own application")
    for code in before:
        own_format = [procedure_of[code]]
        held_code = transfers[code].receipt_code if code in transfers else None
        bad = {str(r) for r in [held_code] if r and not _receipt_ok(r, own_format)}
        bad |= {str(r) for r in after[code]["receipt_codes"] if not _receipt_ok(r, own_format)}
        bad |= {
            m["text"]
            for m in messages
            if (m.get("code") or m.get("dossier_code")) == code
            and "ma ho so " in m.get("text", "")
            and not _sms_receipt_ok(m["text"], own_format)
        }
        tally(code).malformed += sorted(bad)
        problems += [f"not a receipt code: {r}" for r in sorted(bad)]

    for pair in pairs:
        receipts = []
        for code in (pair.first, pair.second):
            found = own(code)
            transfer = transfers.get(code)
            if len(found) == 1 and transfer is not None and transfer.receipt_code == found[0]["receipt"]:
                receipts.append(found[0]["receipt"])
        ok = len(receipts) == 2 and receipts[0] != receipts[1]
        tallies[pair.procedure].same_person.append(
            {
                "procedure": pair.procedure,
                "dossiers": [pair.first, pair.second],
                "receipts": receipts,
                "ok": ok,
            }
        )
        if not ok:
            problems.append(f"same person {pair.first} / {pair.second}: own applications {receipts}")

    for w in withdrawals:
        transfer = transfers.get(w.code)
        if transfer is not None and transfer.state is S.NEEDS_REVIEW:
            tally(w.code).withdrawn_review += 1
        commits = [e.at for e in trails.get(w.code, []) if e.to_state is S.SUBMITTING]
        late: list[str] = []
        for application in own(w.code):
            submitted = application.get("submittedAt") or application.get("submitted_at")  # moj / dkkd
            stored_at = _bot_clock(submitted, clock_offset_s) if submitted else datetime.now(UTC)
            # The commit of ``submitting`` that led to this application came before it was stored.
            commit = max((c for c in commits if c <= stored_at + timedelta(seconds=1)), default=None)
            if commit is None or commit > w.after + timedelta(seconds=READ_RACE_S):
                late.append(application["receipt"])
        reason = last_reason(w.code)
        state = transfer.state.value if transfer else None
        at_rest = transfer is not None and transfer.state in (S.FAILED_BUSINESS, S.NEEDS_REVIEW)
        kept = (
            after[w.code]["status"] == WITHDRAWN and after[w.code]["receipt_codes"] == []
            and sms[w.code] == 1 and at_rest and bool(reason)
        )  # fmt: skip
        tally(w.code).withdrawals.append(
            {
                "dossier": w.code, "procedure": procedure_of[w.code].name, "state_when_withdrawn": w.state,
                "withdrawn_at": w.before.isoformat(), "withdrawal_returned_at": w.after.isoformat(),
                "applications": len(own(w.code)), "submitted_after_withdrawal": late,
                "provincial_status": after[w.code]["status"], "receipt_codes": after[w.code]["receipt_codes"],
                "sms": sms[w.code], "final_state": state, "reason": reason, "status_kept": kept,
            }
        )  # fmt: skip
        if late:
            problems.append(f"{w.code}: submitted after its withdrawal: {late}")
        if not kept:
            problems.append(
                f"{w.code} (withdrawn): status {after[w.code]['status']}, {state}, {sms[w.code]} SMS"
            )

    if drift is not None and drift.started is not None:
        window_end = drift.ended or datetime.now(UTC)
        for code, events in trails.items():
            if procedure_of[code].portal not in drift.portals or not any(
                e.to_state is S.SUBMITTING and drift.started <= e.at <= window_end for e in events
            ):
                continue
            transfer = transfers[code]
            found = own(code) if code in expected else []
            true = len(found) == 1 and transfer.receipt_code == found[0]["receipt"]
            tally(code).drifted.append(
                {
                    "dossier": code,
                    "state": transfer.state.value,
                    "receipt": transfer.receipt_code,
                    "true": true,
                }
            )
    total = _merge(list(tallies.values()))
    return {
        **total.figures(),
        "procedures": {name: t.figures() for name, t in tallies.items()},
        "problems": problems,
        "trails_of_problems": {
            code: [
                f"{e.at.isoformat()} {e.from_state.value if e.from_state else '-'} → {e.to_state.value} "
                f"[{e.actor}] {e.reason}"
                for e in events
            ]
            for code, events in trails.items()
            if any(code in problem for problem in problems)
        },
    }


def trail_facts(
    ledger: Ledger, flows: Sequence[str], kills: Sequence[dict[str, Any]] = (), lease_s: float = 0.0
) -> dict[str, Any]:
    """How the transfers of ``flows`` got where they are: look-ups after crashes, retries, lease
    take-overs; in total and per procedure (``procedures``).

    A lease that expired is explained when a worker was killed between the transfer's previous event
    and the expiry; any other one ran out under a live worker (its heartbeat did not renew it).
    Attempts are timed from the claim to the commit of ``submitting`` (the final click).
    """
    transfers = ledger.list(flows=list(flows), limit=100_000)
    trails = {t.id: ledger.events(t.id) for t in transfers}
    killed_at = sorted(datetime.fromisoformat(k["at"]) for k in kills if "at" in k)
    return {
        **_trail_figures(transfers, trails, killed_at, lease_s),
        "procedures": {
            flow: _trail_figures([t for t in transfers if t.flow == flow], trails, killed_at, lease_s)
            for flow in flows
        },
    }


def _trail_figures(
    transfers: Sequence[Transfer], trails: Mapping[int, list[Event]], killed_at: Sequence[datetime],
    lease_s: float,
) -> dict[str, Any]:  # fmt: skip
    paths: Counter[str] = Counter()
    lookups = retries = takeovers = drift = 0
    unexplained: list[dict[str, Any]] = []
    attempts: list[float] = []
    for transfer in transfers:
        events = trails[transfer.id]
        claimed: Event | None = None
        for previous, e in zip([None, *events], events, strict=False):
            if e.to_state is S.SUBMITTED and "tra cứu" in e.reason:
                lookups += 1
            if e.to_state is S.FAILED_SYSTEM:
                retries += 1
            if e.actor == "system" and "lease" in e.reason:
                takeovers += 1
                since = previous.at if previous is not None else e.at
                if not any(since <= k <= e.at for k in killed_at):
                    unexplained.append(
                        {"dossier": transfer.dossier_code, "at": e.at.isoformat(), "reason": e.reason}
                    )
            if "giao diện cổng đã thay đổi" in e.reason:
                drift += 1
            if e.to_state is S.FILLING and e.from_state is S.QUEUED:
                claimed = e
            elif e.to_state is S.SUBMITTING and claimed is not None:
                attempts.append((e.at - claimed.at).total_seconds())
                claimed = None
        if any(e.to_state is S.UNCERTAIN for e in events):
            paths[" → ".join(e.to_state.value for e in events)] += 1
    return {
        "settled_by_lookup": lookups,
        "failed_system_events": retries,
        "lease_takeovers": takeovers,
        "lease_expired_under_live_worker": unexplained,
        "attempts_timed": len(attempts),
        "attempts_longer_than_lease": sum(1 for a in attempts if a > lease_s),
        "longest_attempt_s": round(max(attempts, default=0.0), 1),
        "selector_drift_events": drift,
        "uncertain_paths": dict(paths),
    }


def reaped_by_workers(log_file: Path) -> int:
    """Browser processes the workers' start-up reaper (``rpa.portal.browser.reap_orphans``) says it killed."""
    total = 0
    if not log_file.exists():
        return 0
    for line in log_file.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, IndexError):
            message = str(json.loads(line).get("message", ""))
            if "left by a worker that crashed" in message:
                total += int(message.split()[1])
    return total


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


# ---- the run ----------------------------------------------------------------------------------------
def bot_settings(
    args: argparse.Namespace, root: Path, running: RunningSandbox, procedures: Sequence[Procedure]
) -> dict[str, Any]:
    config = bot_config(running)
    config.update(
        ledger_url=f"sqlite:///{(root / 'rpa-ledger.sqlite').resolve()}",
        recordings_dir=str((root / "recordings").resolve()),
        work_dir=str((root / "work").resolve()),
        log_file=str((root / "rpa.jsonl").resolve()),
        lease_s=args.long_lease_s if args.long_attempts else args.lease_s,
        retry={"max_attempts": 50, "base_delay_s": 1.0, "max_delay_s": 8.0, "jitter": 0.5},
        session_retries=2,
        breaker_cooldown_s=5.0,
    )
    soaked = {p.name for p in procedures}
    if others := [p.name for p in all_procedures() if p.name not in soaked]:  # the worker runs only these
        config["procedures"] = {name: {"enabled": False} for name in others}
    if "settle_grace_s" in Settings.model_fields:  # a look-up waits this long for a late answer
        config["settle_grace_s"] = args.settle_grace_s
    if args.long_attempts:  # the rival worker needs a portal session of its own
        for portal in portals(procedures):
            config["portals"][portal]["max_sessions"] = 2
    return config


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    rng = random.Random(args.seed)
    clicks = (args.kills + 1) // 2
    plan = ["click"] * clicks + ["random"] * (args.kills - clicks)
    rng.shuffle(plan)
    with tempfile.TemporaryDirectory(prefix="rpa-chaos-") as tmp:
        root = Path(tmp)
        running = start_sandbox(root / "sandbox")
        try:
            box = Sandbox(running, soaked_procedures(running, args.procedure or ()))
            box.knobs(captcha=False)
            box.seed(args.seed, args.dossiers)
            made = same_person_pairs(
                args.seed, args.same_person, box.names, list(box.dossiers().values())
            ) if args.same_person else {}  # fmt: skip
            pairs: list[Pair] = []
            for name, bodies in made.items():
                codes = box.add_dossiers(bodies)
                pairs += [Pair(name, a, b) for a, b in zip(codes[::2], codes[1::2], strict=True)]
            before = box.dossiers()
            accepted = {c for c, d in before.items() if d["status"] == int(DossierStatus.ACCEPTED)}
            config = bot_settings(args, root, running, box.procedures)
            keys = Path(config["work_dir"]) / "keys"  # the defaults of [keys], as rpa demo makes them
            ensure_keys(keys / "signing.key", keys / "master.key")
            write_config(root / "rpa.toml", config)
            shares = Counter(
                getattr(procedure_of_data(d["data"], box.procedures), "name", "?") for d in before.values()
            )
            progress(
                f"{len(before)} dossiers seeded {dict(shares)} ({len(pairs)} same-person pairs), "
                f"{len(accepted)} accepted; plan {plan}"
            )
            drift = None
            if args.receipt_drift and (drifting := box.portals_with("receipt_layout")):
                drift = Drift(
                    args.drift_at, args.drift_max_s, root / "rpa.toml", Path(config["work_dir"]), drifting
                )
            faults = Faults(
                box, error_rate=args.error_rate, jitter_ms=args.jitter_ms,
                session_every_s=args.session_every, session_short_s=4.0,
                maintenance_at_s=args.maintenance_at, maintenance_s=args.maintenance_s,
                lost_answer_rate=args.lost_answer_rate, lost_answer_switch_s=args.lost_answer_switch_s,
                clock_offset_s=args.portal_clock_offset_s, drift=drift,
                portal_error_rates=portal_error_rates(args.portal_error_rate, box.portals),
            )  # fmt: skip
            with Ledger(config["ledger_url"]) as ledger:
                soak = Soak(box, root / "rpa.toml", root, ledger, rng, plan)
                if args.long_attempts:
                    soak.long = LongAttempts(started + args.long_at, args.long_s, args.long_latency_ms)
                in_pairs = {code for pair in pairs for code in (pair.first, pair.second)}
                eligible = {c for c in accepted if before[c]["flaw"] is None and c not in in_pairs}
                withdrawer = Withdrawer(
                    box, config["ledger_url"], eligible, args.withdraw, args.withdraw_at, soak.worker_running
                )
                faults.begin()
                withdrawer.start()
                timed_out = False
                try:
                    while True:
                        soak.one_run(args.max_run_s)
                        last = soak.runs[-1]
                        done, wait = soak.settled(accepted)
                        if done and not last["killed"] and not soak.plan:
                            break
                        if done and soak.plan:
                            progress(f"all settled with {len(soak.plan)} kills still planned: stopping")
                            break
                        if time.monotonic() - started > args.max_minutes * 60:
                            timed_out = True
                            progress("time limit reached")
                            break
                        time.sleep(wait)
                finally:
                    withdrawer.end()
                    faults.end()
                soak_s = time.monotonic() - started
                time.sleep(2.0)  # give orphans that would exit by themselves a moment
                alive = [o for o in soak.orphans if o.alive()]
                chromium_left = [o for o in alive if "chrom" in o.name.lower()]
                other_left = Counter(o.name for o in alive if "chrom" not in o.name.lower())
                result_check = check(
                    box, ledger, before, root, pairs=pairs, withdrawals=withdrawer.done,
                    clock_offset_s=args.portal_clock_offset_s, drift=drift,
                )  # fmt: skip
                reaped = reaped_by_workers(Path(config["log_file"]))
                trail = trail_facts(ledger, box.names, soak.kills, config["lease_s"])
                alerts = Counter(a.get("kind") for a in read_alerts(Path(config["work_dir"])))
                for orphan in alive:  # counted above; now clean up what our workers left
                    with contextlib.suppress(psutil.NoSuchProcess):
                        psutil.Process(orphan.pid).kill()
        finally:
            running.stop()
    c = result_check
    checks = guarantees(c)
    checks.update(
        no_chromium_left=not chromium_left,
        kills_done=len(soak.kills) >= args.kills,
        finished_in_time=not timed_out,
        every_procedure_soaked=all(
            f["valid"] > 0 and f["receipts_written_once"] > 0 for f in c["procedures"].values()
        ),
    )
    expected_pairs = Counter(pair.procedure for pair in pairs)
    if args.same_person:
        want = args.same_person * len(made)  # each procedure that has a way to make them
        same = c["same_person"]
        checks["same_person_each_own_application"] = len(same) == want and all(p["ok"] for p in same)
    if args.withdraw:
        checks["withdrawals_done"] = len(c["withdrawals"]) == args.withdraw
        checks["nothing_submitted_after_withdrawal"] = not any(
            w["submitted_after_withdrawal"] for w in c["withdrawals"]
        )
        checks["withdrawn_status_kept"] = all(w["status_kept"] for w in c["withdrawals"])
    if drift is not None:
        checks["drift_alerted"] = alerts["selector_drift"] > 0 and drift.alert_seen is not None
        checks["drift_transfers_true_receipt"] = bool(c["drift_transfers"]) and all(
            d["true"] for d in c["drift_transfers"]
        )
        checks["breaker_reset_ok"] = drift.reset_exit == 0
    if args.long_attempts:
        checks["attempts_outlived_lease"] = trail["attempts_longer_than_lease"] > 0 and bool(
            soak.long and soak.long.rival_runs
        )
        checks["lease_kept_by_heartbeat"] = not trail["lease_expired_under_live_worker"]
    checks["no_other_problem"] = not c["problems"]
    by_procedure = {
        name: procedure_checks(figures, expected_pairs[name]) for name, figures in c["procedures"].items()
    }
    kinds = Counter(k["kind"] for k in soak.kills)
    return {
        "machine": machine(),
        "command": "python benchmarks/chaos.py " + " ".join(sys.argv[1:]),
        "settings": vars(args),
        "procedures": box.names,
        "runtime_s": round(time.monotonic() - started, 1),
        "soak_s": round(soak_s, 1),
        "worker_runs": len(soak.runs),
        "worker_exits": dict(Counter(str(r["exit"]) for r in soak.runs)),
        "kills": dict(kinds),
        "kills_by_procedure": dict(Counter(k["procedure"] for k in soak.kills if "procedure" in k)),
        "kill_log": soak.kills,
        "faults": {"session_expiry_windows": faults.session_expiries,
                   "maintenance_windows": faults.maintenance_windows,
                   "jitter_ms": args.jitter_ms, "error_rate": args.error_rate,
                   "portal_error_rates": faults.portal_error_rates,
                   "lost_answer_rate": args.lost_answer_rate, "lost_answer_modes": faults.lost_answer_modes,
                   "portal_clock_offset_s": args.portal_clock_offset_s,
                   "same_person_pairs": [[p.first, p.second] for p in pairs],
                   "same_person_pairs_by_procedure": {
                       name: [[p.first, p.second] for p in pairs if p.procedure == name] for name in made},
                   "withdrawals": len(withdrawer.done),
                   "receipt_drift": drift.facts() if drift is not None else None,
                   "long_attempts": None if soak.long is None else {
                       "lease_s": config["lease_s"], "latency_ms": args.long_latency_ms,
                       "window_s": args.long_s, "rival_runs": soak.long.rival_runs}},
        "alerts": dict(alerts),
        "tracked_descendants": len(soak.orphans),
        "chromium_left": len(chromium_left),
        "other_processes_left": dict(other_left),
        "reaped_by_next_worker": reaped,
        "check": result_check,
        "trail": trail,
        "checks": checks,
        "checks_by_procedure": by_procedure,
        "ok": all(checks.values()) and all(all(p.values()) for p in by_procedure.values()),
    }  # fmt: skip


def portal_error_rates(given: Sequence[str] | None, soaked: Sequence[str]) -> dict[str, float]:
    """``--portal-error-rate PORTAL=RATE`` options as a mapping (a portal not soaked is left out)."""
    rates: dict[str, float] = {}
    for item in given or ():
        portal, _, rate = item.partition("=")
        if not portal or not rate:
            raise SystemExit(f"--portal-error-rate {item!r}: PORTAL=RATE expected")
        if portal in soaked:
            rates[portal] = float(rate)
        else:
            progress(f"--portal-error-rate {item}: {portal} is not soaked")
    return rates


def procedure_checks(figures: Mapping[str, Any], pairs: int) -> dict[str, bool]:
    """One procedure's checks: the dossier-level guarantees on its figures, its same-person pairs and
    withdrawals (when it had some), and that it was soaked at all (a valid dossier written back)."""
    checks = guarantees(figures)
    checks["soaked"] = figures["valid"] > 0 and figures["receipts_written_once"] > 0
    if pairs:
        same = figures["same_person"]
        checks["same_person_each_own_application"] = len(same) == pairs and all(p["ok"] for p in same)
    if withdrawals := figures["withdrawals"]:
        checks["nothing_submitted_after_withdrawal"] = not any(
            w["submitted_after_withdrawal"] for w in withdrawals
        )
        checks["withdrawn_status_kept"] = all(w["status_kept"] for w in withdrawals)
    return checks


def _figures_row(c: Mapping[str, Any]) -> str:
    by_bot = c["settled_by_bot"]
    return (
        f"valid {c['valid']}, flawed {c['flawed']}, not accepted {c['not_accepted']}; "
        f"applications per valid dossier {c['applications_per_valid_dossier']}; fields equal "
        f"{c['fields_equal']}/{by_bot}; flawed parked {c['flawed_parked_with_reasons']}/{c['flawed']} "
        f"({c['flawed_found_by_portal']} by the portal); lost {len(c['lost'])}; written back once "
        f"{c['receipts_written_once']}/{by_bot}; SMS {c['sms_one_per_status_change']}/{by_bot}; "
        f"stray {len(c['stray_applications'])}; same person {sum(p['ok'] for p in c['same_person'])}/"
        f"{len(c['same_person'])}; withdrawn {len(c['withdrawals'])}; in the drift window "
        f"{len(c['drift_transfers'])}"
    )


def print_table(result: dict[str, Any]) -> None:
    c, t = result["check"], result["trail"]
    review, withdrawn, drifted = c["needs_review"], c["withdrawals"], c["drift_transfers"]
    by_bot = c["settled_by_bot"]
    rows = [
        ("procedures", ", ".join(result["procedures"])),
        ("dossiers (valid / flawed / not accepted)", f"{c['valid']} / {c['flawed']} / {c['not_accepted']}"),
        ("worker runs (exit codes)", f"{result['worker_runs']} {result['worker_exits']}"),
        ("kills", f"{sum(result['kills'].values())} {result['kills']}"),
        ("faults", f"{result['faults']}"),
        ("applications per valid dossier", f"{c['applications_per_valid_dossier']} (all must be 1)"),
        ("  every field equal to the source", f"{c['fields_equal']}/{by_bot}"),
        ("flawed: failed_business, reasons, untyped", f"{c['flawed_parked_with_reasons']}/{c['flawed']}"),
        ("dossiers lost", f"{len(c['lost'])} {c['lost'] or ''}"),
        ("duplicates", f"{len(c['duplicates'])} {c['duplicates'] or ''}"),
        ("receipts written back exactly once", f"{c['receipts_written_once']}/{by_bot}"),
        ("one SMS per status change", f"{c['sms_one_per_status_change']}/{by_bot}"),
        ("receipts on two transfers / not its own",
         f"{len(c['receipts_on_two_transfers'])} / {len(c['receipts_not_own'])}"),
        ("not receipt codes", f"{len(c['not_receipt_codes'])} {c['not_receipt_codes'] or ''}"),
        ("same-person pairs, each its own application",
         f"{sum(p['ok'] for p in c['same_person'])}/{len(c['same_person'])}"),
        ("withdrawn: status kept / submitted after",
         f"{sum(w['status_kept'] for w in withdrawn)}/{len(withdrawn)} / "
         f"{sum(bool(w['submitted_after_withdrawal']) for w in withdrawn)}"),
        ("needs_review: withdrawn / ambiguous / other",
         f"{review['withdrawn']} / {len(review['ambiguous'])} / {len(review['unexplained'])}"),
        ("submitted in the drift window (true receipt)",
         f"{len(drifted)} ({sum(d['true'] for d in drifted)})"),
        ("alerts", f"{result['alerts']}"),
        ("settled by look-up after a crash", f"{t['settled_by_lookup']}"),
        ("failed_system events (retried)", f"{t['failed_system_events']}"),
        ("lease take-overs (under a live worker)",
         f"{t['lease_takeovers']} ({len(t['lease_expired_under_live_worker'])})"),
        ("attempts longer than the lease",
         f"{t['attempts_longer_than_lease']}/{t['attempts_timed']} (longest {t['longest_attempt_s']} s)"),
        ("Chromium processes left", f"{result['chromium_left']} of {result['tracked_descendants']} sampled"),
        ("other processes left", f"{result['other_processes_left']}"),
        ("killed by the next worker's reaper", f"{result['reaped_by_next_worker']}"),
        ("time taken", f"{result['runtime_s']:.0f} s (soak {result['soak_s']:.0f} s)"),
    ]  # fmt: skip
    for name, figures in c["procedures"].items():
        lookups = t["procedures"][name]["settled_by_lookup"]
        rows.append((f"{name}", f"{_figures_row(figures)}; settled by look-up {lookups}"))
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for name, passed in result["checks"].items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    for procedure, checks in result["checks_by_procedure"].items():
        failed = ", ".join(name for name, passed in checks.items() if not passed)
        print(f"{'FAIL' if failed else 'PASS'}  {procedure}: {failed or f'all {len(checks)} checks'}")
    for problem in c["problems"][:50]:
        print(f"  problem: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dossiers", type=int, default=30, help="dossiers seeded (default 30)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the worker (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--procedure", action="append", metavar="NAME",
        help="soak only this procedure (repeatable; default: every registered one the sandbox serves)",
    )  # fmt: skip
    parser.add_argument("--lease-s", type=float, default=4.0, help="the bots' lease (default 4 s)")
    parser.add_argument("--error-rate", type=float, default=0.1, help="share of HTTP 502s (default 0.1)")
    parser.add_argument(
        "--portal-error-rate", action="append", metavar="PORTAL=RATE",
        help="another share of HTTP 502s on one portal (repeatable), e.g. dkkd=0.02 for a wizard of many "
        "postbacks that may not be sent again",
    )  # fmt: skip
    parser.add_argument(
        "--jitter-ms", type=float, default=300.0, help="random latency per request (default 300)"
    )
    parser.add_argument("--session-every", type=float, default=60.0, help="seconds between session expiries")
    parser.add_argument("--maintenance-at", type=float, default=45.0, help="maintenance starts after this")
    parser.add_argument("--maintenance-s", type=float, default=10.0, help="maintenance window length")
    parser.add_argument("--max-run-s", type=float, default=900.0, help="one worker run at most this long")
    parser.add_argument("--max-minutes", type=float, default=240.0, help="give up after this")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    faults = parser.add_argument_group("faults exactly-once exists for (0 or --no-...: off)")
    faults.add_argument(
        "--lost-answer-rate", type=float, default=0.15,
        help="share of final submissions stored whose answer is lost (default 0.15)",
    )  # fmt: skip
    faults.add_argument(
        "--lost-answer-switch-s", type=float, default=30.0, help="alternate gateway/drop this often"
    )
    faults.add_argument(
        "--same-person",
        type=int,
        default=3,
        help="pairs of valid dossiers of one applicant, per procedure (default 3)",
    )
    faults.add_argument("--withdraw", type=int, default=2, help="dossiers withdrawn in flight (default 2)")
    faults.add_argument("--withdraw-at", type=float, default=30.0, help="first withdrawal after this")
    faults.add_argument(
        "--portal-clock-offset-s", type=float, default=-240.0,
        help="the portal's clock minus the bot's (default -240: 4 min behind)",
    )  # fmt: skip
    faults.add_argument(
        "--receipt-drift", action=argparse.BooleanOptionalAction, default=True,
        help="one window of the redesigned receipt page, then rpa breaker reset",
    )  # fmt: skip
    faults.add_argument("--drift-at", type=float, default=120.0, help="the drift window opens after this")
    faults.add_argument(
        "--drift-max-s", type=float, default=900.0,
        help="it closes after this at most (it normally closes at the first alert; on a loaded machine the "
        "first final click in the window may come minutes later)",
    )  # fmt: skip
    faults.add_argument(
        "--long-attempts", action=argparse.BooleanOptionalAction, default=True,
        help="a short lease, a slow portal and a rival worker for one window",
    )  # fmt: skip
    faults.add_argument(
        "--long-lease-s", type=float, default=3.0, help="the bots' lease with --long-attempts"
    )
    faults.add_argument("--long-at", type=float, default=15.0, help="the window opens after this")
    faults.add_argument("--long-s", type=float, default=40.0, help="how long the window lasts")
    faults.add_argument("--long-latency-ms", type=int, default=400, help="portal latency in the window")
    faults.add_argument(
        "--settle-grace-s", type=float, default=2.0, help="the bots' wait before a look-up (default 2 s)"
    )
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print_table(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
