"""The judicial-record deadline: 10 working days to issue a certificate, 15 when the person lived in
several provinces, lived abroad, or is a foreigner (Law on Judicial Records, art. 48)."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from vietnamadminunits.converter.converter_2025 import DICT_PROVINCE

from flows.judicial_record.form import JudicialRecordForm
from rpa.domain.text import fold

__all__ = ["DEADLINE_DAYS", "LONG_DEADLINE_DAYS", "deadline_days"]

DEADLINE_DAYS: Final = 10
LONG_DEADLINE_DAYS: Final = 15
"""Several provinces, abroad, or a foreigner."""


def deadline_days(form: JudicialRecordForm) -> int:
    """10 working days, or 15 for a foreigner or someone who lived abroad or in several provinces.

    Provinces are read from the end of each residence address ("…, Tỉnh Quảng Ngãi") and compared as
    they are today: a former province merged in 2025 counts as the province it is now part of (a life
    in Kon Tum and then in Quảng Ngãi is one province for the records office that checks it). An
    address naming no Vietnamese province is taken as abroad.
    """
    if form.nationalityId.strip().upper() != "VN":
        return LONG_DEADLINE_DAYS
    provinces = {_province_of(row.address) for row in form.residences}
    if None in provinces or len(provinces) > 1:
        return LONG_DEADLINE_DAYS
    return DEADLINE_DAYS


_TYPE_WORDS = re.compile(r"^(tinh|thanhpho|tp)(?=[a-z])")
_FORMER_NAMES: Final = {"thuathienhue": "hue"}
"""Names citizens still write for a province renamed before the 2025 tables were made."""


def _key(name: str) -> str:
    """``Tỉnh Quảng Ngãi``, ``Quảng Ngãi``, ``QUANG NGAI`` → ``quangngai``."""
    return _TYPE_WORDS.sub("", re.sub(r"[^0-9a-z]", "", fold(name).lower()))


@cache
def _current_province() -> dict[str, str]:
    """Key of every former and current province → key of the province it is today."""
    table = {_key(new): _key(new) for new in DICT_PROVINCE}
    table.update({_key(old): _key(new) for new, olds in DICT_PROVINCE.items() for old in olds})
    table.update({old: table[new] for old, new in _FORMER_NAMES.items()})
    return table


def _province_of(address: str) -> str | None:
    """The province (as it is today) an address names in its last parts, or None."""
    table = _current_province()
    last_two = address.split(",")[-2:]  # the province ends the address, or comes before "Việt Nam"
    for part in reversed(last_two):
        if (found := table.get(_key(part))) is not None:
            return found
    return None
