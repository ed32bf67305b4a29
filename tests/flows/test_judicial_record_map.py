"""Mapping a dossier onto the Ministry of Justice form: every field, the portal's conventions, problems."""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.judicial_record.form import (
    FormAddress,
    JudicialRecordForm,
    ResidenceRow,
    id_card_attachment,
    map_dossier,
    upper_name,
)
from rpa.domain import Attachment, adminunits, parse_dossier
from rpa.errors import InvalidDossier, Problem
from rpa.procedures import read_form
from rpa.sandbox.seed import FLAWS, generate

TODAY = date(2025, 11, 20)
SEED_TODAY = date(2026, 11, 20)
SHA = "ab" * 32
KON_TUM = {"street": "25 Trần Phú", "commune": "Phường Quang Trung", "commune_code": "23281",
           "district": "Thành phố Kon Tum", "district_code": "608",
           "province": "Tỉnh Kon Tum", "province_code": "62"}  # fmt: skip
CURRENT = {"street": "Thôn 3", "commune": "Xã An Phú", "commune_code": "21034", "district": None,
           "district_code": None, "province": "Tỉnh Quảng Ngãi", "province_code": "51"}  # fmt: skip
DA_NANG = {"street": "12 Âu Cơ", "commune": "Phường Hòa Khánh", "province": "Thành phố Đà Nẵng"}
NOWHERE = {
    "street": "Thôn 1",
    "commune": "Xã Không Có",
    "district": "Huyện Đắk Hà",
    "province": "Tỉnh Kon Tum",
}

DOSSIER: dict[str, Any] = {
    "code": "000.00.01.H55-251103-0007",
    "procedure_code": "1.001234",
    "procedure_name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    "received_at": "2025-11-03T08:30:00+07:00",
    "due_at": "2025-11-17T16:30:00+07:00",
    "status": 2,
    "channel": "online",
    "applicant": {
        "full_name": "Nguyễn Thị Thu Hoà",
        "other_name": "Bé  Hai",
        "sex": "female",
        "birth_date": "15/06/1990",
        "birth_place": "Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
        "nationality": "VN",
        "ethnicity": "01",
        "identity": {
            "kind": "cccd",
            "number": "0511 9000 1234",
            "issue_date": "10/08/2021",
            "issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        },
        "permanent_address": KON_TUM,
        "temporary_address": DA_NANG,
        "phone": "+84 905 123 456",
        "email": "hoa.nguyen@example.vn",
    },
    "attachments": [
        {"name": "to_khai.pdf", "media_type": "application/pdf", "size": 30000, "sha256": SHA},
        {"name": "cccd_mat_truoc.jpg", "media_type": "image/jpeg", "size": 48213, "sha256": SHA},
    ],
    "payload": {
        "kind": "judicial_record",
        "father": {"full_name": "Đặng Văn Hưởng", "birth_date": "1962"},
        "mother": {"full_name": "Huỳnh Thị Ỷ", "birth_date": "02/09/1965"},
        "spouse": {"full_name": "Trần Quốc Việt", "birth_date": "1988"},
        "residence_history": [
            {"from_date": "01/09/2008", "to_date": "30/06/2012", "address": "Phường Hòa Khánh Bắc, Đà Nẵng",
             "occupation": "Sinh viên", "workplace": "Trường Đại học Bách khoa"},
            {"from_date": "15/06/2004", "to_date": "31/08/2008", "address": "Xã Nghĩa Dõng, TP Quảng Ngãi",
             "occupation": "Học sinh", "workplace": None},
            {"from_date": "01/07/2012", "to_date": None, "address": "25 Trần Phú,   TP Kon Tum",
             "occupation": None, "workplace": None},
        ],
        "certificate_type": 1,
        "confirm_court_ban": True,
        "purpose": "Bổ sung hồ sơ xin việc",
        "copies": 2,
        "delivery": {"method": "post", "address": CURRENT},
        "authorised_person": {
            "full_name": "Trần Quốc Việt",
            "identity": {"kind": "cccd", "number": "051088004321"},
            "relationship": "Chồng",
            "authorisation_date": "01/11/2025",
        },
    },
}  # fmt: skip


def dossier(**changes: Any) -> dict[str, Any]:
    """A fresh copy of DOSSIER with dotted paths changed (digits index lists)."""
    data = copy.deepcopy(DOSSIER)
    for path, value in changes.items():
        *head, last = path.split(".")
        target: Any = data
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return data


def problems_of(data: dict[str, Any], **kwargs: Any) -> list[Problem]:
    with pytest.raises(InvalidDossier) as caught:
        read_form(data, today=TODAY, **kwargs)
    return caught.value.problems


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    """A folder holding the attachments of DOSSIER, as the download step leaves them."""
    (tmp_path / "cccd_mat_truoc.jpg").write_bytes(b"\xff\xd8\xff\xe0 scan")
    (tmp_path / "to_khai.pdf").write_bytes(b"%PDF-1.7 form")
    return tmp_path


def test_every_field_of_a_realistic_dossier(scans: Path) -> None:
    form = read_form(DOSSIER, attachments_dir=scans, today=TODAY)
    assert form == JudicialRecordForm(
        fullName="NGUYỄN THỊ THU HOÀ",
        otherName="Bé Hai",
        genderId="2",
        birthDateStr="15/06/1990",
        birthPlace="Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
        nationalityId="VN",
        ethnicId="01",
        idTypeId="1",
        idNumber="051190001234",
        idIssueDateStr="10/08/2021",
        idIssuePlace="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        permanentAddress=FormAddress(legacy=False, provinceId="51", wardId="23293", street="25 Trần Phú"),
        temporaryAddress=FormAddress(legacy=False, provinceId="48", wardId="20200", street="12 Âu Cơ"),
        phone="0905123456",
        email="hoa.nguyen@example.vn",
        fatherName="ĐẶNG VĂN HƯỞNG",
        fatherBirthDateStr="1962",
        motherName="HUỲNH THỊ Ỷ",
        motherBirthDateStr="02/09/1965",
        spouseName="TRẦN QUỐC VIỆT",
        spouseBirthDateStr="1988",
        residences=[
            ResidenceRow(
                fromDateStr="15/06/2004",
                toDateStr="31/08/2008",
                address="Xã Nghĩa Dõng, TP Quảng Ngãi",
                occupation="Học sinh",
            ),
            ResidenceRow(
                fromDateStr="01/09/2008",
                toDateStr="30/06/2012",
                address="Phường Hòa Khánh Bắc, Đà Nẵng",
                occupation="Sinh viên",
                workplace="Trường Đại học Bách khoa",
            ),
            ResidenceRow(fromDateStr="01/07/2012", toPresent=True, address="25 Trần Phú, TP Kon Tum"),
        ],
        formType=1,
        isBanPosition=True,
        purpose="Bổ sung hồ sơ xin việc",
        copies=2,
        deliveryMethod="post",
        deliveryAddress=FormAddress(legacy=False, provinceId="51", wardId="21034", street="Thôn 3"),
        hasAuthorised=True,
        authName="TRẦN QUỐC VIỆT",
        authIdTypeId="1",
        authIdNumber="051088004321",
        authRelationship="Chồng",
        authDateStr="01/11/2025",
        idCardFile=scans / "cccd_mat_truoc.jpg",
    )


def test_map_dossier_takes_a_typed_dossier(scans: Path) -> None:
    typed = parse_dossier(DOSSIER, today=TODAY)
    located = [a.model_copy(update={"file": scans / a.name}) for a in typed.attachments]
    form = map_dossier(typed.model_copy(update={"attachments": located}))
    assert form == read_form(DOSSIER, attachments_dir=scans, today=TODAY)


def test_minimal_choices(scans: Path) -> None:
    data = dossier(**{
        "applicant.temporary_address": None, "applicant.other_name": None, "applicant.email": None,
        "applicant.ethnicity": None, "applicant.sex": "male", "applicant.identity.number": "051090001234",
        "payload.father": None, "payload.spouse": None, "payload.certificate_type": 2,
        "payload.confirm_court_ban": False, "payload.delivery": {"method": "at_agency", "address": CURRENT},
        "payload.authorised_person": None,
    })  # fmt: skip
    form = read_form(data, attachments_dir=scans, today=TODAY)
    assert (form.genderId, form.formType, form.isBanPosition, form.deliveryMethod) == (
        "1",
        2,
        False,
        "at_agency",
    )
    assert form.deliveryAddress is None  # an address given with delivery at the agency is not typed
    assert form.temporaryAddress is None and form.ethnicId is None and form.otherName is None
    assert (form.fatherName, form.fatherBirthDateStr, form.spouseName) == (None, None, None)
    assert not form.hasAuthorised
    assert (form.authName, form.authIdTypeId, form.authIdNumber, form.authRelationship) == (None,) * 4


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [("cccd", "051190001234", "1"), ("passport", "c1234567", "3")],
)
def test_identity_kind(scans: Path, kind: str, number: str, expected: str) -> None:
    data = dossier(**{"applicant.identity.kind": kind, "applicant.identity.number": number})
    form = read_form(data, attachments_dir=scans, today=TODAY)
    assert (form.idTypeId, form.idNumber) == (expected, number.upper())


def test_cmnd_is_type_2(scans: Path) -> None:
    cmnd = {"kind": "cmnd", "number": "212345678", "issue_date": "01/02/2010",
            "issue_place": "Công an tỉnh Quảng Ngãi"}  # fmt: skip
    data = dossier(**{"applicant.identity": cmnd,
                      "received_at": "2024-12-03T08:30:00+07:00", "due_at": "2024-12-17T16:30:00+07:00",
                      "payload.authorised_person.authorisation_date": "01/12/2024",
                      "payload.residence_history.2.to_date": "03/12/2024"})  # fmt: skip
    assert read_form(data, attachments_dir=scans, today=TODAY).idTypeId == "2"


# --- Names --------------------------------------------------------------------------------------------
LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
UPPER = "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ"


def test_upper_case_keeps_every_diacritic() -> None:
    assert len(LOWER) == len(UPPER) == 89
    assert upper_name(LOWER) == UPPER
    assert upper_name(unicodedata.normalize("NFD", LOWER)) == UPPER  # composed again
    assert upper_name("  Nguyễn   Văn Ánh ") == "NGUYỄN VĂN ÁNH"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Văn Ánh", "NGUYỄN VĂN ÁNH"),
        ("Đỗ Thị Hằng Nguyệt", "ĐỖ THỊ HẰNG NGUYỆT"),
        ("Lữ Ưng Ỷ", "LỮ ƯNG Ỷ"),
        ("Phạm Diệu Thuỵ", "PHẠM DIỆU THUỴ"),  # the other tone placement is kept as written
        ("Nay H'Bia", "NAY H'BIA"),
        ("Rơ Châm Hyưk", "RƠ CHÂM HYƯK"),
        ("Võ Thị Ẩn Ờ Ỡ", "VÕ THỊ ẨN Ờ Ỡ"),
    ],
)
def test_names_are_upper_cased(scans: Path, name: str, expected: str) -> None:
    data = dossier(**{"applicant.full_name": name, "payload.mother.full_name": name,
                      "payload.father.full_name": name, "payload.spouse.full_name": name,
                      "payload.authorised_person.full_name": name})  # fmt: skip
    form = read_form(data, attachments_dir=scans, today=TODAY)
    names = (form.fullName, form.motherName, form.fatherName, form.spouseName, form.authName)
    assert names == (expected,) * 5
    assert all(unicodedata.is_normalized("NFC", n) for n in names if n)


def test_nfd_input_is_typed_as_nfc(scans: Path) -> None:
    nfd = unicodedata.normalize
    data = dossier(**{"applicant.full_name": nfd("NFD", "Nguyễn Thị Thu Hoà"),
                      "applicant.permanent_address": {**CURRENT, "street": nfd("NFD", "Thôn Phước Lộc"),
                                                      "commune": nfd("NFD", "Xã An Phú")},
                      "payload.purpose": nfd("NFD", "Bổ sung hồ sơ xin việc")})  # fmt: skip
    form = read_form(data, attachments_dir=scans, today=TODAY)
    assert form.fullName == "NGUYỄN THỊ THU HOÀ" and unicodedata.is_normalized("NFC", form.fullName)
    assert form.permanentAddress == FormAddress(
        legacy=False, provinceId="51", wardId="21034", street="Thôn Phước Lộc"
    )
    assert form.purpose == "Bổ sung hồ sơ xin việc"
    assert form.permanentAddress.street is not None
    assert unicodedata.is_normalized("NFC", form.permanentAddress.street)


# --- Dates --------------------------------------------------------------------------------------------
def test_year_only_births(scans: Path) -> None:
    data = dossier(**{"applicant.birth_date": "1990", "payload.mother.birth_date": "1965",
                      "payload.residence_history.1.from_date": "01/01/2004"})  # fmt: skip
    form = read_form(data, attachments_dir=scans, today=TODAY)
    assert (form.birthDateStr, form.motherBirthDateStr, form.fatherBirthDateStr) == ("1990", "1965", "1962")
    assert form.birthYearOnly
    assert not read_form(dossier(), attachments_dir=scans, today=TODAY).birthYearOnly


def test_dates_are_zero_padded(scans: Path) -> None:
    data = dossier(**{"applicant.identity.issue_date": "2021-08-01", "payload.mother.birth_date": "2/9/1965"})
    form = read_form(data, attachments_dir=scans, today=TODAY)
    assert (form.idIssueDateStr, form.motherBirthDateStr) == ("01/08/2021", "02/09/1965")


# --- Addresses ----------------------------------------------------------------------------------------
def test_legacy_kon_tum_address_becomes_a_quang_ngai_commune(scans: Path) -> None:
    form = read_form(dossier(**{"payload.delivery.address": KON_TUM}), attachments_dir=scans, today=TODAY)
    expected = FormAddress(legacy=False, provinceId="51", wardId="23293", street="25 Trần Phú")
    assert form.permanentAddress == form.deliveryAddress == expected
    assert "23293" in {u.code for u in adminunits.communes("51")}  # a code the portal's select offers


def test_current_address_without_codes_is_found_by_name(scans: Path) -> None:
    address = {**CURRENT, "commune": "xã an phú", "commune_code": None, "province": "Quảng Ngãi",
               "province_code": None}  # fmt: skip
    form = read_form(dossier(**{"applicant.permanent_address": address}), attachments_dir=scans, today=TODAY)
    assert form.permanentAddress == FormAddress(
        legacy=False, provinceId="51", wardId="21034", street="Thôn 3"
    )


def test_unconvertible_address_names_the_field() -> None:
    found = problems_of(dossier(**{"applicant.permanent_address": NOWHERE}), require_files=False)
    assert [(p.field, p.label) for p in found] == [("applicant.permanent_address", "Nơi thường trú")]
    assert found[0].message == (
        "không chuyển được sang đơn vị hành chính mới: "
        "không tìm thấy xã/phường “Xã Không Có” trong danh mục cũ"
    )


def test_unconvertible_address_in_map_dossier(scans: Path) -> None:
    typed = parse_dossier(dossier(**{"payload.delivery.address": NOWHERE}), today=TODAY)
    with pytest.raises(InvalidDossier) as caught:
        map_dossier(typed, require_files=False)
    assert [p.field for p in caught.value.problems] == ["payload.delivery.address"]
    assert caught.value.dossier_code == DOSSIER["code"]
    assert str(caught.value).startswith(
        "Hồ sơ 000.00.01.H55-251103-0007 không hợp lệ:\n- Địa chỉ nhận kết quả"
    )


def test_two_level_address_in_an_old_province_is_refused() -> None:
    address = {"street": "Thôn 1", "commune": "Xã Đăk Mar", "province": "Tỉnh Kon Tum"}
    [problem] = problems_of(dossier(**{"applicant.temporary_address": address}), require_files=False)
    assert (problem.field, problem.label) == (
        "applicant.temporary_address.province",
        "Nơi tạm trú – tỉnh/thành phố",
    )
    assert "không tìm thấy tỉnh/thành phố “Tỉnh Kon Tum”" in problem.message


def test_unknown_commune_of_a_current_province() -> None:
    address = {**DA_NANG, "commune": "Phường Không Có"}
    [problem] = problems_of(dossier(**{"applicant.temporary_address": address}), require_files=False)
    assert problem.field == "applicant.temporary_address.commune"
    assert problem.message == (
        "không tìm thấy xã/phường thuộc Thành phố Đà Nẵng “Phường Không Có” "
        "trong danh mục đơn vị hành chính mới"
    )


def test_the_portal_needs_a_street() -> None:
    [problem] = problems_of(dossier(**{"applicant.permanent_address.street": None}), require_files=False)
    assert str(problem) == (
        "Nơi thường trú – số nhà, đường phố: không được để trống (cổng Bộ Tư pháp bắt buộc)"
    )


def test_wrong_codes_are_reported_once() -> None:
    found = problems_of(dossier(**{"applicant.permanent_address.district_code": "610"}), require_files=False)
    assert [p.field for p in found] == ["applicant.permanent_address.district_code"]


# --- The identity-card scan ---------------------------------------------------------------------------
def _attachment(name: str, media_type: str, size: int = 1000) -> Attachment:
    return Attachment(name=name, media_type=media_type, size=size, sha256=SHA)


def test_scan_is_chosen_by_name_then_by_picture() -> None:
    form, photo, card = (
        _attachment("to_khai.pdf", "application/pdf"),
        _attachment("anh_chan_dung.png", "image/png"),
        _attachment("Căn cước - mặt trước.pdf", "application/pdf"),
    )
    assert id_card_attachment([form, photo, card]) is card
    assert id_card_attachment([form, photo]) is photo
    assert id_card_attachment([form]) is None
    cmnd = _attachment("CMND.JPG", "image/jpeg")
    assert id_card_attachment([card, cmnd]) is cmnd  # a picture named like a card beats a PDF one


def test_missing_scan_is_a_problem(scans: Path) -> None:
    data = dossier(attachments=[DOSSIER["attachments"][0]])
    [problem] = problems_of(data, attachments_dir=scans)
    assert str(problem) == "Tệp đính kèm: thiếu ảnh chụp giấy tờ tùy thân"
    [problem] = problems_of(data, require_files=False)  # missing, not merely not downloaded
    assert problem.field == "attachments"


def test_scan_not_downloaded_yet() -> None:
    [problem] = problems_of(DOSSIER)
    assert str(problem) == (
        "Tệp đính kèm: thiếu ảnh chụp giấy tờ tùy thân (tệp “cccd_mat_truoc.jpg” chưa được tải về)"
    )
    form = read_form(DOSSIER, today=TODAY, require_files=False)
    assert form.idCardFile is None


def test_scan_the_portal_would_refuse(scans: Path) -> None:
    scan = {"name": "cccd.heic", "media_type": "image/heic", "size": 6 * 1024 * 1024, "sha256": SHA}
    found = problems_of(dossier(attachments=[scan]), attachments_dir=scans)
    assert [p.field for p in found] == ["attachments.0.media_type", "attachments.0.size"]
    assert found[1].message == "cổng Bộ Tư pháp chỉ nhận tệp tối đa 5 MB (tệp này 6,0 MB)"


def test_attachment_names_cannot_leave_the_folder(scans: Path) -> None:
    scan = {**DOSSIER["attachments"][1], "name": "../../etc/cccd_mat_truoc.jpg"}
    form = read_form(dossier(attachments=[scan]), attachments_dir=scans, today=TODAY)
    assert form.idCardFile == scans / "cccd_mat_truoc.jpg"


def test_relative_file_is_resolved_against_the_folder(scans: Path) -> None:
    scan = {**DOSSIER["attachments"][1], "file": "cccd_mat_truoc.jpg"}
    form = read_form(dossier(attachments=[scan]), attachments_dir=scans, today=TODAY)
    assert form.idCardFile == scans / "cccd_mat_truoc.jpg"


def test_mapping_reads_no_file(tmp_path: Path) -> None:
    """Pure: a path is passed on as it is; whether the file can be read is the upload's business."""
    form = read_form(DOSSIER, attachments_dir=tmp_path / "not-there", today=TODAY)
    assert form.idCardFile == tmp_path / "not-there" / "cccd_mat_truoc.jpg"


# --- Other portal rules, and every problem at once ----------------------------------------------------
def test_certificate_2_cannot_be_delegated() -> None:
    data = dossier(**{"payload.certificate_type": 2, "payload.confirm_court_ban": False})
    [problem] = problems_of(data, require_files=False)
    assert str(problem) == (
        "Người được ủy quyền: Phiếu lý lịch tư pháp số 2 không được yêu cầu cấp thông qua người được ủy quyền"
    )


def test_portal_needs_issue_date_place_and_a_known_ethnicity() -> None:
    data = dossier(**{"applicant.identity.issue_date": None, "applicant.identity.issue_place": None,
                      "applicant.ethnicity": "77"})  # fmt: skip
    found = problems_of(data, require_files=False)
    assert [p.field for p in found] == [
        "applicant.identity.issue_date",
        "applicant.identity.issue_place",
        "applicant.ethnicity",
    ]


def test_several_problems_listed_at_once(scans: Path) -> None:
    data = dossier(**{
        "applicant.phone": "09O1234567",  # validation
        "payload.residence_history.1.to_date": "31/07/2008",  # validation: a gap
        "applicant.permanent_address": NOWHERE,  # mapping
        "payload.delivery.address.street": None,  # mapping
        "attachments": [DOSSIER["attachments"][0]],  # mapping: no scan
        "payload.certificate_type": 2,  # mapping: delegated Phiếu số 2
        "payload.confirm_court_ban": False,  # (a court-ban confirmation would be one more problem)
    })  # fmt: skip
    with pytest.raises(InvalidDossier) as caught:
        read_form(data, attachments_dir=scans, today=TODAY)
    assert [p.field for p in caught.value.problems] == [
        "applicant.phone",
        "payload.residence_history",
        "payload.authorised_person",
        "applicant.permanent_address",
        "payload.delivery.address.street",
        "attachments",
    ]
    message = str(caught.value)
    assert message.count("\n- ") == 6 and "Nơi thường trú: không chuyển được" in message


def test_mapping_problems_join_the_rules_in_one_refusal(scans: Path) -> None:
    data = dossier(**{"applicant.permanent_address": NOWHERE})
    with pytest.raises(InvalidDossier) as caught:  # the residence history ends before this "today"
        read_form(data, today=date(2025, 10, 1))
    fields = [p.field for p in caught.value.problems]
    assert fields[0] == "received_at" and fields[-2:] == ["applicant.permanent_address", "attachments"]


# --- Seeded dossiers ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, Path]]:
    root = tmp_path_factory.mktemp("seeded")
    out = []
    for item in generate(2026, 100, today=SEED_TODAY):
        folder = root / item.data["code"]
        folder.mkdir()
        for file in item.files:
            (folder / file.name).write_bytes(file.content)
        out.append((item, folder))
    return out


def test_every_flawed_seeded_dossier_is_refused(seeded: list[tuple[Any, Path]]) -> None:
    flawed = [(item, folder) for item, folder in seeded if item.flaw is not None]
    assert {item.flaw for item, _ in flawed} == set(FLAWS)
    for item, folder in flawed:
        with pytest.raises(InvalidDossier) as caught:
            read_form(item.data, attachments_dir=folder, today=SEED_TODAY)
        assert caught.value.problems, item.flaw
        assert caught.value.dossier_code == item.data["code"]


def test_every_valid_seeded_dossier_maps(seeded: list[tuple[Any, Path]]) -> None:
    valid = [(item, folder) for item, folder in seeded if item.flaw is None]
    assert len(valid) == 86 and {item.tricky for item, _ in valid} >= {"legacy_address", "nfd_text"}
    for item, folder in valid:
        form = read_form(item.data, attachments_dir=folder, today=SEED_TODAY)
        applicant = item.data["applicant"]
        assert form.fullName == unicodedata.normalize("NFC", applicant["full_name"]).upper()
        assert form.birthDateStr == applicant["birth_date"]
        assert form.idCardFile is not None and form.idCardFile.is_file()
        assert form.idCardFile.name.startswith("cccd")
        for address in (form.permanentAddress, form.temporaryAddress, form.deliveryAddress):
            if address is not None:
                assert not address.legacy and address.street
                assert address.wardId in {u.code for u in adminunits.communes(address.provinceId)}
        if item.tricky == "legacy_address":
            assert applicant["permanent_address"]["district"] is not None
        assert len(form.residences) == len(item.data["payload"]["residence_history"])
        assert form.residences[-1].toPresent == (
            item.data["payload"]["residence_history"][-1]["to_date"] is None
        )
