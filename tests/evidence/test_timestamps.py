"""RFC 3161 time-stamps on checkpoints, against a real TSA (OpenSSL's, served locally)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.clock import VN
from rpa.config import load_settings, write_config
from rpa.evidence import core
from rpa.evidence.keys import init_keys
from rpa.operations.alerts import read_alerts
from rpa.operations.jobs import JobContext, _checkpoint
from rpa.operations.stopping import StopLatch
from rpa.portal.evidence import AttemptEvidence
from rpa.sandbox.tsa import SandboxTsa, sandbox_tsa
from rpa.vault import vault_for

CODE = "000.00.01.H55-261120-0011"


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxTsa]:
    with sandbox_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


def _closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/tsa"


def _install(tmp_path: Path, url: str, certificate: Path) -> Path:
    config = tmp_path / "rpa.toml"
    account = {"username": "canbo", "password": "mat-khau-dai"}
    write_config(
        config,
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "recordings_dir": str(tmp_path / "recordings"),
            "work_dir": str(tmp_path / "work"),
            "timestamping": {"url": url, "certificate": str(certificate)},
        },
    )
    keys = tmp_path / "work" / "keys"
    init_keys(keys / "signing.key", keys / "master.key")
    return config


def _attempt(config: Path, number: int) -> None:
    settings = load_settings(config)
    evidence = AttemptEvidence.begin(
        settings.recordings_dir, CODE, started=datetime(2026, 11, 20, 9, tzinfo=VN), vault=vault_for(settings)
    )
    shot = config.parent / f"{number:02d}-a.png"
    shot.write_bytes(b"\x89PNG " + str(number).encode() * 40)
    evidence.add_file(shot)
    shot.unlink()
    evidence.write_manifest(outcome="submitted")


def _invoke(*args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(app, list(args))
    return done.exit_code, done.stdout, done.stderr


def _checkpoints(config: Path) -> list[dict[str, object]]:
    root = load_settings(config).recordings_dir
    return [json.loads(line) for line in core.read_lines(root / core.CHECKPOINTS)]


def test_checkpoints_are_time_stamped_and_each_token_vouches_for_its_own_signature_only(
    tmp_path: Path, tsa: SandboxTsa
) -> None:
    config = _install(tmp_path, tsa.url, tsa.certificate)
    for number in (1, 2):
        _attempt(config, number)
        code, out, err = _invoke("evidence", "checkpoint", "--config", str(config))
        assert code == 0, (out, err)
        stamp = json.loads(out)["timestamp"]
        when = datetime.fromisoformat(stamp["time"])
        assert stamp["tsa"] == tsa.url and abs((datetime.now(UTC) - when).total_seconds()) < 120

    code, out, _ = _invoke("evidence", "verify", "--all", "--json", "--config", str(config))
    result = json.loads(out)
    assert code == 0 and result["ok"], result
    assert sorted(result["timestamps"]["stamped"]) == ["1", "2"] and result["timestamps"]["invalid"] == []
    code, out, _ = _invoke("evidence", "verify", "--all", "--config", str(config))
    assert "Dấu thời gian RFC 3161: 2 điểm ký số có dấu hợp lệ (mới nhất: điểm 2" in out

    # A real token, moved onto the other checkpoint: it stamps a different signature.
    root = load_settings(config).recordings_dir
    first, second = _checkpoints(config)
    second["timestamp"] = first["timestamp"]
    (root / core.CHECKPOINTS).write_text("".join(json.dumps(c) + "\n" for c in (first, second)))
    code, out, _ = _invoke("evidence", "verify", "--all", "--json", "--config", str(config))
    result = json.loads(out)
    assert code == 1 and result["timestamps"]["invalid"] == [2], result
    assert [f["kind"] for f in result["findings"]] == ["timestamp_invalid"]
    assert "Dấu thời gian RFC 3161 của điểm ký số 2 không hợp lệ" in result["findings"][0]["message"]


def test_a_token_from_another_tsa_is_refused(tmp_path: Path, tsa: SandboxTsa) -> None:
    with sandbox_tsa(tmp_path / "other-tsa") as other:
        config = _install(tmp_path, other.url, other.certificate)
        _attempt(config, 1)
        assert _invoke("evidence", "checkpoint", "--config", str(config))[0] == 0
    # The installation now trusts only the province's TSA: the other one's token does not check.
    config.write_text(config.read_text().replace(str(other.certificate), str(tsa.certificate)))
    code, out, _ = _invoke("evidence", "verify", "--all", "--json", "--config", str(config))
    assert code == 1 and json.loads(out)["timestamps"]["invalid"] == [1]


def test_a_tsa_that_does_not_answer_never_stops_the_checkpoint(tmp_path: Path, tsa: SandboxTsa) -> None:
    config = _install(tmp_path, _closed_url(), tsa.certificate)
    _attempt(config, 1)
    code, out, err = _invoke("evidence", "checkpoint", "--config", str(config))
    assert code == 3 and "chưa có dấu thời gian" in err
    record = json.loads(out)
    assert "timestamp" not in record and "ConnectionError" in record["timestamp_error"]

    _attempt(config, 2)
    settings = load_settings(config)
    _checkpoint(JobContext(settings, StopLatch()))  # the scheduler's daily checkpoint alerts instead
    alerts = [a for a in read_alerts(settings.work_dir) if a["kind"] == "timestamp_failed"]
    assert len(alerts) == 1 and "Điểm ký số 2 chưa có dấu thời gian" in alerts[0]["message"]

    code, out, _ = _invoke("evidence", "verify", "--all", "--json", "--config", str(config))
    result = json.loads(out)
    assert code == 0 and result["ok"]  # signed checkpoints without a token are not tampering
    assert sorted(result["timestamps"]["unstamped"]) == ["1", "2"]


def test_the_bundle_carries_the_tokens_and_openssl_alone_checks_them(tmp_path: Path, tsa: SandboxTsa) -> None:
    config = _install(tmp_path, tsa.url, tsa.certificate)
    _attempt(config, 1)
    assert _invoke("evidence", "checkpoint", "--config", str(config))[0] == 0
    out = tmp_path / "bundle.zip"
    code, printed, err = _invoke("evidence", "export", CODE, "--out", str(out), "--config", str(config))
    assert code == 0, (printed, err)
    folder = tmp_path / "inspector"
    with zipfile.ZipFile(out) as bundle:
        bundle.extractall(folder)
    assert {"timestamps/1.tsr", "timestamps/1.sig", "tsa.pem"} <= {
        p.relative_to(folder).as_posix() for p in folder.rglob("*")
    }
    script = subprocess.run(
        [sys.executable, "verify.py"], cwd=folder, capture_output=True, text=True, timeout=60
    )
    assert script.returncode == 0, script.stdout + script.stderr
    command = next(line for line in script.stdout.splitlines() if "openssl ts -verify" in line)
    openssl = command.split(": ", 1)[1].split()
    checked = subprocess.run(openssl, cwd=folder, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "Verification: OK" in checked.stdout, checked.stderr
    signature = folder / "timestamps" / "1.sig"
    signature.write_bytes(bytes([signature.read_bytes()[0] ^ 1]) + signature.read_bytes()[1:])
    forged = subprocess.run(openssl, cwd=folder, capture_output=True, text=True, timeout=60)
    assert forged.returncode != 0 and "Verification: FAILED" in forged.stdout
