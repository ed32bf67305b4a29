"""The ``data-field`` convention of the provincial web UI's detail page, read back into a dict.

The contract, as the provincial system documents it: every scalar of the API's dossier dict is shown
in one element whose ``data-field`` is its dotted JSON path (list items by index,
``payload.residence_history.0.from_date``) and whose text is the raw value. A non-string carries
``data-type``: ``number``, ``boolean`` (``true``/``false``), ``null`` (empty text), ``array`` or
``object`` (an empty list or dict, empty text). Keys are never all-digit, so an all-digit segment is
a list index.

Production code does not import the sandbox; the tests check this reader against the sandbox's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["FieldError", "read_fields", "rebuild", "typed_value"]


class FieldError(ValueError):
    """The page broke the convention (an unknown type, an unparsable number, a path twice)."""


def typed_value(text: str, data_type: str | None) -> Any:
    """The value of one element from its text and ``data-type``."""
    if data_type in (None, "", "string"):
        return text
    if data_type == "null":
        return None
    if data_type == "array":
        return []
    if data_type == "object":
        return {}
    if data_type == "boolean":
        if text.strip() not in ("true", "false"):
            raise FieldError(f"boolean field shows {text!r}")
        return text.strip() == "true"
    if data_type == "number":
        try:
            value = json.loads(text)
        except ValueError:
            raise FieldError(f"number field shows {text!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FieldError(f"number field shows {text!r}")
        return value
    raise FieldError(f"unknown data-type {data_type!r}")


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


def read_fields(elements: Iterable[tuple[str, str, str | None]]) -> dict[str, Any]:
    """The dict from (``data-field``, text, ``data-type``) triples as read from the page."""
    return rebuild((path, typed_value(text, kind)) for path, text, kind in elements)
