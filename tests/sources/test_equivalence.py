"""The API and the web UI give the same records for the same dossiers (the issue's main promise)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from loguru import logger

from flows.judicial_record.model import PROCEDURE_CODE
from rpa.procedures import display
from rpa.sandbox.provincial import fields as sandbox_fields
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import PROCEDURES, generate
from rpa.sources import ApiSource, SourceRecord, WebSource
from rpa.sources.base import one_line_break

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser


def _comparable(record: SourceRecord) -> dict[str, Any]:
    """Everything a record says, with each downloaded file as the SHA-256 of its bytes, not its path."""
    dossier = None
    if record.dossier is not None:
        dossier = record.dossier.model_dump(mode="json", exclude={"attachments": {"__all__": {"file"}}})
    problems = None if record.problems is None else [vars(p) for p in record.problems.problems]
    digests = [None if f is None else hashlib.sha256(f.read_bytes()).hexdigest() for f in record.files]
    return {
        "code": record.code,
        "raw": record.raw,
        "dossier": dossier,
        "problems": problems,
        "files": digests,
        "receipts": record.receipt_codes,
    }


def test_api_and_web_read_identical_records(
    provincial: Provincial,
    mix: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    downloads: Path,
    today: date,
) -> None:
    codes = provincial.add(*mix)
    assert api_source.list_codes(PROCEDURE_CODE) == web_source.list_codes(PROCEDURE_CODE) == sorted(codes)
    for code, seeded in zip(codes, mix, strict=True):
        by_api = api_source.read(code, downloads / "api", today=today)
        by_web = web_source.read(code, downloads / "web", today=today)
        assert _comparable(by_web) == _comparable(by_api), f"{code} ({seeded.flaw or seeded.tricky})"
        assert by_api.raw == one_line_break({**seeded.data, "code": code})
        assert (by_api.problems is not None) == (seeded.flaw is not None), seeded.flaw
        assert [f.read_bytes() if f else None for f in by_api.files] == [f.content for f in seeded.files]
        if by_api.dossier is not None and by_web.dossier is not None:
            assert [a.file for a in by_api.dossier.attachments] == by_api.files
            assert [a.file for a in by_web.dossier.attachments] == by_web.files
            assert all(f is not None and f.is_relative_to(downloads / "web") for f in by_web.files)
    odd = by_api.raw["payload"]["purpose"]  # the last one: the hand-made oddity
    assert odd == "Bổ sung hồ sơ xin việc\nvà đi du học\nở Nhật"
    kinds = {d.flaw or d.tricky for d in mix}
    assert {"nfd_text", "year_only_birth", "legacy_address", "tone_mark_variant", "tcvn3_text"} <= kinds


def test_the_nfd_dossier_is_normalised_the_same_way(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    downloads: Path,
    today: date,
) -> None:
    nfd = next(d for d in generated if d.tricky == "nfd_text")
    (code,) = provincial.add(nfd)
    by_api, by_web = (s.read(code, downloads, today=today) for s in (api_source, web_source))
    assert by_web.raw["applicant"]["full_name"] == nfd.data["applicant"]["full_name"]  # still NFD
    assert by_api.dossier is not None and by_web.dossier is not None
    assert by_web.dossier.applicant.full_name == by_api.dossier.applicant.full_name
    assert by_web.dossier.applicant.full_name != nfd.data["applicant"]["full_name"]  # NFC now


def test_flawed_dossiers_are_kept_with_the_same_reasons(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    downloads: Path,
    today: date,
) -> None:
    flawed = [d for d in generated if d.flaw in {"missing_mother", "html_in_name", "impossible_date"}]
    codes = provincial.add(*flawed)
    for code, seeded in zip(codes, flawed, strict=True):
        records = [s.read(code, downloads, today=today) for s in (api_source, web_source)]
        for record in records:
            assert record.dossier is None and record.problems is not None and not record.ok
            assert record.problems.dossier_code == code
            assert record.raw == {**seeded.data, "code": code}
            assert all(f is not None and f.exists() for f in record.files)  # attachments still fetched
        assert records[0].problems is not None and records[1].problems is not None
        assert records[0].problems.problems == records[1].problems.problems
        assert str(records[0].problems) == str(records[1].problems)


def test_every_seeded_dossier_of_every_procedure_reads_the_same_from_the_label_only_pages(
    provincial: Provincial, api_source: ApiSource, web_source: WebSource, downloads: Path, today: date
) -> None:
    """What ``rpa sandbox serve`` seeds (seed 1, 20 dossiers, every procedure it knows), read from the
    pages a clerk sees (labels, Có/Không, dd/MM/yyyy, grouped numbers) and from the API."""
    seeded = generate(1, 20, today, procedures=list(PROCEDURES))
    codes = provincial.add(*seeded)
    kinds = {item.data["payload"]["kind"] for item in seeded}
    assert kinds == set(PROCEDURES)
    for code, item in zip(codes, seeded, strict=True):
        by_api = api_source.read(code, downloads / "api", today=today)
        by_web = web_source.read(code, downloads / "web", today=today)
        assert _comparable(by_web) == _comparable(by_api), f"{code} ({item.flaw or item.tricky})"


def test_a_label_the_bot_does_not_know_parks_the_dossier_with_the_reason(
    provincial: Provincial,
    generated: list[SeededDossier],
    web_source: WebSource,
    downloads: Path,
    today: date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The province adds a delivery method: its page shows a label no procedure maps to a code."""
    seeded = next(d for d in generated if not d.flaw and not d.tricky)
    (code,) = provincial.add(seeded)
    real_show = display.show

    def new_label(path: str, value: Any, kind: str | None = None) -> str:
        shown = real_show(path, value, kind)
        return "Nhận qua Zalo" if path == "payload.delivery.method" else shown

    monkeypatch.setattr(sandbox_fields, "show", new_label)
    logged: list[str] = []
    sink = logger.add(logged.append, level="WARNING", format="{message}")
    try:
        record = web_source.read(code, downloads, today=today)
    finally:
        logger.remove(sink)
    assert record.dossier is None and record.problems is not None  # parked, not dropped
    [problem] = record.problems.problems
    assert problem.field == "payload.delivery.method"
    assert problem.label == "Hình thức nhận kết quả"
    assert "“Nhận qua Zalo”" in problem.message and "“Nhận tại cơ quan”" in problem.message
    assert record.raw["payload"]["delivery"]["method"] == "Nhận qua Zalo"  # what the page said
    assert record.files and all(f is not None and f.exists() for f in record.files)
    assert any("'Nhận qua Zalo' in payload.delivery.method" in line for line in logged)
