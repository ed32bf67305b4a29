"""``rpa demo``, the README's main job, run as a person runs it: the real command, its table, its files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rpa.config import load_settings
from rpa.demo import MARKER, _fresh
from rpa.evidence.opening import read_values
from rpa.ledger import Ledger, TransferState
from rpa.vault import vault_for

SUMMARY = re.compile(
    r"(\d+) valid accepted dossiers, (\d+) flawed, (\d+) not yet accepted by a clerk; "
    r"the ministry portals received (\d+) applications \([^)]*\); (\d+) SMS sent to citizens\."
)


def test_the_demo_transfers_every_valid_dossier_once_and_parks_the_flawed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RPA_")} | {"COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "rpa", "demo", "--data-dir", "demo-data", "--dossiers", "10", "--seed", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    shown = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    assert done.returncode == 0, shown
    assert "Every dossier ended as expected." in done.stdout, shown
    summary = SUMMARY.search(" ".join(done.stdout.split()))
    assert summary is not None, shown
    valid, flawed, _waiting, applications, sms = (int(n) for n in summary.groups())
    assert valid >= 1 and flawed >= 1, "the demo must show both outcomes"
    assert applications == valid and sms == valid
    assert "Đã cập nhật về một cửa (written_back)" in done.stdout
    assert "Lỗi nghiệp vụ (failed_business)" in done.stdout

    with Ledger(f"sqlite:///{tmp_path / 'demo-data' / 'rpa-ledger.sqlite'}") as ledger:
        transfers = ledger.list()
    states = [t.state for t in transfers]
    assert states.count(TransferState.WRITTEN_BACK) == valid
    assert states.count(TransferState.FAILED_BUSINESS) == flawed
    monkeypatch.delenv("RPA_MASTER_KEY", raising=False)  # the demo sealed with its own key file
    settings = load_settings(tmp_path / "demo-data" / "rpa.toml")
    vault = vault_for(settings)
    manifests = []
    for path in (tmp_path / "recordings").rglob("manifest.json"):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert "typed" not in manifest and "extra" not in manifest  # sealed beside it
        manifests.append(manifest | read_values(vault, manifest["dossier_code"], path.parent))
    receipts = {t.dossier_code: t.receipt_code for t in transfers if t.state == TransferState.WRITTEN_BACK}
    assert len(set(receipts.values())) == valid
    with_receipt = {
        m["dossier_code"]: m["extra"]["receipt"]
        for m in manifests
        if "receipt" in m["extra"] and any(f["name"].endswith("receipt.png.enc") for f in m["files"])
    }
    assert with_receipt == receipts, "each receipt page and code is in the evidence manifest"
    refused = {t.dossier_code for t in transfers if t.state == TransferState.FAILED_BUSINESS}
    assert not any(m["typed"] for m in manifests if m["dossier_code"] in refused)
    attachments = tmp_path / "demo-data" / "work" / "attachments"
    assert not attachments.exists() or not any(attachments.iterdir()), "no citizen's file is kept"
    _scan_for_clear_personal_data(tmp_path, env)


SANDBOX_PASSWORDS = ("RpaBot@2025", "MatKhau@2025", "DangKy@2025", "VanTai@2025", "MotCua@2025")
IDENTITY_NUMBER = re.compile(rb"(?<![0-9])(?:[0-9]{12}|[0-9]{9})(?![0-9])")


def _scan_for_clear_personal_data(root: Path, env: dict[str, str]) -> None:
    """Issue 15's test: after a full run (and the day's report), no file the bot wrote holds a
    sandbox password or a seeded citizen's full identity number, except sealed (``.enc``) files."""
    report = subprocess.run(
        [sys.executable, "-m", "rpa", "report", "--config", "demo-data/rpa.toml"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert report.returncode == 0, report.stdout + report.stderr
    sandbox = root / "demo-data" / "sandbox"  # the province's and ministries' own systems
    numbers: set[bytes] = set()
    for path in sandbox.rglob("*"):
        if path.is_file():
            numbers |= set(IDENTITY_NUMBER.findall(path.read_bytes()))
    assert len(numbers) >= 10, "the seeded citizens' identity numbers were not found in the sandbox"
    written = [p for p in root.rglob("*") if p.is_file() and not p.is_relative_to(sandbox)]
    assert any(p.name.endswith(".png.enc") for p in written) and any("ledger" in p.name for p in written)
    reports = [p for p in written if p.is_relative_to(root / "reports")]
    assert reports and all(p.name.endswith(".xlsx.enc") for p in reports), "the report was written, sealed"
    leaks = []
    for path in written:
        if path.name.endswith(".enc"):
            assert b"\x89PNG" not in path.read_bytes()[:64], path
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):  # a workbook or a trace: its members are compressed
            with zipfile.ZipFile(path) as archive:
                data += b"".join(archive.read(member) for member in archive.namelist())
        leaks += [f"password {w} in {path}" for w in SANDBOX_PASSWORDS if w.encode() in data]
        leaks += [
            f"identity number …{n[-4:].decode()} in {path}"
            for n in numbers & set(IDENTITY_NUMBER.findall(data))
        ]
    assert not leaks, "\n".join(leaks)


def test_the_demo_never_wipes_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("a clerk's file", encoding="utf-8")
    with pytest.raises(SystemExit, match="not made by `rpa demo`"):
        _fresh(tmp_path)
    assert (tmp_path / "mine.txt").exists()


def test_the_demo_starts_again_from_an_empty_folder_it_made(tmp_path: Path) -> None:
    _fresh(tmp_path)
    (tmp_path / "rpa-ledger.sqlite").write_text("an earlier demo", encoding="utf-8")
    _fresh(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [MARKER]
