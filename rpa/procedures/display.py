"""A dossier's values as the provincial system's clerk pages show them, and read back from them.

Clerks never see internal codes. A coded field shows its label (:mod:`rpa.procedures.choices`),
yes/no shows "Có"/"Không", a number is grouped with dots and has a decimal comma (``1.000.000``,
``0,5``), a date-time shows ``dd/MM/yyyy HH:mm:ss`` in Vietnam time. :func:`show` writes the page's
text, :func:`read` turns it back into the stored value; a value that could not be read back exactly
(a code without a label, an unusual date-time) is shown as stored, so reading never guesses.
A label :func:`read` does not know raises :class:`UnknownLabel`: the page changed or the province
added a code, and a person must say what it means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from rpa.procedures.choices import Fields, fields_of
from rpa.procedures.registry import all_procedures

__all__ = ["NO", "YES", "UnknownLabel", "generic", "kind_of", "read", "show"]

YES, NO = "Có", "Không"
_VN = timezone(timedelta(hours=7))
_MOMENT = "%d/%m/%Y %H:%M:%S"
_SHOWN_MOMENT = re.compile(r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}")


class UnknownLabel(ValueError):
    """A coded field shows a label that maps to no code (``known``: the labels it may show)."""

    def __init__(self, path: str, text: str, known: list[str]) -> None:
        super().__init__(f"{path} shows {text!r}, none of {known}")
        self.path, self.text, self.known = path, text, known


def generic(path: str) -> str:
    """``path`` with list indexes as ``*`` (``payload.industries.0.code`` → ``payload.industries.*.code``)."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def kind_of(data: Mapping[str, Any]) -> str | None:
    """The procedure (payload ``kind``) of a dossier dict: its payload's own, else the one registered
    procedure taking its procedure code."""
    payload = data.get("payload")
    kind = payload.get("kind") if isinstance(payload, Mapping) else None
    if isinstance(kind, str):
        return kind
    owners = [p.name for p in all_procedures() if data.get("procedure_code") in p.procedure_codes]
    return owners[0] if len(owners) == 1 else None


def kind_shown(kind_text: str | None, procedure_code: str | None) -> str | None:
    """The procedure of a dossier page, from what it shows for ``payload.kind`` and its procedure code."""
    if kind_text is not None:
        known, kind = fields_of(None).code_of("payload.kind", kind_text)
        return kind if known else kind_text
    return kind_of({"procedure_code": procedure_code})


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return repr(value).replace(".", ",")


def _moment(value: str) -> str | None:
    """``dd/MM/yyyy HH:mm:ss`` of an ISO date-time in Vietnam time, when that reads back as the same text."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.utcoffset() != _VN.utcoffset(None) or moment.isoformat() != value:
        return None
    return moment.strftime(_MOMENT)


def show(path: str, value: Any, kind: str | None = None) -> str:
    """The text a clerk reads for ``value`` at dotted ``path`` of a dossier of procedure ``kind``."""
    fields = fields_of(kind)
    key = generic(path)
    if value is None or isinstance(value, list | dict):
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    table = fields.choices.get(key, {})
    label = next((lab for code, lab in table.items() if type(code) is type(value) and code == value), None)
    if label is not None and fields.code_of(key, label) == (True, value):
        return label
    if isinstance(value, int | float):
        return _number(value)
    if key in fields.moments:
        return _moment(value) or value
    return str(value)


def read(path: str, text: str, data_type: str | None, kind: str | None = None) -> Any:
    """The stored value of what a page shows at ``path`` (``data_type``: the element's JSON kind,
    None for a string). Raises :class:`UnknownLabel`, or ``ValueError`` for a malformed number."""
    fields: Fields = fields_of(kind)
    key = generic(path)
    if key in fields.choices and text.strip():
        known, code = fields.code_of(key, text)
        if not known:
            raise UnknownLabel(path, text, list(fields.choices[key].values()))
        return code
    if data_type == "boolean":
        if text not in (YES, NO):
            raise ValueError(f"yes/no field shows {text!r}")
        return text == YES
    if data_type == "number":
        value = json.loads(text.replace(".", "").replace(",", "."))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"number field shows {text!r}")
        return value
    if key in fields.moments and _SHOWN_MOMENT.fullmatch(text):
        return datetime.strptime(text, _MOMENT).replace(tzinfo=_VN).isoformat()
    return text
