"""``rpa privacy find|export``: everything held about one person, never another's, never the number."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from rpa.cli import app
from rpa.clock import VN
from rpa.config import load_settings, write_config
from rpa.ledger import Ledger, TransferState
from rpa.ledger.audit import read_audit
from rpa.ledger.search import identity_digest
from rpa.portal.evidence import AttemptEvidence
from rpa.report.workbook import seal_report
from rpa.vault import vault_for

ANN, BINH = "001203004567", "079088001234"
CODES = {ANN: "000.00.01.H55-261120-0201", BINH: "000.00.01.H55-261120-0202"}
PICTURE = b"\x89PNG\r\n\x1a\n screenshot of the form"


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    path = tmp_path / "rpa.toml"
    write_config(
        path,
        {
            "provincial": {"base_url": "http://p.invalid", "account": {"username": "bot", "password": "pw"}},
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "recordings_dir": str(tmp_path / "recordings"),
            "reports_dir": str(tmp_path / "reports"),
            "work_dir": str(tmp_path / "work"),
            "log_file": str(tmp_path / "logs" / "rpa.jsonl"),
        },
    )
    settings = load_settings(path)
    ledger = Ledger(settings.ledger_url)
    for number, code in CODES.items():
        transfer = ledger.enqueue(code, "judicial_record", actor="scheduler")
        ledger.transition(
            transfer.id, TransferState.FILLING, actor="worker",
            identity_digest=identity_digest(settings.work_dir, number), applicant_name=f"Người {number[-4:]}",
        )  # fmt: skip
        evidence = AttemptEvidence.begin(
            settings.recordings_dir,
            code,
            started=datetime(2026, 11, 20, 9, tzinfo=VN),
            vault=vault_for(settings),
        )
        (path.parent / "01-a.png").write_bytes(PICTURE + number.encode())
        evidence.add_file(path.parent / "01-a.png")
        evidence.typed("applicant.id_number", number)
        evidence.write_manifest(outcome="ok")
    assert settings.log_file is not None
    settings.log_file.parent.mkdir()
    lines = [{"time": "t", "level": "INFO", "message": f"filled {c}", "dossier": c} for c in CODES.values()]
    lines.append({"time": "t", "level": "INFO", "message": "portal health ok", "dossier": ""})
    settings.log_file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    book = Workbook()  # a report's failures sheet names both dossiers
    sheet = book.active
    assert sheet is not None
    for code in CODES.values():
        sheet.append([code, "Lỗi nghiệp vụ"])
    buffer = io.BytesIO()
    book.save(buffer)
    seal_report(settings, date(2026, 11, 20), buffer.getvalue())
    return path


def test_find_lists_only_that_person_and_never_prints_the_number(config: Path) -> None:
    done = CliRunner().invoke(
        app, ["privacy", "find", "--identity-number", "0012 0300 4567", "--json", "--config", str(config)]
    )
    assert done.exit_code == 0, done.output
    assert ANN not in done.stdout and BINH not in done.stdout
    record = json.loads(done.stdout)
    assert record["identity"].endswith("4567") and [t["dossier_code"] for t in record["transfers"]] == [
        CODES[ANN]
    ]
    assert record["counts"] == {
        "transfers": 1,
        "events": 2,
        "evidence_attempts": 1,
        "log_lines": 1,
        "report_rows": 1,
    }
    assert record["evidence"][0]["state"] == "readable"
    assert CODES[BINH] not in done.stdout
    human = CliRunner().invoke(app, ["privacy", "find", "--identity-number", ANN, "--config", str(config)])
    assert human.exit_code == 0 and CODES[ANN] in human.stdout and ANN not in human.stdout
    nobody = CliRunner().invoke(
        app, ["privacy", "find", "--identity-number", "111111111111", "--config", str(config)]
    )
    assert nobody.exit_code == 0 and "Không có dữ liệu nào" in nobody.stdout
    bad = CliRunner().invoke(app, ["privacy", "find", "--identity-number", "12345", "--config", str(config)])
    assert bad.exit_code == 2 and "12 chữ số" in bad.output
    audit = read_audit(Ledger(load_settings(config).ledger_url).engine, action="privacy.find")
    assert len(audit) == 3 and all(ANN not in json.dumps(e.detail) + e.target for e in audit)
    assert audit[-1].target == "identity:********4567"


def test_export_holds_the_opened_evidence_and_only_that_person(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "ann.zip"
    args = [
        "privacy",
        "export",
        "--identity-number",
        ANN,
        "--out",
        str(out),
        "--reason",
        "Đơn ngày 01/12",
        "--config",
        str(config),
    ]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        shot = next(n for n in names if n.endswith("01-a.png"))
        assert bundle.read(shot) == PICTURE + ANN.encode()
        values = json.loads(bundle.read(next(n for n in names if n.endswith("values.json"))))
        assert values["typed"]["applicant.id_number"] == ANN  # the person's own data, opened for them
        everything = b"".join(bundle.read(n) for n in names)
    assert BINH.encode() not in everything and CODES[BINH].encode() not in everything
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1 and "đã có" in again.output
    (entry,) = read_audit(Ledger(load_settings(config).ledger_url).engine, action="privacy.export")
    assert entry.target == "identity:********4567" and ANN not in json.dumps(entry.detail)
