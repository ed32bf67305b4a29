"""Cross-field rules of the judicial-record payload: relatives' and residence dates, the residence
history from age 14 (section C), delivery by post, the authorised person's identity and dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.judicial_record.model import (
    AuthorisedPerson,
    Delivery,
    DeliveryMethod,
    JudicialRecordRequest,
    ResidencePeriod,
    residence_coverage,
)
from rpa.domain.dates import BirthDate, format_vn_date
from rpa.domain.identity import identity_problems
from rpa.domain.labels import problem
from rpa.domain.person import Address, Relative
from rpa.domain.validation import after_today, read_part
from rpa.errors import Problem
from rpa.procedures import DossierFacts

__all__ = ["ADULT_RECORD_AGE", "payload_problems"]

ADULT_RECORD_AGE = 14  # section C covers the residence history from this age on


@dataclass
class _Parts:
    """Whatever could be read of the payload; None where a part failed validation."""

    relatives: dict[str, Relative] = field(default_factory=dict)  # by path
    rows: list[ResidencePeriod] | None = None
    delivery: Delivery | None = None
    authorised: AuthorisedPerson | None = None

    @classmethod
    def of(cls, p: JudicialRecordRequest) -> _Parts:
        relatives = {
            f"payload.{k}": r
            for k, r in (("father", p.father), ("mother", p.mother), ("spouse", p.spouse))
            if r is not None
        }
        return cls(relatives, list(p.residence_history), p.delivery, p.authorised_person)

    @classmethod
    def salvage(cls, payload: Mapping[str, Any]) -> _Parts:
        rows_raw = payload.get("residence_history")
        rows = [read_part(ResidencePeriod, r) for r in rows_raw] if isinstance(rows_raw, list) else None
        parts = cls(
            rows=None if rows is None or None in rows else [r for r in rows if r is not None],
            delivery=read_part(Delivery, payload.get("delivery", {})),
            authorised=read_part(AuthorisedPerson, payload.get("authorised_person")),
        )
        for key in ("father", "mother", "spouse"):
            relative = read_part(Relative, payload.get(key))
            if relative is not None:
                parts.relatives[f"payload.{key}"] = relative
        return parts


def payload_problems(
    payload: JudicialRecordRequest | None, raw: Mapping[str, Any], facts: DossierFacts
) -> list[Problem]:
    """Every cross-field problem of the payload (``raw`` salvaged when ``payload`` did not validate)."""
    p = _Parts.of(payload) if payload is not None else _Parts.salvage(raw)
    today, received = facts.today, facts.received
    out = _not_future(p, today, received)
    if p.authorised is not None:
        out += identity_problems(
            "payload.authorised_person.identity", p.authorised.identity, None, None, None, received,
            whose=" của người được ủy quyền",
        )  # fmt: skip
    if p.rows is not None:
        out += _residence(p.rows, facts.applicant_birth, received or today)
    delivery = p.delivery
    if delivery is not None and delivery.method is DeliveryMethod.POST and delivery.address is None:
        out.append(problem("payload.delivery.address", "không được để trống khi nhận kết quả qua bưu chính"))
    address = delivery.address if delivery is not None else None
    if address is None and payload is None:
        address = read_part(Address, _dict(raw.get("delivery")).get("address"))
    if address is not None:
        path = "payload.delivery.address"
        out += [problem(f"{path}.{f}", m) for f, m in address.code_mismatches().items()]
    return out


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _not_future(p: _Parts, today: date, received: date | None) -> list[Problem]:
    """Relatives' birth, residence and authorisation dates cannot lie after today."""
    dated: list[tuple[str, date | None]] = [
        (f"{path}.birth_date", r.birth_date.earliest() if r.birth_date else None)
        for path, r in p.relatives.items()
    ]
    if p.authorised is not None:
        dated.append(("payload.authorised_person.identity.issue_date", p.authorised.identity.issue_date))
        dated.append(("payload.authorised_person.authorisation_date", p.authorised.authorisation_date))
    for i, row in enumerate(p.rows or []):
        dated += [
            (f"payload.residence_history.{i}.from_date", row.from_date),
            (f"payload.residence_history.{i}.to_date", row.to_date),
        ]
    out = [after_today(path, today) for path, day in dated if day is not None and day > today]
    if p.authorised is not None and received is not None and p.authorised.authorisation_date > received:
        out.append(
            problem(
                "payload.authorised_person.authorisation_date",
                f"không được sau ngày tiếp nhận hồ sơ ({format_vn_date(received)})",
            )
        )
    return out


def _residence(rows: Sequence[ResidencePeriod], birth: BirthDate | None, end: date) -> list[Problem]:
    start = birth.anniversary(ADULT_RECORD_AGE) if birth else None
    path = "payload.residence_history"
    return [
        problem(f"{path}.{issue.row - 1}.to_date" if issue.row else path, issue.message)
        for issue in residence_coverage(list(rows), start, end)
    ]
