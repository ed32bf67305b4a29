"""``rpa demo``, the README's main job, run as a person runs it: the real command, its table, its files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rpa.demo import MARKER, _fresh
from rpa.ledger import Ledger, TransferState

SUMMARY = re.compile(
    r"(\d+) valid accepted dossiers, (\d+) flawed, (\d+) not yet accepted by a clerk; "
    r"the ministry portals received (\d+) applications \([^)]*\); (\d+) SMS sent to citizens\."
)


def test_the_demo_transfers_every_valid_dossier_once_and_parks_the_flawed_ones(tmp_path: Path) -> None:
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
    manifests = [
        json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "recordings").rglob("manifest.json")
    ]
    receipts = {t.dossier_code: t.receipt_code for t in transfers if t.state == TransferState.WRITTEN_BACK}
    assert len(set(receipts.values())) == valid
    with_receipt = {
        m["dossier_code"]: m["extra"]["receipt"]
        for m in manifests
        if "receipt" in m["extra"] and any(f["name"].endswith("receipt.png") for f in m["files"])
    }
    assert with_receipt == receipts, "each receipt page and code is in the evidence manifest"
    refused = {t.dossier_code for t in transfers if t.state == TransferState.FAILED_BUSINESS}
    assert not any(m["typed"] for m in manifests if m["dossier_code"] in refused)
    attachments = tmp_path / "demo-data" / "work" / "attachments"
    assert not attachments.exists() or not any(attachments.iterdir()), "no citizen's file is kept"


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
