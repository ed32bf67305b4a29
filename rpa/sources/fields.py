"""The ``data-field`` convention of the provincial web UI's detail page, read back into a dict.

The contract, as the provincial system documents it: every scalar of the API's dossier dict is shown
in one element whose ``data-field`` is its dotted JSON path (list items by index,
``payload.residence_history.0.from_date``) and whose text is what a clerk reads: a code's label, yes
or no as "Có"/"Không", a number grouped with dots, a date-time as dd/MM/yyyy HH:mm:ss (read back by
:func:`rpa.procedures.display.read`). A non-string carries ``data-type``: ``number``, ``boolean``,
``null`` (empty text), ``array`` or ``object`` (an empty list or dict, empty text). Keys are never
all-digit, so an all-digit segment is a list index.

Production code does not import the sandbox; the tests check this reader against the sandbox's pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rpa.procedures.display import UnknownLabel, kind_shown, read

__all__ = ["FieldError", "PageFields", "read_fields", "rebuild"]

_EMPTY: dict[str, Any] = {"null": None, "array": [], "object": {}}
_SHOWN_TYPES = (None, "", "string", "number", "boolean")


class FieldError(ValueError):
    """The page broke the convention (an unknown type, an unparsable number, a path twice)."""


@dataclass(frozen=True)
class PageFields:
    """What a detail page holds: the dossier dict, and every label it shows that maps to no code
    (each such field keeps the text shown as its value)."""

    data: dict[str, Any]
    unknown: list[UnknownLabel]


def rebuild(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The dict whose leaves are ``pairs`` of (dotted path, value); all-digit segments make lists."""
    root: dict[str, Any] = {}
    seen: set[str] = set()
    for path, value in pairs:
        if path in seen:
            raise FieldError(f"field {path!r} shown twice")
        seen.add(path)
        keys = path.split(".")
        node = root
        for key in keys[:-1]:
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                raise FieldError(f"field {path!r} lies under a scalar")
            node = child
        if keys[-1] in node:
            raise FieldError(f"field {path!r} is both a value and a group")
        node[keys[-1]] = value
    listed = _lists(root)
    assert isinstance(listed, dict)
    return listed


def _lists(node: Any) -> Any:
    if not isinstance(node, dict) or not node:
        return node
    converted = {key: _lists(child) for key, child in node.items()}
    if all(key.isdigit() for key in converted):
        indexes = sorted(converted, key=int)
        if [int(k) for k in indexes] != list(range(len(indexes))):
            raise FieldError(f"list indexes {indexes} are not 0..{len(indexes) - 1}")
        return [converted[key] for key in indexes]
    return converted


def read_fields(elements: Iterable[tuple[str, str, str | None]]) -> PageFields:
    """The dossier from (``data-field``, text, ``data-type``) triples as read from the page."""
    triples = list(elements)
    shown = {path: text for path, text, _ in triples}
    kind = kind_shown(shown.get("payload.kind"), shown.get("procedure_code"))
    pairs: list[tuple[str, Any]] = []
    unknown: list[UnknownLabel] = []
    for path, text, data_type in triples:
        if data_type in _EMPTY:
            value = _EMPTY[data_type].copy() if data_type != "null" else None
        elif data_type not in _SHOWN_TYPES:
            raise FieldError(f"unknown data-type {data_type!r}")
        else:
            try:
                value = read(path, text, data_type, kind)
            except UnknownLabel as label:
                unknown.append(label)
                value = text  # kept as shown: a person sees what the page said
            except ValueError as exc:
                raise FieldError(str(exc)) from None
        pairs.append((path, value))
    return PageFields(rebuild(pairs), unknown)
