"""The portal refuses what the law does not allow in step D, and can end or relabel an application."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from rpa.sandbox.moj.testing import MINIMAL_APPLICATION, MojSandbox
from rpa.sandbox.moj.validation import AUTH_DATE_NEEDED, TYPE_1_ONLY_AUTH, TYPE_1_ONLY_BAN

AUTHORISED = {
    "hasAuthorised": "1",
    "authName": "Nguyễn Thị Mai",
    "authIdTypeId": "1",
    "authIdNumber": "051165001234",
    "authRelationship": "Mẹ đẻ",
}
SCAN = {"idCardFile": ("cccd.png", b"\x89PNG\r\n\x1a\nscan", "image/png")}


@pytest.fixture
def at_step_d(moj: MojSandbox) -> Iterator[httpx.Client]:
    """A logged-in client whose draft passed steps A to C."""
    with httpx.Client(base_url=moj.url, timeout=30, follow_redirects=False) as client:
        moj._fill_steps(client, "abc", {})
        yield client


def _record(moj: MojSandbox, receipt: str) -> dict[str, Any]:
    return dict(moj.http.get(f"/_sandbox/applications/{receipt}").raise_for_status().json())


def _post_d(client: httpx.Client, **fields: str) -> httpx.Response:
    data = {**MINIMAL_APPLICATION["d"], **fields, "_action": "next"}
    return client.post("/ho-so/buoc/d", data=data, files=SCAN)


def test_type_2_with_the_court_ban_is_refused(at_step_d: httpx.Client) -> None:
    refused = _post_d(at_step_d, formType="2", isBanPosition="1")
    assert refused.status_code == 200 and TYPE_1_ONLY_BAN in refused.text
    assert _post_d(at_step_d, formType="1", isBanPosition="1").status_code == 303


def test_the_court_ban_box_belongs_to_type_1_on_the_page(at_step_d: httpx.Client) -> None:
    page = at_step_d.get("/ho-so/buoc/d").text
    assert 'data-section="type1"' in page and 'data-switch="type1"' in page


def test_type_2_cannot_be_delegated(at_step_d: httpx.Client) -> None:
    refused = _post_d(at_step_d, formType="2", **AUTHORISED, authIsRelative="1")
    assert refused.status_code == 200 and TYPE_1_ONLY_AUTH in refused.text


def test_a_parent_spouse_or_child_needs_no_authorisation_date(
    at_step_d: httpx.Client, moj: MojSandbox
) -> None:
    refused = _post_d(at_step_d, **AUTHORISED)
    assert refused.status_code == 200 and AUTH_DATE_NEEDED in refused.text
    assert _post_d(at_step_d, **AUTHORISED, authIsRelative="1").status_code == 303
    receipt = at_step_d.post("/ho-so/nop").headers["location"].rsplit("/", 1)[-1]
    form = _record(moj, receipt)["form"]
    assert (form["hasAuthorised"], form["authIsRelative"], form["authDateStr"]) == (True, True, None)
    assert form["authRelationship"] == "Mẹ đẻ"


def test_an_unauthorised_application_stores_no_relative_flag(moj: MojSandbox) -> None:
    (receipt,) = moj.submit_minimal()
    form = _record(moj, receipt)["form"]
    assert (form["hasAuthorised"], form["authIsRelative"], form["isBanPosition"]) == (False, False, False)


@pytest.mark.parametrize(
    ("path", "end", "label"),
    [
        ((), "refused", "Từ chối cấp phiếu"),
        (("processing", "supplement_requested"), "refused", "Từ chối cấp phiếu"),
        (("processing",), "cancelled", "Đã hủy"),
        ((), "cancelled", "Đã hủy"),
    ],
)
def test_the_ministry_can_refuse_or_cancel_before_a_result(
    moj: MojSandbox, path: tuple[str, ...], end: str, label: str
) -> None:
    (receipt,) = moj.submit_minimal()
    for status in (*path, end):
        moj.advance(receipt, status).raise_for_status()
    record = _record(moj, receipt)
    assert (record["status"], record["statusLabel"]) == (end, label)
    for after in ("processing", "finished", "refused", "cancelled"):
        assert moj.advance(receipt, after).status_code == 409  # nothing follows an ended application


def test_nothing_ends_an_application_once_its_result_exists(moj: MojSandbox) -> None:
    (receipt,) = moj.submit_minimal()
    for status in ("processing", "finished"):
        moj.advance(receipt, status).raise_for_status()
    assert moj.advance(receipt, "refused").status_code == 409
    assert moj.advance(receipt, "cancelled").status_code == 409


def test_a_renamed_status_shows_on_the_status_page_only(moj: MojSandbox) -> None:
    (receipt,) = moj.submit_minimal()
    moj.knobs(status_labels={"received": "Đã tiếp nhận, chờ thẩm định"})
    with httpx.Client(base_url=moj.url, timeout=30, follow_redirects=False) as client:
        moj.login(client)
        page = client.get("/trang-thai", params={"maHoSo": receipt}).text
    assert "Đã tiếp nhận, chờ thẩm định" in page
    assert _record(moj, receipt)["statusLabel"] == "Đã tiếp nhận"  # the store keeps its own
    assert moj.reset()["knobs"]["status_labels"] == {}
