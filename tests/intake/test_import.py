"""Excel intake on the sandbox's own export: rows become the API's dossiers, bad cells are named."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from sealed_support import assert_sealed
from typer.testing import CliRunner

from rpa.cli import app
from rpa.config import Settings, write_config
from rpa.domain.labels import label_for
from rpa.domain.text import legacy_encoding
from rpa.intake import annotate, as_json, import_workbook
from rpa.intake.cells import foreign_char
from rpa.intake.store import ImportedDossiers, ImportedFirst, imported_dir
from rpa.ledger import Ledger
from rpa.sandbox.cli import bot_config
from rpa.sandbox.provincial.fields import flatten
from rpa.sources import ApiSource
from rpa.sources.provincial import ProvincialClient
from rpa.sources.sealed import SealedFile
from rpa.vault import vault_for

if TYPE_CHECKING:
    from conftest import Sandbox

TODAY = date(2025, 11, 20)  # as seeded (tests/intake/conftest.py)

SHEET = "1.001234"  # the judicial record's sheet in the sandbox export


def _set(workbook: Path, header_path: str, row: int, value: Any, sheet: str = SHEET) -> str:
    """Write ``value`` in the column of field ``header_path``; returns the cell's coordinate."""
    book = load_workbook(workbook)
    ws = book[sheet]
    column = next(c.column_letter for c in ws[1] if c.value == label_for(header_path))
    ws[f"{column}{row}"] = value
    book.save(workbook)
    return f"{column}{row}"


def _clean_rows(settings: Settings, workbook: Path, tmp_path: Path) -> list[int]:
    """Rows of the judicial-record sheet that import cleanly (found with a throw-away ledger)."""
    with Ledger(f"sqlite:///{tmp_path / 'probe.sqlite'}") as probe:
        report = import_workbook(workbook, probe, settings, actor="clerk:test", today=TODAY)
    return [
        o.row.number for o in report.rows if o.status == "new" and not o.problems and o.row.sheet == SHEET
    ]


def _row(report: Any, number: int) -> Any:
    return next(o for o in report.rows if o.row.sheet == SHEET and o.row.number == number)


def test_export_round_trip_gives_the_apis_dossiers(
    served: Sandbox, settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    """Validated dossiers and problems are the API's; the raw dicts may differ where a field is null
    (an empty cell cannot tell null from absent, and validation reads both alike)."""
    report = import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY)
    assert sorted(report.sheets) == ["1.001234", "2.001610"]
    queued = [o for o in report.rows if o.status == "new"]
    assert {o.procedure for o in queued} == {"judicial_record", "business_registration"}
    assert not [o for o in report.rows if o.status == "refused"]
    account = settings.provincial.account
    client = ProvincialClient(
        settings.provincial.base_url, account.username, account.password.get_secret_value()
    )
    with ApiSource(client, vault=vault_for(settings)) as api:
        for outcome in queued:
            assert outcome.record is not None and outcome.code is not None
            by_api = api.read(outcome.code, tmp_path / "api", today=TODAY)
            assert (outcome.record.problems is None) == (by_api.problems is None)
            if by_api.dossier is not None:
                exclude: Any = {"attachments": {"__all__": {"file"}}}
                assert outcome.record.dossier is not None
                assert outcome.record.dossier.model_dump(exclude=exclude) == by_api.dossier.model_dump(
                    exclude=exclude
                )
            else:
                assert outcome.record.problems is not None and by_api.problems is not None
                assert [str(p) for p in outcome.record.problems.problems] == [
                    str(p) for p in by_api.problems.problems
                ]
            assert ledger.find(outcome.code, outcome.procedure) is not None
    waiting = {d.data["code"] for d in served.seeded if d.data.get("status") == 2}
    assert {o.code for o in queued} <= waiting or not waiting


def test_importing_the_same_file_again_adds_nothing(
    settings: Settings, ledger: Ledger, workbook: Path
) -> None:
    first = import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY)
    before = len(ledger.list(limit=10_000))
    again = as_json(import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY))
    assert len(ledger.list(limit=10_000)) == before == sum(o.status == "new" for o in first.rows)
    assert again["counts"]["new"] == 0 and again["counts"]["known"] == before
    assert {row["status"] for row in again["rows"]} <= {"known", "skipped"}


def test_seeded_names_and_addresses_are_not_taken_for_legacy_text(served: Sandbox) -> None:
    texts = [
        value
        for seeded in served.seeded
        if not seeded.tricky and not seeded.flaw
        for _, value in flatten(seeded.data)
        if isinstance(value, str)
    ]
    assert len(texts) > 200
    assert [t for t in texts if legacy_encoding(t) or foreign_char(t)] == []


def test_tcvn3_and_vni_cells_are_converted(
    settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    number = _clean_rows(settings, workbook, tmp_path)[0]
    tcvn3 = _set(workbook, "applicant.full_name", number, "NguyÔn V¨n An")
    vni = _set(workbook, "applicant.birth_place", number, "Tænh Quaûng Ngaõi")
    report = import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY)
    outcome = _row(report, number)
    assert outcome.status == "new" and outcome.problems == []
    converted = {f"{c.letter}{number}": v for c, v in outcome.row.converted}
    assert converted[tcvn3].encoding == "TCVN3" and converted[tcvn3].after == "Nguyễn Văn An"
    assert converted[vni].encoding == "VNI" and converted[vni].after == "Tỉnh Quảng Ngãi"
    assert outcome.record.dossier.applicant.full_name == "Nguyễn Văn An"


def test_bad_rows_are_refused_by_row_and_column_with_an_annotated_copy(
    settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    number, *others = _clean_rows(settings, workbook, tmp_path)
    mojibake = _set(workbook, "applicant.full_name", number, "Nguyá»…n VÄƒn An")
    unknown = _set(workbook, "procedure_code", others[0], "9.999999")
    missing_row = others[1]
    book = load_workbook(workbook)
    path_cell = next(c for c in book[SHEET][1] if c.value == label_for("attachments.0.file"))
    relative = book[SHEET][f"{path_cell.column_letter}{missing_row}"].value
    (workbook.parent / relative).unlink()
    report = import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY)
    refused = {o.row.number: o for o in report.rows if o.status == "refused"}
    assert set(refused) == {number, others[0], missing_row}
    for outcome in refused.values():
        assert outcome.code is not None and ledger.find(outcome.code) is None
    [problem] = refused[number].problems
    assert f"{problem.column.letter}{number}" == mojibake and "lỗi phông" in problem.message
    [problem] = refused[others[0]].problems
    assert (
        f"{problem.column.letter}{others[0]}" == unknown and "“9.999999” chưa có bot nào" in problem.message
    )
    [problem] = refused[missing_row].problems
    assert problem.column.path == "attachments.0.file" and "không tìm thấy tệp" in problem.message
    annotated = annotate(report)
    assert annotated == workbook.with_name("danh-sach-ho-so.loi.xlsx")
    sheet = load_workbook(annotated)[SHEET]
    assert "lỗi phông" in sheet[mojibake].comment.text
    assert "chưa có bot nào" in sheet[unknown].comment.text
    assert "không tìm thấy tệp" in sheet[f"{problem.column.letter}{missing_row}"].comment.text
    assert as_json(report)["annotated"] == str(annotated)


def test_cli_json_and_exit_codes(served: Sandbox, workbook: Path, tmp_path: Path) -> None:
    config = tmp_path / "rpa.toml"
    tables = bot_config(served.running)
    tables.update(ledger_url=f"sqlite:///{tmp_path / 'cli.sqlite'}", work_dir=str(tmp_path / "work"))
    write_config(config, tables)
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(workbook), "--json", "--config", str(config)])
    assert first.exit_code in (0, 2), first.output
    body = json.loads(first.stdout.strip().splitlines()[-1])
    assert first.exit_code == (2 if body["flawed"] else 0)
    text = runner.invoke(app, ["import", str(workbook), "--config", str(config)])
    assert "đã có từ trước, không thêm" in text.stdout
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    assert runner.invoke(app, ["import", str(broken), "--json", "--config", str(config)]).exit_code == 1


def test_a_corrected_row_replaces_the_kept_dossier_only_until_a_worker_takes_it(
    settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    number = _clean_rows(settings, workbook, tmp_path)[0]
    first = _row(import_workbook(workbook, ledger, settings, actor="scheduler", today=TODAY), number)
    kept = ImportedDossiers(imported_dir(settings.work_dir), vault_for(settings))
    assert first.status == "new" and kept.get(first.code) is not None
    sealed = settings.work_dir / "imported" / first.code / "dossier.json.enc"
    assert stat.S_IMODE(sealed.stat().st_mode) == 0o600
    _set(workbook, "applicant.phone", number, "0905123456")
    second = _row(import_workbook(workbook, ledger, settings, actor="scheduler", today=TODAY), number)
    assert second.status == "updated" and kept.get(first.code)["applicant"]["phone"] == "0905123456"
    assert ledger.claim("w1", lease_s=60, dossier_code=first.code) is not None  # a worker has it now
    _set(workbook, "applicant.phone", number, "0905999888")
    third = _row(import_workbook(workbook, ledger, settings, actor="scheduler", today=TODAY), number)
    assert third.status == "refused" and "không được thay" in third.problems[0].message
    assert third.problems[0].column.path == "code"
    assert kept.get(first.code)["applicant"]["phone"] == "0905123456"  # what the worker read stays


def test_the_worker_reads_an_imported_dossier_as_imported(
    served: Sandbox, settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    """The TCVN3 name converted at import reaches the worker; the provincial system still shows the
    seeded one, so a worker that read the system again would type the other name."""
    number = _clean_rows(settings, workbook, tmp_path)[0]
    _set(workbook, "applicant.full_name", number, "NguyÔn V¨n An")
    outcome = _row(import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY), number)
    assert outcome.status == "new" and outcome.code is not None
    source = ImportedFirst(
        ApiSource(
            ProvincialClient(
                settings.provincial.base_url,
                settings.provincial.account.username,
                settings.provincial.account.password.get_secret_value(),
            ),
            vault=vault_for(settings),
        ),
        ImportedDossiers(imported_dir(settings.work_dir), vault_for(settings)),
    )
    with source:
        record = source.read(outcome.code, tmp_path / "read", today=TODAY)
        from_system = source.inner.read(outcome.code, tmp_path / "system", today=TODAY)
    assert record.dossier is not None and record.dossier.applicant.full_name == "Nguyễn Văn An"
    assert from_system.dossier is not None and from_system.dossier.applicant.full_name != "Nguyễn Văn An"
    assert [p.read_bytes() for p in record.files if p] == [p.read_bytes() for p in from_system.files if p]


def test_imported_dossiers_are_kept_sealed(
    settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    """Every file kept of an imported dossier is sealed under the dossier's key: no identity number,
    no scan's or form's bytes on disk; the worker still reads the dossier and its files."""
    report = import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY)
    queued = [o for o in report.rows if o.status == "new" and o.code is not None]
    kept = ImportedDossiers(imported_dir(settings.work_dir), vault_for(settings))
    signatures = set()
    for outcome in queued:
        assert outcome.code is not None
        data = outcome.row.data
        contents = [(workbook.parent / meta["file"]).read_bytes() for meta in data["attachments"]]
        signatures |= {c[:3] for c in contents}
        folder = imported_dir(settings.work_dir) / outcome.code
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        names = ["dossier.json.enc", *(f"files/{n:02d}.enc" for n in range(1, len(contents) + 1))]
        assert [p.relative_to(folder).as_posix() for p in files] == names
        applicant = data["applicant"]
        needles = [str(applicant["identity"]["number"]).encode(), applicant["full_name"].encode()]
        for path in files:
            assert_sealed(path, *needles, JPEG, b"%PDF-", *(c[:64] for c in contents))
        record = kept.read(outcome.code, tmp_path / "read" / outcome.code, today=TODAY)
        assert record is not None and [p.read_bytes() for p in record.files if p] == contents
        assert all(isinstance(p, SealedFile) and p.name.endswith(".enc") for p in record.files)
    assert {JPEG, b"%PD"} <= signatures, "the export holds pictures and PDF forms"


JPEG = b"\xff\xd8\xff"
"""How every JPEG file starts (the sandbox's scans are JPEGs)."""


def test_a_dossier_kept_in_the_clear_before_is_sealed_when_read(
    settings: Settings, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    number = _clean_rows(settings, workbook, tmp_path)[0]
    outcome = _row(import_workbook(workbook, ledger, settings, actor="clerk:test", today=TODAY), number)
    assert outcome.code is not None
    vault = vault_for(settings)
    kept = ImportedDossiers(imported_dir(settings.work_dir), vault)
    folder = imported_dir(settings.work_dir) / outcome.code
    before = kept.get(outcome.code)
    assert before is not None
    # as an older version kept it: plain dossier.json, plain files/NN
    read = kept.read(outcome.code, tmp_path / "read")
    assert read is not None
    contents = [p.read_bytes() for p in read.files if p is not None]
    old = {**before, "attachments": []}
    for index, item in enumerate(before["attachments"]):
        plain = folder / "files" / f"{index + 1:02d}"
        plain.write_bytes(contents[index])
        Path(item["download_url"]).unlink()
        old["attachments"].append({**item, "download_url": str(plain)})
    (folder / "dossier.json.enc").unlink()
    (folder / "dossier.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert kept.get(outcome.code) == before
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == sorted(
        ["dossier.json.enc", *(Path(a["download_url"]).name for a in before["attachments"])]
    )
    again = kept.read(outcome.code, tmp_path / "again")
    assert again is not None and [p.read_bytes() for p in again.files if p is not None] == contents
