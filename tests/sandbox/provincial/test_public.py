"""The citizen side: public look-up by dossier code and the satisfaction rating of finished dossiers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Page, expect

from rpa.sandbox.records import SeededDossier

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser
MakeSeeded = Callable[..., SeededDossier]


def test_lookup_by_code_shows_status_dates_and_receipt_code(
    page: Page, provincial: Provincial, make_seeded: MakeSeeded, shots: Path
) -> None:
    seeded = make_seeded(0, status=2)
    (code,) = provincial.add(seeded)
    provincial.store.change_status(code, 4, "Ghi chú nội bộ", "51-LLTP-000123", "rpa-bot", provincial.url)
    page.goto(provincial.url + "/tra-cuu")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#trang-thai")).to_have_text("Đang xử lý")
    expect(page.locator("#ngay-tiep-nhan")).to_have_text("03/11/2025 08:15")
    expect(page.locator("#han-tra")).to_have_text("17/11/2025")
    expect(page.locator("#ma-bo-tu-phap")).to_have_text("51-LLTP-000123")
    expect(page.locator("#qua-trinh tbody tr")).to_have_count(2)
    expect(page.get_by_text("NGUYỄN V*** Á***")).to_be_visible()
    expect(page.get_by_text("Ghi chú nội bộ")).to_have_count(0)  # internal notes stay internal
    expect(page.get_by_text("rpa-bot")).to_have_count(0)
    expect(page.get_by_role("link", name="Đánh giá mức độ hài lòng")).to_have_count(0)
    page.screenshot(path=shots / "lookup.png", full_page=True)

    last4 = seeded.data["applicant"]["identity"]["number"][-4:]
    wrong = "0000" if last4 != "0000" else "1111"
    page.goto(f"{provincial.url}/tra-cuu?ma={code}&cccd={wrong}")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")
    page.goto(f"{provincial.url}/tra-cuu?ma={code}&cccd={last4}")
    expect(page.locator("#trang-thai")).to_have_text("Đang xử lý")
    assert httpx.get(f"{provincial.url}/tra-cuu", params={"ma": "khong-co"}).status_code == 404
    assert httpx.get(f"{provincial.url}/tra-cuu", params={"ma": code, "cccd": "12"}).status_code == 400


def test_rating_is_refused_until_the_dossier_is_finished(
    provincial: Provincial, make_seeded: MakeSeeded
) -> None:
    (code,) = provincial.add(make_seeded(0, status=4))
    page = httpx.get(f"{provincial.url}/danh-gia/{code}")
    assert page.status_code == 409 and "chỉ đánh giá được hồ sơ đã xử lý xong" in page.text
    assert 'id="form-danh-gia"' not in page.text
    posted = httpx.post(f"{provincial.url}/danh-gia/{code}", data={"stars": "5"})
    assert posted.status_code == 409
    assert httpx.get(f"{provincial.url}/danh-gia/khong-co").status_code == 404
    assert httpx.get(f"{provincial.url}/_sandbox/ratings").json() == []


def test_finished_dossier_is_rated_once(
    page: Page, provincial: Provincial, make_seeded: MakeSeeded, shots: Path
) -> None:
    (code,) = provincial.add(make_seeded(1, status=4))
    provincial.store.change_status(code, 10, "Đã trả kết quả", None, "clerk", provincial.url)
    page.goto(f"{provincial.url}/tra-cuu?ma={code}")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    expect(page.get_by_role("heading", name="Đánh giá mức độ hài lòng")).to_be_visible()
    page.get_by_title("4 sao").click()
    page.get_by_label("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    page.screenshot(path=shots / "rating-form.png", full_page=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("status")).to_have_text("Cảm ơn ông/bà đã đánh giá! Ý kiến đã được ghi nhận.")
    expect(page.get_by_label("4 sao")).to_be_visible()
    ratings = httpx.get(f"{provincial.url}/_sandbox/ratings").json()
    assert [(r["dossier_code"], r["stars"], r["comment"]) for r in ratings] == [
        (code, 4, "Cán bộ hướng dẫn tận tình")
    ]
    second = httpx.post(f"{provincial.url}/danh-gia/{code}", data={"stars": "1"})
    assert second.status_code == 409 and "mỗi hồ sơ chỉ được đánh giá một lần" in second.text
    page.goto(f"{provincial.url}/danh-gia/{code}")
    expect(page.get_by_role("heading", name="Hồ sơ này đã được đánh giá")).to_be_visible()
    expect(page.locator("#form-danh-gia")).to_have_count(0)
    assert len(httpx.get(f"{provincial.url}/_sandbox/ratings").json()) == 1
