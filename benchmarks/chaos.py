"""Soak harness: exactly-once under crashes, with the real ``rpa run --once`` killed at random moments.

One in-process sandbox (both systems, own temp data dir, CAPTCHA off) seeded with ``--dossiers``
generated dossiers (valid, flawed, and some not accepted yet). The worker is the real CLI,
``python -m rpa run --once --json --config FILE``, run as a subprocess in its own session and started
again and again until every accepted dossier's transfer is final (``written_back`` or
``failed_business``) and a run ended by itself.

Faults, all through the ministry sandbox's knobs, for the whole soak:

- ``jitter_ms`` on every request and ``error_rate`` (``--error-rate``, default 0.1: HTTP 502);
- session expiry: ``session_idle_s`` set to 1 s for a few seconds every ``--session-every`` seconds;
- one maintenance window (HTTP 503) of ``--maintenance-s`` seconds.

Kills (``--kills``, SIGKILL to the worker's PID only, as a crash would): about half are timed right
after the final click: once the ledger shows a transfer in ``submitting`` (committed before the click)
the portal turns slow (``latency_ms``) and the worker is killed as soon as the sandbox holds one more
application, i.e. between storing it and showing the receipt. The others fire at a random moment of a
run. Just before each kill the worker's descendants (Playwright driver, Chromium) are sampled; at the
end the harness counts how many of them are still alive (it never kills them before counting).

Checks (exit 1 when one fails): one application per valid dossier with every field equal to the
source (``map_raw`` on the provincial data), flawed dossiers ``failed_business`` with their reasons and
nothing typed, no dossier lost, each receipt written back exactly once, one SMS per status change,
no Chromium left, and the time taken.

Usage::

    python benchmarks/chaos.py [--dossiers 30] [--kills 5] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from flows.judicial_record_form import JudicialRecordForm, map_raw
from rpa.config import write_config
from rpa.domain import DossierStatus
from rpa.errors import InvalidDossier
from rpa.evidence import sha256_of
from rpa.ledger import Ledger, Transfer, TransferState
from rpa.sandbox.cli import bot_config
from rpa.sandbox.serving import RunningSandbox, start_sandbox
from rpa.worker import FLOW

S = TransferState
PORTAL = "moj-lltp"
SERVICE_ACCOUNT = ("rpa.bot", "RpaBot@2025")  # provincial service account (docs/sandbox.md)
FINAL = {S.WRITTEN_BACK, S.FAILED_BUSINESS}
SLOW_MS = 3000  # portal latency during a final-click kill: the window between storing and the receipt
ADDRESS_KEYS = ("legacy", "provinceId", "districtId", "wardId", "street")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- the sandbox ------------------------------------------------------------------------------------
@dataclass
class Sandbox:
    running: RunningSandbox

    @property
    def moj(self) -> str:
        return self.running.urls[PORTAL]

    @property
    def provincial(self) -> str:
        return self.running.urls["provincial"]

    def knobs(self, **values: Any) -> None:
        httpx.post(f"{self.moj}/_sandbox/knobs", json=values, timeout=10).raise_for_status()

    def applications(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"{self.moj}/_sandbox/applications", timeout=60).json()
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
        body = {"seed": seed, "dossiers": count}
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


# ---- faults -----------------------------------------------------------------------------------------
class Faults(threading.Thread):
    """Drives the fault knobs over time: jitter and 502s always, session expiry cycles, one maintenance."""

    def __init__(
        self, box: Sandbox, *, error_rate: float, jitter_ms: float, session_every_s: float,
        session_short_s: float, maintenance_at_s: float, maintenance_s: float,
    ) -> None:  # fmt: skip
        super().__init__(daemon=True, name="faults")
        self.box = box
        self.error_rate = error_rate
        self.jitter_ms = jitter_ms
        self.session_every_s = session_every_s
        self.session_short_s = session_short_s
        self.maintenance_at_s = maintenance_at_s
        self.maintenance_s = maintenance_s
        self.stop = threading.Event()
        self.session_expiries = 0
        self.maintenance_windows = 0

    def run(self) -> None:
        started = time.monotonic()
        self.box.knobs(jitter_ms=self.jitter_ms, error_rate=self.error_rate)
        next_session = started + self.session_every_s
        maintenance_start = started + self.maintenance_at_s
        maintenance_done = False
        while not self.stop.wait(0.5):
            now = time.monotonic()
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
        self.join(timeout=30)
        self.box.knobs(jitter_ms=0, error_rate=0.0, maintenance=False, session_idle_s=900.0, latency_ms=0)


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
                **facts,
            }
        )
        progress(
            f"kill {len(self.kills)} ({kind}) {facts}: {len(descendants)} descendants ({chromium} Chromium), "
            f"{alive_1s} alive 1 s later"
        )

    def submitting(self) -> list[Transfer]:
        return self.ledger.list(states=[S.SUBMITTING], flow=FLOW, limit=10_000)

    def one_run(self, max_run_s: float) -> None:
        """Start the worker once; kill it if the plan says so; record how it ended."""
        kind = self.plan[0] if self.plan else None
        started = time.monotonic()
        random_at = started + self.rng.uniform(2.0, 25.0)
        worker = self.start()
        killed = False
        try:
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
        if killed:
            self.plan.pop(0)
        self.runs.append(
            {"seconds": round(time.monotonic() - started, 1), "exit": worker.returncode, "killed": killed}
        )

    def _kill_after_click(self, worker: subprocess.Popen[bytes], deadline: float) -> bool:
        """Wait for a transfer in ``submitting``; slow the portal; kill once the application is stored."""
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
        count = len(self.box.applications())
        self.box.knobs(latency_ms=SLOW_MS)
        try:
            while worker.poll() is None and time.monotonic() < deadline:
                now = len(self.box.applications())
                if now > count:
                    self.kill(worker, "after final click", dossier=target.dossier_code, transfer=target.id)
                    return True
                time.sleep(0.02)
        finally:
            self.box.knobs(latency_ms=0)
        return False

    def settled(self, accepted: set[str]) -> tuple[bool, float]:
        """Whether every accepted dossier's transfer is final; else how long to wait before the next run."""
        transfers = {t.dossier_code: t for t in self.ledger.list(flow=FLOW, limit=100_000)}
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
def form_differences(stored: dict[str, Any], expected: JudicialRecordForm) -> dict[str, Any]:
    """``{field: [expected, stored]}`` for every field the portal stored differently (as in the e2e tests)."""
    differences: dict[str, Any] = {}
    for key, want in expected.model_dump(mode="json").items():
        got = stored.get(key, "<missing>")
        if key.endswith("Address") and isinstance(got, dict):
            got = {k: got.get(k) for k in ADDRESS_KEYS}
        elif key == "idCardFile" and expected.idCardFile is not None:
            want = {"sha256": sha256_of(expected.idCardFile), "size": expected.idCardFile.stat().st_size}
            got = None if got is None else {"sha256": got.get("sha256"), "size": got.get("size")}
        if got != want:
            differences[key] = [want, got]
    return differences


def check(box: Sandbox, ledger: Ledger, before: dict[str, dict[str, Any]], root: Path) -> dict[str, Any]:
    applications = box.applications()
    after = box.dossiers()
    sms = Counter(m.get("code") or m.get("dossier_code") for m in box.sms())
    transfers = {t.dossier_code: t for t in ledger.list(flow=FLOW, limit=100_000)}
    by_number: dict[str, list[dict[str, Any]]] = {}
    for application in applications:
        by_number.setdefault(application["form"]["idNumber"], []).append(application)
    accepted = {c for c, d in before.items() if d["status"] == int(DossierStatus.ACCEPTED)}
    valid = sorted(c for c in accepted if before[c]["flaw"] is None)
    flawed = sorted(c for c in accepted if before[c]["flaw"] is not None)
    problems: list[str] = []
    per_valid: Counter[int] = Counter()
    fields_equal = 0
    written_once = 0
    sms_ok = 0
    lost: list[str] = []
    duplicates: list[dict[str, Any]] = []
    with box.provincial_api() as client:
        for code in valid:
            number = before[code]["identity_number"]
            found = by_number.get(number, [])
            per_valid[len(found)] += 1
            transfer = transfers.get(code)
            if not found or transfer is None or transfer.state is not S.WRITTEN_BACK:
                lost.append(code)
                problems.append(
                    f"{code}: lost ({len(found)} applications, {transfer.state if transfer else None})"
                )
                continue
            if len(found) > 1:
                duplicates.append({"dossier": code, "receipts": [a["receipt"] for a in found]})
                problems.append(f"{code}: {len(found)} applications {[a['receipt'] for a in found]}")
            stored = found[0]
            expected = map_raw(
                before[code]["data"],
                attachments_dir=box.download_attachments(client, code, root / "check" / code),
            )
            differences = form_differences(stored["form"], expected)
            if differences:
                problems.append(f"{code}: fields differ {differences}")
            else:
                fields_equal += 1
            receipts = after[code]["receipt_codes"]
            if receipts == [stored["receipt"]] and transfer.receipt_code == stored["receipt"]:
                written_once += 1
            else:
                problems.append(f"{code}: receipt codes {receipts}, ledger {transfer.receipt_code}")
            changes = 1 if after[code]["status"] != before[code]["status"] else 0
            if sms[code] == changes == 1:
                sms_ok += 1
            else:
                problems.append(f"{code}: {sms[code]} SMS for {changes} status change(s)")
        parked = 0
        for code in flawed:
            try:
                map_raw(
                    before[code]["data"],
                    attachments_dir=box.download_attachments(client, code, root / "check" / code),
                )
                want: list[str] = []
            except InvalidDossier as exc:
                want = [str(p) for p in exc.problems]
            transfer = transfers.get(code)
            typed = by_number.get(before[code]["identity_number"], [])
            ok = (
                transfer is not None and transfer.state is S.FAILED_BUSINESS and bool(want)
                and list(transfer.business_reasons) == want and not typed
                and after[code]["receipt_codes"] == [] and sms[code] == 0
            )  # fmt: skip
            if ok:
                parked += 1
            else:
                if transfer is None or transfer.state not in FINAL:
                    lost.append(code)
                state = transfer.state.value if transfer else None
                problems.append(f"{code} (flawed): {state}, {len(typed)} typed, {sms[code]} SMS")
    others = [c for c in before if c not in accepted and (transfers.get(c) or after[c]["receipt_codes"])]
    problems += [f"{c}: not accepted yet, but touched" for c in others]
    known = {before[c]["identity_number"] for c in valid}
    stray = [a["receipt"] for a in applications if a["form"]["idNumber"] not in known]
    problems += [f"application {r} matches no valid dossier" for r in stray]
    return {
        "valid": len(valid),
        "flawed": len(flawed),
        "not_accepted": len(before) - len(accepted),
        "applications": len(applications),
        "applications_per_valid_dossier": {str(k): v for k, v in sorted(per_valid.items())},
        "fields_equal": fields_equal,
        "flawed_parked_with_reasons": parked,
        "lost": sorted(set(lost)),
        "duplicates": duplicates,
        "receipts_written_once": written_once,
        "sms_one_per_status_change": sms_ok,
        "stray_applications": stray,
        "problems": problems,
    }


def trail_facts(ledger: Ledger) -> dict[str, Any]:
    """How the transfers got where they are: look-ups after crashes, retries, lease take-overs."""
    paths: Counter[str] = Counter()
    lookups = retries = takeovers = drift = 0
    for transfer in ledger.list(flow=FLOW, limit=100_000):
        events = ledger.events(transfer.id)
        for e in events:
            if e.to_state is S.SUBMITTED and "tra cứu" in e.reason:
                lookups += 1
            if e.to_state is S.FAILED_SYSTEM:
                retries += 1
            if e.actor == "system" and "lease" in e.reason:
                takeovers += 1
            if "giao diện cổng đã thay đổi" in e.reason:
                drift += 1
        if any(e.to_state is S.UNCERTAIN for e in events):
            paths[" → ".join(e.to_state.value for e in events)] += 1
    return {
        "settled_by_lookup": lookups,
        "failed_system_events": retries,
        "lease_takeovers": takeovers,
        "selector_drift_events": drift,
        "uncertain_paths": dict(paths),
    }


def reaped_by_workers(log_file: Path) -> int:
    """Browser processes the workers' start-up reaper (``rpa.browser.reap_orphans``) says it killed."""
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
            box = Sandbox(running)
            box.knobs(captcha=False)
            box.seed(args.seed, args.dossiers)
            before = box.dossiers()
            accepted = {c for c, d in before.items() if d["status"] == int(DossierStatus.ACCEPTED)}
            config = bot_config(running)
            config.update(
                ledger_url=f"sqlite:///{(root / 'rpa-ledger.sqlite').resolve()}",
                recordings_dir=str((root / "recordings").resolve()),
                work_dir=str((root / "work").resolve()),
                log_file=str((root / "rpa.jsonl").resolve()),
                lease_s=args.lease_s,
                retry={"max_attempts": 50, "base_delay_s": 1.0, "max_delay_s": 8.0, "jitter": 0.5},
                session_retries=2,
                breaker_cooldown_s=5.0,
            )
            write_config(root / "rpa.toml", config)
            progress(f"{len(before)} dossiers seeded, {len(accepted)} accepted; plan {plan}")
            faults = Faults(
                box, error_rate=args.error_rate, jitter_ms=args.jitter_ms,
                session_every_s=args.session_every, session_short_s=4.0,
                maintenance_at_s=args.maintenance_at, maintenance_s=args.maintenance_s,
            )  # fmt: skip
            with Ledger(config["ledger_url"]) as ledger:
                soak = Soak(box, root / "rpa.toml", root, ledger, rng, plan)
                faults.start()
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
                    faults.end()
                soak_s = time.monotonic() - started
                time.sleep(2.0)  # give orphans that would exit by themselves a moment
                alive = [o for o in soak.orphans if o.alive()]
                chromium_left = [o for o in alive if "chrom" in o.name.lower()]
                other_left = Counter(o.name for o in alive if "chrom" not in o.name.lower())
                result_check = check(box, ledger, before, root)
                reaped = reaped_by_workers(Path(config["log_file"]))
                trail = trail_facts(ledger)
                for orphan in alive:  # counted above; now clean up what our workers left
                    with contextlib.suppress(psutil.NoSuchProcess):
                        psutil.Process(orphan.pid).kill()
        finally:
            running.stop()
    checks = {
        "one_application_per_valid_dossier": result_check["applications_per_valid_dossier"]
        == {"1": result_check["valid"]},
        "every_field_equal": result_check["fields_equal"] == result_check["valid"],
        "flawed_parked_with_reasons": result_check["flawed_parked_with_reasons"] == result_check["flawed"],
        "none_lost": not result_check["lost"],
        "receipts_written_back_once": result_check["receipts_written_once"] == result_check["valid"],
        "one_sms_per_status_change": result_check["sms_one_per_status_change"] == result_check["valid"],
        "no_chromium_left": not chromium_left,
        "kills_done": len(soak.kills) >= args.kills,
        "finished_in_time": not timed_out,
        "no_other_problem": not result_check["problems"],
    }
    kinds = Counter(k["kind"] for k in soak.kills)
    return {
        "machine": machine(),
        "command": "python benchmarks/chaos.py " + " ".join(sys.argv[1:]),
        "settings": vars(args),
        "runtime_s": round(time.monotonic() - started, 1),
        "soak_s": round(soak_s, 1),
        "worker_runs": len(soak.runs),
        "worker_exits": dict(Counter(str(r["exit"]) for r in soak.runs)),
        "kills": dict(kinds),
        "kill_log": soak.kills,
        "faults": {"session_expiry_windows": faults.session_expiries,
                   "maintenance_windows": faults.maintenance_windows,
                   "jitter_ms": args.jitter_ms, "error_rate": args.error_rate},
        "tracked_descendants": len(soak.orphans),
        "chromium_left": len(chromium_left),
        "other_processes_left": dict(other_left),
        "reaped_by_next_worker": reaped,
        "check": result_check,
        "trail": trail,
        "checks": checks,
        "ok": all(checks.values()),
    }  # fmt: skip


def print_table(result: dict[str, Any]) -> None:
    c, t = result["check"], result["trail"]
    rows = [
        ("dossiers (valid / flawed / not accepted)", f"{c['valid']} / {c['flawed']} / {c['not_accepted']}"),
        ("worker runs (exit codes)", f"{result['worker_runs']} {result['worker_exits']}"),
        ("kills", f"{sum(result['kills'].values())} {result['kills']}"),
        ("faults", f"{result['faults']}"),
        ("applications per valid dossier", f"{c['applications_per_valid_dossier']} (all must be 1)"),
        ("  every field equal to the source", f"{c['fields_equal']}/{c['valid']}"),
        ("flawed: failed_business, reasons, untyped", f"{c['flawed_parked_with_reasons']}/{c['flawed']}"),
        ("dossiers lost", f"{len(c['lost'])} {c['lost'] or ''}"),
        ("duplicates", f"{len(c['duplicates'])} {c['duplicates'] or ''}"),
        ("receipts written back exactly once", f"{c['receipts_written_once']}/{c['valid']}"),
        ("one SMS per status change", f"{c['sms_one_per_status_change']}/{c['valid']}"),
        ("settled by look-up after a crash", f"{t['settled_by_lookup']}"),
        ("failed_system events (retried)", f"{t['failed_system_events']}"),
        ("lease take-overs", f"{t['lease_takeovers']}"),
        ("Chromium processes left", f"{result['chromium_left']} of {result['tracked_descendants']} sampled"),
        ("other processes left", f"{result['other_processes_left']}"),
        ("killed by the next worker's reaper", f"{result['reaped_by_next_worker']}"),
        ("time taken", f"{result['runtime_s']:.0f} s (soak {result['soak_s']:.0f} s)"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for name, passed in result["checks"].items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    for problem in c["problems"][:50]:
        print(f"  problem: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dossiers", type=int, default=30, help="dossiers seeded (default 30)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the worker (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lease-s", type=float, default=4.0, help="the bots' lease (default 4 s)")
    parser.add_argument("--error-rate", type=float, default=0.1, help="share of HTTP 502s (default 0.1)")
    parser.add_argument(
        "--jitter-ms", type=float, default=300.0, help="random latency per request (default 300)"
    )
    parser.add_argument("--session-every", type=float, default=60.0, help="seconds between session expiries")
    parser.add_argument("--maintenance-at", type=float, default=45.0, help="maintenance starts after this")
    parser.add_argument("--maintenance-s", type=float, default=10.0, help="maintenance window length")
    parser.add_argument("--max-run-s", type=float, default=900.0, help="one worker run at most this long")
    parser.add_argument("--max-minutes", type=float, default=240.0, help="give up after this")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    else:
        print_table(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
