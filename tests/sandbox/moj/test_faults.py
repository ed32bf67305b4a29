"""Faults exactly-once exists for: a lost answer after the portal stored the application, a portal clock
that is off, a redesigned receipt page that the shipped selector map misreads.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from flows import SELECTORS_DIR
from rpa.clock import vn_now
from rpa.portal.selectors import load_maps
from rpa.sandbox.moj.testing import MINIMAL_APPLICATION, MojSandbox

ID_NUMBER = MINIMAL_APPLICATION["a"]["idNumber"]
RECEIPT = re.compile(r"51-LLTP-\d{4}-\d{6}")


def _lookup_page(moj: MojSandbox, start: str = "", end: str = "") -> str:
    with httpx.Client(base_url=moj.url, timeout=30) as client:
        moj.login(client)
        params = {"soGiayTo": ID_NUMBER, "tuNgay": start, "denNgay": end}
        return client.get("/tra-cuu", params=params).raise_for_status().text


def _status_page(moj: MojSandbox, receipt: str) -> str:
    with httpx.Client(base_url=moj.url, timeout=30) as client:
        moj.login(client)
        return client.get("/trang-thai", params={"maHoSo": receipt}).raise_for_status().text


def _open_review(page: Page, moj: MojSandbox) -> None:
    """A browser takes over a draft whose four steps were passed over HTTP, and opens the confirm dialog."""
    page.context.add_cookies([{"name": "MOJSESSID", "value": moj.session_after("abcd"), "url": moj.url}])
    page.goto(f"{moj.url}/ho-so/xem-lai")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("dialog", name="Xác nhận nộp hồ sơ?")).to_be_visible()


def _agree(page: Page) -> None:
    page.get_by_role("dialog", name="Xác nhận nộp hồ sơ?").get_by_role("button", name="Đồng ý").click()


def test_new_knobs_default_to_no_change(moj: MojSandbox) -> None:
    knobs = moj.knobs()
    assert knobs["lost_answer_rate"] == 0.0 and knobs["lost_answer_mode"] == "gateway"
    assert knobs["clock_offset_s"] == 0.0 and knobs["receipt_layout"] == 1
    for bad in (
        {"lost_answer_rate": 1.5},
        {"lost_answer_mode": "timeout"},
        {"clock_offset_s": 86_401},
        {"clock_offset_s": -86_401},
        {"receipt_layout": 3},
    ):
        assert moj.http.post("/_sandbox/knobs", json=bad).status_code == 422, bad


@pytest.mark.browser
def test_lost_answer_gateway_stores_the_application_and_shows_a_502(page: Page, moj: MojSandbox) -> None:
    moj.knobs(captcha=False, lost_answer_rate=1.0, lost_answer_mode="gateway")
    _open_review(page, moj)
    with page.expect_response(lambda r: r.url.endswith("/ho-so/nop")) as answer:
        _agree(page)
    assert answer.value.status == 502
    expect(page.get_by_role("heading")).to_have_text("502 Bad Gateway")
    assert "/bien-nhan/" not in page.url
    [stored] = moj.applications()
    assert stored["receipt"] not in page.content()
    assert stored["receipt"] in _lookup_page(moj)


@pytest.mark.browser
def test_lost_answer_drop_stores_the_application_and_closes_the_connection(
    page: Page, moj: MojSandbox
) -> None:
    moj.knobs(captcha=False, lost_answer_rate=1.0, lost_answer_mode="drop")
    _open_review(page, moj)
    with page.expect_event("requestfailed", lambda r: r.url.endswith("/ho-so/nop")) as failed:
        _agree(page)
    request = failed.value
    assert request.method == "POST" and request.response() is None
    assert request.failure in ("net::ERR_EMPTY_RESPONSE", "net::ERR_CONNECTION_RESET"), request.failure
    # Chromium itself resends a POST whose reused keep-alive connection closed without an answer (up to
    # twice), and each resend is a new submission: one click may store more than one application
    stored = moj.applications()
    assert stored, "the portal stored the application before losing its answer"
    lookup = _lookup_page(moj)
    assert all(a["receipt"] in lookup for a in stored)
    assert not any(a["receipt"] in page.content() for a in stored)


def test_a_dropped_answer_is_one_stored_application_for_a_client_that_does_not_resend(
    moj: MojSandbox,
) -> None:
    moj.knobs(captcha=False)
    cookie = moj.session_after("abcd")
    moj.knobs(lost_answer_rate=1.0, lost_answer_mode="drop")
    client = httpx.Client(base_url=moj.url, cookies={"MOJSESSID": cookie}, timeout=30)
    with client, pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.post("/ho-so/nop")
    assert len(moj.applications()) == 1
    moj.knobs(lost_answer_rate=0.0)
    with httpx.Client(base_url=moj.url, cookies={"MOJSESSID": cookie}, timeout=30) as client:
        assert client.post("/ho-so/nop").status_code == 303  # the portal keeps serving after a drop
    assert len(moj.applications()) == 2


def test_lost_answer_rate_zero_and_error_rate_keep_their_meaning(moj: MojSandbox) -> None:
    moj.knobs(captcha=False, lost_answer_rate=0.0, lost_answer_mode="drop")
    [receipt] = moj.submit_minimal()
    assert [a["receipt"] for a in moj.applications()] == [receipt]
    moj.reset()
    moj.knobs(captcha=False)
    cookie = moj.session_after("abcd")
    moj.knobs(error_rate=1.0)  # a gateway error before the portal does anything: nothing is stored
    with httpx.Client(base_url=moj.url, cookies={"MOJSESSID": cookie}, timeout=30) as client:
        assert client.post("/ho-so/nop").status_code == 502
    assert moj.applications() == []


def _close_to(shown: datetime, expected: datetime) -> bool:
    return abs(shown - expected) <= timedelta(seconds=90)


def test_clock_offset_moves_the_portal_time_everywhere(moj: MojSandbox) -> None:
    offset = -86_400 + 60  # a day (less a minute) behind: the portal's "today" is yesterday
    assert moj.knobs(captcha=False, clock_offset_s=offset)["clock_offset_s"] == offset
    [receipt] = moj.submit_minimal()
    portal_now = vn_now().replace(tzinfo=None) + timedelta(seconds=offset)
    [stored] = moj.applications()
    assert _close_to(datetime.fromisoformat(stored["submittedAt"]), portal_now)
    assert _close_to(datetime.fromisoformat(stored["statusHistory"][0]["at"]), portal_now)
    assert receipt.split("-")[2] == portal_now.strftime("%y%m")
    shown = re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", _status_page(moj, receipt))
    assert shown and _close_to(datetime.strptime(shown.group(), "%d/%m/%Y %H:%M"), portal_now)
    submitted = datetime.fromisoformat(stored["submittedAt"])
    portal_day = submitted.strftime("%d/%m/%Y")
    real_day = (submitted - timedelta(seconds=offset)).strftime("%d/%m/%Y")
    assert portal_day != real_day
    assert receipt in _lookup_page(moj, portal_day, portal_day)
    assert receipt not in _lookup_page(moj, real_day, real_day)
    [moved] = moj.advance(receipt, "processing").json()["advanced"]
    at = moj.applications()[0]["statusHistory"][-1]["at"]
    assert moved["to"] == "processing" and _close_to(datetime.fromisoformat(at), portal_now)


@pytest.mark.browser
def test_clock_offset_shows_on_the_receipt_page(page: Page, moj: MojSandbox) -> None:
    offset = -7_200  # two hours behind
    moj.knobs(captcha=False, clock_offset_s=offset)
    _open_review(page, moj)
    _agree(page)
    page.wait_for_url("**/ho-so/bien-nhan/**")
    shown = page.locator("#receipt-date").inner_text().strip()
    expected = vn_now().replace(tzinfo=None) + timedelta(seconds=offset)
    assert _close_to(datetime.strptime(shown, "%d/%m/%Y %H:%M"), expected)


def _read(page: Page, version: int, name: str) -> list[str]:
    """What each candidate of ``name`` in the shipped selector map reads on the page (one per match)."""
    selector_map = load_maps("moj-lltp", SELECTORS_DIR)[version]
    texts = []
    for candidate in selector_map.candidates(name):
        found = candidate.build(page, {})
        texts.append(" | ".join(t.strip() for t in found.all_inner_texts()))
    return texts


@pytest.mark.browser
@pytest.mark.parametrize("version", [1, 2])
def test_receipt_layout_2_is_misread_by_the_selector_map_of_layout_1(
    page: Page, moj: MojSandbox, version: int
) -> None:
    moj.knobs(captcha=False)
    [receipt] = moj.submit_minimal()
    page.context.add_cookies([{"name": "MOJSESSID", "value": moj.session_after(""), "url": moj.url}])
    moj.knobs(ui_version=version)
    page.goto(f"{moj.url}/ho-so/bien-nhan/{receipt}")
    assert _read(page, version, "receipt.code")[0] == receipt
    moj.knobs(receipt_layout=2)
    page.reload()
    primary, *_ = _read(page, version, "receipt.code")
    assert primary == "Đã tiếp nhận"  # the redesign: what the old xpath lands on is the status
    expect(page.get_by_text(receipt, exact=True)).to_be_visible()  # a person still sees the code
    dates = _read(page, version, "receipt.date")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", dates[0])


@pytest.mark.browser
@pytest.mark.parametrize("version", [1, 2])
def test_status_page_shows_purpose_and_copies_for_the_selector_map(
    page: Page, moj: MojSandbox, version: int
) -> None:
    moj.knobs(captcha=False)
    [first] = moj.submit_minimal()
    page.context.add_cookies([{"name": "MOJSESSID", "value": moj.session_after(""), "url": moj.url}])
    moj.knobs(ui_version=version)
    field = "maHoSo" if version == 1 else "ma_ho_so"
    page.goto(f"{moj.url}/trang-thai?{field}={first}")
    expected: dict[str, Any] = {
        "status.purpose": MINIMAL_APPLICATION["d"]["purpose"],
        "status.copies": MINIMAL_APPLICATION["d"]["copies"],
    }
    for name, value in expected.items():
        assert _read(page, version, name) == [value, value], name  # primary and fallback agree
