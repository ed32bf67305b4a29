"""Benchmark: seconds per dossier of the ``rpa`` engine against a hand-written Playwright floor.

One run, one in-process sandbox (own temp data dir, CAPTCHA off), valid accepted dossiers only:

- **engine**: the real worker (``open_worker`` → ``intake`` → ``claim``/``perform``) with the default
  evidence settings (screenshots, manifest, trace kept only on failure). The time of one dossier is
  ``perform``: reading from the provincial API, mapping, a fresh logged-in context, filling, submitting,
  the ledger and the write-back.
- **floor**: the least a hand-written script can do that still types the same data through the same
  UI: one logged-in page in the engine's Chromium, each field by ``#id`` (``fill``, ``select_option``,
  ``press_sequentially`` for masked dates, clicks on the custom comboboxes), rows, upload, review,
  modal, receipt. Its forms come from ``map_raw`` on the seeded data (attachments in a temp folder).
- **floor with evidence**: the same script, plus what the issue asks of every attempt besides the
  typing, done as the engine's defaults do it: a fresh context per dossier from the saved login, a
  trace with DOM snapshots (discarded on success), six full-page PNGs written to disk. The engine's
  ratio to it is the cost of the engine itself (maps, read-backs, logs, ledger, provincial system).

The two are interleaved: after every ``--batch`` engine dossiers, the floor types a few of the same
dossiers again, so slow drifts of a noisy machine hit both sides alike. Every floor application is
compared with the engine's application for the same dossier (stored ``form`` of both must be equal).

Memory: after every engine dossier (the floor's context closed at that moment) the RSS, and USS/PSS,
of the whole process tree are summed: this Python process (which also serves the sandbox) plus the
Playwright driver and every Chromium process. Drift = mean of the last 20 samples against the mean of
the 20 after the warm-up batch.

Usage::

    python benchmarks/transfer.py [--dossiers 200] [--floor-dossiers 40] [--batch 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from playwright.sync_api import Browser, BrowserContext, Page

from flows.judicial_record.form import FormAddress, JudicialRecordForm
from rpa.config import load_settings, write_config
from rpa.domain import DossierStatus
from rpa.procedures import read_form
from rpa.sandbox.cli import bot_config
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import sandbox
from rpa.transfer.session import open_worker

PORTAL = "moj-lltp"
MB = 1024 * 1024
WINDOW = 20  # samples averaged at each end of the memory series


# ---- data -----------------------------------------------------------------------------------------
def valid_dossiers(seed: int, count: int) -> list[SeededDossier]:
    """``count`` generated dossiers without a flaw and already accepted (they all go to the ministry)."""
    found: list[SeededDossier] = []
    batch = math.ceil(count * 1.4) + 10
    while len(found) < count:
        generated = generate(seed, batch)
        found = [d for d in generated if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)]
        batch *= 2
    return found[:count]


def floor_form(dossier: SeededDossier, folder: Path) -> JudicialRecordForm:
    """The form the floor types: ``map_raw`` of the seeded data, attachments written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in dossier.files:
        (folder / Path(file.name).name).write_bytes(file.content)
    return read_form(dossier.data, attachments_dir=folder)


# ---- the floor: a minimal hand-written Playwright script ---------------------------------------------
def floor_login(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def _date(page: Page, selector: str, value: str) -> None:
    page.locator(selector).press_sequentially(re.sub(r"\D", "", value))


def _combo(page: Page, name: str, value: str) -> None:
    page.click(f"#{name}-combo")
    page.click(f"#{name}-list [data-value='{value}']")


def _address(page: Page, prefix: str, address: FormAddress) -> None:
    page.set_checked(f"#{prefix}Legacy", address.legacy)
    page.select_option(f"#{prefix}ProvinceId", address.provinceId)  # waits for the XHR-filled options
    if address.legacy:
        page.select_option(f"#{prefix}DistrictId", address.districtId or "")
    page.select_option(f"#{prefix}WardId", address.wardId)
    page.fill(f"#{prefix}Street", address.street or "")


def _next(page: Page) -> None:
    page.click("button[name=_action][value=next]")


def floor_submit(
    page: Page, base_url: str, form: JudicialRecordForm, shoot: Callable[[str], None] | None = None
) -> str:
    """Type ``form`` through steps A-D, submit it, and return the receipt code.

    ``shoot(label)`` is called where the engine takes its screenshots: each filled step, the review
    page and the receipt.
    """
    snap = shoot or (lambda label: None)
    page.goto(f"{base_url}/ho-so/moi")
    # step A
    page.fill("#fullName", form.fullName)
    page.fill("#otherName", form.otherName or "")
    page.select_option("#genderId", form.genderId)
    if form.birthYearOnly:
        page.check("#birthYearOnly")
        page.fill("#birthDateStr", form.birthDateStr)
    else:
        _date(page, "#birthDateStr", form.birthDateStr)
    page.fill("#birthPlace", form.birthPlace)
    _combo(page, "nationalityId", form.nationalityId)
    if form.ethnicId:
        _combo(page, "ethnicId", form.ethnicId)
    page.select_option("#idTypeId", form.idTypeId)
    page.fill("#idNumber", form.idNumber)
    if form.idIssueDateStr:
        _date(page, "#idIssueDateStr", form.idIssueDateStr)
    page.fill("#idIssuePlace", form.idIssuePlace or "")
    _address(page, "permanent", form.permanentAddress)
    if form.temporaryAddress:
        _address(page, "temporary", form.temporaryAddress)
    page.fill("#phone", form.phone or "")
    page.fill("#email", form.email or "")
    snap("a-applicant")
    _next(page)
    # step B
    page.fill("#fatherName", form.fatherName or "")
    page.fill("#fatherBirthDateStr", form.fatherBirthDateStr or "")
    page.fill("#motherName", form.motherName)
    page.fill("#motherBirthDateStr", form.motherBirthDateStr or "")
    page.fill("#spouseName", form.spouseName or "")
    page.fill("#spouseBirthDateStr", form.spouseBirthDateStr or "")
    snap("b-family")
    _next(page)
    # step C: row i has index i (the first row is on the page, "Thêm dòng" adds the next index)
    for i, row in enumerate(form.residences):
        if i > 0:
            page.click("#add-residence")
        _date(page, f"#residences-{i}-fromDateStr", row.fromDateStr)
        if row.toPresent:
            page.check(f"#residences-{i}-toPresent")
        else:
            _date(page, f"#residences-{i}-toDateStr", row.toDateStr or "")
        page.fill(f"#residences-{i}-address", row.address)
        page.fill(f"#residences-{i}-occupation", row.occupation or "")
        page.fill(f"#residences-{i}-workplace", row.workplace or "")
    snap("c-residences")
    _next(page)
    # step D
    page.check(f"#formType-{form.formType}")
    page.set_checked("#isBanPosition", form.isBanPosition)
    page.fill("#purpose", form.purpose)
    page.fill("#copies", str(form.copies))
    if form.deliveryMethod == "post":
        page.check("#deliveryMethod-post")
        assert form.deliveryAddress is not None
        _address(page, "delivery", form.deliveryAddress)
    else:
        page.check("#deliveryMethod-at-agency")
    if form.hasAuthorised:
        page.check("#hasAuthorised")
        page.fill("#authName", form.authName or "")
        page.select_option("#authIdTypeId", form.authIdTypeId or "")
        page.fill("#authIdNumber", form.authIdNumber or "")
        page.fill("#authRelationship", form.authRelationship or "")
        _date(page, "#authDateStr", form.authDateStr or "")
    if form.idCardFile is not None:
        page.set_input_files("#idCardFile", form.idCardFile)
    snap("d-request")
    _next(page)
    # review, modal, receipt
    page.wait_for_selector("#submit-button")
    snap("review")
    page.click("#submit-button")
    page.click("#confirm-modal button[type=submit]")
    receipt = page.inner_text("#receipt-code").strip()
    snap("receipt")
    return receipt


@dataclass
class Floor:
    """Runs floor batches in short-lived contexts of the engine's browser (closed before memory samples).

    ``evidence``: the same script doing what the issue requires of every attempt besides typing, as the
    engine's defaults do it: a fresh context per dossier from the saved login, a trace with DOM
    snapshots (discarded when the dossier went through), a full-page PNG at each of the engine's six
    screenshot points, written to disk.
    """

    browser: Browser
    base_url: str
    username: str
    password: str
    evidence_dir: Path | None = None
    times: list[float] = field(default_factory=list)
    receipts: dict[str, str] = field(default_factory=dict)

    def _context(self, **kwargs: Any) -> BrowserContext:
        context = self.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **kwargs)
        context.set_default_timeout(15_000)
        return context

    def run(self, items: list[tuple[str, JudicialRecordForm]]) -> None:
        context = self._context()
        try:
            page = context.new_page()
            floor_login(page, self.base_url, self.username, self.password)  # not timed: once per batch
            if self.evidence_dir is not None:
                state = context.storage_state()
                for code, form in items:
                    self._with_evidence(code, form, state)
                return
            for code, form in items:
                started = time.perf_counter()
                receipt = floor_submit(page, self.base_url, form)
                self.times.append(time.perf_counter() - started)
                self.receipts[code] = receipt
        finally:
            context.close()

    def _with_evidence(self, code: str, form: JudicialRecordForm, state: Any) -> None:
        assert self.evidence_dir is not None
        folder = self.evidence_dir / f"{code}-{len(self.times)}"
        folder.mkdir(parents=True)
        started = time.perf_counter()
        context = self._context(storage_state=state)
        try:
            context.tracing.start(snapshots=True, screenshots=False)
            page = context.new_page()

            def shoot(label: str) -> None:
                page.screenshot(path=folder / f"{label}.png", full_page=True, type="png")

            receipt = floor_submit(page, self.base_url, form, shoot)
            context.tracing.stop()  # kept only on failure, like the engine's default
        finally:
            context.close()
        self.times.append(time.perf_counter() - started)
        self.receipts[code] = receipt


# ---- memory ---------------------------------------------------------------------------------------
def tree_memory() -> dict[str, float]:
    """RSS, USS and PSS (MB) of this process and all its descendants, and this process's RSS alone."""
    me = psutil.Process()
    totals = {"rss": 0.0, "uss": 0.0, "pss": 0.0, "python_rss": 0.0, "processes": 0.0}
    for proc in [me, *me.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
        totals["rss"] += info.rss / MB
        totals["uss"] += getattr(info, "uss", 0) / MB
        totals["pss"] += getattr(info, "pss", 0) / MB
        totals["processes"] += 1
        if proc.pid == me.pid:
            totals["python_rss"] = info.rss / MB
    return totals


# ---- statistics -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_s": round(statistics.median(values), 3),
        "p95_s": round(percentile(values, 95), 3),
        "mean_s": round(statistics.fmean(values), 3),
        "min_s": round(min(values), 3),
    }


def step_profile(log_file: Path, dossiers: int) -> dict[str, Any]:
    """Milliseconds per dossier spent in each kind of engine step, from the JSON log's ``duration_ms``."""
    by_kind: dict[str, float] = defaultdict(float)
    by_name: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for line in log_file.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if "duration_ms" not in entry or "step" not in entry:
            continue
        kind = str(entry["step"])
        by_kind[kind] += entry["duration_ms"]
        calls[kind] += 1
        by_name[f"{kind} {entry.get('name', '')}"] += entry["duration_ms"]
    top = sorted(by_name.items(), key=lambda kv: -kv[1])[:10]
    return {
        "ms_per_dossier_by_kind": {
            k: {"ms": round(v / dossiers, 1), "calls": round(calls[k] / dossiers, 1)}
            for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])
        },
        "steps_ms_per_dossier": round(sum(by_kind.values()) / dossiers, 1),
        "top_steps_ms_per_dossier": {k: round(v / dossiers, 1) for k, v in top},
    }


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


# ---- the run --------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict[str, Any]:
    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rpa-bench-") as tmp:
        root = Path(tmp)
        data_dir = root / "sandbox"
        progress(f"generating {args.dossiers} valid dossiers (seed {args.seed})")
        dossiers = valid_dossiers(args.seed, args.dossiers)
        codes = ProvincialStore(data_dir).add_dossiers(dossiers)  # in the order given
        forms = {
            code: floor_form(d, root / "floor-attachments" / str(i))
            for i, (code, d) in enumerate(zip(codes, dossiers, strict=True))
        }
        with sandbox(data_dir) as running:
            moj = running.urls[PORTAL]
            httpx.post(f"{moj}/_sandbox/knobs", json={"captcha": False}, timeout=10).raise_for_status()
            config = bot_config(running)
            config.update(
                recordings_dir=str(root / "recordings"),
                work_dir=str(root / "work"),
                log_file=str(root / "rpa.jsonl"),
                keep_trace=args.keep_trace,
            )
            write_config(root / "rpa.toml", config)
            settings = load_settings(root / "rpa.toml")
            account = settings.portals[PORTAL].account
            engine_times: list[float] = []
            receipts: dict[str, str] = {}
            states: dict[str, int] = defaultdict(int)
            memory: list[dict[str, float]] = []
            batches = math.ceil(args.dossiers / args.batch)
            floor_per_batch = max(1, round(args.floor_dossiers / batches))
            with open_worker(settings, console_log=False) as worker:
                password = account.password.get_secret_value()
                floor = Floor(worker.browser, moj, account.username, password)
                evidence_floor = Floor(
                    worker.browser, moj, account.username, password, evidence_dir=root / "floor-evidence"
                )
                queued = worker.intake()
                progress(f"{len(queued)} transfers queued; {batches} batches of {args.batch}")
                while len(engine_times) < args.dossiers:
                    done: list[str] = []
                    for _ in range(args.batch):
                        transfer = worker.claim()
                        if transfer is None:
                            break
                        t0 = time.perf_counter()
                        outcome = worker.perform(transfer)
                        engine_times.append(time.perf_counter() - t0)
                        states[outcome.state] += 1
                        if outcome.receipt_code:
                            receipts[outcome.dossier_code] = outcome.receipt_code
                            done.append(outcome.dossier_code)
                        memory.append(tree_memory())
                    if not done:
                        break
                    floor.run([(code, forms[code]) for code in done[:floor_per_batch]])
                    evidence_floor.run([(code, forms[code]) for code in done[:floor_per_batch]])
                    progress(
                        f"engine {len(engine_times)}/{args.dossiers} "
                        f"(median {statistics.median(engine_times):.2f} s), floor {len(floor.times)} "
                        f"(median {statistics.median(floor.times):.2f} s, with evidence "
                        f"{statistics.median(evidence_floor.times):.2f} s), "
                        f"tree RSS {memory[-1]['rss']:.0f} MB"
                    )
            log_file = Path(config["log_file"])
            profile = step_profile(log_file, len(engine_times))
            compared, mismatches = 0, []
            floor_receipts = [*floor.receipts.items(), *evidence_floor.receipts.items()]
            with httpx.Client(base_url=moj, timeout=30) as client:
                for code, floor_receipt in floor_receipts:
                    engine_form = client.get(f"/_sandbox/applications/{receipts[code]}").json()["form"]
                    floor_stored = client.get(f"/_sandbox/applications/{floor_receipt}").json()["form"]
                    compared += 1
                    # the engine uploads the file under its downloaded name ("01-<name>"): same bytes
                    for stored in (engine_form, floor_stored):
                        if stored.get("idCardFile"):
                            stored["idCardFile"].pop("name", None)
                    if engine_form != floor_stored:
                        keys = sorted(k for k in engine_form if engine_form[k] != floor_stored.get(k))
                        mismatches.append({"dossier": code, "keys": keys})
    warm = args.batch  # the first batch (first login, caches) is warm-up for timings and memory
    floor_warm = floor_per_batch
    engine = summary(engine_times[warm:] or engine_times)
    floor_stats = summary(floor.times[floor_warm:] or floor.times)
    evidence_stats = summary(evidence_floor.times[floor_warm:] or evidence_floor.times)
    first = memory[warm : warm + WINDOW]
    last = memory[-WINDOW:]

    def mean(samples: list[dict[str, float]], key: str) -> float:
        return statistics.fmean(s[key] for s in samples)

    mem: dict[str, Any] = {"samples": len(memory)}
    for key in ("rss", "uss", "pss", "python_rss"):
        mem[key] = {
            "peak_mb": round(max(s[key] for s in memory), 1),
            "first_mean_mb": round(mean(first, key), 1),
            "last_mean_mb": round(mean(last, key), 1),
            "drift_pct": round((mean(last, key) / mean(first, key) - 1) * 100, 1),
        }
    mem["processes"] = {"first": first[0]["processes"], "last": last[-1]["processes"]}
    return {
        "machine": machine(),
        "command": "python benchmarks/transfer.py " + " ".join(sys.argv[1:]),
        "runtime_s": round(time.perf_counter() - started, 1),
        "settings": {"dossiers": args.dossiers, "batch": args.batch, "floor_per_batch": floor_per_batch,
                     "seed": args.seed, "keep_trace": args.keep_trace, "warm_up_dossiers": warm},
        "engine_states": dict(states),
        "engine": engine,
        "floor": floor_stats,
        "ratio_median": round(engine["median_s"] / floor_stats["median_s"], 2),
        "ratio_mean": round(engine["mean_s"] / floor_stats["mean_s"], 2),
        "floor_with_evidence": evidence_stats,
        "ratio_to_floor_with_evidence_median": round(engine["median_s"] / evidence_stats["median_s"], 2),
        "memory": mem,
        "verify": {"compared": compared, "equal": compared - len(mismatches), "mismatches": mismatches},
        "engine_profile": profile,
    }  # fmt: skip


def print_table(result: dict[str, Any]) -> None:
    e, f, m = result["engine"], result["floor"], result["memory"]
    print(f"{'':28}{'median':>9}{'p95':>9}{'mean':>9}{'n':>6}")
    print(f"{'engine  s/dossier':28}{e['median_s']:>9.2f}{e['p95_s']:>9.2f}{e['mean_s']:>9.2f}{e['n']:>6}")
    g = result["floor_with_evidence"]
    for label, row in (("floor   s/dossier", f), ("floor + evidence s/dossier", g)):
        print(f"{label:28}{row['median_s']:>9.2f}{row['p95_s']:>9.2f}{row['mean_s']:>9.2f}{row['n']:>6}")
    print(f"ratio engine/floor: {result['ratio_median']:.2f}x (median), {result['ratio_mean']:.2f}x (mean)")
    print(f"ratio engine/(floor + evidence): {result['ratio_to_floor_with_evidence_median']:.2f}x (median)")
    labels = {"rss": "tree RSS", "uss": "tree USS", "pss": "tree PSS", "python_rss": "python RSS"}
    for key, label in labels.items():
        r = m[key]
        print(
            f"{label:11} peak {r['peak_mb']:7.1f} MB · first {WINDOW} after warm-up "
            f"{r['first_mean_mb']:7.1f} MB · last {WINDOW} {r['last_mean_mb']:7.1f} MB"
            f" · drift {r['drift_pct']:+.1f} %"
        )
    v = result["verify"]
    print(f"floor vs engine stored forms: {v['equal']}/{v['compared']} equal")
    print(f"engine outcomes: {result['engine_states']}")
    print("engine steps, ms per dossier:")
    for kind, row in result["engine_profile"]["ms_per_dossier_by_kind"].items():
        print(f"  {kind:12}{row['ms']:9.1f} ms  ({row['calls']} calls)")
    outside = e["mean_s"] * 1000 - result["engine_profile"]["steps_ms_per_dossier"]
    print(f"  {'(outside)':12}{outside:9.1f} ms  (context, trace, provincial read, ledger, write-back)")
    print(f"runtime {result['runtime_s']:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dossiers", type=int, default=200, help="engine dossiers (default 200)")
    parser.add_argument("--floor-dossiers", type=int, default=40, help="floor dossiers, spread over batches")
    parser.add_argument("--batch", type=int, default=10, help="engine dossiers between floor turns")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep-trace", choices=("on_failure", "always", "never"), default="on_failure",
        help="engine trace setting (default on_failure, the default evidence)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if args.dossiers < args.batch + WINDOW:
        parser.error(f"--dossiers must be at least --batch + {WINDOW}")
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_table(result)
    return 0 if not result["verify"]["mismatches"] and result["verify"]["compared"] else 1


if __name__ == "__main__":
    sys.exit(main())
