"""The portal's lists: VSIC 2018 level-4 industries, dropdown options, and how names compare."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from importlib import resources
from typing import Final

from rpa.domain.text import fold, nfc
from rpa.sandbox.moj.catalog import ETHNICITIES, NATIONALITIES

__all__ = [
    "ACCOUNTING",
    "ETHNICITIES",
    "GENDERS",
    "MAX_RESULTS",
    "NATIONALITIES",
    "TITLES",
    "VAT_METHODS",
    "folded",
    "name_key",
    "search_industries",
    "vsic",
]

Options = tuple[tuple[str, str], ...]
GENDERS: Final[Options] = (("1", "Nam"), ("2", "Nữ"))
TITLES: Final[Options] = (
    ("Giám đốc", "Giám đốc"),
    ("Tổng giám đốc", "Tổng giám đốc"),
    ("Chủ tịch công ty", "Chủ tịch công ty"),
)
ACCOUNTING: Final[Options] = (("1", "Hạch toán độc lập"), ("2", "Hạch toán phụ thuộc"))
VAT_METHODS: Final[Options] = (
    ("1", "Khấu trừ"),
    ("2", "Trực tiếp trên GTGT"),
    ("3", "Trực tiếp trên doanh thu"),
)
MAX_RESULTS: Final = 20


@cache
def vsic() -> dict[str, str]:
    """Level-4 VSIC 2018 codes → official Vietnamese names, from ``flows.business_registration``."""
    text = (resources.files("flows.business_registration") / "vsic.csv").read_text(encoding="utf-8")
    return {row["code"].strip(): nfc(row["name"].strip()) for row in csv.DictReader(io.StringIO(text))}


def folded(text: str) -> str:
    """Accents, case and repeated spaces ignored (the portal's search and look-up compare this way)."""
    return " ".join(fold(nfc(text)).lower().split())


def name_key(name: str) -> str:
    """How the name check compares enterprise names: NFC, upper case, spaces collapsed."""
    return " ".join(nfc(name).upper().split())


def search_industries(query: str) -> list[tuple[str, str]]:
    """Codes starting with the digits typed, or names holding every word typed; at most 20."""
    query = query.strip()
    if not query:
        return []
    if re.fullmatch(r"\d+", query):
        hits = [(c, n) for c, n in vsic().items() if c.startswith(query)]
    else:
        words = folded(query).split()
        hits = [(c, n) for c, n in vsic().items() if all(w in folded(n) for w in words)]
    return hits[:MAX_RESULTS]
