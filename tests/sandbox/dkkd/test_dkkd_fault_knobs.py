"""The portal's own fault knob (a stale view state on any wizard postback), what its error page says, and
the registered names growing with every application filed."""

from __future__ import annotations

import pytest

from rpa.sandbox.dkkd.testing import MINIMAL_PAGES, DkkdSandbox, WebForm
from rpa.sandbox.registered_names import REGISTERED_NAMES

TITLE = "<title>Trạng thái trang không hợp lệ – Lỗi máy chủ trong ứng dụng '/'</title>"


def test_a_stale_view_state_knob_refuses_every_wizard_postback_and_changes_nothing(
    dkkd: DkkdSandbox, visitor: WebForm
) -> None:
    dkkd.knobs(captcha=False)
    visitor.get("/HoSo/DangKy.aspx")
    page1 = visitor.controls
    dkkd.knobs(stale_view_state_rate=1.0)
    response = visitor.post(MINIMAL_PAGES[1], button="btnKiemTraTen")
    # the title carries the reason, as an ASP.NET error page's does: a bot's log shows it with the 500
    assert response.status_code == 500 and TITLE in visitor.text
    assert '<h2 id="loi-trang-thai">Trạng thái trang không hợp lệ</h2>' in visitor.text
    with pytest.raises(RuntimeError):
        dkkd.submit_minimal()
    assert dkkd.applications() == []
    dkkd.knobs(stale_view_state_rate=0.0)
    # the refused postback moved nothing: page 1's view state is still the draft's current one
    response = visitor.post(MINIMAL_PAGES[1], button="btnSave", hidden=page1)
    assert response.status_code == 200 and '<h2 id="C_lblTieuDe">Bước 1/8' in visitor.text
    assert 'id="C_lblThongBao"' in visitor.text  # saved
    assert dkkd.submit_minimal().startswith("HS-")


def test_the_knob_is_validated_like_every_other(dkkd: DkkdSandbox) -> None:
    assert dkkd.knobs()["stale_view_state_rate"] == 0.0
    assert dkkd.http.post("/_sandbox/knobs", json={"stale_view_state_rate": 1.5}).status_code == 422
    assert dkkd.knobs(stale_view_state_rate=0.25)["stale_view_state_rate"] == 0.25
    assert dkkd.reset()["knobs"]["stale_view_state_rate"] == 0.0


def test_every_application_filed_makes_its_name_registered(dkkd: DkkdSandbox, visitor: WebForm) -> None:
    dkkd.knobs(captcha=False)
    assert dkkd.http.get("/_sandbox/registered_names").json() == list(REGISTERED_NAMES)
    receipt = dkkd.submit_minimal()
    name = dkkd.application(receipt)["form"]["txtTenDoanhNghiep"]
    names = dkkd.http.get("/_sandbox/registered_names").json()
    assert names == [*REGISTERED_NAMES, name]
    # the same name again is refused by the portal's own name check
    visitor.get("/HoSo/DangKy.aspx")
    visitor.post(MINIMAL_PAGES[1], button="btnKiemTraTen")
    assert "Tên doanh nghiệp đã được đăng ký" in visitor.text
    dkkd.reset()
    assert dkkd.http.get("/_sandbox/registered_names").json() == list(REGISTERED_NAMES)
