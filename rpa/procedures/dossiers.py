"""From a provincial dossier to the portal's form, the same way for every procedure.

:func:`dossier_model` is the dossier whose payload is the discriminated union of every registered
procedure's payload model (keyed on ``kind``). :func:`form_for` is the one path from a typed dossier
to the form a flow types, and :func:`read_form` the same from a dossier's JSON: validation and mapping
problems in one list, as a clerk should get them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection, Mapping
from datetime import date
from functools import cache
from pathlib import Path, PureWindowsPath
from typing import Annotated, Any

from pydantic import Field, create_model

from rpa.domain import Attachment, Dossier, parse_dossier
from rpa.domain.labels import problem
from rpa.domain.validation import with_payload_kind
from rpa.errors import InvalidDossier, Problem
from rpa.procedures.contract import Procedure
from rpa.procedures.registry import all_procedures, by_payload_kind

__all__ = ["dossier_model", "form_for", "procedure_of", "read_form"]


def dossier_model() -> type[Dossier]:
    """:class:`rpa.domain.Dossier` with ``payload`` read as the registered procedures' union."""
    return _model(tuple(p.payload for p in all_procedures()))


@cache
def _model(payloads: tuple[type[Any], ...]) -> type[Dossier]:
    if not payloads:
        return Dossier
    union: Any = payloads[0]
    if len(payloads) > 1:
        members = functools.reduce(operator.or_, payloads)  # A | B | ...: one model per procedure
        union = Annotated[members, Field(discriminator="kind")]
    model: type[Dossier] = create_model("Dossier", __base__=Dossier, payload=(union, ...))
    model.__doc__ = Dossier.__doc__
    return model


def procedure_of(dossier: Dossier) -> Procedure:
    """The procedure whose payload the dossier carries."""
    procedure = by_payload_kind(dossier.payload.kind)
    if procedure is None:  # parse_dossier admits only registered kinds
        raise InvalidDossier(
            [problem("payload.kind", f"“{dossier.payload.kind}” không phải thủ tục bot xử lý")]
        )
    return procedure


def form_for(
    dossier: Dossier,
    *,
    procedure: Procedure | None = None,
    codes: Collection[str] | None = None,
    require_files: bool = True,
) -> Any:
    """The portal's form for ``dossier`` (validated by :func:`rpa.domain.parse_dossier`).

    ``procedure`` is the one the caller expects (a transfer's); ``codes`` the provincial procedure
    codes it takes (default: the procedure's own). ``require_files`` False lets a dry run map a
    dossier whose files are not downloaded.

    Raises:
        InvalidDossier: every problem only the procedure or its form can find.
    """
    own = procedure_of(dossier)
    expected = procedure or own
    problems = _procedure_problems(expected, dossier.procedure_code, codes)
    if own is not expected:
        problems.append(problem("payload.kind", f"là hồ sơ “{own.title}”, không phải “{expected.title}”"))
    if problems:
        raise InvalidDossier(problems, dossier.code)
    return own.map(dossier, require_files=require_files)


def read_form(
    data: Mapping[str, Any],
    *,
    attachments_dir: Path | None = None,
    today: date | None = None,
    require_files: bool = True,
    procedure: Procedure | None = None,
    codes: Collection[str] | None = None,
) -> Any:
    """Read a dossier from its JSON shape and map it; every problem of both stages in one error.

    Args:
        data: the dossier as ``Dossier.model_dump(mode="json")`` gives it.
        attachments_dir: where the attachments were downloaded. An attachment without ``file`` is
            taken to be ``attachments_dir / <its name>`` (the last component of the name only, so a
            name cannot point outside the folder); a relative ``file`` is resolved against it.
        today: the day the rules are checked against (default the current day).
        require_files, procedure, codes: see :func:`form_for`.

    Raises:
        InvalidDossier: the validation problems of :func:`rpa.domain.parse_dossier` followed by the
            mapping problems found in whatever parts could be read, in one list.
    """
    try:
        dossier = parse_dossier(data, today=today)
    except InvalidDossier as exc:
        extra = [p for p in _salvage(data, attachments_dir, require_files, codes) if p not in exc.problems]
        if not extra:
            raise
        raise InvalidDossier([*exc.problems, *extra], exc.dossier_code) from None
    if attachments_dir is not None:
        located = [_locate(a, attachments_dir) for a in dossier.attachments]
        dossier = dossier.model_copy(update={"attachments": located})
    return form_for(dossier, procedure=procedure, codes=codes, require_files=require_files)


def _procedure_problems(procedure: Procedure, code: str, codes: Collection[str] | None) -> list[Problem]:
    """Only the procedure's own provincial codes map onto its form; any other is refused, not typed."""
    taken = tuple(codes) if codes is not None else procedure.procedure_codes
    if code in taken:
        return []
    message = (
        f"“{code}” không phải thủ tục {procedure.title} ({', '.join(taken)}); "
        "bot không xử lý thủ tục này, cần chuyển hồ sơ cho cán bộ"
    )
    return [problem("procedure_code", message)]


def _salvage(
    data: Mapping[str, Any], folder: Path | None, require_files: bool, codes: Collection[str] | None
) -> list[Problem]:
    """Mapping problems of the readable parts of an invalid dossier, when its procedure can tell them."""
    payload = with_payload_kind(data).get("payload")
    procedure = by_payload_kind(payload.get("kind")) if isinstance(payload, Mapping) else None
    if procedure is None or procedure.salvage is None:
        return []
    problems: list[Problem] = []
    code = data.get("procedure_code")
    if isinstance(code, str) and code.strip():
        problems += _procedure_problems(procedure, code.strip(), codes)
    attachments: list[Attachment] | None = None
    listed = data.get("attachments", [])
    if isinstance(listed, list):
        read = [_attachment(raw) for raw in listed]
        if None not in read:
            attachments = [a if folder is None else _locate(a, folder) for a in read if a is not None]
    return problems + procedure.salvage(data, attachments, require_files)


def _attachment(raw: Any) -> Attachment | None:
    if not isinstance(raw, Mapping):
        return None
    try:
        return Attachment.model_validate(dict(raw))
    except ValueError:
        return None


def _locate(attachment: Attachment, folder: Path) -> Attachment:
    """``attachment`` with its ``file`` resolved under ``folder`` (see :func:`read_form`)."""
    if attachment.file is not None:
        file = attachment.file if attachment.file.is_absolute() else folder / attachment.file
        return attachment.model_copy(update={"file": file})
    name = PureWindowsPath(attachment.name).name  # handles both / and \ separators
    if name in {"", ".", ".."}:
        return attachment
    return attachment.model_copy(update={"file": folder / name})
