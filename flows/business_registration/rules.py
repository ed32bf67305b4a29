"""Cross-field rules of the business-registration payload, all listed at once, in Vietnamese.

What pydantic cannot see field by field: industry lines against the VSIC catalogue (one main line, no
code twice), the charter capital and how it is contributed, the contribution deadline and the start of
operations against the day the dossier was received, the ages and identity numbers of the owner and
the legal representatives, and the company's names (Law on Enterprises 2020, Art. 37-39).

The name that the portal already has registered (``name_registered``) is the one flaw these rules
cannot see: only the portal's own name check can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from flows.business_registration.model import (
    BusinessRegistrationRequest,
    Contribution,
    IndustryLine,
    Representative,
    TaxInfo,
    vsic_catalogue,
)
from rpa.domain.dates import BirthDate, format_vn_date
from rpa.domain.identity import identity_problems
from rpa.domain.labels import problem
from rpa.domain.person import IdentityDocument, Sex
from rpa.domain.text import canonical, describe_char, fold, nfc
from rpa.domain.validation import after_today, read_part
from rpa.errors import Problem

__all__ = [
    "ADULT_AGE",
    "CONTRIBUTION_DAYS",
    "FORBIDDEN_WORDS",
    "NAME_PREFIXES",
    "format_vnd",
    "payload_problems",
]

ADULT_AGE = 18
"""The owner and every legal representative must be adults (Civil Code 2015, Art. 20)."""
CONTRIBUTION_DAYS = 90
"""The capital is contributed within 90 days (Law on Enterprises 2020, Art. 75(2))."""
NAME_PREFIXES = ("CÔNG TY TNHH", "CÔNG TY TRÁCH NHIỆM HỮU HẠN")
"""How the Vietnamese name of a limited liability company starts (Art. 37(1)(a))."""

_STATE = "tên cơ quan nhà nước, đơn vị lực lượng vũ trang nhân dân hoặc tổ chức chính trị - xã hội"
_MORALS = "từ ngữ vi phạm truyền thống lịch sử, văn hóa, đạo đức và thuần phong mỹ tục của dân tộc"
FORBIDDEN_WORDS: dict[str, str] = {
    # Art. 38(2): names of state bodies, the armed forces and political or socio-political organisations,
    # in the whole or a part of the proper name, unless that body agrees.
    "QUÂN ĐỘI": _STATE,
    "CÔNG AN": _STATE,
    "NHÀ NƯỚC": _STATE,
    "CHÍNH PHỦ": _STATE,
    "QUỐC HỘI": _STATE,
    "QUỐC PHÒNG": _STATE,
    "CẢNH SÁT": _STATE,
    "BIÊN PHÒNG": _STATE,
    "TÒA ÁN": _STATE,
    "VIỆN KIỂM SÁT": _STATE,
    "ỦY BAN NHÂN DÂN": _STATE,
    "HỘI ĐỒNG NHÂN DÂN": _STATE,
    "MẶT TRẬN TỔ QUỐC": _STATE,
    # Art. 38(3): words against the nation's history, culture, morals and customs.
    "PHÁT XÍT": _MORALS,
    "KHỦNG BỐ": _MORALS,
    "VIỆT GIAN": _MORALS,
    "MẠI DÂM": _MORALS,
    "MA TÚY": _MORALS,
}
"""Words the law forbids in a company name, matched on whole words whatever the accents and tone-mark
placement ("Toà án" is "TÒA ÁN"). A small list: the registration office still judges the rest.
Accent-insensitive matching also finds look-alikes ("CÔNG ÁN"): a clerk reads the reason and decides."""

_VSIC = "Hệ thống ngành kinh tế Việt Nam"
_ONE_MAIN = "phải chọn đúng một ngành chính"
_FOREIGN_CHARS = re.compile(r"[A-Za-z0-9 &.,'()/+-]")
_FOREIGN_HINT = "chỉ được gồm chữ cái Latinh không dấu (A–Z), chữ số, dấu cách và các dấu & . , ' ( ) / + -"


def format_vnd(amount: int) -> str:
    """``2000000000`` → ``2.000.000.000 đồng``, as Vietnamese forms write money."""
    return f"{amount:,} đồng".replace(",", ".")


# --- The parts the rules read ---------------------------------------------------------------------
@dataclass(frozen=True)
class _Person:
    """What the rules need of the owner or a representative; None where a part is unreadable."""

    full_name: str | None = None
    sex: Sex | None = None
    birth: date | None = None
    nationality: str | None = None
    identity: IdentityDocument | None = None

    @classmethod
    def of(cls, person: Any) -> _Person:
        return cls(person.full_name, person.sex, person.birth_date, person.nationality, person.identity)

    @classmethod
    def salvage(cls, raw: Any) -> _Person | None:
        if not isinstance(raw, Mapping):
            return None
        keys = ("full_name", "sex", "birth_date", "nationality", "identity")
        return cls(*(_field(Representative, key, raw) for key in keys))


@dataclass
class _Parts:
    """Whatever could be read of the payload; None where a part failed validation.

    ``industries`` keeps unreadable lines as None (their index still counts); ``contributions`` is
    None unless every line is readable (a sum of some lines means nothing).
    """

    company_name: str | None = None
    foreign_name: str | None = None
    abbreviation: str | None = None
    industries: list[IndustryLine | None] | None = None
    capital: int | None = None
    contributions: list[Contribution] | None = None
    deadline: date | None = None
    owner: _Person | None = None
    representatives: list[_Person | None] | None = None
    start_date: date | None = None

    @classmethod
    def of(cls, p: BusinessRegistrationRequest) -> _Parts:
        return cls(
            p.company_name,
            p.foreign_name,
            p.abbreviation,
            list(p.industries),
            p.charter_capital,
            list(p.contributions),
            p.contribution_deadline,
            _Person.of(p.owner),
            [_Person.of(r) for r in p.representatives],
            p.tax.start_date,
        )

    @classmethod
    def salvage(cls, raw: Mapping[str, Any]) -> _Parts:
        """Read each part on its own, so one bad field does not hide the rules of the others."""
        model = BusinessRegistrationRequest
        industries = _rows(IndustryLine, raw.get("industries"))
        contributions = _rows(Contribution, raw.get("contributions"))
        if contributions is not None and None in contributions:
            contributions = None
        listed = raw.get("representatives")
        tax = raw.get("tax")
        return cls(
            company_name=_field(model, "company_name", raw),
            foreign_name=_field(model, "foreign_name", raw),
            abbreviation=_field(model, "abbreviation", raw),
            industries=industries,
            capital=_field(model, "charter_capital", raw),
            contributions=contributions,
            deadline=_field(model, "contribution_deadline", raw),
            owner=_Person.salvage(raw.get("owner")),
            representatives=[_Person.salvage(r) for r in listed] if isinstance(listed, list) else None,
            start_date=_field(TaxInfo, "start_date", tax) if isinstance(tax, Mapping) else None,
        )


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(kind)


def _field(model: type[BaseModel], name: str, raw: Mapping[str, Any]) -> Any:
    """Field ``name`` of ``model`` read alone from ``raw``: None when blank, absent or invalid (its
    own problem is reported by validation); an absent optional field takes its default."""
    value = raw.get(name)
    if isinstance(value, str) and not value.strip():
        value = None
    if value is None:
        info = model.model_fields[name]
        return None if name in raw or info.is_required() else info.get_default(call_default_factory=True)
    try:
        return _adapter(model, name).validate_python(value)
    except ValidationError:
        return None


def _rows(model: type[BaseModel], raw: Any) -> list[Any] | None:
    return [read_part(model, item) for item in raw] if isinstance(raw, list) else None


# --- The rules ------------------------------------------------------------------------------------
def payload_problems(
    payload: BusinessRegistrationRequest | None,
    raw: Mapping[str, Any],
    *,
    received: date | None,
    today: date,
) -> list[Problem]:
    """Every cross-field problem of a business-registration payload (paths start with ``payload.``).

    Args:
        payload: the typed payload, or None when it did not validate: then the rules run on whatever
            parts of ``raw`` can be read on their own.
        raw: the payload's JSON (``payload`` of the dossier dict).
        received: the day the dossier was received; when unreadable, ``today`` stands in for it.
        today: the day the rules are checked on.
    """
    p = _Parts.of(payload) if payload is not None else _Parts.salvage(raw)
    reference = _Reference(received or today, received is not None)
    out = _name_problems(p)
    out += _industry_problems(p.industries)
    out += _capital_problems(p.capital, p.contributions)
    out += _deadline_problems(p.deadline, p.start_date, reference)
    if p.owner is not None:
        out += _person_problems("payload.owner", p.owner, reference, today, received, " của chủ sở hữu")
    out += _representative_problems(p.representatives, p.owner, reference, today, received)
    return out


@dataclass(frozen=True)
class _Reference:
    """The day dates are compared with: the day received, or today when that is unreadable."""

    day: date
    is_received: bool

    @property
    def named(self) -> str:
        what = "ngày tiếp nhận hồ sơ" if self.is_received else "ngày hôm nay"
        return f"{what} ({format_vn_date(self.day)})"


def _name_problems(p: _Parts) -> list[Problem]:
    out = []
    if p.company_name is not None:
        out += _vietnamese_name(p.company_name)
    for key, value in (("foreign_name", p.foreign_name), ("abbreviation", p.abbreviation)):
        odd = next((c for c in value or "" if not _FOREIGN_CHARS.fullmatch(c)), None)
        if odd is not None:
            out.append(problem(f"payload.{key}", f"{_FOREIGN_HINT}; có {describe_char(odd)}"))
    return out


def _words(text: str) -> list[str]:
    """The words of ``text`` without accents, upper case: what names are compared on."""
    return re.findall(r"[A-Z0-9]+", fold(nfc(text)).upper())


@cache
def _forbidden() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    return tuple((tuple(_words(word)), word, reason) for word, reason in FORBIDDEN_WORDS.items())


def _vietnamese_name(name: str) -> list[Problem]:
    path, words = "payload.company_name", _words(name)
    out = []
    prefix = next((w for w in map(_words, NAME_PREFIXES) if words[: len(w)] == w), None)
    if prefix is None:
        shown = " hoặc ".join(f"“{p}”" for p in NAME_PREFIXES)
        out.append(problem(path, f"phải bắt đầu bằng {shown} (loại hình công ty TNHH một thành viên)"))
    elif len(words) == len(prefix):
        out.append(problem(path, f"thiếu tên riêng sau “{NAME_PREFIXES[0]}”"))
    for found, word, reason in _forbidden():
        if any(words[i : i + len(found)] == list(found) for i in range(len(words) - len(found) + 1)):
            message = (
                f"có cụm từ “{word}” ({reason}): không được dùng trong tên doanh nghiệp "
                "(Luật Doanh nghiệp 2020, điều 38)"
            )
            out.append(problem(path, message))
    return out


def _industry_problems(lines: list[IndustryLine | None] | None) -> list[Problem]:
    if lines is None:
        return []
    path = "payload.industries"
    if not lines:
        return [problem(path, "phải đăng ký ít nhất một ngành, nghề kinh doanh")]
    catalogue, first_row, out = vsic_catalogue(), dict[str, int](), []
    for i, line in enumerate(lines):
        if line is None:
            continue
        code = line.code.strip()
        if not re.fullmatch(r"[0-9]{4}", code):
            message = f"“{code}” không phải mã ngành cấp 4 (gồm đúng 4 chữ số) của {_VSIC}"
            out.append(problem(f"{path}.{i}.code", message))
        elif code not in catalogue:
            message = f"“{code}” không có trong danh mục ngành cấp 4 của {_VSIC} (VSIC 2018)"
            out.append(problem(f"{path}.{i}.code", message))
        elif code in first_row:
            out.append(problem(f"{path}.{i}.code", f"mã ngành “{code}” trùng với dòng {first_row[code] + 1}"))
        else:
            first_row[code] = i
    if None not in lines:
        main = [i + 1 for i, line in enumerate(lines) if line is not None and line.main]
        if not main:
            out.append(problem(path, f"chưa chọn ngành, nghề kinh doanh chính; {_ONE_MAIN}"))
        elif len(main) > 1:
            rows = ", ".join(str(n) for n in main)
            out.append(problem(path, f"có {len(main)} ngành chính (dòng {rows}); {_ONE_MAIN}"))
    return out


def _capital_problems(capital: int | None, contributions: list[Contribution] | None) -> list[Problem]:
    out = []
    if capital is not None and capital <= 0:
        out.append(problem("payload.charter_capital", f"phải lớn hơn 0 đồng (đang là {format_vnd(capital)})"))
    if contributions is None:
        return out
    for i, line in enumerate(contributions):
        if line.amount <= 0:
            message = f"phải lớn hơn 0 đồng (đang là {format_vnd(line.amount)})"
            out.append(problem(f"payload.contributions.{i}.amount", message))
    total = sum(line.amount for line in contributions)
    if capital is not None and total != capital:
        message = (
            f"tổng giá trị tài sản góp vốn ({format_vnd(total)}) "
            f"không bằng vốn điều lệ ({format_vnd(capital)})"
        )
        out.append(problem("payload.contributions", message))
    return out


def _deadline_problems(deadline: date | None, start: date | None, reference: _Reference) -> list[Problem]:
    out = []
    if deadline is not None and deadline < reference.day:
        out.append(problem("payload.contribution_deadline", f"không được trước {reference.named}"))
    latest = reference.day + timedelta(days=CONTRIBUTION_DAYS)
    if deadline is not None and deadline > latest:
        message = (
            f"phải trong vòng {CONTRIBUTION_DAYS} ngày kể từ {reference.named}, "
            f"tức chậm nhất ngày {format_vn_date(latest)}"
        )
        out.append(problem("payload.contribution_deadline", message))
    if start is not None and start < reference.day:
        out.append(problem("payload.tax.start_date", f"không được trước {reference.named}"))
    return out


def _person_problems(
    path: str, person: _Person, reference: _Reference, today: date, received: date | None, whose: str
) -> list[Problem]:
    """Age on the reference day, dates against today and the birth, the identity number."""
    born = BirthDate(person.birth.year, person.birth.month, person.birth.day) if person.birth else None
    out = []
    if person.birth is not None and person.birth > today:
        out.append(after_today(f"{path}.birth_date", today))
    elif born is not None and born.anniversary(ADULT_AGE) > reference.day:
        message = (
            f"chưa đủ {ADULT_AGE} tuổi vào {reference.named}; "
            f"đủ {ADULT_AGE} tuổi từ ngày {format_vn_date(born.anniversary(ADULT_AGE))}"
        )
        out.append(problem(f"{path}.birth_date", message))
    if person.identity is not None:
        issued = person.identity.issue_date
        if issued is not None and issued > today:
            out.append(after_today(f"{path}.identity.issue_date", today))
        elif issued is not None and person.birth is not None and issued < person.birth:
            message = f"không được trước ngày sinh ({format_vn_date(person.birth)})"
            out.append(problem(f"{path}.identity.issue_date", message))
        out += identity_problems(
            f"{path}.identity", person.identity, person.sex, born, person.nationality, received, whose=whose
        )
    return out


def _number(person: _Person | None) -> str | None:
    if person is None or person.identity is None:
        return None
    return "".join(person.identity.number.split()).upper() or None


def _representative_problems(
    people: Sequence[_Person | None] | None,
    owner: _Person | None,
    reference: _Reference,
    today: date,
    received: date | None,
) -> list[Problem]:
    if people is None:
        return []
    path = "payload.representatives"
    if not people:
        return [problem(path, "phải có ít nhất một người đại diện theo pháp luật")]
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, person in enumerate(people):
        if person is None:
            continue
        whose = f" của người đại diện theo pháp luật {i + 1}"
        out += _person_problems(f"{path}.{i}", person, reference, today, received, whose)
        number = _number(person)
        if number is None:
            continue
        if number in seen:
            message = f"trùng số giấy tờ với người đại diện {seen[number] + 1}"
            out.append(problem(f"{path}.{i}.identity.number", message))
        seen.setdefault(number, i)
        if number == _number(owner) and owner is not None:
            out += _same_as_owner(f"{path}.{i}", person, owner)
    return out


def _same_as_owner(path: str, person: _Person, owner: _Person) -> Iterable[Problem]:
    """A representative with the owner's identity number is the owner: the rest must agree."""
    for key, mine, theirs in (
        ("full_name", person.full_name, owner.full_name),
        ("sex", person.sex, owner.sex),
        ("birth_date", person.birth, owner.birth),
    ):
        if mine is None or theirs is None:
            continue
        if isinstance(mine, str) and isinstance(theirs, str):
            mine, theirs = canonical(mine), canonical(theirs)
        if mine != theirs:
            yield problem(f"{path}.{key}", "khác với chủ sở hữu, dù cùng số giấy tờ tùy thân")
