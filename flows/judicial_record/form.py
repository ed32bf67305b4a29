"""What the Ministry of Justice judicial-record form receives: one value per form field.

Keys follow the portal's own field names (version 1 of its UI), which are also the keys the sandbox
stores, so "every field equal to the source" is a plain comparison. ``map_dossier`` (below, pure, no
browser) turns a :class:`rpa.domain.Dossier` into this form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from flows.judicial_record.model import CertificateType, Delivery, DeliveryMethod, JudicialRecordRequest
from flows.judicial_record.rules import court_ban_problems, written_authorisation_problems
from rpa.domain import (
    Address,
    Attachment,
    Dossier,
    IdentityDocument,
    IdentityKind,
    Relative,
    Sex,
    adminunits,
    format_vn_date,
    label_for,
)
from rpa.domain.text import fold, nfc
from rpa.domain.validation import read_part
from rpa.errors import AddressNotConvertible, InvalidDossier, Problem

__all__ = [
    "FormAddress",
    "JudicialRecordForm",
    "ResidenceRow",
    "form_address",
    "id_card_attachment",
    "map_dossier",
    "salvage_problems",
    "upper_name",
]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormAddress(_Form):
    """An address group (Nơi thường trú, Nơi tạm trú, Địa chỉ nhận kết quả) as the portal's selects take it.

    ``legacy`` ticks "Địa chỉ trước 01/07/2025" and adds the district select; codes are the option values.
    """

    legacy: bool
    provinceId: str
    districtId: str | None = None
    wardId: str
    street: str | None = None


class ResidenceRow(_Form):
    fromDateStr: str  # dd/MM/yyyy
    toDateStr: str | None = None  # None with toPresent: "đến nay"
    toPresent: bool = False
    address: str
    occupation: str | None = None
    workplace: str | None = None


class JudicialRecordForm(_Form):
    """Sections A-D of the application, values exactly as typed or chosen on the portal."""

    # A. Người yêu cầu cấp phiếu
    fullName: str  # UPPER CASE with diacritics, NFC
    otherName: str | None = None
    genderId: str  # "1" Nam, "2" Nữ
    birthDateStr: str  # dd/MM/yyyy, or yyyy for a year-only birth
    birthYearOnly: bool = False  # ticks "Chỉ có năm sinh" so the portal takes a bare year
    birthPlace: str
    nationalityId: str  # ISO alpha-2
    ethnicId: str | None = None  # national ethnic code, "01" Kinh
    idTypeId: str  # "1" CCCD, "2" CMND, "3" passport
    idNumber: str
    idIssueDateStr: str | None = None
    idIssuePlace: str | None = None
    permanentAddress: FormAddress
    temporaryAddress: FormAddress | None = None
    phone: str | None = None
    email: str | None = None
    # B. Cha, mẹ, vợ/chồng
    fatherName: str | None = None
    fatherBirthDateStr: str | None = None
    motherName: str
    motherBirthDateStr: str | None = None
    spouseName: str | None = None
    spouseBirthDateStr: str | None = None
    # C. Quá trình cư trú
    residences: list[ResidenceRow]
    # D. Yêu cầu
    formType: int  # 1 or 2
    isBanPosition: bool
    purpose: str
    copies: int
    deliveryMethod: str  # "at_agency" | "post"
    deliveryAddress: FormAddress | None = None
    hasAuthorised: bool
    authName: str | None = None
    authIdTypeId: str | None = None
    authIdNumber: str | None = None
    authRelationship: str | None = None
    authIsRelative: bool = False  # parent, spouse or child: no written authorisation (art. 45)
    authDateStr: str | None = None  # the written authorisation's date; None only with authIsRelative
    idCardFile: Path | None = None  # the identity-card scan to upload

    @model_validator(mode="after")
    def _only_what_the_portal_offers(self) -> JudicialRecordForm:
        # The portal offers the court-ban confirmation and the authorised person for Phiếu số 1 only
        # (Luật Lý lịch tư pháp, điều 42 and 46): a form asking them for Phiếu số 2 cannot be typed.
        if self.formType == 2 and (self.isBanPosition or self.hasAuthorised):
            raise ValueError("Phiếu số 2: no court-ban confirmation and no authorised person")
        if self.hasAuthorised and not self.authIsRelative and not self.authDateStr:
            raise ValueError(
                "an authorisation by someone other than a parent, spouse or child needs its date"
            )
        return self


# --- Mapping: Dossier -> JudicialRecordForm ---------------------------------------------------------
ID_TYPES: dict[IdentityKind, str] = {
    IdentityKind.CCCD: "1",
    IdentityKind.CMND: "2",
    IdentityKind.PASSPORT: "3",
}
GENDERS: dict[Sex, str] = {Sex.MALE: "1", Sex.FEMALE: "2"}
ETHNIC_CODES = frozenset(f"{i:02d}" for i in range(1, 56))
"""National ethnic-group codes the portal offers: 01 Kinh … 54 Rơ-măm, 55 người nước ngoài."""
ID_CARD_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
"""Media types the portal's identity-card upload accepts."""
ID_CARD_MAX_BYTES = 5 * 1024 * 1024
_ID_CARD_HINTS = (
    "cccd",
    "cmnd",
    "can cuoc",
    "chung minh",
    "ho chieu",
    "passport",
    "giay to tuy than",
    "id card",
    "idcard",
)
MISSING_ID_CARD = "thiếu ảnh chụp giấy tờ tùy thân"


def map_dossier(dossier: Dossier, *, require_files: bool = True) -> JudicialRecordForm:
    """The portal's form data for ``dossier``. Pure: no browser, no file or network access.

    ``dossier`` was validated by :func:`rpa.domain.parse_dossier` (its cross-field rules ran there);
    these are the portal's own needs: post-2025 unit codes for every address (legacy three-level
    addresses are converted, see :func:`form_address`), the identity document's issue date and place,
    a known ethnic code, Phiếu số 2 not delegated, and the identity-card scan to upload.

    Args:
        dossier: a typed dossier of this procedure.
        require_files: when True (the default) the identity-card scan must have a local ``file``;
            when False a scan not downloaded yet leaves ``idCardFile`` None (for a dry run).

    Raises:
        InvalidDossier: listing every problem, each in Vietnamese and naming its field.
    """
    form, problems = _map(dossier, require_files)
    if problems or form is None:
        raise InvalidDossier(problems, dossier.code)
    return form


def upper_name(name: str) -> str:
    """A name as the portal wants it: NFC, single spaces, upper case, every diacritic kept."""
    return nfc(" ".join(nfc(name).split()).upper())


def _clean(text: str | None) -> str | None:
    """NFC with whitespace runs (newlines too) collapsed to one space, as the portal stores text."""
    if text is None:
        return None
    return " ".join(nfc(text).split()) or None


def _problem(path: str, message: str) -> Problem:
    return Problem(path, label_for(path), message)


def form_address(path: str, address: Address) -> tuple[FormAddress | None, list[Problem]]:
    """An address as the portal's post-2025 selects take it, or the problems that prevent it.

    A legacy (three-level) address is converted with :meth:`Address.to_current` rather than typed in
    the portal's "Địa chỉ trước 01/07/2025" mode: the ministry sends the certificate to, and files the
    record under, units that exist today, and the domain rule is to convert old units to new ones
    where a portal asks for new units. The street line is kept as the citizen wrote it. An address
    whose codes contradict its names is left to :func:`rpa.domain.check`, which reports it.
    """
    if address.code_mismatches():
        return None, []
    problems: list[Problem] = []
    street = _clean(address.street)
    if street is None:
        problems.append(_problem(f"{path}.street", "không được để trống (cổng Bộ Tư pháp bắt buộc)"))
    current = address
    if address.is_legacy:
        try:
            current = address.to_current()
        except AddressNotConvertible as exc:
            message = f"không chuyển được sang đơn vị hành chính mới: {exc.reason}"
            return None, [*problems, _problem(path, message)]
    province = _unit(
        current.province_code, current.province, adminunits.provinces(), f"{path}.province", "tỉnh/thành phố"
    )
    if isinstance(province, Problem):
        return None, [*problems, province]
    ward = _unit(
        current.commune_code,
        current.commune,
        adminunits.communes(province.code),
        f"{path}.commune",
        f"xã/phường thuộc {province.name}",
    )
    if isinstance(ward, Problem):
        return None, [*problems, ward]
    if problems or street is None:
        return None, problems
    return FormAddress(legacy=False, provinceId=province.code, wardId=ward.code, street=street), []


def _unit(
    code: str | None, name: str, units: tuple[adminunits.Unit, ...], path: str, what: str
) -> adminunits.Unit | Problem:
    """The unit of the current scheme that ``code`` (or, without a code, ``name``) designates."""
    if code is not None:
        found = [u for u in units if u.code == code and adminunits.same_unit(u.name, name)]
    else:
        found = [u for u in units if adminunits.same_unit(u.name, name)]
    if len(found) == 1:
        return found[0]
    if found:
        return _problem(path, f"có nhiều {what} tên “{name}”; cần ghi mã đơn vị")
    return _problem(path, f"không tìm thấy {what} “{name}” trong danh mục đơn vị hành chính mới")


def _looks_like_id_card(attachment: Attachment) -> bool:
    words = " ".join(re.split(r"[^0-9a-z]+", fold(attachment.name).lower()))
    return any(hint in words or hint.replace(" ", "") in words for hint in _ID_CARD_HINTS)


def id_card_attachment(attachments: Sequence[Attachment]) -> Attachment | None:
    """The identity-card scan among ``attachments``: named like one first, then any picture."""
    named = [a for a in attachments if _looks_like_id_card(a)]
    pictures = [a for a in attachments if a.media_type.startswith("image/")]
    ranked = [a for a in named if a in pictures] or named or pictures
    return ranked[0] if ranked else None


def _id_card(attachments: Sequence[Attachment], require_files: bool) -> tuple[Path | None, list[Problem]]:
    scan = id_card_attachment(attachments)
    if scan is None:
        return None, [Problem("attachments", label_for("attachments"), MISSING_ID_CARD)]
    path = f"attachments.{attachments.index(scan)}"
    problems = []
    if scan.media_type not in ID_CARD_TYPES:
        message = f"cổng Bộ Tư pháp chỉ nhận ảnh JPG, PNG hoặc tệp PDF (tệp này là {scan.media_type})"
        problems.append(_problem(f"{path}.media_type", message))
    if scan.size > ID_CARD_MAX_BYTES:
        megabytes = f"{scan.size / 1024 / 1024:.1f}".replace(".", ",")
        message = f"cổng Bộ Tư pháp chỉ nhận tệp tối đa 5 MB (tệp này {megabytes} MB)"
        problems.append(_problem(f"{path}.size", message))
    if scan.file is None and require_files:
        message = f"{MISSING_ID_CARD} (tệp “{scan.name}” chưa được tải về)"
        problems.append(Problem("attachments", label_for("attachments"), message))
    return scan.file, problems


def _identity_problems(path: str, identity: IdentityDocument) -> list[Problem]:
    """The portal requires the issue date and place, which the dossier may leave blank."""
    required = "không được để trống (cổng Bộ Tư pháp bắt buộc)"
    return [
        _problem(f"{path}.{key}", required)
        for key, value in (("issue_date", identity.issue_date), ("issue_place", identity.issue_place))
        if value is None
    ]


def _ethnicity_problems(ethnicity: str | None) -> list[Problem]:
    if ethnicity is None or ethnicity in ETHNIC_CODES:
        return []
    message = f"“{ethnicity}” không có trong danh mục dân tộc (01 Kinh … 54 Rơ-măm, 55 người nước ngoài)"
    return [_problem("applicant.ethnicity", message)]


def _delegation_problems(request: JudicialRecordRequest) -> list[Problem]:
    """Luật Lý lịch tư pháp, điều 46: only Phiếu số 1 may be requested through an authorised person."""
    if request.authorised_person is None or request.certificate_type is not CertificateType.TYPE_2:
        return []
    return [_delegation_problem()]


def _delegation_problem() -> Problem:
    message = "Phiếu lý lịch tư pháp số 2 không được yêu cầu cấp thông qua người được ủy quyền"
    return _problem("payload.authorised_person", message)


def _date(value: date | None) -> str | None:
    return format_vn_date(value) if value is not None else None


def _relative(person: Relative | None) -> tuple[str | None, str | None]:
    if person is None:
        return None, None
    return upper_name(person.full_name), str(person.birth_date) if person.birth_date else None


def _map(dossier: Dossier, require_files: bool) -> tuple[JudicialRecordForm | None, list[Problem]]:
    """The form, or None with the problems that prevent it (``check``'s findings excluded)."""
    a, p = dossier.applicant, dossier.payload
    assert isinstance(p, JudicialRecordRequest)
    problems = _identity_problems("applicant.identity", a.identity)
    problems += _ethnicity_problems(a.ethnicity)
    problems += _delegation_problems(p)
    # Found by the payload rules already; again here so a form the portal cannot take is never built.
    problems += court_ban_problems(p, {}) + written_authorisation_problems(p.authorised_person, {})
    addresses: dict[str, FormAddress | None] = {}
    for key, path, address in (
        ("permanent", "applicant.permanent_address", a.permanent_address),
        ("temporary", "applicant.temporary_address", a.temporary_address),
        ("delivery", "payload.delivery.address", p.delivery.address if _by_post(p) else None),
    ):
        if address is not None:
            addresses[key], found = form_address(path, address)
            problems += found
    id_card, found = _id_card(dossier.attachments, require_files)
    problems += found
    permanent = addresses.get("permanent")
    if problems or permanent is None or (_by_post(p) and addresses.get("delivery") is None):
        return None, problems
    father, mother, spouse = _relative(p.father), _relative(p.mother), _relative(p.spouse)
    auth = p.authorised_person
    form = JudicialRecordForm(
        fullName=upper_name(a.full_name),
        otherName=_clean(a.other_name),
        genderId=GENDERS[a.sex],
        birthDateStr=str(a.birth_date),
        birthYearOnly=a.birth_date.is_year_only,
        birthPlace=_clean(a.birth_place) or "",
        nationalityId=a.nationality,
        ethnicId=a.ethnicity,
        idTypeId=ID_TYPES[a.identity.kind],
        idNumber=_id_number(a.identity),
        idIssueDateStr=_date(a.identity.issue_date),
        idIssuePlace=_clean(a.identity.issue_place),
        permanentAddress=permanent,
        temporaryAddress=addresses.get("temporary"),
        phone=a.phone,
        email=_clean(a.email),
        fatherName=father[0],
        fatherBirthDateStr=father[1],
        motherName=mother[0] or "",
        motherBirthDateStr=mother[1],
        spouseName=spouse[0],
        spouseBirthDateStr=spouse[1],
        residences=[
            ResidenceRow(
                fromDateStr=format_vn_date(row.from_date),
                toDateStr=_date(row.to_date),
                toPresent=row.to_date is None,
                address=_clean(row.address) or "",
                occupation=_clean(row.occupation),
                workplace=_clean(row.workplace),
            )
            for row in sorted(p.residence_history, key=lambda row: row.from_date)
        ],
        formType=int(p.certificate_type),
        isBanPosition=p.confirm_court_ban,
        purpose=_clean(p.purpose) or "",
        copies=p.copies,
        deliveryMethod=p.delivery.method.value,
        deliveryAddress=addresses.get("delivery"),
        hasAuthorised=auth is not None,
        authName=upper_name(auth.full_name) if auth else None,
        authIdTypeId=ID_TYPES[auth.identity.kind] if auth else None,
        authIdNumber=_id_number(auth.identity) if auth else None,
        authRelationship=_clean(auth.relationship) if auth else None,
        authIsRelative=auth is not None and not auth.relation.needs_written_authorisation,
        authDateStr=_date(auth.authorisation_date) if auth else None,
        idCardFile=id_card,
    )
    return form, []


def _by_post(request: JudicialRecordRequest) -> bool:
    return request.delivery.method is DeliveryMethod.POST


def _id_number(identity: IdentityDocument) -> str:
    return "".join(identity.number.split()).upper()


# --- salvage: what the form would refuse in a dossier that did not validate -----------------------
def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def salvage_problems(
    data: Mapping[str, Any], attachments: list[Attachment] | None, require_files: bool
) -> list[Problem]:
    """Mapping problems of the parts of an invalid dossier that can be read on their own."""
    applicant, payload = _mapping(data.get("applicant")), _mapping(data.get("payload"))
    problems: list[Problem] = []
    identity = read_part(IdentityDocument, applicant.get("identity"))
    if identity is not None:
        problems += _identity_problems("applicant.identity", identity)
    ethnicity = applicant.get("ethnicity")
    if isinstance(ethnicity, str) and re.fullmatch(r"\d{2}", ethnicity):
        problems += _ethnicity_problems(ethnicity)
    authorised = payload.get("authorised_person")
    if payload.get("certificate_type") in (2, "2") and isinstance(authorised, Mapping) and authorised:
        problems += [_delegation_problem()]
    delivery = read_part(Delivery, payload.get("delivery"))
    for path, raw in (
        ("applicant.permanent_address", applicant.get("permanent_address")),
        ("applicant.temporary_address", applicant.get("temporary_address")),
        (
            "payload.delivery.address",
            delivery.address if delivery and delivery.method is DeliveryMethod.POST else None,
        ),
    ):
        address = raw if isinstance(raw, Address) else read_part(Address, raw)
        if address is not None:
            problems += form_address(path, address)[1]
    if attachments is not None:
        problems += _id_card(attachments, require_files)[1]
    return problems
