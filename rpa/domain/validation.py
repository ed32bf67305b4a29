"""Validation of a dossier: every problem at once, in Vietnamese, each naming its field.

Two layers. Pydantic checks each field as it is read (types, required fields, NFC and text hygiene,
dd/MM/yyyy dates, lengths, phone shape); ``labels.translate`` turns its errors into ``Problem``s. The
cross-field rules run on whatever parts of the dossier could be read, so a clerk sees all that is
wrong in one pass rather than one error per round trip: the rules of every dossier here (dates,
the applicant's identity number against sex and birth year, unit codes), then the procedure's own
rules on its payload (:attr:`rpa.procedures.Procedure.payload_rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from rpa.clock import vn_today
from rpa.domain.dates import BirthDate, format_vn_date
from rpa.domain.dossier import Dossier
from rpa.domain.identity import identity_problems
from rpa.domain.labels import problem as _problem
from rpa.domain.labels import translate
from rpa.domain.person import Address, IdentityDocument, Sex
from rpa.errors import InvalidDossier, Problem

__all__ = ["after_today", "check", "parse_dossier", "read_part", "with_payload_kind"]

_M = TypeVar("_M", bound=BaseModel)


def parse_dossier(data: Mapping[str, Any], *, today: date | None = None) -> Dossier:
    """Read a dossier from its JSON shape (``Dossier.model_dump(mode="json")``) and validate it.

    The payload is read as the model of the procedure its ``kind`` names. When some fields cannot be
    read, the cross-field rules still run on the parts that can (the field's own problem is reported
    for the rest): identity-number rules need the identity block, sex/birth-year consistency also
    needs those; "not after the received date" checks need ``received_at``; unit-code checks need
    the whole address block.

    Raises:
        InvalidDossier: listing every problem found, with the dossier code when one could be read.
    """
    from rpa.procedures import by_payload_kind, dossier_model  # the registry loads the plug-ins

    today = today or vn_today()
    data = with_payload_kind(data)
    problems: list[Problem] = []
    dossier: Dossier | None = None
    try:
        dossier = dossier_model().model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(translate(_untagged(e)) for e in exc.errors())
    parts = _Parts.of(dossier) if dossier is not None else _Parts.salvage(data)
    problems.extend(_rules(parts, today))
    raw_payload = _dict(data.get("payload"))
    procedure = by_payload_kind(raw_payload.get("kind"))
    if procedure is not None:
        facts = parts.facts(today)
        problems.extend(procedure.payload_rules(dossier.payload if dossier else None, raw_payload, facts))
    if problems:
        code = data.get("code")
        raise InvalidDossier(problems, code if isinstance(code, str) else None)
    assert dossier is not None
    return dossier


def with_payload_kind(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """``data`` with its payload's ``kind`` filled in from the procedure code when it has none.

    A one-stop system knows its dossiers by procedure code, not by our plug-ins' names: a payload
    without ``kind`` is the payload of the registered procedure that takes that code (its own codes),
    or of the only registered procedure. Otherwise it stays without, and validation says so.
    """
    from rpa.procedures import all_procedures

    payload = data.get("payload")
    if not isinstance(payload, Mapping) or "kind" in payload:
        return data
    procedures = all_procedures()
    code = data.get("procedure_code")
    owners = [p for p in procedures if code in p.procedure_codes] or (
        list(procedures)[:1] if len(procedures) == 1 else []
    )
    if len(owners) != 1:
        return data
    return {**data, "payload": {"kind": owners[0].name, **payload}}


def check(dossier: Dossier, today: date | None = None) -> list[Problem]:
    """The cross-field problems of an already-typed dossier (empty when it is fine)."""
    from rpa.procedures import by_payload_kind

    today = today or vn_today()
    parts = _Parts.of(dossier)
    problems = _rules(parts, today)
    procedure = by_payload_kind(dossier.payload.kind)
    if procedure is not None:
        raw = dossier.payload.model_dump(mode="json")
        problems += procedure.payload_rules(dossier.payload, raw, parts.facts(today))
    return problems


def _untagged(error: Any) -> Any:
    """A payload error located without the union's tag: ``payload.<field>``, not
    ``payload.<procedure>.<field>`` (the clerk's form has no such level)."""
    loc = tuple(error["loc"])
    if len(loc) > 1 and loc[0] == "payload" and isinstance(loc[1], str) and loc[1].isidentifier():
        from rpa.procedures import by_payload_kind

        if by_payload_kind(loc[1]) is not None:
            return {**error, "loc": (loc[0], *loc[2:])}
    return error


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

    @classmethod
    def of(cls, d: Dossier) -> _Parts:
        a = d.applicant
        addresses = {"applicant.permanent_address": a.permanent_address}
        if a.temporary_address:
            addresses["applicant.temporary_address"] = a.temporary_address
        return cls(d.received_at, d.due_at, a.sex, a.birth_date, a.nationality, a.identity, addresses)

    @classmethod
    def salvage(cls, data: Mapping[str, Any]) -> _Parts:
        """Read each part on its own, so one bad field does not hide the rules of the others."""
        applicant = _dict(data.get("applicant"))
        parts = cls(
            received=_adapt(datetime, data.get("received_at")),
            due=_adapt(datetime, data.get("due_at")),
            sex=_adapt(Sex, applicant.get("sex")),
            birth=_adapt(BirthDate, applicant.get("birth_date")),
            nationality=applicant.get("nationality", "VN"),
            identity=read_part(IdentityDocument, applicant.get("identity")),
        )
        for path, raw in (
            ("applicant.permanent_address", applicant.get("permanent_address")),
            ("applicant.temporary_address", applicant.get("temporary_address")),
        ):
            address = read_part(Address, raw)
            if address is not None:
                parts.addresses[path] = address
        return parts

    def facts(self, today: date) -> Any:
        from rpa.procedures import DossierFacts

        number = self.identity.number if self.identity else None
        received = self.received.date() if self.received else None
        return DossierFacts(today, received, self.birth, number)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def read_part(model: type[_M], raw: Any) -> _M | None:
    """``raw`` read as ``model``, or None when it is absent or does not validate (salvaging parts)."""
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
    out += _not_future(p, today)
    if p.identity is not None:
        out += identity_problems("applicant.identity", p.identity, p.sex, p.birth, p.nationality, received)
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


def _not_future(p: _Parts, today: date) -> list[Problem]:
    """Birth and issue dates cannot lie after today, nor the issue before the birth."""
    dated: list[tuple[str, date | None]] = [("applicant.birth_date", p.birth.earliest() if p.birth else None)]
    if p.identity is not None:
        dated.append(("applicant.identity.issue_date", p.identity.issue_date))
    out = [after_today(path, today) for path, day in dated if day is not None and day > today]
    issue = p.identity.issue_date if p.identity else None
    if issue is not None and p.birth is not None and issue < p.birth.earliest():
        out.append(_problem("applicant.identity.issue_date", f"không được trước ngày sinh ({p.birth})"))
    return out


def after_today(path: str, today: date) -> Problem:
    """The problem of a date on ``path`` that lies after ``today``."""
    return _problem(path, f"không được sau ngày hôm nay ({format_vn_date(today)})")
