"""``rpa keys`` / ``rpa evidence`` as a supervisor runs them, and the scheduler's checkpoint job."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rpa.cli import app
from rpa.clock import VN
from rpa.config import load_settings, write_config
from rpa.evidence import core
from rpa.ledger import Ledger
from rpa.ledger.audit import read_audit
from rpa.operations.jobs import JobContext, _checkpoint
from rpa.operations.stopping import StopLatch
from rpa.portal.evidence import AttemptEvidence
from rpa.vault import vault_for

CODE = "000.00.01.H55-261120-0009"


def _config(tmp_path: Path) -> Path:
    account = {"username": "canbo", "password": "mat-khau-dai"}
    path = tmp_path / "rpa.toml"
    write_config(
        path,
        {
            "provincial": {"base_url": "http://provincial.invalid", "account": account},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "recordings_dir": str(tmp_path / "recordings"),
            "work_dir": str(tmp_path / "work"),
        },
    )
    return path


def test_keys_checkpoint_verify_export_from_the_command_line(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    root = tmp_path / "recordings"
    evidence = AttemptEvidence.begin(root, CODE, started=datetime(2026, 11, 20, 9, tzinfo=VN))
    (tmp_path / "01-a.png").write_bytes(b"\x89PNG one")
    evidence.add_file(tmp_path / "01-a.png")
    evidence.write_manifest(outcome="submitted")

    missing = runner.invoke(app, ["evidence", "checkpoint", "--config", str(config)])
    assert missing.exit_code == 1 and "Chưa có khoá ký: chạy rpa keys init" in missing.output

    made = runner.invoke(app, ["keys", "init", "--config", str(config)])
    assert made.exit_code == 0, made.output
    paths = json.loads(made.stdout)
    assert paths["signing_key"] == str(tmp_path / "work" / "keys" / "signing.key")
    assert os.stat(paths["master_key"]).st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["keys", "init", "--config", str(config)])
    assert again.exit_code == 1 and "--force" in again.output

    context = JobContext(load_settings(config), StopLatch())
    _checkpoint(context)  # the scheduler's daily job
    assert len(core.read_lines(root / core.CHECKPOINTS)) == 1

    clean = runner.invoke(app, ["evidence", "verify", CODE, "--json", "--config", str(config)])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["verified"] == [f"2026/11/20/{CODE}/1"]

    (evidence.folder / "01-a.png").write_bytes(b"\x89PNG two")
    found = runner.invoke(app, ["evidence", "verify", "--date", "2026-11-20", "--config", str(config)])
    assert found.exit_code == 1
    assert f"Tệp 01-a.png trong 2026/11/20/{CODE}/1 đã bị sửa" in found.stdout

    out = tmp_path / "b.zip"
    exported = runner.invoke(app, ["evidence", "export", CODE, "--out", str(out), "--config", str(config)])
    assert exported.exit_code == 0, exported.output
    assert out.exists() and os.stat(out).st_mode & 0o777 == 0o600

    actions = [(e.action, e.target) for e in read_audit(Ledger(load_settings(config).ledger_url).engine)]
    assert ("evidence.verify", CODE) in actions and ("evidence.export", CODE) in actions
    assert ("evidence.verify", "2026-11-20") in actions


def test_open_rotate_erase_from_the_command_line_and_a_missing_master_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supervisor opens a dossier (audited), an admin rotates the master key, a dossier is erased;
    without the master key the bot stops before touching any dossier, saying what to run."""
    monkeypatch.delenv("RPA_MASTER_KEY", raising=False)
    config = _config(tmp_path)
    runner = CliRunner()
    stopped = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert stopped.exit_code != 0 and "rpa keys init" in stopped.output
    assert runner.invoke(app, ["keys", "init", "--config", str(config)]).exit_code == 0
    settings = load_settings(config)
    evidence = AttemptEvidence.begin(
        settings.recordings_dir, CODE, started=datetime(2026, 11, 20, 9, tzinfo=VN), vault=vault_for(settings)
    )
    (tmp_path / "01-a.png").write_bytes(b"\x89PNG one")
    evidence.add_file(tmp_path / "01-a.png")
    evidence.typed("so_giay_to", "001203004567")
    evidence.write_manifest(outcome="submitted")

    rotated = runner.invoke(app, ["keys", "rotate", "--config", str(config)])
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout)["rewrapped"] == 1

    out = tmp_path / "opened"
    args = [
        "evidence",
        "open",
        CODE,
        "--out",
        str(out),
        "--reason",
        "Kiểm tra khiếu nại",
        "--config",
        str(config),
    ]
    opened = runner.invoke(app, args)
    assert opened.exit_code == 0, opened.output
    assert (out / "2026-11-20" / "1" / "01-a.png").read_bytes() == b"\x89PNG one"
    assert "001203004567" in (out / "2026-11-20" / "1" / "values.json").read_text(encoding="utf-8")
    assert os.stat(out / "2026-11-20" / "1" / "values.json").st_mode & 0o777 == 0o600

    erase = ["evidence", "erase", CODE, "--reason", "Công dân yêu cầu", "--config", str(config)]
    erased = runner.invoke(app, erase)
    assert erased.exit_code == 0, erased.output
    again = runner.invoke(app, [*args[:3], "--out", str(tmp_path / "again"), *args[5:]])
    assert again.exit_code == 1 and "Không có bằng chứng" in again.output
    verified = runner.invoke(app, ["evidence", "verify", "--all", "--json", "--config", str(config)])
    assert json.loads(verified.stdout)["erased"] == [f"2026/11/20/{CODE}/1"]
    audit = {(e.action, e.target) for e in read_audit(Ledger(settings.ledger_url).engine)}
    assert {("evidence.open", CODE), ("evidence.erase", CODE), ("keys.rotate", "master")} <= audit
