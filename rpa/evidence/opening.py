"""Opening a dossier's sealed evidence for a person, and erasing it for good.

Both are for people with a reason (a supervisor checking a case, a citizen's request): the commands
that call these record who did it and why in the audit log.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from rpa.config import Settings
from rpa.evidence.chain import record_erasure
from rpa.evidence.core import MANIFEST
from rpa.private_files import private_dir, write_private
from rpa.vault import SUFFIX, Vault, dossier_scope, evidence_aad, is_sealed

__all__ = ["ERASABLE", "attempt_folders", "erase_dossier", "open_attempt_file", "open_dossier", "read_values"]

ERASABLE = frozenset({"finished", "failed_business"})
"""Transfer states a dossier's data may be erased in: nothing will type or look it up again."""


def attempt_folders(root: Path, code: str) -> list[Path]:
    """Every attempt folder of ``code`` under the evidence root, oldest day first."""
    pattern = f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/{code}/*"
    return sorted(p for p in root.glob(pattern) if p.is_dir() and p.name.isdigit() and not p.is_symlink())


def open_attempt_file(vault: Vault, code: str, path: Path) -> bytes:
    """The plain bytes of one file of an attempt folder of ``code`` (sealed or, from before
    sealing, clear). Raises ``ErasedKey`` for an erased dossier, ``SealedDataError`` for an altered file."""
    if is_sealed(path):
        return vault.read(dossier_scope(code), path, evidence_aad(code, path.parent.name, path.name))
    return path.read_bytes()


def read_values(vault: Vault, code: str, folder: Path) -> dict[str, Any]:
    """``{"typed": {...}, "extra": {...}}`` of one attempt: from ``values.json.enc`` when sealed, else
    from the manifest itself (evidence written before sealing). Empty when neither is readable."""
    sealed = folder / f"values.json{SUFFIX}"
    if sealed.is_file():
        return dict(json.loads(open_attempt_file(vault, code, sealed)))
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {"typed": manifest.get("typed") or {}, "extra": manifest.get("extra") or {}}


def open_dossier(settings: Settings, vault: Vault, code: str, out: Path) -> list[str]:
    """Write every evidence file of ``code``, opened, under the new folder ``out`` (owner-only),
    as ``<day>/<attempt>/<plain name>``; return the paths written, relative to ``out``.

    Raises:
        LookupError: no evidence of ``code`` (``ErasedKey``, a LookupError too: it was erased).
        FileExistsError: ``out`` exists (opened evidence is never mixed with other files).
    """
    folders = attempt_folders(settings.recordings_dir, code)
    if not folders:
        raise LookupError(f"Không có bằng chứng của hồ sơ {code}.")
    if out.exists():
        raise FileExistsError(f"Thư mục {out} đã có: chọn một thư mục mới.")
    written = []
    for folder in folders:
        day = "-".join(folder.relative_to(settings.recordings_dir).parts[:3])
        target = private_dir(out / day / folder.name)
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            name = path.name.removesuffix(SUFFIX)
            write_private(target / name, open_attempt_file(vault, code, path))
            written.append(f"{day}/{folder.name}/{name}")
    return written


def erase_dossier(settings: Settings, vault: Vault, code: str, reason: str) -> dict[str, Any]:
    """Erase ``code``'s data: chain entry first (a crash then leaves it erased, not tampered), then
    the data key (every copy unreadable), then the folders.

    Raises:
        ValueError: a transfer of the dossier may still type or look it up (not finished or parked),
            or no reason was given.
    """
    from rpa.ledger import Ledger

    if not reason.strip():
        raise ValueError("Cần ghi lý do xoá.")
    ledger = Ledger(settings.ledger_url)
    try:
        latest = ledger.find(code)  # a dossier goes through one procedure: its latest transfer
        busy = [latest] if latest is not None and str(latest.state) not in ERASABLE else []
    finally:
        ledger.close()
    if busy:
        states = ", ".join(f"{t.flow}: {t.state}" for t in busy)
        raise ValueError(f"Hồ sơ {code} còn đang xử lý ({states}): chưa thể xoá dữ liệu.")
    root = settings.recordings_dir
    folders = attempt_folders(root, code)
    chained = [f.relative_to(root).as_posix() for f in folders]
    record_erasure(root, code)
    key_erased = vault.erase(dossier_scope(code), reason)
    for folder in folders:
        shutil.rmtree(folder)
        if folder.parent.is_dir() and not any(folder.parent.iterdir()):
            folder.parent.rmdir()
    return {"dossier_code": code, "folders": chained, "key_erased": key_erased}
