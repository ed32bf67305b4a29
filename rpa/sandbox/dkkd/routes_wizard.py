"""The registration wizard ``/HoSo/DangKy.aspx`` (eight pages, every action a postback to the same
URL) and the receipt page."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rpa.domain import adminunits
from rpa.sandbox.dkkd import catalog
from rpa.sandbox.dkkd.catalog import name_key, search_industries, vsic
from rpa.sandbox.dkkd.portal import Portal, Postback, get_portal
from rpa.sandbox.dkkd.viewstate import InvalidViewState
from rpa.sandbox.dkkd.wizard import (
    BACK,
    LAST,
    NEXT_BUTTON,
    PAGE_TITLES,
    PREFIX,
    SAVE_BUTTON,
    Draft,
    add_industry,
    contribution_total,
    empty_representative,
    read_postback,
    validate_page,
    vnd,
)
from rpa.sandbox.dropping import drop_answer
from rpa.sandbox.sessions import PortalSession

__all__ = ["router"]

router = APIRouter(prefix="/HoSo")
PortalDep = Annotated[Portal, Depends(get_portal)]
KIND = "DangKy"
SAVED = "Đã lưu thông tin"
SAVE_FIRST = "Bạn phải lưu trang trước khi tiếp tục"
NAME_FREE = "Tên doanh nghiệp có thể đăng ký"
_PICK = re.compile(r"^grdKetQua\$ctl(\d{2})\$lnkChon$")


def _controls(draft: Draft, results: list[str]) -> tuple[list[str], list[str]]:
    """The buttons and postback targets the page renders (what event validation allows)."""
    page = draft.page
    buttons = [SAVE_BUTTON[page], NEXT_BUTTON[page]] if page < LAST else ["btnNopHoSo"]
    targets: list[str] = []
    if page > 1:
        buttons.append(BACK)
    if page == 1:
        buttons.append("btnKiemTraTen")
    elif page == 2:
        targets.append("ddlTinh")
    elif page == 3:
        buttons.append("btnTimNganh")
        targets += [f"grdKetQua$ctl{i:02d}$lnkChon" for i in range(len(results))] + ["grdNganhDaChon"]
    elif page == 6:
        buttons.append("btnThemDaiDien")
    return buttons, targets


def _review(form: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Page 8: what was saved, page by page, as label and shown value."""

    def name_of(options: tuple[tuple[str, str], ...], code: str) -> str:
        return dict(options).get(code, code)

    province = {u.code: u.name for u in adminunits.provinces()}.get(form["ddlTinh"], "")
    commune = {u.code: u.name for u in adminunits.communes(form["ddlTinh"])}.get(form["ddlXa"], "")
    lines = [
        (
            f"{line['maNganh']}",
            vsic().get(line["maNganh"], "") + (" (ngành chính)" if line["laNganhChinh"] else ""),
        )
        for line in form["nganhNghe"]
    ]
    reps = []
    for i, row in enumerate(form["nguoiDaiDien"], start=1):
        sex = name_of(catalog.GENDERS, row["ddlDdGioiTinh"])
        reps.append(
            (f"Người đại diện {i}", f"{row['txtDdHoTen']} – {sex} – sinh ngày {row['txtDdNgaySinh']} – "
             f"{row['txtDdChucDanh']} – số giấy tờ {row['txtDdSoGiayTo']} – {row['txtDdLienLac']}")
        )  # fmt: skip
    return [
        ("1. Tên doanh nghiệp", [
            ("Tên doanh nghiệp viết bằng tiếng Việt", form["txtTenDoanhNghiep"]),
            ("Tên doanh nghiệp viết bằng tiếng nước ngoài", form["txtTenNuocNgoai"]),
            ("Tên doanh nghiệp viết tắt", form["txtTenVietTat"]),
        ]),
        ("2. Trụ sở chính", [
            ("Địa chỉ", f"{form['txtSoNhaDuong']}, {commune}, {province}"),
            ("Điện thoại", form["txtDienThoai"]),
            ("Thư điện tử", form["txtEmail"]),
            ("Website", form["txtWebsite"]),
        ]),
        ("3. Ngành, nghề kinh doanh", lines),
        ("4. Vốn điều lệ", [
            ("Vốn điều lệ (VNĐ)", vnd(int(form["txtVonDieuLe"].replace(".", "")))),
            ("Tổng giá trị tài sản góp vốn (VNĐ)", vnd(contribution_total(form))),
            ("Thời hạn góp vốn", form["txtHanGopVon"]),
        ]),
        ("5. Chủ sở hữu", [
            ("Họ và tên", form["txtChuHoTen"]),
            ("Giới tính", name_of(catalog.GENDERS, form["ddlChuGioiTinh"])),
            ("Ngày sinh", form["txtChuNgaySinh"]),
            ("Quốc tịch", name_of(catalog.NATIONALITIES, form["ddlChuQuocTich"])),
            ("Dân tộc", name_of(catalog.ETHNICITIES, form["ddlChuDanToc"])),
            ("Số giấy tờ pháp lý của cá nhân", form["txtChuSoGiayTo"]),
            ("Ngày cấp, nơi cấp", f"{form['txtChuNgayCap']}, {form['txtChuNoiCap']}"),
            ("Địa chỉ thường trú", form["txtChuThuongTru"]),
            ("Địa chỉ liên lạc", form["txtChuLienLac"]),
        ]),
        ("6. Người đại diện theo pháp luật", reps),
        ("7. Đăng ký thuế", [
            ("Ngày bắt đầu hoạt động", form["txtNgayBatDau"]),
            ("Hình thức hạch toán", name_of(catalog.ACCOUNTING, form["ddlHachToan"])),
            ("Phương pháp tính thuế GTGT", name_of(catalog.VAT_METHODS, form["ddlPhuongPhapGTGT"])),
            ("Năm tài chính bắt đầu từ ngày", form["txtNamTaiChinh"]),
            ("Số lao động dự kiến", form["txtSoLaoDong"]),
            ("Kế toán trưởng", form["txtKeToanTruong"]),
            ("Điện thoại kế toán trưởng", form["txtKeToanDienThoai"]),
        ]),
    ]  # fmt: skip


def _page(
    portal: Portal,
    request: Request,
    session: PortalSession,
    draft: Draft,
    results: list[str],
    *,
    errors: list[str] | None = None,
    notice: str | None = None,
    name_ok: bool = False,
    searched: bool = False,
) -> Response:
    values = draft.values
    context: dict[str, Any] = {
        "page": draft.page,
        "title": PAGE_TITLES[draft.page],
        "pages": PAGE_TITLES,
        "v": values,
        "errors": errors or [],
        "notice": notice,
        "name_ok": name_ok,
        "save_button": SAVE_BUTTON.get(draft.page),
        "next_button": NEXT_BUTTON.get(draft.page),
        "catalog": catalog,
    }
    if draft.page == 2:
        province = values["ddlTinh"]
        context["provinces"] = [(u.code, u.name) for u in adminunits.provinces()]
        communes = adminunits.communes(province) if province.isdigit() else ()
        context["communes"] = [(u.code, u.name) for u in communes]
    elif draft.page == 3:
        context["results"] = [(code, vsic()[code]) for code in results]
        context["searched"] = searched
        context["lines"] = [(line, vsic().get(line["maNganh"], "")) for line in values["nganhNghe"]]
    elif draft.page == 4:
        context["total"] = vnd(contribution_total(values))
    elif draft.page == LAST:
        context["review"] = _review(draft.form())
        draft.captcha_id = portal.captchas.new().id if portal.k.captcha else None
        context["captcha_id"] = draft.captcha_id
    buttons, targets = _controls(draft, results)
    state = {"kind": KIND, "page": draft.page, "draft": draft.id, "seq": draft.seq, "results": results}
    return portal.render(
        request, "wizard.html", context, state=state, buttons=buttons, targets=targets, session=session
    )


@router.get("/DangKy.aspx")
def start(request: Request, portal: PortalDep) -> Response:
    """A new draft at page 1 (any draft of this session is dropped)."""
    session = portal.session(request)
    session.wizard = draft = Draft()
    return _page(portal, request, session, draft, [])


@router.post("/DangKy.aspx")
async def postback(request: Request, portal: PortalDep) -> Response:
    session = portal.session(request)
    pb = await portal.postback(request, KIND)
    draft = session.wizard
    state = pb.state
    if not isinstance(draft, Draft) or (state.get("draft"), state.get("seq"), state.get("page")) != (
        draft.id,
        draft.seq,
        draft.page,
    ):
        raise InvalidViewState("stale view state")
    if portal.knobs.rng.random() < portal.k.stale_view_state_rate:
        raise InvalidViewState("stale view state (knob stale_view_state_rate)")
    draft.seq += 1
    results = [str(code) for code in state.get("results", []) if str(code) in vsic()]
    read_postback(draft, pb.form)
    return _act(portal, request, session, draft, pb, results)


def _act(
    portal: Portal, request: Request, session: PortalSession, draft: Draft, pb: Postback, results: list[str]
) -> Response:
    page, action, values = draft.page, pb.action, draft.values

    def again(**kwargs: Any) -> Response:
        return _page(portal, request, session, draft, results, **kwargs)

    if page < LAST and action == SAVE_BUTTON[page]:
        errors = validate_page(page, values, portal.knobs.now().date(), portal.store.name_taken)
        if errors:
            return again(errors=errors)
        if page == 1:
            values["txtTenDoanhNghiep"] = values["txtTenDoanhNghiep"].strip().upper()
        draft.save(page)
        return again(notice=SAVED)
    if page < LAST and action == NEXT_BUTTON[page]:
        if draft.changed(page):
            return again(errors=[SAVE_FIRST])
        draft.page += 1
        return _page(portal, request, session, draft, [])
    if action == BACK and page > 1:
        draft.page -= 1
        return _page(portal, request, session, draft, [])
    if action == "btnKiemTraTen":
        name = name_key(values["txtTenDoanhNghiep"])
        if not name:
            return again(errors=["Tên doanh nghiệp viết bằng tiếng Việt không được để trống"])
        if portal.store.name_taken(name):
            return again(errors=[f"Tên doanh nghiệp đã được đăng ký: {name}"])
        return again(name_ok=True)
    if action == "btnTimNganh":
        results = [code for code, _ in search_industries(values["txtTimNganh"])]
        return again(searched=True)
    if action and (pick := _PICK.match(action)):
        index = int(pick.group(1))
        error = add_industry(draft, results[index]) if index < len(results) else None
        return again(errors=[error] if error else None)
    if action == "grdNganhDaChon" and pb.argument.startswith("Xoa$"):
        code = pb.argument.removeprefix("Xoa$")
        values["nganhNghe"] = [line for line in values["nganhNghe"] if line["maNganh"] != code]
        return again()
    if action == "btnThemDaiDien":
        values["nguoiDaiDien"].append(empty_representative())
        return again()
    if action == "btnNopHoSo" and page == LAST:
        return _submit(portal, request, session, draft, pb)
    return again()  # ddlTinh (the commune list follows the province), or a postback of nothing


def _submit(portal: Portal, request: Request, session: PortalSession, draft: Draft, pb: Postback) -> Response:
    """Store the application and send the browser to its receipt.

    With knob ``lost_answer_rate`` the answer is lost after the application is stored: a gateway error
    page, or (``lost_answer_mode`` "drop") a connection closed without any answer.
    """
    errors: list[str] = []
    if unsaved := draft.unsaved_pages():
        errors.append("Các trang chưa được lưu: " + ", ".join(f"{p}. {PAGE_TITLES[p]}" for p in unsaved))
    if portal.k.captcha:
        answer = pb.value("txtXacThuc")
        if not answer.strip():
            errors.append("Bạn chưa nhập các ký tự trong ảnh xác thực")
        elif not draft.captcha_id or not portal.captchas.check(draft.captcha_id, answer):
            errors.append("Các ký tự xác thực không đúng, vui lòng nhập lại")
    if not pb.form.get(PREFIX + "chkCamKet"):
        errors.append("Bạn phải xác nhận cam kết chịu trách nhiệm về tính hợp pháp, chính xác của hồ sơ")
    if not unsaved and portal.store.name_taken(draft.saved[1]["txtTenDoanhNghiep"]):
        errors.append(f"Tên doanh nghiệp đã được đăng ký: {name_key(draft.saved[1]['txtTenDoanhNghiep'])}")
    if errors:
        return _page(portal, request, session, draft, [], errors=errors)
    record = portal.store.submit(session.account, draft.form())
    session.wizard = None
    if portal.knobs.answer_lost():
        if portal.k.lost_answer_mode == "drop":
            drop_answer(request)
        return portal.templates.TemplateResponse(request, "gateway_error.html", {}, status_code=502)
    return RedirectResponse(f"/HoSo/BienNhan.aspx?so={record['receipt']}", status_code=302)
