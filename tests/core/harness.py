"""The core under test without a browser: the real worker, ledger and provincial sandbox, and a ministry
portal whose every answer the test decides.

:class:`FakeMinistry` stands in for the ministry's web UI only (the one part whose faults a test must
choose: a lost click, an answer lost after the portal stored the application, a receipt that shows up
in look-ups late, a clock that is off, a process killed at the final click). Everything else is the
product's own code: :class:`rpa.transfer.worker.Worker`, :class:`rpa.ledger.Ledger` on a SQLite file with a
clock the test moves, and the provincial sandbox over HTTP through the real client and source.
"""

from __future__ import annotations

import base64
import copy
import functools
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from flows.judicial_record.form import JudicialRecordForm
from rpa.clock import VN
from rpa.config import Settings
from rpa.domain import DossierStatus
from rpa.errors import PortalError, SelectorDrift
from rpa.ledger import Ledger
from rpa.portal import Receipt
from rpa.portal.access import BeforeFinalClick
from rpa.procedures import Procedure
from rpa.sandbox.cli import bot_config
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import RunningSandbox
from rpa.sources import make_source
from rpa.sources.provincial import ProvincialClient
from rpa.transfer.settle import Found, Submitted
from rpa.transfer.worker import Worker
from rpa.vault import vault_for

FAULTS = ("ok", "lost_click", "lost_answer", "late", "killed_before_click", "killed_after_click", "drift")
"""What the portal does with one final click (see :meth:`FakeMinistry.submit`)."""
LATE_S = 120.0
"""How long a "late" application stays invisible to look-ups."""


class Killed(BaseException):
    """The worker's process died here (SIGKILL): no handler of the product runs after it."""


class FakeClock:
    """The one clock of the ledger and the worker, moved by the test."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@dataclass
class Application:
    """One application the ministry stored."""

    code: str
    dossier_code: str
    id_number: str
    purpose: str
    copies: int
    submitted_at: datetime  # the portal's clock, cut to the minute as its pages show it
    visible_at: datetime  # the bot's clock: before it, look-ups don't list it
    provincial_status: int  # the dossier's provincial status when the ministry stored it


@dataclass
class FakeMinistry:
    """A ministry portal whose behaviour the test controls."""

    clock: FakeClock
    provincial_status: Callable[[str], int]
    applications: list[Application] = field(default_factory=list)
    offset: timedelta = timedelta(0)  # the portal's clock minus the bot's
    plan: deque[str] = field(default_factory=deque)  # faults of the next final clicks ("ok" when empty)
    lookup_down: bool = False
    # Run once each with the dossier's code: in the middle of an attempt, and right after storing.
    during_fill: deque[Callable[[str], None]] = field(default_factory=deque)
    after_store: deque[Callable[[str], None]] = field(default_factory=deque)
    evidence: Path = Path("evidence")
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def submit(
        self,
        procedure: Procedure,
        dossier_code: str,
        form: JudicialRecordForm,
        *,
        before_final_click: BeforeFinalClick,
        read_captcha: Callable[[bytes], str] | None,
        on_evidence: Callable[[Path], None],
    ) -> Receipt:
        fault = self.plan.popleft() if self.plan else "ok"
        on_evidence(self.evidence)
        if self.during_fill:
            self.during_fill.popleft()(dossier_code)  # e.g. the lease runs out and a rival acts meanwhile
        before_final_click(self.evidence)
        if fault == "killed_before_click":
            raise Killed(dossier_code)
        if fault == "lost_click":
            raise PortalError("connection reset before the portal got the final click")
        application = self._store(dossier_code, form, late=fault == "late")
        if self.after_store:
            self.after_store.popleft()(dossier_code)
        if fault in ("lost_answer", "late"):
            raise PortalError("HTTP 502 after the portal stored the application")
        if fault == "killed_after_click":
            raise Killed(dossier_code)
        if fault == "drift":
            raise SelectorDrift(["receipt.code"], "the receipt page shows receipt.code 'Đã tiếp nhận'")
        return Receipt(application.code, _shown(application.submitted_at))

    def lookup(
        self,
        procedure: Procedure,
        dossier_code: str,
        submitted: Submitted,
        since: datetime,
        until: datetime,
        *,
        wanted: Callable[[Found], bool],
        on_evidence: Callable[[Path], None],
    ) -> list[Found]:
        on_evidence(self.evidence)
        if self.lookup_down:
            raise PortalError("look-up page answered 503")
        first, last = _day(since), _day(until)  # the form takes whole days; the portal filters on its clock
        found = []
        for a in self.applications:
            if (
                a.id_number != submitted.id_number
                or a.visible_at > self.clock()
                or not first <= _day(a.submitted_at) <= last
            ):
                continue
            application = Found(a.code, a.submitted_at)
            if wanted(application):
                application = Found(a.code, a.submitted_at, {"purpose": a.purpose, "copies": str(a.copies)})
            found.append(application)
        return found

    def _store(self, dossier_code: str, form: JudicialRecordForm, *, late: bool) -> Application:
        now = self.clock()
        portal_now = (now + self.offset).astimezone(VN).replace(second=0, microsecond=0)
        application = Application(
            code=f"51-LLTP-{portal_now:%y%m}-{next(self._numbers):06d}",
            dossier_code=dossier_code,
            id_number=form.idNumber,
            purpose=form.purpose,
            copies=form.copies,
            submitted_at=portal_now,
            visible_at=now + timedelta(seconds=LATE_S if late else 0),
            provincial_status=self.provincial_status(dossier_code),
        )
        self.applications.append(application)
        return application

    def of(self, dossier_code: str) -> list[Application]:
        return [a for a in self.applications if a.dossier_code == dossier_code]

    def by_code(self, code: str) -> Application | None:
        return next((a for a in self.applications if a.code == code), None)


def _day(moment: datetime) -> str:
    return moment.astimezone(VN).strftime("%Y-%m-%d")


def _shown(moment: datetime) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y %H:%M")


# ---- the provincial sandbox --------------------------------------------------------------------------
def accepted_dossiers(seed: int, count: int) -> list[SeededDossier]:
    """``count`` valid dossiers, accepted by a clerk (status 2), from the sandbox's generator."""
    valid = [d for d in _generated(seed, count * 4) if d.flaw is None][:count]
    assert len(valid) == count, "the generator gave too few valid dossiers"
    accepted = [SeededDossier(copy.deepcopy(d.data), list(d.files), None, d.tricky) for d in valid]
    for dossier in accepted:
        dossier.data["status"] = int(DossierStatus.ACCEPTED)
    return accepted


@functools.lru_cache(maxsize=64)
def _generated(seed: int, count: int) -> tuple[SeededDossier, ...]:
    return tuple(generate(seed, count))  # rendering the scans and PDFs is the slow part: once per seed


def same_person(dossier: SeededDossier, purpose: str) -> SeededDossier:
    """A second dossier of the same person (same identity, same everything) for another purpose."""
    data = copy.deepcopy(dossier.data)
    data["payload"]["purpose"] = purpose
    return SeededDossier(data, list(dossier.files), None, dossier.tricky)


@dataclass
class Province:
    """The provincial sandbox, seen through its control API."""

    url: str

    def add(self, *dossiers: SeededDossier) -> list[str]:
        body = {
            "dossiers": [
                {
                    "data": d.data,
                    "flaw": d.flaw,
                    "tricky": d.tricky,
                    "files": [
                        {"name": f.name, "media_type": f.media_type,
                         "content_base64": base64.b64encode(f.content).decode("ascii")}
                        for f in d.files
                    ],
                }
                for d in dossiers
            ]
        }  # fmt: skip
        response = httpx.post(f"{self.url}/_sandbox/dossiers", json=body, timeout=60)
        response.raise_for_status()
        codes: list[str] = response.json()["codes"]
        return codes

    def reset(self) -> None:
        httpx.post(f"{self.url}/_sandbox/reset", timeout=30).raise_for_status()

    def dossiers(self) -> dict[str, dict[str, Any]]:
        response = httpx.get(f"{self.url}/_sandbox/dossiers", timeout=30)
        response.raise_for_status()
        return {d["code"]: d for d in response.json()}

    def status(self, code: str) -> int:
        return int(self.dossiers()[code]["status"])


def settings_for(running: RunningSandbox, root: Path, **extra: Any) -> Settings:
    """The bots' settings against ``running`` with their files under ``root``."""
    config = bot_config(running)
    config.update(
        ledger_url=f"sqlite:///{(root / 'ledger.sqlite').resolve()}",
        recordings_dir=str(root / "recordings"),
        work_dir=str(root / "work"),
        settle_grace_s=30.0,
        lookup_clock_skew_s=600.0,
        lease_s=300.0,
    )
    for portal in config["portals"].values():
        portal["max_sessions"] = 4  # workers of one test process: a rival must not wait for a slot
    config.update(extra)
    return Settings(**config)


@contextmanager
def core(running: RunningSandbox, root: Path, **extra: Any) -> Iterator[Core]:
    """Ledger, provincial client and source, and the fake ministry, closed together."""
    root.mkdir(parents=True, exist_ok=True)
    settings = settings_for(running, root, **extra)
    clock = FakeClock()
    province = Province(running.urls["provincial"])
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(settings.ledger_url, clock=clock))
        account = settings.provincial.account
        client = stack.enter_context(
            ProvincialClient(
                settings.provincial.base_url, account.username, account.password.get_secret_value()
            )
        )
        source = stack.enter_context(make_source(settings.provincial, None, vault=vault_for(settings)))
        ministry = FakeMinistry(clock, province.status, evidence=root / "evidence")
        yield Core(settings, ledger, client, source, ministry, clock, province)


@dataclass
class Core:
    settings: Settings
    ledger: Ledger
    client: ProvincialClient
    source: Any
    ministry: FakeMinistry
    clock: FakeClock
    province: Province

    def worker(self, name: str) -> Worker:
        return Worker(
            self.settings, self.ledger, self.source, self.client, None, worker_id=name, portal=self.ministry
        )

    def run(self, name: str, dossier_code: str | None = None) -> list[Any]:
        """One ``rpa run --once`` of worker ``name``; a :class:`Killed` worker simply stops."""
        try:
            return self.worker(name).work(dossier_code)
        except Killed:
            return []
