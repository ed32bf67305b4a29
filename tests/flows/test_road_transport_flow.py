"""flows.road_transport against the sandbox badge portal (a single-page application), in a real headless
Chromium: the form typed from seeded dossiers is stored field for field (autocomplete, date pickers,
the vehicle dialog with its uploads), the portal's refusals are business errors in its own words, the
CAPTCHA goes to a person, a token that runs out or an answer that is lost is retried or looked up,
and look-up and status follow the application."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from flows import SELECTORS_DIR
from flows.road_transport.flow import (
    PORTAL,
    RECEIPT_CODE,
    login,
    lookup,
    read_status,
    submission_facts,
    submit,
)
from flows.road_transport.form import RoadTransportForm
from rpa.clock import vn_now
from rpa.errors import BusinessError, CaptchaRequired, PortalError, SelectorDrift, SessionExpired
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.network import retry_gateway_errors
from rpa.portal.steps import Steps, open_portal
from rpa.procedures import read_form
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.transport_businesses import BUSINESSES, expired
from rpa.sandbox.vantai.app import create_app
from rpa.sandbox.vantai.testing import PASSWORD, USERNAME, VantaiSandbox, serve

pytestmark = pytest.mark.browser
TODAY = vn_now().strftime("%d/%m/%Y")


@functools.cache
def _seeded() -> list[SeededDossier]:
    return generate(9, 120, procedures=["road_transport"])


def form_of(folder: Path, *, tricky: str | None = None, flaw: str | None = None) -> RoadTransportForm:
    """The portal form of the first seeded dossier with that trick or flaw, its files in ``folder``."""
    seeded = next(d for d in _seeded() if (d.tricky, d.flaw) == (tricky, flaw))
    for file in seeded.files:
        (folder / file.name).write_bytes(file.content)
    data = seeded.data
    if flaw is not None:  # a flaw the rules see: type it anyway, to see what the portal says
        data = {**data, "payload": {**data["payload"], "business": _known_business(data)}}
    form = read_form(data, attachments_dir=folder)
    assert isinstance(form, RoadTransportForm)
    return form


def _known_business(data: dict[str, Any]) -> dict[str, Any]:
    return data["payload"]["business"]


@pytest.fixture(scope="session")
def vantai_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("vantai"))) as url:
        yield url


@pytest.fixture
def vantai(vantai_server: str) -> Iterator[VantaiSandbox]:
    sandbox = VantaiSandbox(vantai_server)
    sandbox.reset()
    sandbox.knobs(captcha=False)
    yield sandbox
    sandbox.close()


@pytest.fixture
def steps(page: Page, vantai: VantaiSandbox, evidence: AttemptEvidence) -> Steps:
    return open_portal(
        page, PORTAL, vantai.url, selectors_dir=SELECTORS_DIR, timeout_ms=8000, evidence=evidence
    )


@pytest.fixture
def logged_in(steps: Steps) -> Steps:
    assert steps.on_page("login"), "without a token the page shows its login form as soon as it is open"
    login(steps, USERNAME, PASSWORD)
    return steps


def stored_shape(form: RoadTransportForm) -> dict[str, Any]:
    """The form as the portal stores it (scans by the attachment's name, digest and size)."""
    return form.model_dump(mode="json")


def stored(application: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """What the portal stored of the fields typed (it adds the business's address)."""
    return {key: application["form"].get(key) for key in typed}


@pytest.mark.parametrize(
    "tricky", [None, "leased_vehicle", "several_vehicles", "truck_payload", "two_letter_series"]
)
def test_submit_stores_exactly_the_form(
    logged_in: Steps, vantai: VantaiSandbox, evidence: AttemptEvidence, tmp_path: Path, tricky: str | None
) -> None:
    form = form_of(tmp_path, tricky=tricky)
    marks: list[int] = []
    receipt = submit(logged_in, form, before_final_click=lambda: marks.append(len(vantai.applications())))
    assert receipt is not None and RECEIPT_CODE.fullmatch(receipt.code)
    assert receipt.submitted_at.startswith(TODAY)
    assert marks == [0], "the hook runs once, before the application exists"
    (application,) = vantai.applications()
    assert application["receipt"] == receipt.code
    typed = stored_shape(form)
    assert stored(application, typed) == typed
    assert sorted(p.name for p in evidence.folder.glob("*.png")) == ["01-application.png", "02-receipt.png"]


def test_an_unknown_licence_is_refused_before_anything_is_filed(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    form = form_of(tmp_path, flaw="unknown_licence")
    with pytest.raises(BusinessError, match=f"{form.so_giay_phep}: cổng không tìm thấy doanh nghiệp"):
        submit(logged_in, form, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert vantai.applications() == []


def test_a_plate_twice_is_refused_by_the_vehicle_dialog(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    form = form_of(tmp_path, tricky="several_vehicles")
    twice = form.model_copy(update={"phuong_tien": [*form.phuong_tien, form.phuong_tien[0]]})
    with pytest.raises(BusinessError, match="đã có trong danh sách phương tiện"):
        submit(logged_in, twice, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert vantai.applications() == []


def test_a_kind_the_licence_does_not_cover_is_the_portals_refusal(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    form = form_of(tmp_path)
    other = "xe_tai" if form.loai_phu_hieu != "xe_tai" else "taxi"
    rows = [
        row.model_copy(
            update={"so_cho": None, "trong_tai_kg": 5000}
            if other == "xe_tai"
            else {"so_cho": 5, "trong_tai_kg": None}
        )
        for row in form.phuong_tien
    ]
    wrong = form.model_copy(update={"loai_phu_hieu": other, "phuong_tien": rows})
    with pytest.raises(BusinessError, match="không bao gồm loại hình"):
        submit(logged_in, wrong)
    assert vantai.applications() == []


def test_the_captcha_goes_to_a_person(logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path) -> None:
    vantai.knobs(captcha=True)
    form = form_of(tmp_path)
    with pytest.raises(CaptchaRequired):
        submit(logged_in, form)
    assert vantai.applications() == []
    shown: list[bytes] = []

    def person(image: bytes) -> str:
        shown.append(image)
        return str(vantai.http.get("/_sandbox/captcha").json()["answer"])

    assert submit(logged_in, form, read_captcha=person) is not None
    assert len(shown) == 1 and shown[0].startswith(b"\x89PNG")
    assert len(vantai.applications()) == 1


def test_a_token_that_ran_out_is_a_session_expiry(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    vantai.knobs(session_idle_s=1)
    time.sleep(1.5)
    with pytest.raises(SessionExpired):
        submit(logged_in, form_of(tmp_path))
    vantai.knobs(session_idle_s=900)
    login(logged_in, USERNAME, PASSWORD)
    assert submit(logged_in, form_of(tmp_path)) is not None


def test_a_lost_answer_after_the_final_click_is_a_portal_error_and_the_application_is_there(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    vantai.knobs(lost_answer_rate=1.0, lost_answer_mode="gateway")
    form = form_of(tmp_path)
    clicked: list[bool] = []
    with pytest.raises(PortalError):
        submit(logged_in, form, before_final_click=lambda: clicked.append(True))
    assert clicked == [True] and len(vantai.applications()) == 1
    vantai.knobs(lost_answer_rate=0.0)
    (found,) = lookup(logged_in, form.so_giay_phep, TODAY, TODAY, submission_facts(form))
    assert found.code == vantai.applications()[0]["receipt"]


def test_lookup_and_status(logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path) -> None:
    form = form_of(tmp_path, tricky="leased_vehicle")
    receipt = submit(logged_in, form)
    assert receipt is not None
    facts = submission_facts(form)
    assert lookup(logged_in, form.so_giay_phep, "01/01/2025", TODAY, facts) == [receipt]
    assert lookup(logged_in, form.so_giay_phep, "01/01/2020", "31/12/2020", facts) == []
    assert lookup(logged_in, "76-999999", "01/01/2025", TODAY, {}) == []

    status = read_status(logged_in, receipt)
    assert (status.status, status.label, status.certificate_number) == ("submitted", "Đã tiếp nhận", None)
    assert status.details == {"plates": facts["plates"], "valid_until": facts["valid_until"]}
    vantai.advance(
        receipt.code, "supplement_requested", "Bổ sung hợp đồng thuê xe có công chứng"
    ).raise_for_status()
    status = read_status(logged_in, receipt.code)
    assert (status.status, status.supplement_reason) == (
        "supplement_requested",
        "Bổ sung hợp đồng thuê xe có công chứng",
    )
    vantai.advance(receipt.code, "processing").raise_for_status()
    vantai.advance(receipt.code, "issued").raise_for_status()
    status = read_status(logged_in, receipt)
    badges = vantai.application(receipt.code)["badges"]
    assert status.status == "issued" and status.certificate_number == "; ".join(
        f"{b['bien_so']}: {b['so_phu_hieu']}" for b in badges
    )
    with pytest.raises(PortalError, match="Không tìm thấy hồ sơ"):
        read_status(logged_in, "VT-2601-999999")


def test_a_refusal_reads_with_its_reason(logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path) -> None:
    receipt = submit(logged_in, form_of(tmp_path, tricky="truck_payload"))
    assert receipt is not None
    vantai.advance(receipt.code, "refused", "Xe chưa đăng kiểm").raise_for_status()
    status = read_status(logged_in, receipt)
    assert status.status == "refused" and "Xe chưa đăng kiểm" in (status.supplement_reason or "")


def test_an_answer_dropped_after_storing_is_one_application(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    """The gateway closes the connection once the portal stored the application: the browser would
    send the post again on its own; the engine's network layer sends it once (its scans whole)."""
    retry_gateway_errors(logged_in.page.context, 2, base_delay_s=0.01)  # as every attempt's context
    vantai.knobs(lost_answer_rate=1.0, lost_answer_mode="drop")
    form = form_of(tmp_path, tricky="leased_vehicle")
    with pytest.raises(PortalError, match="Không kết nối được tới máy chủ"):
        submit(logged_in, form)
    (application,) = vantai.applications()
    assert stored(application, stored_shape(form)) == stored_shape(form)
    vantai.knobs(lost_answer_rate=0.0)
    assert [r.code for r in lookup(logged_in, form.so_giay_phep, TODAY, TODAY, submission_facts(form))] == [
        application["receipt"]
    ]


def test_a_token_that_runs_out_in_the_middle_of_the_form_files_nothing(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token runs out while the vehicles are typed (the page calls no API in the dialog): the next
    call, the confirmation's CAPTCHA question, finds it too old and the page shows its login form."""
    click = logged_in.click

    def idle_in_the_dialog(name: str, **kwargs: Any) -> None:
        click(name, **kwargs)
        if name == "vehicle.save":
            vantai.knobs(session_idle_s=0.5)
            time.sleep(0.8)

    monkeypatch.setattr(logged_in, "click", idle_in_the_dialog)
    form = form_of(tmp_path)
    with pytest.raises(SessionExpired):
        submit(logged_in, form, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert vantai.applications() == []
    monkeypatch.undo()
    vantai.knobs(session_idle_s=900)
    login(logged_in, USERNAME, PASSWORD)
    assert submit(logged_in, form) is not None and len(vantai.applications()) == 1


def test_a_token_that_runs_out_at_the_final_click_files_nothing(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    def idle() -> None:
        vantai.knobs(session_idle_s=0.5)
        time.sleep(0.8)

    with pytest.raises(SessionExpired):
        submit(logged_in, form_of(tmp_path), before_final_click=idle)
    assert vantai.applications() == []


def test_an_expired_licence_is_refused_before_anything_is_filed(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    business = next(b for b in BUSINESSES if expired(b, vn_now().date()))
    form = form_of(tmp_path).model_copy(
        update={
            "so_giay_phep": business.so_giay_phep,
            "ten_doanh_nghiep": business.ten,
            "ma_so_thue": business.ma_so_thue,
        }
    )
    with pytest.raises(BusinessError, match=f"{business.so_giay_phep}: Giấy phép đã hết hạn ngày"):
        submit(logged_in, form, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert vantai.applications() == []


def test_a_vehicle_too_old_for_the_kind_is_the_portals_refusal(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    form = form_of(tmp_path)
    old = form.phuong_tien[0].model_copy(update={"nam_san_xuat": vn_now().year - 26})
    with pytest.raises(BusinessError, match=f"Xe sản xuất năm {old.nam_san_xuat} đã quá niên hạn"):
        submit(logged_in, form.model_copy(update={"phuong_tien": [old, *form.phuong_tien[1:]]}))
    assert vantai.applications() == []


@pytest.mark.parametrize(
    ("knob", "shown"),
    [
        ({"maintenance": True}, "Hệ thống đang bảo trì"),
        ({"error_rate": 1.0}, r"Lỗi kết nối tới máy chủ \(502\)"),
    ],
    ids=["maintenance", "gateway"],
)
def test_a_portal_failing_at_the_final_click_is_a_portal_error(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path, knob: dict[str, Any], shown: str
) -> None:
    with pytest.raises(PortalError, match=shown):
        submit(logged_in, form_of(tmp_path), before_final_click=lambda: _set(vantai, knob))
    vantai.knobs(maintenance=False, error_rate=0.0)
    assert vantai.applications() == []


def test_lookup_tells_two_applications_of_one_business_apart(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    first = form_of(tmp_path, tricky="several_vehicles")
    others = [
        row.model_copy(update={"bien_so": f"{row.bien_so[:-2]}{(int(row.bien_so[-2:]) + 50) % 100:02d}"})
        for row in first.phuong_tien[:2]
    ]
    second = first.model_copy(update={"phuong_tien": others})
    receipts = []
    for form in (first, second):
        receipt = submit(logged_in, form)
        assert receipt is not None
        receipts.append(receipt)
    for form, receipt in zip((first, second), receipts, strict=True):
        assert lookup(logged_in, form.so_giay_phep, TODAY, TODAY, submission_facts(form)) == [receipt]
        assert read_status(logged_in, receipt).details == {
            "plates": submission_facts(form)["plates"], "valid_until": form.hieu_luc_den
        }  # fmt: skip
    assert sorted(lookup(logged_in, first.so_giay_phep, TODAY, TODAY), key=str) == sorted(receipts, key=str)


def _set(vantai: VantaiSandbox, knobs: dict[str, Any]) -> None:
    vantai.knobs(**knobs)


def _relabel(route: Route, label: str) -> None:
    answer = route.fetch()
    route.fulfill(response=answer, json={**answer.json(), "status_label": label})


def test_every_status_label_and_an_unknown_one(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    receipt = submit(logged_in, form_of(tmp_path))
    assert receipt is not None
    for to in ("processing", "supplement_requested", "processing", "refused"):
        vantai.advance(receipt.code, to, "Thiếu giấy đăng ký xe").raise_for_status()
        assert read_status(logged_in, receipt).status == to
    logged_in.page.route("**/api/ho-so/VT-*", lambda route: _relabel(route, "Đã chuyển liên thông"))
    status = read_status(logged_in, receipt)
    assert (status.status, status.label) == ("unknown", "Đã chuyển liên thông")


def test_a_receipt_not_in_the_portals_format_is_drift(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    """A redesign that shows something else where the code was: the application went in (the look-up
    settles it), but nothing the page shows there is handed on as its receipt."""

    def redesigned(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "receipt": "Đã tiếp nhận"})

    logged_in.page.route("**/api/ho-so/VT-*", redesigned)
    with pytest.raises(SelectorDrift, match=r"receipt\.code"):
        submit(logged_in, form_of(tmp_path))
    assert len(vantai.applications()) == 1


def test_a_licence_the_portal_gives_another_business_is_refused_before_anything_is_filed(
    logged_in: Steps, vantai: VantaiSandbox, tmp_path: Path
) -> None:
    """The page fills the business's name and tax code from the licence chosen: they must be the
    dossier's, or the bot would file for a business the clerk did not name."""
    form = form_of(tmp_path)
    other = form.model_copy(update={"ma_so_thue": "4300000001"})
    with pytest.raises(
        BusinessError, match=f"không phải {form.ten_doanh_nghiep} \\(mã số thuế 4300000001\\)"
    ):
        submit(logged_in, other, before_final_click=lambda: pytest.fail("nothing may be filed"))
    assert vantai.applications() == []
