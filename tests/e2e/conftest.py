"""End-to-end fixtures: both sandbox systems served in this process, the real ``rpa`` CLI in subprocesses.

A :class:`World` is one running sandbox (provincial one-stop system + every ministry portal, CAPTCHAs
off) with a bot configuration written next to it. Tests drive the bots exactly as an operator's script
would (``python -m rpa ... --config FILE``) and check the outcome through the sandboxes' control APIs,
the ledger, the evidence folders and the JSON log.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rpa.config import Settings, load_settings, write_config
from rpa.evidence.keys import ensure_keys
from rpa.ledger import Event, Ledger, Transfer
from rpa.sandbox.cli import bot_config
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.serving import RunningSandbox, start_sandbox

SERVICE_ACCOUNT = ("rpa.bot", "RpaBot@2025")
"""The provincial service account (``docs/sandbox.md``), used here to download attachment bytes."""
CLI_TIMEOUT_S = 420.0


@dataclass
class World:
    """One running sandbox, its bot configuration and helpers to look at what the bots did."""

    root: Path
    running: RunningSandbox
    config: Path
    settings: Settings

    # -- URLs ----------------------------------------------------------------------------------------
    @property
    def provincial(self) -> str:
        return self.running.urls["provincial"]

    @property
    def moj(self) -> str:
        return self.running.urls["moj-lltp"]

    # -- the CLI --------------------------------------------------------------------------------------
    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "rpa", *args, "--config", str(self.config)]

    def env(self) -> dict[str, str]:
        """The environment of a bot: this one without any ``RPA_*`` override of the configuration
        (but the test run's master key, so the test reads what the bots sealed)."""
        return {k: v for k, v in os.environ.items() if not k.startswith("RPA_") or k == "RPA_MASTER_KEY"}

    def rpa(self, *args: str, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        """Run ``rpa ARGS --config FILE`` to its end."""
        return subprocess.run(
            self.command(*args),
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def rpa_json(self, *args: str, expect_exit: int | None = 0) -> dict[str, Any]:
        """Run ``rpa ARGS --json``; check its exit code and return the JSON object it printed."""
        done = self.rpa(*args, "--json")
        if expect_exit is not None:
            shown = f"rpa {' '.join(args)} exited {done.returncode}"
            assert done.returncode == expect_exit, f"{shown}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, f"--json must print exactly one line, got:\n{done.stdout}\n{done.stderr}"
        result: dict[str, Any] = json.loads(lines[0])
        return result

    # -- the sandboxes' control APIs -----------------------------------------------------------------
    def knobs(self, **values: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.moj}/_sandbox/knobs", json=values, timeout=10)
        response.raise_for_status()
        knobs: dict[str, Any] = response.json()
        return knobs

    def applications(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.moj}/_sandbox/applications", timeout=30)
        response.raise_for_status()
        applications: list[dict[str, Any]] = response.json()
        return applications

    def portal_knobs(self, portal: str, **values: Any) -> dict[str, Any]:
        """Set knobs of the sandbox copy of ``portal`` (any ministry portal, by its system name)."""
        response = httpx.post(f"{self.running.urls[portal]}/_sandbox/knobs", json=values, timeout=10)
        response.raise_for_status()
        knobs: dict[str, Any] = response.json()
        return knobs

    def portal_applications(self, portal: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.running.urls[portal]}/_sandbox/applications", timeout=30)
        response.raise_for_status()
        applications: list[dict[str, Any]] = response.json()
        return applications

    def seed_procedures(self, seed: int, count: int, procedures: list[str]) -> list[str]:
        """Seed ``count`` dossiers of ``procedures`` in turn (the provincial control API's mix)."""
        body = {"seed": seed, "dossiers": count, "procedures": procedures}
        response = httpx.post(f"{self.provincial}/_sandbox/seed", json=body, timeout=120)
        response.raise_for_status()
        codes: list[str] = response.json()["codes"]
        return codes

    def applications_of(self, id_number: str) -> list[dict[str, Any]]:
        return [a for a in self.applications() if a["form"]["idNumber"] == id_number]

    def dossiers(self) -> dict[str, dict[str, Any]]:
        """Every provincial dossier by code (``code, status, receipt_codes, flaw, tricky, data...``)."""
        response = httpx.get(f"{self.provincial}/_sandbox/dossiers", timeout=30)
        response.raise_for_status()
        return {d["code"]: d for d in response.json()}

    def sms(self, code: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.provincial}/_sandbox/sms", params={"code": code}, timeout=30)
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()
        return messages

    def seed(self, seed: int, count: int) -> list[str]:
        response = httpx.post(
            f"{self.provincial}/_sandbox/seed", json={"seed": seed, "dossiers": count}, timeout=120
        )
        response.raise_for_status()
        codes: list[str] = response.json()["codes"]
        return codes

    def add(self, *dossiers: SeededDossier) -> list[str]:
        """Add generated dossiers (data, files, flaw) through ``POST /_sandbox/dossiers``."""
        body = {
            "dossiers": [
                {
                    "data": d.data,
                    "flaw": d.flaw,
                    "tricky": d.tricky,
                    "files": [
                        {
                            "name": f.name,
                            "media_type": f.media_type,
                            "content_base64": base64.b64encode(f.content).decode("ascii"),
                        }
                        for f in d.files
                    ],
                }
                for d in dossiers
            ]
        }
        response = httpx.post(f"{self.provincial}/_sandbox/dossiers", json=body, timeout=60)
        response.raise_for_status()
        codes: list[str] = response.json()["codes"]
        return codes

    @contextmanager
    def provincial_api(self) -> Iterator[httpx.Client]:
        """The provincial API as the bots' service account sees it."""
        with httpx.Client(base_url=self.provincial, timeout=30) as client:
            username, password = SERVICE_ACCOUNT
            token = client.post("/api/auth/token", data={"username": username, "password": password})
            token.raise_for_status()
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            yield client

    def provincial_dossier(self, code: str) -> dict[str, Any]:
        """Dossier ``code`` as the provincial API serves it (``processing_log`` included)."""
        with self.provincial_api() as client:
            dossier: dict[str, Any] = client.get(f"/api/dossiers/{code}").raise_for_status().json()
            return dossier

    def download_attachments(self, code: str, folder: Path) -> Path:
        """Save every attachment of dossier ``code``, as the provincial API serves it, under ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        with self.provincial_api() as client:
            dossier = client.get(f"/api/dossiers/{code}").raise_for_status().json()
            for index, attachment in enumerate(dossier["attachments"]):
                content = client.get(f"/api/dossiers/{code}/attachments/{index}").raise_for_status().content
                (folder / Path(attachment["name"]).name).write_bytes(content)
        return folder

    def reconfigure(self, **extra: Any) -> None:
        """Rewrite the bots' configuration with ``extra`` settings (same ledger, evidence, work folder)."""
        write_config(
            self.config, _bot_config(self.root, self.running, lease_s=self.settings.lease_s, **extra)
        )
        self.settings = load_settings(self.config)

    # -- the ledger (read only) -------------------------------------------------------------------------
    def transfer(self, code: str) -> Transfer | None:
        with Ledger(self.settings.ledger_url) as ledger:
            return ledger.find(code)

    def events(self, code: str) -> list[Event]:
        with Ledger(self.settings.ledger_url) as ledger:
            found = ledger.find(code)
            return [] if found is None else ledger.events(found.id)

    def transfers(self) -> list[Transfer]:
        with Ledger(self.settings.ledger_url) as ledger:
            return ledger.list(limit=10_000)

    # -- evidence and log ------------------------------------------------------------------------------
    def evidence_folders(self, code: str) -> list[Path]:
        """Every attempt folder of ``code``: ``recordings/YYYY/MM/DD/<code>/<attempt>``."""
        return sorted(self.settings.recordings_dir.glob(f"*/*/*/{code}/*"))

    def log_records(self) -> list[dict[str, Any]]:
        assert self.settings.log_file is not None
        if not self.settings.log_file.exists():
            return []
        lines = self.settings.log_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]


def open_world(stack: ExitStack, root: Path, *, lease_s: float = 5.0) -> World:
    """Start a sandbox under ``root`` (stopped when ``stack`` closes) and write the bots' configuration."""
    root.mkdir(parents=True, exist_ok=True)
    running = start_sandbox(root / "sandbox")
    stack.callback(running.stop)
    for name, url in running.urls.items():  # nobody reads CAPTCHAs in these tests (unless one asks)
        if name != "provincial":
            httpx.post(f"{url}/_sandbox/knobs", json={"captcha": False}, timeout=10).raise_for_status()
    path = root / "rpa.toml"
    write_config(path, _bot_config(root, running, lease_s=lease_s))
    settings = load_settings(path)  # the signing key is a file (the master key: the test run's)
    ensure_keys(settings.keys.signing_key_path(settings), settings.keys.master_key_path(settings))
    return World(root, running, path, settings)


def _bot_config(root: Path, running: RunningSandbox, **extra: Any) -> dict[str, Any]:
    config = bot_config(running)
    config.update(
        ledger_url=f"sqlite:///{(root / 'rpa-ledger.sqlite').resolve()}",
        recordings_dir=str((root / "recordings").resolve()),
        work_dir=str((root / "work").resolve()),
        log_file=str((root / "rpa.jsonl").resolve()),
        settle_grace_s=1.0,  # a look-up may follow a crash at once: the sandbox answers without delay
    )
    config.update(extra)
    return config


@pytest.fixture(scope="module")
def make_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., World]]:
    """Factory of sandboxes that live as long as the test module."""
    with ExitStack() as stack:

        def make(name: str = "world", *, lease_s: float = 5.0) -> World:
            return open_world(stack, tmp_path_factory.mktemp(name), lease_s=lease_s)

        yield make
