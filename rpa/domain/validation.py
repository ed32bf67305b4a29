"""Validation of a dossier: every problem at once, in Vietnamese, each naming its field.

Two layers. Pydantic checks each field as it is read (types, required fields, NFC and text hygiene,
dd/MM/yyyy dates, lengths, phone shape); ``labels.translate`` turns its errors into ``Problem``s. The
cross-field rules below (identity numbers against sex and birth year, dates against today, the
residence history, delivery, unit codes) run on whatever parts of the dossier could be read, so a
clerk sees all that is wrong in one pass rather than one error per round trip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from rpa.adminunits import provinces
from rpa.domain.dates import BirthDate, format_vn_date
from rpa.domain.dossier import Dossier
from rpa.domain.judicial_record import (
    AuthorisedPerson,
    Delivery,
    DeliveryMethod,
    ResidencePeriod,
    residence_coverage,
)
from rpa.domain.labels import label_for, translate
from rpa.domain.person import Address, IdentityDocument, IdentityKind, Relative, Sex
from rpa.errors import InvalidDossier, Problem

__all__ = ["check", "parse_dossier"]

ADULT_RECORD_AGE = 14  # section C covers the residence history from this age on

_M = TypeVar("_M", bound=BaseModel)


def parse_dossier(data: Mapping[str, Any], *, today: date | None = None) -> Dossier:
    """Read a dossier from its JSON shape (``Dossier.model_dump(mode="json")``) and validate it.

    When some fields cannot be read, the cross-field rules still run on the parts that can, with
    these exceptions (the field's own problem is reported instead):
    - identity-number rules need the identity block; sex/birth-year consistency also needs those;
    - the residence-history coverage needs every row readable, and the birth date to check the start;
    - "not after the received date" checks need ``received_at``; without it today is used as the
      end of the residence history;
    - unit-code checks need the whole address block.

    Raises:
        InvalidDossier: listing every problem found, with the dossier code when one could be read.
    """
    today = today or date.today()
    problems: list[Problem] = []
    dossier: Dossier | None = None
    try:
        dossier = Dossier.model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(translate(e) for e in exc.errors())
    parts = _Parts.of(dossier) if dossier is not None else _Parts.salvage(data)
    problems.extend(_rules(parts, today))
    if problems:
        code = data.get("code")
        raise InvalidDossier(problems, code if isinstance(code, str) else None)
    assert dossier is not None
    return dossier


def check(dossier: Dossier, today: date | None = None) -> list[Problem]:
    """The cross-field problems of an already-typed dossier (empty when it is fine)."""
    return _rules(_Parts.of(dossier), today or date.today())


# --- The parts the cross-field rules read ---------------------------------------------------------
@dataclass
class _Parts:
    """Whatever could be read of a dossier; None where a part failed validation."""

    received: datetime | None = None
    due: datetime | None = None
    sex: Sex | None = None
    birth: BirthDate | None = None
    nationality: str | None = None
    identity: IdentityDocument | None = None
    addresses: dict[str, Address] = field(default_factory=dict)  # by path
    relatives: dict[str, Relative] = field(default_factory=dict)  # by path
    rows: list[ResidencePeriod] | None = None
    delivery: Delivery | None = None
    authorised: AuthorisedPerson | None = None

    @classmethod
    def of(cls, d: Dossier) -> _Parts:
        a, p = d.applicant, d.payload
        addresses = {"applicant.permanent_address": a.permanent_address}
        if a.temporary_address:
            addresses["applicant.temporary_address"] = a.temporary_address
        if p.delivery.address:
            addresses["payload.delivery.address"] = p.delivery.address
        relatives = {
            f"payload.{k}": r
            for k, r in (("father", p.father), ("mother", p.mother), ("spouse", p.spouse))
            if r is not None
        }
        return cls(
            d.received_at,
            d.due_at,
            a.sex,
            a.birth_date,
            a.nationality,
            a.identity,
            addresses,
            relatives,
            list(p.residence_history),
            p.delivery,
            p.authorised_person,
        )

    @classmethod
    def salvage(cls, data: Mapping[str, Any]) -> _Parts:
        """Read each part on its own, so one bad field does not hide the rules of the others."""
        applicant, payload = _dict(data.get("applicant")), _dict(data.get("payload"))
        rows_raw = payload.get("residence_history")
        rows = [_read(ResidencePeriod, r) for r in rows_raw] if isinstance(rows_raw, list) else None
        parts = cls(
            received=_adapt(datetime, data.get("received_at")),
            due=_adapt(datetime, data.get("due_at")),
            sex=_adapt(Sex, applicant.get("sex")),
            birth=_adapt(BirthDate, applicant.get("birth_date")),
            nationality=applicant.get("nationality", "VN"),
            identity=_read(IdentityDocument, applicant.get("identity")),
            rows=None if rows is None or None in rows else [r for r in rows if r is not None],
            delivery=_read(Delivery, payload.get("delivery", {})),
            authorised=_read(AuthorisedPerson, payload.get("authorised_person")),
        )
        for path, raw in (
            ("applicant.permanent_address", applicant.get("permanent_address")),
            ("applicant.temporary_address", applicant.get("temporary_address")),
            ("payload.delivery.address", _dict(payload.get("delivery")).get("address")),
        ):
            address = _read(Address, raw)
            if address is not None:
                parts.addresses[path] = address
        for key in ("father", "mother", "spouse"):
            relative = _read(Relative, payload.get(key))
            if relative is not None:
                parts.relatives[f"payload.{key}"] = relative
        return parts


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _read(model: type[_M], raw: Any) -> _M | None:
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _adapt(kind: Any, raw: Any) -> Any:
    try:
        return TypeAdapter(kind).validate_python(raw) if raw is not None else None
    except ValidationError:
        return None


# --- Cross-field rules ----------------------------------------------------------------------------
def _problem(path: str, message: str, label: str | None = None) -> Problem:
    return Problem(path, label or label_for(path), message)


def _rules(p: _Parts, today: date) -> list[Problem]:
    received = p.received.date() if p.received else None
    out: list[Problem] = []
    out += _dossier_dates(p, today)
    out += _not_future(p, today, received)
    if p.identity is not None:
        out += identity_problems("applicant.identity", p.identity, p.sex, p.birth, p.nationality, received)
    if p.authorised is not None:
        out += identity_problems(
            "payload.authorised_person.identity",
            p.authorised.identity,
            None,
            None,
            None,
            received,
            whose=" của người được ủy quyền",
        )
    if p.rows is not None:
        out += _residence(p.rows, p.birth, received or today)
    if p.delivery is not None and p.delivery.method is DeliveryMethod.POST and p.delivery.address is None:
        out.append(_problem("payload.delivery.address", "không được để trống khi nhận kết quả qua bưu chính"))
    for path, address in p.addresses.items():
        out += [_problem(f"{path}.{f}", m) for f, m in address.code_mismatches().items()]
    return out


def _dossier_dates(p: _Parts, today: date) -> list[Problem]:
    out = []
    if p.received is not None and p.received.date() > today:
        out.append(_problem("received_at", f"không được sau ngày hôm nay ({format_vn_date(today)})"))
    if p.received is not None and p.due is not None:
        try:
            early = p.due <= p.received
        except TypeError:  # one carries a time zone and the other not: compare the days
            early = p.due.date() <= p.received.date()
        if early:
            out.append(_problem("due_at", f"phải sau thời điểm tiếp nhận ({p.received:%d/%m/%Y %H:%M})"))
    return out


def _not_future(p: _Parts, today: date, received: date | None) -> list[Problem]:
    """Birth, issue, residence and authorisation dates cannot lie after today."""
    dated: list[tuple[str, date | None]] = [("applicant.birth_date", p.birth.earliest() if p.birth else None)]
    dated += [
        (f"{path}.birth_date", r.birth_date.earliest() if r.birth_date else None)
        for path, r in p.relatives.items()
    ]
    if p.identity is not None:
        dated.append(("applicant.identity.issue_date", p.identity.issue_date))
    if p.authorised is not None:
        dated.append(("payload.authorised_person.identity.issue_date", p.authorised.identity.issue_date))
        dated.append(("payload.authorised_person.authorisation_date", p.authorised.authorisation_date))
    for i, row in enumerate(p.rows or []):
        dated += [
            (f"payload.residence_history.{i}.from_date", row.from_date),
            (f"payload.residence_history.{i}.to_date", row.to_date),
        ]
    out = [
        _problem(path, f"không được sau ngày hôm nay ({format_vn_date(today)})")
        for path, day in dated
        if day is not None and day > today
    ]
    issue = p.identity.issue_date if p.identity else None
    if issue is not None and p.birth is not None and issue < p.birth.earliest():
        out.append(_problem("applicant.identity.issue_date", f"không được trước ngày sinh ({p.birth})"))
    if p.authorised is not None and received is not None and p.authorised.authorisation_date > received:
        out.append(
            _problem(
                "payload.authorised_person.authorisation_date",
                f"không được sau ngày tiếp nhận hồ sơ ({format_vn_date(received)})",
            )
        )
    return out


def _residence(rows: Sequence[ResidencePeriod], birth: BirthDate | None, end: date) -> list[Problem]:
    start = birth.anniversary(ADULT_RECORD_AGE) if birth else None
    path = "payload.residence_history"
    return [
        _problem(f"{path}.{issue.row - 1}.to_date" if issue.row else path, issue.message)
        for issue in residence_coverage(list(rows), start, end)
    ]


# --- Identity numbers -----------------------------------------------------------------------------
CMND_LAST_VALID_DAY = date(2024, 12, 31)
# CCCD digit 4 → the hundreds of the birth year (0/1: 1900-1999, 2/3: 2000-2099, 4/5: 2100-2199).
# Not the ordinal century: the year 2000 has digit 2 although it closes the 20th century.
_HUNDREDS = {0: 19, 1: 19, 2: 20, 3: 20, 4: 21, 5: 21}


@cache
def _birth_registration_codes() -> frozenset[str]:
    """CCCD digits 1-3: the legacy (63-province) code where the birth was registered, zero-padded."""
    return frozenset(u.code.zfill(3) for u in provinces(legacy=True))


def identity_problems(
    path: str,
    identity: IdentityDocument,
    sex: Sex | None,
    birth: BirthDate | None,
    nationality: str | None,
    received: date | None,
    whose: str = "",
) -> list[Problem]:
    """Shape of the number per kind, CCCD consistency with sex and birth year, CMND expiry.

    Messages never repeat the number itself: problems end up in logs, and identity numbers must not.
    """
    number, kind = identity.number.replace(" ", "").upper(), identity.kind
    field, label = f"{path}.number", f"Số {kind.short}{whose}"
    if kind is IdentityKind.CMND:
        if not re.fullmatch(r"\d{9}", number):
            return [_problem(field, "phải gồm đúng 9 chữ số", label)]
        if (received or date.max) > CMND_LAST_VALID_DAY:
            message = "CMND hết giá trị sử dụng từ 01/01/2025; cần dùng thẻ căn cước/CCCD"
            return [_problem(field, message, label)]
        return []
    if kind is IdentityKind.PASSPORT:
        if nationality == "VN" and not re.fullmatch(r"[A-Z]\d{7}", number):
            return [_problem(field, "hộ chiếu Việt Nam gồm 1 chữ cái và 7 chữ số (ví dụ C1234567)", label)]
        if not re.fullmatch(r"[A-Z0-9]{6,9}", number):
            return [_problem(field, "phải gồm 6 đến 9 chữ cái hoặc chữ số", label)]
        return []
    if not re.fullmatch(r"\d{12}", number):
        return [_problem(field, "phải gồm đúng 12 chữ số", label)]
    out = []
    if number[:3] not in _birth_registration_codes():
        message = f"3 chữ số đầu ({number[:3]}) không phải mã tỉnh nơi đăng ký khai sinh"
        out.append(_problem(field, message, label))
    digit = int(number[3])
    if digit not in _HUNDREDS:
        return [*out, _problem(field, f"chữ số thứ 4 ({digit}) phải từ 0 đến 5", label)]
    hundreds, card_sex = _HUNDREDS[digit], Sex.FEMALE if digit % 2 else Sex.MALE
    century = hundreds + 1  # as people say it: 1900-1999 is "thế kỷ 20"
    mismatches = []
    if sex is not None and sex is not card_sex:
        mismatches.append(f"giới tính {sex.label}")
    if birth is not None and birth.year // 100 != hundreds:
        mismatches.append(f"năm sinh {birth.year}")
    if mismatches:
        out.append(
            _problem(
                field,
                f"chữ số thứ 4 cho biết giới tính {card_sex.label}, sinh thế kỷ {century} "
                f"nhưng hồ sơ ghi {' và '.join(mismatches)}",
                label,
            )
        )
    if birth is not None and number[4:6] != f"{birth.year % 100:02d}":
        message = f"chữ số thứ 5-6 ({number[4:6]}) phải là hai số cuối của năm sinh {birth.year}"
        out.append(_problem(field, message, label))
    return out
