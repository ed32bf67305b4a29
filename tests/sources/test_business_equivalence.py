"""The API and the web UI give the same records for business-registration dossiers too: every field of
the payload, its lists and nested people, the attachments, valid, awkward and flawed alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_equivalence import _comparable

from flows.business_registration.model import PROCEDURE_CODE
from rpa.sandbox.seed import generate
from rpa.sources import ApiSource, WebSource
from rpa.sources.base import one_line_break

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser


def test_api_and_web_read_identical_business_records(
    provincial: Provincial, api_source: ApiSource, web_source: WebSource, downloads: Path, today: date
) -> None:
    seeded = generate(2, 100, today, procedures=["business_registration"])
    wanted = ("two_representatives", "nfd_text", "capital_five_assets", "vsic_unknown", "owner_under_18")
    chosen = [next(d for d in seeded if not d.flaw and not d.tricky)]
    chosen += [next(d for d in seeded if kind in (d.flaw, d.tricky)) for kind in wanted]
    codes = provincial.add(*chosen)
    assert api_source.list_codes(PROCEDURE_CODE) == web_source.list_codes(PROCEDURE_CODE) == sorted(codes)
    for code, item in zip(codes, chosen, strict=True):
        by_api = api_source.read(code, downloads / "api", today=today)
        by_web = web_source.read(code, downloads / "web", today=today)
        assert _comparable(by_web) == _comparable(by_api), f"{code} ({item.flaw or item.tricky})"
        assert by_api.raw == one_line_break({**item.data, "code": code})
        assert [f.read_bytes() if f else None for f in by_api.files] == [f.content for f in item.files]
