"""``rpa sandbox serve`` and ``rpa sandbox seed`` as an operator's script would run them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rpa.config import load_settings

RPA = [sys.executable, "-m", "rpa"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path, subprocess.Popen[str]]]:
    config = tmp_path / "bots.toml"
    proc = subprocess.Popen(
        [*RPA, "sandbox", "serve", "--data-dir", str(tmp_path / "data"), "--seed", "7", "--dossiers", "5",
         "--write-config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline()
        yield json.loads(first_line), config, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_prints_urls_first_and_writes_a_working_config(
    served: tuple[dict[str, str], Path, subprocess.Popen[str]],
) -> None:
    urls, config, proc = served
    assert set(urls) == {"provincial", "moj-lltp", "dkkd", "vantai"}
    for url in urls.values():
        assert httpx.get(url + "/", follow_redirects=True, timeout=10).status_code == 200
    dossiers = httpx.get(urls["provincial"] + "/_sandbox/dossiers", timeout=10).json()
    assert len(dossiers) == 5
    settings = load_settings(config)
    assert settings.provincial.base_url == urls["provincial"]
    assert settings.portals["moj-lltp"].base_url == urls["moj-lltp"]
    assert settings.keys.signing_key_path(settings).exists()  # evidence commands work at once
    assert settings.portals["dkkd"].base_url == urls["dkkd"]
    token = httpx.post(
        urls["provincial"] + "/api/auth/token",
        data={
            "username": settings.provincial.account.username,
            "password": settings.provincial.account.password.get_secret_value(),
        },
        timeout=10,
    )
    assert token.status_code == 200
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


def test_seed_adds_to_a_running_sandbox(served: tuple[dict[str, str], Path, subprocess.Popen[str]]) -> None:
    urls, _, _ = served
    out = subprocess.run(
        [*RPA, "sandbox", "seed", "--url", urls["provincial"], "--seed", "8", "--dossiers", "3", "--json"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    codes = json.loads(out.stdout)["codes"]
    assert len(codes) == 3
    listed = {d["code"] for d in httpx.get(urls["provincial"] + "/_sandbox/dossiers", timeout=10).json()}
    assert set(codes) <= listed and len(listed) == 8


def test_seed_into_a_stored_sandbox_is_deterministic(tmp_path: Path) -> None:
    def seeded(folder: Path) -> list[str]:
        out = subprocess.run(
            [*RPA, "sandbox", "seed", "--data-dir", str(folder), "--seed", "3", "--dossiers", "4", "--json"],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return list(json.loads(out.stdout)["codes"])

    assert seeded(tmp_path / "a") == seeded(tmp_path / "b")


def test_a_live_sandbox_brings_new_dossiers_and_moves_statuses_by_itself(tmp_path: Path) -> None:
    config = tmp_path / "bots.toml"
    proc = subprocess.Popen(
        [*RPA, "sandbox", "serve", "--data-dir", str(tmp_path / "data"), "--dossiers", "1",
         "--write-config", str(config), "--arrivals-every", "1", "--arrivals", "2", "--advance-every", "30",
         "--no-captcha"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        urls = json.loads(proc.stdout.readline())
        deadline = time.monotonic() + 60
        while len(httpx.get(urls["provincial"] + "/_sandbox/dossiers", timeout=10).json()) < 5:
            assert time.monotonic() < deadline, "no new dossiers arrived"
            time.sleep(0.5)
        knobs = httpx.get(urls["moj-lltp"] + "/_sandbox/knobs", timeout=10).json()
        assert (knobs["captcha"], knobs["auto_advance_s"]) == (False, 30)
        schedule = load_settings(config).schedule
        assert (schedule.poll_every_s, schedule.sync_every_s) == (60, 120)  # minutes, not half hours
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
