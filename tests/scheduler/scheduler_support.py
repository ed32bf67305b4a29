"""The scheduler tests' world: the real sandbox served in this process, ``rpa scheduler`` as a subprocess.

Imported by name (``tests/scheduler`` has no ``__init__.py``), like the other test folders' helpers.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import psutil

from flows.judicial_record import FLOW
from rpa.config import Settings, load_settings, write_config
from rpa.domain import DossierStatus
from rpa.ledger import Ledger, Transfer
from rpa.sandbox.cli import bot_config
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import RunningSandbox

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T], timeout: float, bot: Bot | None = None) -> T:
    """Poll ``check`` until it returns something truthy; fail with ``what`` (and the bot's log) on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if bot is not None and bot.process.poll() is not None:
            raise AssertionError(
                f"the scheduler exited ({bot.process.returncode}) before {what}:\n{bot.tail()}"
            )
        if time.monotonic() > deadline:
            shown = f"\n{bot.tail()}" if bot is not None else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{shown}")
        time.sleep(0.2)


@dataclass
class Bot:
    """One ``rpa ... --config FILE`` subprocess; its stderr (the console log) goes to a file."""

    process: subprocess.Popen[str]
    stderr_path: Path
    _stderr: IO[str] = field(repr=False)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.stderr_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def browsers(self) -> list[psutil.Process]:
        """Chromium processes under the bot right now."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [p for p in children if "chrom" in p.name()]

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._stderr.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._stderr.close()


@dataclass
class SchedulerWorld:
    """A running sandbox (CAPTCHA off) and a bot configuration under ``root``."""

    root: Path
    running: RunningSandbox
    config: Path
    settings: Settings
    bots: list[Bot] = field(default_factory=list)

    @property
    def provincial(self) -> str:
        return self.running.urls["provincial"]

    @property
    def moj(self) -> str:
        return self.running.urls["moj-lltp"]

    # -- configuration and processes ------------------------------------------------------------------
    def configure(self, schedule: dict[str, Any], **rules: Any) -> None:
        """Write the configuration: the sandbox, this world's folders, ``schedule`` and portal ``rules``."""
        config = bot_config(self.running)
        config["portals"]["moj-lltp"].update(rules)
        config.update(
            ledger_url=f"sqlite:///{self.root / 'rpa-ledger.sqlite'}",
            recordings_dir=str(self.root / "recordings"),
            reports_dir=str(self.root / "reports"),
            work_dir=str(self.root / "work"),
            log_file=str(self.root / "rpa.jsonl"),
            schedule={"report_at": _far_from_now(), "purge_at": _far_from_now(), **schedule},
        )
        write_config(self.config, config)
        self.settings = load_settings(self.config)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "rpa", *args, "--config", str(self.config)]

    def env(self) -> dict[str, str]:
        return {k: v for k, v in os.environ.items() if not k.startswith("RPA_") or k == "RPA_MASTER_KEY"}

    def start(self, *args: str, name: str = "scheduler") -> Bot:
        """Start ``rpa ARGS`` (default ``rpa scheduler``) in the background."""
        stderr_path = self.root / f"{name}-{len(self.bots)}.stderr"
        stderr = stderr_path.open("w", encoding="utf-8")
        process = subprocess.Popen(
            self.command(*(args or ("scheduler",))), cwd=self.root, env=self.env(),
            stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        )  # fmt: skip
        bot = Bot(process, stderr_path, stderr)
        self.bots.append(bot)
        return bot

    def rpa(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=self.root, env=self.env(), capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip

    # -- the sandboxes --------------------------------------------------------------------------------
    def add_valid(self, count: int, seed: int) -> list[str]:
        """Add ``count`` valid accepted dossiers (generator ``seed``) to the provincial system."""
        accepted = int(DossierStatus.ACCEPTED)
        valid = [d for d in generate(seed, 40) if d.flaw is None and d.data["status"] == accepted][:count]
        assert len(valid) == count, f"seed {seed} gives fewer than {count} valid accepted dossiers"
        body = {
            "dossiers": [
                {
                    "data": d.data, "flaw": None, "tricky": d.tricky,
                    "files": [
                        {"name": f.name, "media_type": f.media_type,
                         "content_base64": base64.b64encode(f.content).decode("ascii")}
                        for f in d.files
                    ],
                }
                for d in valid
            ]
        }  # fmt: skip
        response = httpx.post(f"{self.provincial}/_sandbox/dossiers", json=body, timeout=60)
        codes: list[str] = response.raise_for_status().json()["codes"]
        return codes

    def applications(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"{self.moj}/_sandbox/applications", timeout=30).json()
        return found

    def dossiers(self) -> dict[str, dict[str, Any]]:
        listed = httpx.get(f"{self.provincial}/_sandbox/dossiers", timeout=30).raise_for_status().json()
        return {d["code"]: d for d in listed}

    def sms(self, code: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.provincial}/_sandbox/sms", params={"code": code}, timeout=30)
        messages: list[dict[str, Any]] = response.raise_for_status().json()
        return messages

    def advance(self, receipt: str, to: str) -> None:
        body = {"receipt": receipt, "to": to}
        httpx.post(f"{self.moj}/_sandbox/advance", json=body, timeout=10).raise_for_status()

    def knobs(self, **values: Any) -> None:
        httpx.post(f"{self.moj}/_sandbox/knobs", json=values, timeout=10).raise_for_status()

    # -- what the bots recorded -----------------------------------------------------------------------
    def transfers(self, codes: list[str]) -> dict[str, Transfer | None]:
        with Ledger(self.settings.ledger_url) as ledger:
            return {code: ledger.find(code, FLOW) for code in codes}

    def states(self, codes: list[str]) -> dict[str, str | None]:
        return {code: t.state.value if t else None for code, t in self.transfers(codes).items()}

    def log_records(self) -> list[dict[str, Any]]:
        path = self.settings.log_file
        if path is None or not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def logged(self, fragment: str) -> list[dict[str, Any]]:
        return [r for r in self.log_records() if fragment in r["message"]]


def _far_from_now() -> str:
    """A time of day twelve hours away, so the daily jobs do not fire during a test."""
    return f"{datetime.now(VN) + timedelta(hours=12):%H:%M}"
