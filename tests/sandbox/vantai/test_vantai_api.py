"""The portal's JSON API as its page uses it: login tokens, the schema, the autocomplete, validation
and business refusals in Vietnamese, receipts, the own list 20 at a time, and the look-up."""

from __future__ import annotations

import re
import time
from typing import Any

from rpa.sandbox.transport_businesses import BUSINESSES
from rpa.sandbox.vantai.app import PAGE_ROUTES
from rpa.sandbox.vantai.portal import EXPIRED
from rpa.sandbox.vantai.testing import PDF_BYTES, VALID_FORM, VALID_VEHICLE, VantaiSandbox
from rpa.sandbox.vantai.validation import INVALID


def _form(**change: Any) -> dict[str, Any]:
    return {**VALID_FORM, **change}


def test_every_page_route_answers_the_same_empty_shell(vantai: VantaiSandbox) -> None:
    for path in PAGE_ROUTES:
        page = vantai.http.get(path.replace("{receipt}", "VT-2612-000001"))
        assert page.status_code == 200
        assert '<div id="app"></div>' in page.text and "/static/vantai.js" in page.text
        assert "http" not in page.text.split("<body", 1)[1]  # nothing from another host


def test_login_gives_a_jwt_and_a_wrong_password_is_refused(vantai: VantaiSandbox) -> None:
    assert vantai.token.count(".") == 2
    wrong = vantai.http.post("/api/auth/login", json={"username": "sxd.qngai", "password": "x"})
    assert wrong.status_code == 400 and wrong.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng"


def test_no_forged_or_idle_token_gets_in(vantai: VantaiSandbox) -> None:
    assert vantai.http.get("/api/forms/phu-hieu").status_code == 401
    forged = vantai.api(
        "GET", "/api/auth/me", headers={"Authorization": "Bearer " + vantai.token[:-3] + "abc"}
    )
    assert forged.status_code == 401 and forged.json()["detail"] == EXPIRED
    vantai.knobs(session_idle_s=1)
    time.sleep(1.2)
    expired = vantai.api("GET", "/api/forms/phu-hieu")
    assert expired.status_code == 401 and expired.json()["detail"] == EXPIRED


def test_each_answer_renews_the_token_so_only_an_idle_page_is_logged_out(vantai: VantaiSandbox) -> None:
    vantai.knobs(session_idle_s=1.5)
    for _ in range(3):
        time.sleep(0.8)
        answer = vantai.api("GET", "/api/auth/me")
        assert answer.status_code == 200
        vantai.token = answer.headers["X-Auth-Token"]


def test_reset_voids_every_token(vantai: VantaiSandbox) -> None:
    vantai.reset()
    assert vantai.api("GET", "/api/auth/me").status_code == 401


def test_the_schema_names_every_field_the_brief_does(vantai: VantaiSandbox) -> None:
    schema = vantai.api("GET", "/api/forms/phu-hieu").json()
    names = [f["name"] for s in schema["sections"] for f in s["fields"]]
    assert names == [
        "so_giay_phep", "ten_doanh_nghiep", "ma_so_thue", "dia_chi", "nguoi_lien_he", "so_dien_thoai",
        "email", "loai_phu_hieu", "hieu_luc_den", "bien_so", "nhan_hieu", "so_cho", "trong_tai_kg",
        "nam_san_xuat", "so_huu", "so_dang_ky_xe", "anh_dang_ky", "hop_dong_thue", "thue_den",
    ]  # fmt: skip
    assert [s["title"] for s in schema["sections"]] == [
        "Thông tin doanh nghiệp", "Thông tin phù hiệu", "Danh sách phương tiện"
    ]  # fmt: skip


def test_autocomplete_by_licence_prefix(vantai: VantaiSandbox) -> None:
    def suggest(text: str) -> list[dict[str, Any]]:
        return list(vantai.api("GET", "/api/doanh-nghiep", params={"so_giay_phep": text}).json())

    assert suggest("76") == []
    assert len(suggest("76-")) == 10
    found = suggest("76-0022")
    assert [b["so_giay_phep"] for b in found] == ["76-002219", "76-002233"]
    assert set(found[0]) == {"so_giay_phep", "ten", "ma_so_thue", "dia_chi", "het_han", "loai_hinh"}
    assert all(b["so_giay_phep"].startswith("82-") for b in suggest("82-"))


def test_a_valid_application_is_stored_with_the_registry_names_and_a_receipt(vantai: VantaiSandbox) -> None:
    record = vantai.submit()
    # VT-yyMM-NNNNNN, NNNNNN the row id: unique across resets, so not 1 when the server filed before
    assert re.fullmatch(r"VT-\d{4}-\d{6}", record["receipt"]) and not record["receipt"].endswith("-000000")
    assert record["status_label"] == "Đã tiếp nhận"
    stored = vantai.application(record["receipt"])["form"]
    assert (
        stored["ten_doanh_nghiep"] == "CÔNG TY TNHH VẬN TẢI SA HUỲNH" and stored["ma_so_thue"] == "4344232327"
    )
    assert stored["phuong_tien"][0]["so_cho"] == 29 and stored["phuong_tien"][0]["anh_dang_ky"]["sha256"]
    assert vantai.api("GET", f"/api/ho-so/{record['receipt']}").json()["form"] == stored


def test_missing_and_malformed_fields_are_listed_in_vietnamese(vantai: VantaiSandbox) -> None:
    vantai.knobs(captcha=False)
    vehicle = {**VALID_VEHICLE, "bien_so": "76-12345", "so_cho": "200", "so_huu": "thue"}
    form = _form(
        nguoi_lien_he="", so_dien_thoai="12345", email="a@b", hieu_luc_den="31-12-2028", phuong_tien=[vehicle]
    )
    answer = vantai.post_application(form, files={"phuong_tien.0.anh_dang_ky": ("dk.pdf", PDF_BYTES)})
    assert answer.status_code == 422 and answer.json()["detail"] == INVALID
    assert answer.json()["errors"] == {
        "nguoi_lien_he": "Vui lòng nhập người liên hệ",
        "so_dien_thoai": "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0)",
        "email": "Thư điện tử không hợp lệ",
        "hieu_luc_den": "Đề nghị hiệu lực đến không đúng định dạng dd/mm/yyyy",
        "phuong_tien.0.bien_so": "Biển kiểm soát không đúng định dạng (ví dụ 76A-123.45)",
        "phuong_tien.0.so_cho": "Số chỗ phải là số từ 4 đến 80",
        "phuong_tien.0.hop_dong_thue": "Vui lòng đính kèm hợp đồng thuê xe",
        "phuong_tien.0.thue_den": "Vui lòng nhập thuê đến ngày",
    }
    assert vantai.applications() == []


def test_plates_of_every_shape_the_brief_names_are_accepted(vantai: VantaiSandbox) -> None:
    plates = ["76A-123.45", "76A-1234", "76LD-012.34", "82b-567.89"]
    record = vantai.submit(_form(phuong_tien=[{**VALID_VEHICLE, "bien_so": p} for p in plates]))
    assert [v["bien_so"] for v in record["form"]["phuong_tien"]] == [
        "76A-123.45",
        "76A-1234",
        "76LD-012.34",
        "82B-567.89",
    ]


def test_the_same_plate_twice_is_refused(vantai: VantaiSandbox) -> None:
    answer = vantai.post_application(_form(phuong_tien=[VALID_VEHICLE, dict(VALID_VEHICLE)]), captcha="auto")
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "phuong_tien.1.bien_so": "Biển kiểm soát 76B-123.45 bị trùng trong hồ sơ"
    }


def test_licence_refusals_are_the_toast_message(vantai: VantaiSandbox) -> None:
    vantai.knobs(captcha=False)
    cases = {
        "76-009885": "Giấy phép kinh doanh vận tải số 76-009885 đã hết hạn ngày 31/12/2024",
        "76-999999": "Không tìm thấy giấy phép kinh doanh vận tải số 76-999999",
        "76-009180": "Giấy phép kinh doanh vận tải số 76-009180 không bao gồm loại hình xe hợp đồng",
    }
    for licence, message in cases.items():
        answer = vantai.post_application(_form(so_giay_phep=licence))
        assert answer.status_code == 422
        assert answer.json()["detail"] == message and answer.json()["errors"] == {"so_giay_phep": message}
    beyond = vantai.post_application(
        _form(so_giay_phep="76-009180", loai_phu_hieu="taxi", hieu_luc_den="01/04/2027")
    )
    message = "Đề nghị hiệu lực đến không được sau ngày hết hạn giấy phép kinh doanh (31/03/2027)"
    assert beyond.json()["detail"] == message
    assert vantai.applications() == []


def test_a_vehicle_too_old_for_the_kind_is_refused(vantai: VantaiSandbox) -> None:
    taxi = _form(
        so_giay_phep="76-006462",
        loai_phu_hieu="taxi",
        phuong_tien=[{**VALID_VEHICLE, "so_cho": "5", "nam_san_xuat": "2000"}],
    )
    answer = vantai.post_application(taxi, captcha="auto")
    too_old = "Xe sản xuất năm 2000 đã quá niên hạn cho loại phù hiệu xe taxi (12 năm)"
    assert answer.json()["errors"] == {"phuong_tien.0.nam_san_xuat": too_old}


def test_goods_vehicles_give_their_payload_not_seats(vantai: VantaiSandbox) -> None:
    truck = {**VALID_VEHICLE, "so_cho": "", "trong_tai_kg": "15000"}
    record = vantai.submit(
        _form(
            so_giay_phep="76-006067",
            loai_phu_hieu="container",
            hieu_luc_den="30/06/2028",
            phuong_tien=[truck],
        )
    )
    assert (
        record["form"]["phuong_tien"][0]["trong_tai_kg"] == 15000
        and "so_cho" not in record["form"]["phuong_tien"][0]
    )


def test_own_list_pages_twenty_newest_first_and_hides_other_accounts(vantai: VantaiSandbox) -> None:
    vantai.knobs(captcha=False)
    receipts = vantai.seed_applications(45)
    pages = [vantai.api("GET", "/api/ho-so", params={"page": n}).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [20, 20, 5]
    assert [p["has_more"] for p in pages] == [True, True, False] and pages[0]["total"] == 45
    assert [i["receipt"] for p in pages for i in p["items"]] == receipts[::-1]
    vantai.http.post("/_sandbox/accounts", json={"username": "sxd.kontum", "password": "KonTum@2025"})
    vantai.login("sxd.kontum", "KonTum@2025")
    assert vantai.api("GET", "/api/ho-so").json()["total"] == 0
    other = vantai.api("GET", f"/api/ho-so/{receipts[0]}")
    assert other.status_code == 404 and other.json()["detail"] == "Không tìm thấy hồ sơ"


def test_lookup_by_licence_tax_code_plate_and_dates(vantai: VantaiSandbox) -> None:
    first = vantai.submit()
    second = vantai.submit(_form(phuong_tien=[{**VALID_VEHICLE, "bien_so": "76LD-012.34"}]))

    def found(**criteria: str) -> list[str]:
        answer = vantai.api("GET", "/api/tra-cuu", params=criteria)
        return [i["receipt"] for i in answer.json()["items"]]

    assert found(so_giay_phep="76-002233") == [second["receipt"], first["receipt"]]
    assert found(ma_so_thue="4344232327", bien_so="76ld-012.34") == [second["receipt"]]
    day = first["submitted_at"][:10].split("-")
    assert len(found(tu_ngay=f"{day[2]}/{day[1]}/{day[0]}", den_ngay=f"{day[2]}/{day[1]}/{day[0]}")) == 2
    assert found(so_giay_phep="76-000336") == []
    none = vantai.api("GET", "/api/tra-cuu")
    assert none.status_code == 422 and none.json()["detail"] == "Vui lòng nhập ít nhất một tiêu chí tra cứu"


def test_the_registry_has_expired_and_kon_tum_licences() -> None:
    assert len(BUSINESSES) >= 40
    assert any(b.het_han.isoformat() < "2026-12-01" for b in BUSINESSES)
    assert {b.ma_so_thue[:2] for b in BUSINESSES} == {"43", "61"}
