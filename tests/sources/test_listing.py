"""Listing dossier codes: every page, and the procedure, status and received-date filters."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from flows.judicial_record.model import PROCEDURE_CODE
from rpa.sandbox.records import SeededDossier
from rpa.sources import ApiSource, Source, WebSource
from rpa.sources.provincial import ProvincialClient

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser
BIRTH_REGISTRATION = ("2.000488", "Đăng ký khai sinh")


def _variant(seeded: SeededDossier, *, status: int, other_procedure: bool = False) -> SeededDossier:
    data = copy.deepcopy(seeded.data)
    data["status"] = status
    if other_procedure:
        data["procedure_code"], data["procedure_name"] = BIRTH_REGISTRATION
    return SeededDossier(data, seeded.files, seeded.flaw, seeded.tricky)


def _received(seeded: SeededDossier) -> date:
    return datetime.fromisoformat(seeded.data["received_at"]).date()


def test_every_page_is_listed(
    provincial: Provincial, generated: list[SeededDossier], web_source: WebSource, client: ProvincialClient
) -> None:
    codes = provincial.add(*generated[:47])  # three pages of 20 in the web list
    small_pages = ApiSource(client)
    assert sorted(item["code"] for item in client.search(page_size=7)) == sorted(codes)
    assert len(list(client.search(procedure=PROCEDURE_CODE, page_size=100))) == 47
    assert small_pages.list_codes(PROCEDURE_CODE) == sorted(codes)
    assert web_source.list_codes(PROCEDURE_CODE) == sorted(codes)


def test_filters_by_procedure_status_and_day(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
) -> None:
    chosen = generated[:24]
    items = [_variant(d, status=(2, 4, 9)[i % 3], other_procedure=i % 5 == 0) for i, d in enumerate(chosen)]
    codes = provincial.add(*items)
    since = sorted(_received(d) for d in items)[len(items) // 2]

    def expected(statuses: tuple[int, ...], day: date | None = None) -> list[str]:
        return sorted(
            code
            for code, d in zip(codes, items, strict=True)
            if d.data["procedure_code"] == PROCEDURE_CODE
            and (not statuses or d.data["status"] in statuses)
            and (day is None or _received(d) >= day)
        )

    sources: list[Source] = [api_source, web_source]
    for source in sources:
        assert source.list_codes(PROCEDURE_CODE) == expected(())
        assert source.list_codes(PROCEDURE_CODE, [2]) == expected((2,))
        assert source.list_codes(PROCEDURE_CODE, [2, 4]) == expected((2, 4))
        assert source.list_codes(PROCEDURE_CODE, [4], since=since) == expected((4,), since)
        assert source.list_codes(PROCEDURE_CODE, since=since) == expected((), since)
        assert source.list_codes(BIRTH_REGISTRATION[0]) == sorted(
            c for c, d in zip(codes, items, strict=True) if d.data["procedure_code"] != PROCEDURE_CODE
        )
        assert source.list_codes("9.999999") == []
        assert source.list_codes(PROCEDURE_CODE, [7]) == []
    assert 0 < len(expected((4,), since)) < len(expected((2, 4)))
