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

from loguru import logger

from rpa.evidence.opening import open_attempt_file, read_values
from rpa.ledger.data_keys import ErasedKey
from rpa.portal.evidence import MANIFEST, TRACE
from rpa.vault import SUFFIX, SealedDataError, Vault

__all__ = ["Attempt", "attempts_of", "find_attempt", "opened"]

_SAFE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")  # as rpa.portal.evidence names folders


@dataclass(frozen=True)
class Attempt:
    number: int
    folder: Path
    day: str  # dd/mm/yyyy of the folder
    screenshots: tuple[Path, ...]
    trace: Path | None
    manifest: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # {"typed", "extra"}, opened when sealed
    erased: bool = False  # the dossier's key was erased: its files no longer open

    @property
    def typed(self) -> dict[str, Any]:
        typed = self.values.get("typed")
        return typed if isinstance(typed, dict) else {}

    @property
    def answer(self) -> dict[str, Any]:
        """What the portal answered, as the bot recorded it (receipt code, or what a look-up found)."""
        extra = self.values.get("extra")
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


def _values(vault: Vault | None, code: str, folder: Path) -> tuple[dict[str, Any], bool]:
    if vault is None:
        return {}, False
    try:
        return read_values(vault, code, folder), False
    except ErasedKey:
        return {}, True
    except (OSError, ValueError, KeyError) as exc:  # an altered file: verification names it
        logger.warning("evidence {}: values not readable: {}", folder, exc)
        return {}, False


def attempts_of(root: Path, dossier_code: str, vault: Vault | None = None) -> list[Attempt]:
    """Every attempt folder of ``dossier_code`` under ``root``, by attempt number; with ``vault``,
    the values typed and answered opened (the caller records that a person saw them)."""
    if not _SAFE_CODE.fullmatch(dossier_code) or ".." in dossier_code or not root.is_dir():
        return []
    real_root = root.resolve()
    found: dict[int, Attempt] = {}
    for folder in root.glob(f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/{dossier_code}/*"):
        if not folder.name.isdigit() or folder.is_symlink() or not folder.is_dir():
            continue
        if not folder.resolve().is_relative_to(real_root):
            continue
        shots = tuple(sorted(p for p in folder.glob("*.png*") if _inside(p, folder) and _picture(p)))
        trace = next((t for t in (folder / TRACE, folder / f"{TRACE}{SUFFIX}") if _inside(t, folder)), None)
        values, erased = _values(vault, dossier_code, folder)
        year, month, day = folder.parts[-5:-2]
        found[int(folder.name)] = Attempt(
            number=int(folder.name),
            folder=folder,
            day=f"{day}/{month}/{year}",
            screenshots=shots,
            trace=trace,
            manifest=_read_manifest(folder),
            values=values,
            erased=erased,
        )
    return [found[n] for n in sorted(found)]


def _picture(path: Path) -> bool:
    return path.name.endswith((".png", f".png{SUFFIX}"))


def find_attempt(root: Path, dossier_code: str, number: int) -> Attempt | None:
    return next((a for a in attempts_of(root, dossier_code) if a.number == number), None)


def opened(vault: Vault, dossier_code: str, path: Path) -> bytes:
    """The plain bytes of an evidence file found here; 410 when the dossier was erased, 409 altered."""
    from fastapi import HTTPException

    try:
        return open_attempt_file(vault, dossier_code, path)
    except ErasedKey as exc:
        raise HTTPException(410, str(exc)) from None
    except SealedDataError:
        raise HTTPException(
            409, "Tệp bằng chứng này đã bị sửa, không mở được: chạy rpa evidence verify."
        ) from None
