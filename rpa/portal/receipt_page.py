"""Reading a receipt page: its code and date, each checked against the portal's format, for any flow."""

from __future__ import annotations

import re

from rpa.errors import SelectorDrift
from rpa.portal.results import Receipt
from rpa.portal.steps import Steps

__all__ = ["RECEIPT_DATE", "read_receipt_page"]

RECEIPT_DATE = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", re.ASCII)
""""Ngày nộp" as portals show it: dd/mm/yyyy HH:MM (Vietnam time)."""


def read_receipt_page(
    steps: Steps, code_format: re.Pattern[str], date_format: re.Pattern[str] = RECEIPT_DATE
) -> Receipt:
    """The page's ``receipt.code`` and ``receipt.date``, each matching its format.

    Whatever else those elements show (an empty cell, a status after a redesign moved the code) is the
    portal's UI having changed, never a receipt code to hand on.

    Raises:
        SelectorDrift: the page shows no code or date in the portal's format where the map says.
    """
    code = steps.read_text("receipt.code").strip() if steps.exists("receipt.code") else ""
    date = steps.read_text("receipt.date").strip() if steps.exists("receipt.date") else ""
    wrong = [
        f"{name} {text!r}"
        for name, text, form in (("receipt.code", code, code_format), ("receipt.date", date, date_format))
        if not form.fullmatch(text)
    ]
    if wrong:
        raise SelectorDrift(
            [w.split()[0] for w in wrong], "the receipt page shows " + ", ".join(wrong) + " (not the format)"
        )
    return Receipt(code, date)
