"""Identity-number rules: shape per document kind, CCCD consistency with sex and birth year, CMND expiry."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from rpa.domain.adminunits import provinces
from rpa.domain.dates import BirthDate
from rpa.domain.labels import problem as _problem
from rpa.domain.person import IdentityDocument, IdentityKind, Sex
from rpa.errors import Problem

__all__ = ["CMND_LAST_VALID_DAY", "identity_problems"]

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
        if not re.fullmatch(r"[0-9]{9}", number):
            return [_problem(field, "phải gồm đúng 9 chữ số", label)]
        if (received or date.max) > CMND_LAST_VALID_DAY:
            message = "CMND hết giá trị sử dụng từ 01/01/2025; cần dùng thẻ căn cước/CCCD"
            return [_problem(field, message, label)]
        return []
    if kind is IdentityKind.PASSPORT:
        if nationality == "VN" and not re.fullmatch(r"[A-Z][0-9]{7}", number):
            return [_problem(field, "hộ chiếu Việt Nam gồm 1 chữ cái và 7 chữ số (ví dụ C1234567)", label)]
        if not re.fullmatch(r"[A-Z0-9]{6,9}", number):
            return [_problem(field, "phải gồm 6 đến 9 chữ cái hoặc chữ số", label)]
        return []
    if not re.fullmatch(r"[0-9]{12}", number):
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
