"""What the seed generator hands to the provincial sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SeedFile", "SeededDossier"]


@dataclass(frozen=True)
class SeedFile:
    """The bytes of one attachment."""

    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class SeededDossier:
    """One generated dossier.

    Attributes:
        data: the dossier in the JSON shape of ``Dossier.model_dump(mode="json")``; for a flawed dossier
            some values are deliberately wrong (a string ``"31/02/1990"``, a missing mother...), so it is
            a plain dict, not a ``Dossier``. ``attachments`` entries carry no ``file``.
        files: the attachments' bytes, in the order of ``data["attachments"]``.
        flaw: the id of the deliberate flaw (see ``rpa.sandbox.seed.FLAWS``), or None for a valid dossier.
        tricky: the id of an awkward-but-valid trait (see ``rpa.sandbox.seed.TRICKS``), or None.
    """

    data: dict[str, Any]
    files: list[SeedFile] = field(default_factory=list)
    flaw: str | None = None
    tricky: str | None = None
