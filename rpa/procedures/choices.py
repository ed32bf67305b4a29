"""The coded fields of a dossier and what clerks read for each code, derived from the models.

A coded field is an ``Enum`` or ``Literal`` field of :class:`rpa.domain.Dossier` or of a registered
procedure's payload model (``payload.<field>``, ``*`` for a list index). Its label for a code is, in
this order: the procedure's :attr:`~rpa.procedures.Procedure.value_labels`, the enum member's own
``label``, the procedure's title (``payload.kind``), else the code itself: a value that already is
Vietnamese text ("Giám đốc") needs no label, and a procedure that gives none still reads back
exactly. Nothing here is written per page: a new procedure's model brings its own fields.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from rpa.domain import Dossier, DossierStatus
from rpa.procedures.registry import all_procedures

__all__ = ["API_CHOICES", "API_MOMENTS", "Fields", "fields_of"]

Table = dict[Any, str]
"""Label by code (the JSON value: a str or an int)."""

API_CHOICES: Mapping[str, type[Enum]] = {
    "processing_log.*.status_from": DossierStatus,
    "processing_log.*.status_to": DossierStatus,
}
"""Coded fields of what the provincial API adds to a dossier (its processing log), not in any model."""
API_MOMENTS = frozenset({"processing_log.*.time"})


class Fields:
    """The coded fields (``choices``: label by code, by generic path) and the date-times (``moments``)
    of dossiers of one procedure (``kind``; None: the fields every dossier has)."""

    def __init__(self, choices: dict[str, Table], moments: frozenset[str]) -> None:
        self.choices = choices
        self.moments = moments
        self._codes = {
            path: {label: code for code, label in table.items()} for path, table in choices.items()
        }

    def code_of(self, path: str, label: str) -> tuple[bool, Any]:
        """(True, code) of the label shown in the coded field at ``path``; (False, None) if unknown."""
        codes = self._codes.get(path, {})
        return (label in codes, codes.get(label))


def _is(annotation: Any, kind: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, kind)


def _walk(annotation: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(generic path, leaf annotation) of every coded or date-time field under ``annotation``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _walk(get_args(annotation)[0], path)
    elif origin in (Union, types.UnionType):
        for arm in get_args(annotation):
            yield from _walk(arm, path)
    elif origin is list:
        yield from _walk(get_args(annotation)[0], f"{path}.*")
    elif origin is Literal or annotation is datetime or _is(annotation, Enum):
        yield path, annotation
    elif _is(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            yield from _walk(info.annotation, f"{path}.{name}" if path else name)


def _codes(annotation: Any) -> Table:
    """Each code of a coded field with its own label (the code itself when it has none)."""
    if get_origin(annotation) is Literal:
        return {value: str(value) for value in get_args(annotation)}
    return {m.value: str(getattr(m, "label", m.value)) for m in annotation}


def _fields(model: type[BaseModel], prefix: str, given: Mapping[str, Mapping[Any, str]]) -> Fields:
    choices: dict[str, Table] = {}
    moments: set[str] = set()
    for path, annotation in _walk(model, prefix):
        if annotation is datetime:
            moments.add(path)
        else:
            choices[path] = {**choices.get(path, {}), **_codes(annotation), **given.get(path, {})}
    return Fields(choices, frozenset(moments))


@cache
def fields_of(kind: str | None) -> Fields:
    """The fields of a dossier whose payload is procedure ``kind``'s (None or unknown: no payload's)."""
    base = _fields(Dossier, "", {})
    choices = {path: t for path, t in base.choices.items() if not path.startswith("payload")}
    choices.update({path: _codes(enum) for path, enum in API_CHOICES.items()})
    # Which procedure a payload is: its title, as the clerk knows the procedure.
    choices["payload.kind"] = {p.name: p.title for p in all_procedures()}
    moments = set(base.moments | API_MOMENTS)
    procedure = next((p for p in all_procedures() if p.name == kind), None)
    if procedure is not None:
        own = _fields(procedure.payload, "payload", procedure.value_labels)
        choices.update({path: t for path, t in own.choices.items() if path != "payload.kind"})
        moments |= own.moments
    return Fields(choices, frozenset(moments))
