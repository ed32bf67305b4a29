"""Which dossier field a column of the export holds, read from its Vietnamese header.

The export heads each column with the field's label (:func:`rpa.domain.labels.label_for`), list rows
numbered ("Quá trình cư trú, dòng 2 – từ ngày"). Reading a header back tries every label pattern,
with ``{n}`` standing for a row number, and keeps the one path whose label is exactly the header; a
header no field, or more than one, has is None (its column is not a field).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from rpa.domain import Dossier
from rpa.domain.labels import LABELS, label_for
from rpa.procedures import all_procedures, named

__all__ = ["field_of", "is_boolean"]

_TAIL = re.compile(r"(?P<label>.+) \((?P<tail>[\w.]+)\)")
_DOTTED = re.compile(r"[a-z_]\w*(?:\.\w+)*")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(label regex, path key) of every labelled field whose list indexes its label numbers."""
    keys = dict(LABELS)
    for procedure in all_procedures():
        keys.update(procedure.labels)
    found = []
    for key, label in keys.items():
        if key.count("*") != label.count("{n}"):
            continue
        regex = re.escape(label).replace(re.escape("{n}"), "([1-9][0-9]*)")
        found.append((re.compile(regex), key))
    return tuple(found)


def _candidates(header: str) -> Iterator[str]:
    for regex, key in _patterns():
        match = regex.fullmatch(header)
        if match is not None:
            numbers = iter(str(int(n) - 1) for n in match.groups())
            yield ".".join(next(numbers) if part == "*" else part for part in key.split("."))
    tail = _TAIL.fullmatch(header)
    if tail is not None:  # an unlabelled tail under a labelled field: "Thông tin cha (note)"
        for base in _candidates(tail["label"]):
            yield f"{base}.{tail['tail']}"
    if _DOTTED.fullmatch(header):  # a field without any label shows its path
        yield header


def field_of(header: object) -> str | None:
    """The dotted path of the field a column headed ``header`` holds, or None."""
    if not isinstance(header, str) or not header.strip():
        return None
    text = header.strip()
    paths = {path for path in _candidates(text) if label_for(path) == text}
    return paths.pop() if len(paths) == 1 else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def is_boolean(path: str, kind: str | None) -> bool:
    """Whether the field at ``path`` of a dossier of procedure ``kind`` is a yes/no field."""
    parts = path.split(".")
    procedure = named(kind)
    annotation: Any = Dossier
    if parts[0] == "payload":
        if procedure is None:
            return False
        annotation, parts = procedure.payload, parts[1:]
    for part in parts:
        annotation = _unwrap(annotation)
        if part.isdigit():
            if get_origin(annotation) not in (list, tuple):
                return False
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return False
            annotation = field.annotation
        else:
            return False
    return _unwrap(annotation) is bool
