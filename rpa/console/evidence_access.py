"""Find a transfer's evidence on disk from ledger ids only: attempt number and screenshot number.

The browser never names a file. The server takes the transfer's dossier code from the ledger, lists
``<recordings>/YYYY/MM/DD/<code>/<attempt>/`` (``rpa.portal.evidence``'s layout) and numbers the
screenshots it finds there; a request names an attempt and a screenshot by those numbers. Anything
that does not resolve to a regular file inside that transfer's own attempt folder (a symbolic link
pointing elsewhere, a code that could escape the folder) is not served.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rpa.portal.evidence import MANIFEST, TRACE

__all__ = ["Attempt", "attempts_of", "find_attempt"]

_SAFE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")  # as rpa.portal.evidence names folders


@dataclass(frozen=True)
class Attempt:
    number: int
    folder: Path
    day: str  # dd/mm/yyyy of the folder
    screenshots: tuple[Path, ...]
    trace: Path | None
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def typed(self) -> dict[str, Any]:
        typed = self.manifest.get("typed")
        return typed if isinstance(typed, dict) else {}

    @property
    def answer(self) -> dict[str, Any]:
        """What the portal answered, as the bot recorded it (receipt code, or what a look-up found)."""
        extra = self.manifest.get("extra")
        return extra if isinstance(extra, dict) else {}

    def screenshot(self, n: int) -> Path | None:
        return self.screenshots[n - 1] if 1 <= n <= len(self.screenshots) else None


def _inside(path: Path, folder: Path) -> bool:
    """A regular file, not a link, whose real path lies directly in ``folder``'s real path."""
    return path.is_file() and not path.is_symlink() and path.resolve().parent == folder.resolve()


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not _inside(path, folder):
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def attempts_of(root: Path, dossier_code: str) -> list[Attempt]:
    """Every attempt folder of ``dossier_code`` under ``root``, by attempt number."""
    if not _SAFE_CODE.fullmatch(dossier_code) or ".." in dossier_code or not root.is_dir():
        return []
    real_root = root.resolve()
    found: dict[int, Attempt] = {}
    for folder in root.glob(f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/{dossier_code}/*"):
        if not folder.name.isdigit() or folder.is_symlink() or not folder.is_dir():
            continue
        if not folder.resolve().is_relative_to(real_root):
            continue
        shots = tuple(sorted(p for p in folder.glob("*.png") if _inside(p, folder)))
        trace = folder / TRACE
        year, month, day = folder.parts[-5:-2]
        found[int(folder.name)] = Attempt(
            number=int(folder.name),
            folder=folder,
            day=f"{day}/{month}/{year}",
            screenshots=shots,
            trace=trace if _inside(trace, folder) else None,
            manifest=_read_manifest(folder),
        )
    return [found[n] for n in sorted(found)]


def find_attempt(root: Path, dossier_code: str, number: int) -> Attempt | None:
    return next((a for a in attempts_of(root, dossier_code) if a.number == number), None)
