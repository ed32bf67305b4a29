"""Unattended operation: ``rpa scheduler`` left alone against the sandbox, watched for an hour.

Issue 5's done-criterion, played out by a script instead of a person: the real ``rpa scheduler`` runs
as a subprocess with its production-like intervals while this script plays the province (new
dossiers arrive in the provincial system every few minutes, some of them flawed) and the ministry
(applications move along received → processing → [supplement requested → processing] → finished →
result returned, one step at a time, slower than the sync interval so that every status is seen).
Nobody touches the bot. At the end it stops the scheduler with SIGTERM and checks what a supervisor
would check:

- every valid dossier has exactly one application, its receipt written back once;
- every flawed dossier is parked ``failed_business`` with its reasons and nothing was typed;
- the provincial system got one SMS per status change, in the order the ministry moved, and every
  supplement reason reached the clerk's processing log;
- finished applications have their certificate number in the ledger, returned ones are ``finished``;
- the daily report and the purge ran on their own; ``rpa report`` for the run's days agrees with the
  ledger; the scheduler exited 0 with no Chromium left. It prints the log's ERROR records (a 502 from
  the portal is one; they are for reading, not failures) and the memory of the scheduler, alone and
  with its Chromium, over the run.

The last ``--settle-minutes`` bring no new work, so that a transfer left ``uncertain`` by a 502 after
the final click has its lease run out (``lease_s``, 5 min) and is looked up before the checks.

Usage (an hour, as the issue asks; ``--minutes 8`` for a quick look)::

    .venv/bin/python benchmarks/unattended.py --minutes 60 [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psutil
from chaos import Sandbox, machine, progress
from openpyxl import load_workbook

from flows.judicial_record import FLOW
from rpa.config import write_config
from rpa.domain import DossierStatus
from rpa.ledger import Ledger, Transfer, TransferState
from rpa.sandbox.cli import bot_config
from rpa.sandbox.serving import start_sandbox

VN = ZoneInfo("Asia/Ho_Chi_Minh")
S = TransferState
NATIONAL = {"received": 4, "processing": 4, "supplement_requested": 5, "finished": 9, "result_returned": 10}
PLAIN = ["processing", "finished", "result_returned"]
WITH_SUPPLEMENT = ["processing", "supplement_requested", "processing", "finished", "result_returned"]


@dataclass(eq=False)  # a thread must stay hashable
class Ministry(threading.Thread):
    """Moves each application one status at a time, never faster than ``dwell_s`` per status."""

    box: Sandbox
    dwell_s: float
    rng: random.Random
    moves: dict[str, list[str]] = field(default_factory=dict)  # receipt -> statuses it was moved to
    reasons: dict[str, str] = field(default_factory=dict)  # receipt -> supplement reason
    _plans: dict[str, list[str]] = field(default_factory=dict)
    _since: dict[str, float] = field(default_factory=dict)
    _halt: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        while not self._halt.wait(5):
            try:
                self.tick()
            except Exception as exc:  # the sandbox is in this process: a hiccup must not end the play
                progress(f"ministry: {exc!r}")

    def tick(self) -> None:
        now = time.monotonic()
        for application in self.box.applications():
            receipt = application["receipt"]
            if receipt not in self._plans:  # a fifth stays "received" for the whole run
                choice = self.rng.random()
                self._plans[receipt] = [] if choice < 0.2 else WITH_SUPPLEMENT if choice < 0.5 else PLAIN
                self._since[receipt] = now
                self.moves[receipt] = []
            done, plan = self.moves[receipt], self._plans[receipt]
            if len(done) == len(plan) or now - self._since[receipt] < self.dwell_s:
                continue
            target = plan[len(done)]
            body: dict[str, Any] = {"receipt": receipt, "to": target}
            if target == "supplement_requested":
                body["reason"] = self.reasons[receipt] = f"Bổ sung bản sao giấy khai sinh ({receipt})"
            httpx.post(f"{self.box.moj}/_sandbox/advance", json=body, timeout=30).raise_for_status()
            done.append(target)
            self._since[receipt] = now

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)


@dataclass(eq=False)
class Province(threading.Thread):
    """Adds ``batch`` generated dossiers (valid, flawed and not yet accepted) every ``every_s``."""

    box: Sandbox
    every_s: float
    batch: int
    seed: int
    added: list[str] = field(default_factory=list)
    _halt: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        while not self._halt.wait(self.every_s):
            self.seed += 1
            try:
                self.added += self.box.seed(self.seed, self.batch)
            except Exception as exc:
                progress(f"province: {exc!r}")

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=60)


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory of the scheduler itself and of its whole tree (Chromium while a job runs)."""
    try:
        root = psutil.Process(pid)
        own = root.memory_info().rss
        processes = root.children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    total = own
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return own / 2**20, total / 2**20


def clock_in(minutes: float) -> str:
    return f"{datetime.now(VN) + timedelta(minutes=minutes):%H:%M}"


def expected_sms(moves: list[str]) -> list[int]:
    """National statuses the citizen should be texted: 4 at the transfer, then each change."""
    codes = [4]
    for status in moves:
        if NATIONAL[status] != codes[-1]:
            codes.append(NATIONAL[status])
    return codes


def report_figures(path: Path) -> dict[str, Any]:
    """The all-procedures column of «Tổng hợp» and the «Theo ngày» rows, read back with openpyxl."""
    book = load_workbook(path)
    summary = {}
    for row in book["Tổng hợp"].iter_rows(values_only=True):
        if row and isinstance(row[1], str) and row[0] in ("Cuối ngày", "Trong ngày"):
            summary[f"{row[0]}: {row[1]}"] = row[-2]  # the last figure column is «Tất cả thủ tục»
    daily = {}
    for row in book["Theo ngày"].iter_rows(values_only=True):
        if row and isinstance(row[0], datetime):
            daily[row[0].date().isoformat()] = {"queued": row[1], "submitted": row[2]}
    return {"summary": summary, "daily": daily}


def check(
    box: Sandbox, ledger: Ledger, ministry: Ministry, root: Path, config: Path
) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    dossiers = box.dossiers()
    transfers: dict[str, Transfer] = {t.dossier_code: t for t in ledger.list(flow=FLOW, limit=100_000)}
    applications = box.applications()
    per_number = Counter(a["form"]["idNumber"] for a in applications)
    by_receipt = {a["receipt"]: a for a in applications}
    sms: dict[str, list[int]] = {}
    for message in box.sms():
        sms.setdefault(message.get("code") or message["dossier_code"], []).append(message["status"])
    accepted_or_later = {c for c, d in dossiers.items() if d["status"] != int(DossierStatus.NEW)}
    valid = sorted(c for c in accepted_or_later if dossiers[c]["flaw"] is None)
    flawed = sorted(c for c in accepted_or_later if dossiers[c]["flaw"] is not None)
    states = Counter(t.state.value for t in transfers.values())
    figures: dict[str, Any] = {"valid": len(valid), "flawed": len(flawed), "states": dict(states)}
    with box.provincial_api() as client:
        for code in valid:
            transfer = transfers.get(code)
            number = dossiers[code]["identity_number"]
            if transfer is None or transfer.receipt_code is None:
                problems.append(
                    f"{code}: not transferred ({transfer.state.value if transfer else 'no transfer'})"
                )
                continue
            receipt = transfer.receipt_code
            if per_number[number] != 1 or receipt not in by_receipt:
                problems.append(f"{code}: {per_number[number]} applications")
            if dossiers[code]["receipt_codes"] != [receipt]:
                problems.append(f"{code}: receipt codes {dossiers[code]['receipt_codes']}")
            moves = ministry.moves.get(receipt, [])
            want = expected_sms(moves)
            if sms.get(code, []) != want:
                problems.append(f"{code}: SMS {sms.get(code, [])}, expected {want} for {moves}")
            last = moves[-1] if moves else "received"
            if transfer.ministry_status != last and not (
                last == "received" and transfer.ministry_status is None
            ):
                problems.append(f"{code}: ledger says {transfer.ministry_status}, ministry {last}")
            if last == "result_returned" and transfer.state is not S.FINISHED:
                problems.append(f"{code}: returned at the ministry but {transfer.state.value}")
            if last == "result_returned" and not transfer.certificate_number:
                problems.append(f"{code}: returned without a certificate number in the ledger")
            if receipt in ministry.reasons:
                log = client.get(f"/api/dossiers/{code}").raise_for_status().json()["processing_log"]
                if not any(ministry.reasons[receipt] in (entry.get("note") or "") for entry in log):
                    problems.append(f"{code}: supplement reason missing from the processing log")
    for code in flawed:
        transfer = transfers.get(code)
        if transfer is None or transfer.state is not S.FAILED_BUSINESS or not transfer.business_reasons:
            problems.append(f"{code} (flawed): {transfer.state.value if transfer else 'no transfer'}")
        if per_number[dossiers[code]["identity_number"]] or sms.get(code):
            problems.append(f"{code} (flawed): typed into the portal or texted")
    figures["applications"] = len(applications)
    figures["moves"] = sum(len(m) for m in ministry.moves.values())
    figures["supplements"] = len(ministry.reasons)
    figures["sms"] = sum(len(v) for v in sms.values())
    figures["returned_finished"] = states.get(S.FINISHED.value, 0)
    days = sorted({t.created_at.astimezone(VN).date() for t in transfers.values()})
    reports = {}
    for day in days:
        out = root / f"report-{day}.xlsx"
        command = [sys.executable, "-m", "rpa", "report", "--date", day.isoformat(), "--out", str(out)]
        subprocess.run([*command, "--config", str(config)], check=True, capture_output=True, timeout=300)
        reports[day.isoformat()] = report_figures(out)
    total = reports[days[-1].isoformat()]["summary"].get("Cuối ngày: Tổng số hồ sơ") if days else 0
    if total != len(transfers):
        problems.append(f"report total {total}, ledger {len(transfers)}")
    submitted = sum(r["daily"].get(d, {}).get("submitted") or 0 for d, r in reports.items())
    if submitted != sum(1 for t in transfers.values() if t.submitted_at):
        problems.append(
            f"report submitted {submitted}, ledger {sum(1 for t in transfers.values() if t.submitted_at)}"
        )
    figures["report_days"] = {d: r["daily"].get(d) for d, r in reports.items()}
    return figures, problems


def log_facts(log_file: Path) -> dict[str, Any]:
    records = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    levels = Counter(r["level"] for r in records)
    messages = [r["message"] for r in records]

    def count(fragment: str) -> int:
        return sum(fragment in m for m in messages)

    return {
        "records": len(records),
        "levels": dict(levels),
        "errors": [m for r, m in zip(records, messages, strict=True) if r["level"] in ("ERROR", "CRITICAL")][
            :20
        ],
        "sync_passes": count("status sync:"),
        "reports_written": count("report: "),
        "purges": count("retention: kept from"),
        "health_checks": count("health moj-lltp:"),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="rpa-unattended-"))
    started = time.monotonic()
    running = start_sandbox(root / "sandbox")
    box = Sandbox(running)
    scheduler: subprocess.Popen[bytes] | None = None
    try:
        box.knobs(captcha=False, jitter_ms=args.jitter_ms, error_rate=args.error_rate)
        box.seed(args.seed, args.batch)
        config = root / "rpa.toml"
        settings = bot_config(running)
        settings.update(
            ledger_url=f"sqlite:///{root / 'rpa-ledger.sqlite'}",
            recordings_dir=str(root / "recordings"),
            reports_dir=str(root / "reports"),
            work_dir=str(root / "work"),
            log_file=str(root / "rpa.jsonl"),
            schedule={
                "poll_every_s": args.poll_s, "queue_every_s": args.queue_s, "sync_every_s": args.sync_s,
                "health_every_s": args.health_s, "report_at": clock_in(args.minutes / 2),
                "purge_at": clock_in(args.minutes / 4),
            },
        )  # fmt: skip
        write_config(config, settings)
        stderr = (root / "scheduler.stderr").open("wb")
        command = [sys.executable, "-m", "rpa", "scheduler", "--config", str(config)]
        scheduler = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=stderr)
        progress(f"scheduler {scheduler.pid} started; work in {root}")
        province = Province(box, args.add_every_s, args.batch, args.seed)
        ministry = Ministry(box, args.dwell_s, random.Random(args.seed))
        province.start()
        ministry.start()
        memory: list[tuple[float, float]] = []
        play_until = started + (args.minutes - args.settle_minutes) * 60
        while time.monotonic() < started + args.minutes * 60:
            if scheduler.poll() is not None:
                raise RuntimeError(f"the scheduler exited with {scheduler.returncode}; see {stderr.name}")
            if time.monotonic() > play_until and province.is_alive():
                progress("settling: no new dossiers, no more ministry moves")
                province.stop()
                ministry.stop()
            memory.append(rss_mb(scheduler.pid))
            progress(f"{len(province.added)} dossiers added, {len(box.applications())} applications, "
                     f"scheduler {memory[-1][0]:.0f} MB, with Chromium {memory[-1][1]:.0f} MB")  # fmt: skip
            time.sleep(30)
        province.stop()
        ministry.stop()
        browsers = [p for p in psutil.Process(scheduler.pid).children(recursive=True) if "chrom" in p.name()]
        scheduler.send_signal(signal.SIGTERM)
        exit_code = scheduler.wait(timeout=900)
        time.sleep(1)
        left = [p.pid for p in browsers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        with Ledger(settings["ledger_url"]) as ledger:
            figures, problems = check(box, ledger, ministry, root, config)
        logs = log_facts(root / "rpa.jsonl")
        if exit_code != 0:
            problems.append(f"the scheduler exited with {exit_code}")
        if left:
            problems.append(f"Chromium left: {left}")
        if not logs["reports_written"] or not logs["purges"]:
            problems.append(f"daily jobs: {logs['reports_written']} reports, {logs['purges']} purges logged")
        warm = [own for own, _ in memory[4:]] or [own for own, _ in memory]  # after two minutes
        sixth = max(1, len(warm) // 6)
        return {
            "machine": machine(),
            "minutes": round((time.monotonic() - started) / 60, 1),
            "dossiers_added_during_run": len(province.added),
            **figures,
            "log": logs,
            "memory_mb": {
                "scheduler_first_sixth": round(sum(warm[:sixth]) / sixth),
                "scheduler_last_sixth": round(sum(warm[-sixth:]) / sixth),
                "tree_peak": round(max(tree for _, tree in memory)),
            },
            "scheduler_exit": exit_code,
            "chromium_left": len(left),
            "work_dir": str(root),
            "problems": problems,
            "ok": not problems,
        }
    finally:
        if scheduler is not None and scheduler.poll() is None:
            scheduler.kill()
        running.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--settle-minutes", type=float, default=8, help="last minutes with no new work")
    parser.add_argument("--batch", type=int, default=4, help="dossiers the province adds at a time")
    parser.add_argument("--add-every-s", type=float, default=180)
    parser.add_argument("--dwell-s", type=float, default=240, help="least time an application keeps a status")
    parser.add_argument("--poll-s", type=int, default=30)
    parser.add_argument("--queue-s", type=int, default=30)
    parser.add_argument("--sync-s", type=int, default=60)
    parser.add_argument("--health-s", type=int, default=60)
    parser.add_argument("--jitter-ms", type=int, default=100)
    parser.add_argument("--error-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
