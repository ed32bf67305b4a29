"""``rpa console`` as an operator starts it: first line on stdout, then a console that answers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from rpa.config import write_config


def test_rpa_console_prints_its_url_first_and_answers_healthz(tmp_path: Path) -> None:
    config = tmp_path / "rpa.toml"
    write_config(
        config,
        {
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "work_dir": str(tmp_path / "work"),
            "provincial": {
                "base_url": "http://127.0.0.1:9",
                "account": {"username": "rpa.bot", "password": "x"},
            },
        },
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "rpa", "console", "--port", "0", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        assert set(first) == {"console"} and first["console"].startswith("http://127.0.0.1:")
        health = httpx.get(f"{first['console']}/healthz", timeout=30)
        assert health.status_code == 200 and health.json()["ok"] is True
        login = httpx.get(f"{first['console']}/dang-nhap", timeout=30)
        assert "Đăng nhập" in login.text and "/static/console.css" in login.text
        assert httpx.get(f"{first['console']}/static/console.css", timeout=30).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    # uvicorn shuts down gracefully, then lets the signal end the process as it would have
    errors = process.stderr.read() if process.stderr else ""
    assert process.returncode in (0, -signal.SIGTERM) and "Traceback" not in errors, errors
