"""Cross-field rules of the judicial-record payload: relatives' and residence dates, the residence
history from age 14 (section C), delivery by post, the authorised person's identity, dates and
written authorisation, and the court-ban confirmation (Phiếu số 1 only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.judicial_record.model import (
    AuthorisedPerson,
    AuthorisedRelation,
    CertificateType,
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

__all__ = ["ADULT_RECORD_AGE", "court_ban_problems", "payload_problems", "written_authorisation_problems"]

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
    out += court_ban_problems(payload, raw)
    out += written_authorisation_problems(p.authorised, raw)
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


COURT_BAN_TYPE_1_ONLY = (
    "chỉ yêu cầu được với Phiếu lý lịch tư pháp số 1; Phiếu số 2 luôn ghi đầy đủ các thông tin này"
)


def court_ban_problems(payload: JudicialRecordRequest | None, raw: Mapping[str, Any]) -> list[Problem]:
    """Luật Lý lịch tư pháp 2009, điều 42 khoản 3: the ban on holding positions, founding or managing
    an enterprise or cooperative goes into Phiếu số 1 only when asked for; Phiếu số 2 (điều 43) states
    the whole record anyway, so the request does not exist for it (the portal does not offer it)."""
    if payload is not None:
        asked = payload.certificate_type is CertificateType.TYPE_2 and payload.confirm_court_ban
    else:
        asked = raw.get("certificate_type") in (2, "2") and raw.get("confirm_court_ban") in (True, "true", 1)
    return [problem("payload.confirm_court_ban", COURT_BAN_TYPE_1_ONLY)] if asked else []


WRITTEN_AUTHORISATION_NEEDED = (
    "không được để trống: người được ủy quyền không phải cha, mẹ, vợ, chồng hoặc con của người yêu cầu "
    "nên phải có văn bản ủy quyền"
)


def written_authorisation_problems(
    authorised: AuthorisedPerson | None, raw: Mapping[str, Any]
) -> list[Problem]:
    """Luật Lý lịch tư pháp 2009, điều 45 khoản 2: an authorisation must be in writing (its date is
    the trace the form keeps of it), except when the authorised person is the applicant's parent,
    spouse or child. Read from ``raw`` when the block did not validate, so the finding is not lost."""
    if authorised is not None:
        relation, dated = authorised.relation, authorised.authorisation_date is not None
    else:
        block = _dict(raw.get("authorised_person"))
        if not block:
            return []
        try:
            relation = AuthorisedRelation(block.get("relation") or AuthorisedRelation.OTHER)
        except ValueError:
            return []  # the model already reports an unknown relation
        dated = block.get("authorisation_date") not in (None, "")
    if dated or not relation.needs_written_authorisation:
        return []
    return [problem("payload.authorised_person.authorisation_date", WRITTEN_AUTHORISATION_NEEDED)]


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
    signed = p.authorised.authorisation_date if p.authorised is not None else None
    if signed is not None and received is not None and signed > received:
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
