"""The provincial sandbox serves a business-registration dossier fully: the API returns it as seeded,
the clerk's detail page shows every scalar with its ``data-field`` under Vietnamese labels laid out as
the application form's seven parts, the Excel export and the SMS speak of it correctly."""

from __future__ import annotations

import copy
import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from flows.business_registration.model import PROCEDURE_CODE
from rpa.sandbox.provincial.excel import COLUMNS, export_dossiers
from rpa.sandbox.provincial.fields import (
    BusinessDetailPage,
    Section,
    build_business_detail,
    detail_page,
    flatten,
)
from rpa.sandbox.provincial.sms import compose_sms
from rpa.sandbox.provincial.views import DossierView
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sources.fields import read_fields

if TYPE_CHECKING:
    from conftest import Provincial

READ_FIELDS = "els => els.map(e => [e.dataset.field, e.textContent, e.dataset.type || null])"
RECEIPT = "HS-2611-000042"
TITLES = (
    "Thông tin hồ sơ",
    "Người nộp hồ sơ (chủ sở hữu)",
    "1. Tên doanh nghiệp",
    "2. Trụ sở chính",
    "3. Ngành, nghề kinh doanh",
    "4. Vốn điều lệ",
    "Tài sản góp vốn",
    "5. Chủ sở hữu",
    "6. Người đại diện theo pháp luật",
    "7. Đăng ký thuế",
    "Tệp đính kèm",
    "Số hồ sơ đăng ký doanh nghiệp",
    "Quá trình xử lý",
)


@pytest.fixture(scope="module")
def seeded() -> list[SeededDossier]:
    return generate(11, 100, date(2026, 11, 20), procedures=["business_registration"])


def _pick(seeded: list[SeededDossier], trick: str | None = None, flaw: str | None = None) -> SeededDossier:
    return next(d for d in seeded if d.tricky == trick and d.flaw == flaw)


def _view(item: SeededDossier, log: list[dict[str, Any]] | None = None) -> DossierView:
    data = copy.deepcopy(item.data)
    return DossierView(data["code"], 4, data, item.flaw, item.tricky, {}, log or [])


def _placed(page: BusinessDetailPage) -> list[str]:
    paths = []
    for block in page.blocks:
        if isinstance(block, Section):
            paths += [leaf.path for leaf in block.leaves]
        else:
            paths += [leaf.path for row in block.rows for leaf in row if leaf] + [
                leaf.path for leaf in block.extra
            ]
    return paths


def test_layout_places_every_leaf_once_under_a_vietnamese_label(seeded: list[SeededDossier]) -> None:
    item = _pick(seeded, trick="two_representatives")
    log = [{"time": "2026-11-20T09:00:00+07:00", "actor": "rpa-bot", "status_from": 2, "status_to": 4,
            "note": "Đã chuyển", "receipt_code": RECEIPT}]  # fmt: skip
    api_dict = _view(item, log).as_api()
    api_dict["payload"]["ghi_chu"] = "khóa lạ"
    page = detail_page(api_dict)
    assert isinstance(page, BusinessDetailPage)
    assert sorted(_placed(page)) == sorted(path for path, _ in flatten(api_dict))
    titles = [block.title for block in page.blocks]
    assert [t for t in titles if t not in ("Nội dung khác của yêu cầu", "Thông tin khác")] == list(TITLES)
    other = next(b for b in page.blocks if b.title == "Nội dung khác của yêu cầu")
    assert isinstance(other, Section) and [leaf.path for leaf in other.leaves] == ["payload.ghi_chu"]
    leaves = {
        leaf.path: leaf
        for block in page.blocks
        for leaf in (block.leaves if isinstance(block, Section) else [x for r in block.rows for x in r if x])
    }
    unlabelled = [p for p, leaf in leaves.items() if p.startswith("payload.") and leaf.label == p]
    assert unlabelled == ["payload.ghi_chu"]  # only the key the form does not know
    assert (
        leaves["payload.representatives.1.identity.number"].label == "Người đại diện 2 — Giấy tờ — Số giấy tờ"
    )
    assert (
        leaves["payload.owner.contact_address.commune"].label == "Chủ sở hữu — Địa chỉ liên lạc — Xã/phường"
    )
    assert leaves["payload.head_office.commune_code"].label == "Trụ sở chính — Mã xã/phường"
    assert leaves["receipt_codes.0"].label == "Số hồ sơ đăng ký doanh nghiệp"
    capital = leaves["payload.charter_capital"]
    assert capital.text == f"{capital.value:,}".replace(",", ".") and capital.hint is None
    assert leaves["payload.contributions.0.asset"].text == "Đồng Việt Nam"
    assert leaves["payload.industries.0.code"].hint  # the VSIC name of the line
    assert leaves["payload.owner.sex"].text in ("Nam", "Nữ")
    assert leaves["payload.tax.vat_method"].text.startswith("Phương pháp ")
    judicial = detail_page({"code": "x", "payload": {"kind": "judicial_record"}})
    assert [block.title for block in judicial.blocks][:2] == [
        "Thông tin hồ sơ",
        "A. Thông tin người yêu cầu cấp phiếu",
    ]


def test_the_api_returns_the_dossier_as_seeded(
    provincial: Provincial, api: httpx.Client, seeded: list[SeededDossier]
) -> None:
    chosen = [_pick(seeded), _pick(seeded, trick="nfd_text"), _pick(seeded, flaw="vsic_unknown")]
    codes = provincial.add(*chosen)
    listed = api.get("/api/dossiers", params={"procedure": PROCEDURE_CODE}).json()
    assert sorted(item["code"] for item in listed["content"]) == sorted(codes)
    for code, item in zip(codes, chosen, strict=True):
        got = api.get(f"/api/dossiers/{code}").json()
        for index, attachment in enumerate(got["attachments"]):
            assert attachment.pop("download_url") == f"/api/dossiers/{code}/attachments/{index}"
        assert got.pop("processing_log") and got.pop("receipt_codes") == []
        assert got == {**item.data, "code": code}
        scan = api.get(f"/api/dossiers/{code}/attachments/0")
        assert scan.content == item.files[0].content


def test_excel_and_sms_speak_of_the_business_dossier(seeded: list[SeededDossier]) -> None:
    item = _pick(seeded)
    sheet = load_workbook(io.BytesIO(export_dossiers([_view(item)]))).active
    assert sheet is not None
    row = {title: cell.value for (title, _), cell in zip(COLUMNS, sheet[2], strict=True)}
    owner = item.data["payload"]["owner"]
    assert (row["Mã thủ tục"], row["Tên thủ tục"]) == (PROCEDURE_CODE, item.data["procedure_name"])
    assert (row["Họ và tên người nộp"], row["Số giấy tờ tùy thân"]) == (
        owner["full_name"], owner["identity"]["number"]
    )  # fmt: skip
    text = compose_sms(item.data, item.data["code"], 4, RECEIPT, "http://127.0.0.1:1/")
    assert "da duoc chuyen Phong Dang ky kinh doanh, ma ho so HS-2611-000042" in text and text.isascii()


@pytest.mark.browser
def test_detail_page_shows_every_field_as_the_api_gives_it(
    clerk_page: Page, provincial: Provincial, api: httpx.Client, seeded: list[SeededDossier], shots: Path
) -> None:
    item = _pick(seeded, trick="two_representatives")
    (code,) = provincial.add(item)
    provincial.store.change_status(
        code, 4, "Đã nộp cổng đăng ký doanh nghiệp", RECEIPT, "rpa-bot", provincial.url
    )
    page = clerk_page
    page.goto(f"{provincial.url}/ho-so/{code}")
    for title in TITLES:
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    company = item.data["payload"]["company_name"]
    expect(page.locator('[data-field="payload.company_name"]')).to_have_text(company)
    expect(page.get_by_label("Số hồ sơ đăng ký doanh nghiệp")).to_be_visible()
    expect(page.locator("#nganh-nghe thead")).to_contain_text("Mã ngành (VSIC cấp 4)")
    page.screenshot(path=shots / "detail-business.png", full_page=True)

    found = page.locator("[data-field]").evaluate_all(READ_FIELDS)
    rebuilt = read_fields(found).data
    api_dict = api.get(f"/api/dossiers/{code}").json()
    assert rebuilt == api_dict
    assert len({path for path, _, _ in found}) == len(found)
    assert build_business_detail(api_dict).blocks[0].title == "Thông tin hồ sơ"


def test_the_control_api_seeds_a_mix_of_procedures(provincial: Provincial, api: httpx.Client) -> None:
    body = {
        "seed": 4,
        "dossiers": 6,
        "today": "2026-11-20",
        "procedures": ["judicial_record", "business_registration"],
    }
    codes = httpx.post(f"{provincial.url}/_sandbox/seed", json=body, timeout=60).json()["codes"]
    kinds = [api.get(f"/api/dossiers/{code}").json()["payload"]["kind"] for code in codes]
    assert sorted(kinds) == ["business_registration"] * 3 + ["judicial_record"] * 3
    twice = {**body, "procedures": ["business_registration", "business_registration"]}
    assert httpx.post(f"{provincial.url}/_sandbox/seed", json=twice, timeout=60).status_code == 422
    unknown = {**body, "procedures": ["dang_ky_khai_sinh"]}
    assert httpx.post(f"{provincial.url}/_sandbox/seed", json=unknown, timeout=60).status_code == 422


def test_public_lookup_names_the_business_receipt_not_the_ministry_of_justice(
    provincial: Provincial, seeded: list[SeededDossier]
) -> None:
    (code,) = provincial.add(_pick(seeded))
    provincial.store.change_status(code, 4, "", RECEIPT, "rpa-bot", provincial.url)
    html = httpx.get(f"{provincial.url}/tra-cuu", params={"ma": code}).text
    assert html.count("Số hồ sơ đăng ký doanh nghiệp") == 2 and RECEIPT in html
    assert "Bộ Tư pháp" not in html
