"""The judicial record certificate request (Phiếu lý lịch tư pháp), sections B to D of the form:
the payload of a provincial dossier of this procedure.

Also the residence-history coverage rule (section C) and the Vietnamese wording of its findings,
kept next to the rows it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import Annotated, Literal

from pydantic import Field

from rpa.domain.dates import VnDate, format_vn_date
from rpa.domain.dossier import Payload
from rpa.domain.person import Address, DomainModel, IdentityDocument, LongText, Name, Relative, Text

__all__ = [
    "MAX_COPIES",
    "PROCEDURE_CODE",
    "AuthorisedPerson",
    "AuthorisedRelation",
    "CertificateType",
    "CoverageIssue",
    "Delivery",
    "DeliveryMethod",
    "JudicialRecordRequest",
    "ResidencePeriod",
    "residence_coverage",
]

PROCEDURE_CODE = "1.001234"  # national procedure code used by the sandbox for "Cấp Phiếu lý lịch tư pháp"
MAX_COPIES = 10


class CertificateType(IntEnum):
    TYPE_1 = 1  # Phiếu số 1: for the person themself or an agency
    TYPE_2 = 2  # Phiếu số 2: full record, for the person or procedural authorities


class DeliveryMethod(StrEnum):
    AT_AGENCY = "at_agency"  # nhận tại cơ quan
    POST = "post"  # nhận qua bưu chính


class Delivery(DomainModel):
    method: DeliveryMethod = DeliveryMethod.AT_AGENCY
    address: Address | None = None  # required when method is POST (checked by validation)


class ResidencePeriod(DomainModel):
    """One row of section C: where the person lived, from age 14 to now, without gaps or overlaps."""

    from_date: VnDate
    to_date: VnDate | None = None  # None: "đến nay" (up to now)
    address: Text
    occupation: Text | None = None
    workplace: Text | None = None


class AuthorisedRelation(StrEnum):
    """Whether the authorised person is close family of the applicant (Luật Lý lịch tư pháp 2009,
    điều 45 khoản 2): a parent, spouse or child needs no written authorisation; anyone else does."""

    PARENT = "parent"  # cha, mẹ
    SPOUSE = "spouse"  # vợ, chồng
    CHILD = "child"  # con
    OTHER = "other"  # anyone else: the authorisation must be in writing (văn bản ủy quyền)

    @property
    def needs_written_authorisation(self) -> bool:
        return self is AuthorisedRelation.OTHER


class AuthorisedPerson(DomainModel):
    """Someone applying on the person's behalf (người được ủy quyền), only for Phiếu số 1 (điều 46).

    ``relationship`` is the relation as the citizen wrote it (typed into the portal as it is);
    ``relation`` is what the law asks of it. It defaults to ``other``: a source that does not say
    gets the stricter rule (a written authorisation and its date), never a guessed exemption.
    """

    full_name: Name
    identity: IdentityDocument
    relationship: Name
    relation: AuthorisedRelation = AuthorisedRelation.OTHER
    authorisation_date: VnDate | None = None
    """The written authorisation's date; required unless ``relation`` exempts it (checked by the rules)."""


class JudicialRecordRequest(Payload):
    kind: Literal["judicial_record"] = "judicial_record"
    father: Relative | None = None  # optional: unknown fathers are common and legal
    mother: Relative  # the form requires the mother
    spouse: Relative | None = None
    residence_history: list[ResidencePeriod]
    certificate_type: CertificateType = CertificateType.TYPE_1
    # xác nhận cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã: Phiếu số 1 only (rules)
    confirm_court_ban: bool = False
    purpose: LongText
    copies: Annotated[int, Field(ge=1, le=MAX_COPIES)] = 1
    delivery: Delivery = Delivery()
    authorised_person: AuthorisedPerson | None = None


@dataclass(frozen=True)
class CoverageIssue:
    """One finding about section C.

    ``kind`` is one of: ``empty`` (no rows although cover is needed), ``reversed`` (row ends before it
    starts), ``open_not_last`` (a row other than the last is "đến nay"), ``late_start`` (nothing from
    the 14th birthday ``start`` to ``end``), ``gap``, ``overlap``, ``ends_early`` (the last row stops
    before the dossier was declared; ``start``..``end`` is the uncovered span). ``row`` is the 1-based
    row number as entered, for row-level findings.
    """

    kind: str
    start: date | None = None
    end: date | None = None
    row: int | None = None

    @property
    def message(self) -> str:
        """The finding in Vietnamese, for the history as a whole or for the row's "đến ngày"."""
        a = format_vn_date(self.start) if self.start else ""
        b = format_vn_date(self.end) if self.end else ""
        return {
            "empty": f"chưa khai; phải khai từ khi đủ 14 tuổi ({a}) đến nay",
            "reversed": f"đến ngày {b} trước từ ngày {a}",
            "open_not_last": "chỉ dòng cuối cùng được để trống “đến ngày” (đến nay)",
            "late_start": f"chưa khai từ khi đủ 14 tuổi: khoảng trống từ {a} đến {b}",
            "gap": f"khoảng trống từ {a} đến {b}",
            "overlap": f"trùng thời gian từ {a} đến {b}",
            "ends_early": f"khoảng trống từ {a} đến nay; dòng cuối phải để trống “đến ngày” "
            "hoặc kéo dài đến ngày tiếp nhận hồ sơ",
        }[self.kind]


_DAY = timedelta(days=1)


def residence_coverage(rows: list[ResidencePeriod], start: date | None, end: date) -> list[CoverageIssue]:
    """Check that ``rows`` cover ``start`` (the 14th birthday) to ``end`` (the declaration day).

    Rules, precisely:
    - Rows are taken in order of ``from_date`` (the order typed does not matter).
    - Two rows are contiguous when the next starts the day after the previous ends, or on the very
      day it ends (a move-out day written on both rows is tolerated). A later start is a gap, an
      earlier one an overlap; spans are compared with the furthest end so far, so a row nested in a
      long one is an overlap too.
    - The first row must start on or before ``start`` (earlier is fine); ``start`` None skips this.
    - Only the last row may be open-ended ("đến nay"); a closed last row must reach ``end``.
    - Rows ending before they start are reported and left out of the coverage check.
    """
    issues: list[CoverageIssue] = []
    numbered = sorted(enumerate(rows, start=1), key=lambda item: item[1].from_date)
    usable = []
    for number, row in numbered:
        if row.to_date is not None and row.to_date < row.from_date:
            issues.append(CoverageIssue("reversed", row.from_date, row.to_date, number))
        else:
            usable.append((number, row))
    if not usable:
        if not rows and (start is None or start <= end):
            issues.append(CoverageIssue("empty", start, end))
        return issues
    for number, row in usable[:-1]:
        if row.to_date is None:
            issues.append(CoverageIssue("open_not_last", row=number))
    first = usable[0][1]
    if start is not None and first.from_date > start:
        issues.append(CoverageIssue("late_start", start, first.from_date - _DAY))
    covered: date | None = first.to_date  # furthest end so far; None = open-ended
    for _number, row in usable[1:]:
        if covered is not None and row.from_date > covered + _DAY:
            issues.append(CoverageIssue("gap", covered + _DAY, row.from_date - _DAY))
        elif covered is None or row.from_date < covered:
            overlap_end = min(d for d in (covered, row.to_date, end) if d is not None)
            issues.append(CoverageIssue("overlap", row.from_date, max(overlap_end, row.from_date)))
        if covered is not None and (row.to_date is None or row.to_date > covered):
            covered = row.to_date
    if covered is not None and covered < end:
        issues.append(CoverageIssue("ends_early", covered + _DAY, end))
    return issues
