"""Validation of a dossier: every problem at once, in Vietnamese, each naming its field.

Two layers. Pydantic checks each field as it is read (types, required fields, NFC and text hygiene,
dd/MM/yyyy dates, lengths, phone shape); ``labels.translate`` turns its errors into ``Problem``s. The
cross-field rules below (identity numbers against sex and birth year, dates against today, the
residence history, delivery, unit codes) run on whatever parts of the dossier could be read, so a
clerk sees all that is wrong in one pass rather than one error per round trip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from rpa.clock import vn_today
from rpa.domain.dates import BirthDate, format_vn_date
from rpa.domain.dossier import Dossier
from rpa.domain.identity import identity_problems
from rpa.domain.judicial_record import (
    AuthorisedPerson,
    Delivery,
    DeliveryMethod,
    ResidencePeriod,
    residence_coverage,
)
from rpa.domain.labels import problem as _problem
from rpa.domain.labels import translate
from rpa.domain.person import Address, IdentityDocument, Relative, Sex
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
    today = today or vn_today()
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
    return _rules(_Parts.of(dossier), today or vn_today())


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
