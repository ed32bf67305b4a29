"""Dossiers imported from a workbook, kept as imported, so the worker types what the clerk exported.

A province that can hand the bot only an Excel export has no API the worker could read the dossier
from again, and text the import converted from TCVN3 or VNI exists only here. So each imported
dossier is kept under ``<work_dir>/imported/<code>/``: ``dossier.json.enc`` (the dossier as the API
would show it, each attachment's ``download_url`` pointing at its kept copy) and the attachment files
``files/<NN>.enc``, every one sealed under the dossier's key (:mod:`rpa.vault`, bound to
``imported/<code>/<its path there>``) and owner-only. :class:`ImportedFirst` reads a kept dossier
from there and any other from the configured source. The status check before the final click and
the write-back still go to the provincial system through its configured account (API or clerk web
UI).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rpa.private_files import private_dir
from rpa.sources.base import Source, SourceRecord, assemble
from rpa.sources.sealed import SealedAttachments, plain_name
from rpa.vault import SUFFIX, Vault, dossier_scope, is_sealed

__all__ = ["ImportedDossiers", "ImportedFirst", "content_digest", "imported_dir"]


def imported_dir(work_dir: Path) -> Path:
    return work_dir / "imported"


def content_digest(api_dict: dict[str, Any]) -> str:
    """What a dossier says, whatever folder its files were read from: files count by their SHA-256."""
    content = {key: value for key, value in api_dict.items() if key != "attachments"}
    listed = api_dict.get("attachments")
    content["attachments"] = [
        {k: v for k, v in item.items() if k not in ("download_url", "file")}
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict)
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


DOSSIER = "dossier.json"
FILES = "files"


def imported_aad(dossier_code: str, name: str) -> str:
    """What a kept file is bound to: its dossier and its plain path in the dossier's folder."""
    return f"imported/{dossier_code}/{plain_name(name)}"


class ImportedDossiers:
    """The kept dossiers, one folder each, sealed with ``vault``."""

    def __init__(self, root: Path, vault: Vault) -> None:
        self.root = root
        self.vault = vault

    def _folder(self, code: str) -> Path:
        # Dossier codes are checked before anything is kept (dots, digits, letters, dashes only).
        return self.root / code

    def get(self, code: str) -> dict[str, Any] | None:
        folder = self._folder(code)
        sealed = folder / (DOSSIER + SUFFIX)
        if not sealed.is_file():
            legacy = folder / DOSSIER
            if not legacy.is_file():
                return None
            # Kept in the clear before sealing: sealed now, and the plain copy goes.
            self.keep(code, json.loads(legacy.read_text(encoding="utf-8")))
        opened = self.vault.read(dossier_scope(code), sealed, imported_aad(code, DOSSIER))
        data: dict[str, Any] = json.loads(opened)
        return data

    def digest(self, code: str) -> str | None:
        kept = self.get(code)
        return None if kept is None else content_digest(kept)

    def keep(self, code: str, api_dict: dict[str, Any]) -> None:
        """Keep ``api_dict`` (attachments' ``download_url`` are paths of readable files, or of files
        kept here) and sealed copies of its files, replacing what was kept of ``code`` before."""
        folder = self._folder(code)
        staging = self.root / f".{code}.new"
        if staging.exists():
            shutil.rmtree(staging)
        private_dir(staging / FILES)
        scope = dossier_scope(code)
        kept = {**api_dict}
        listed = api_dict.get("attachments")
        if isinstance(listed, list):
            kept["attachments"] = []
            for index, item in enumerate(listed):
                name = f"{FILES}/{index + 1:02d}"
                data = self._bytes(code, str(item["download_url"]))
                self.vault.write(scope, staging / (name + SUFFIX), data, imported_aad(code, name))
                kept["attachments"].append({**item, "download_url": str(folder / (name + SUFFIX))})
        text = json.dumps(kept, ensure_ascii=False, indent=1, default=str)
        self.vault.write(
            scope, staging / (DOSSIER + SUFFIX), text.encode("utf-8"), imported_aad(code, DOSSIER)
        )
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)  # the whole dossier or the old one, never half of each

    def _bytes(self, code: str, url: str) -> bytes:
        """The plain bytes of an attachment's ``download_url``: a file kept here (sealed), else the
        clerk's file beside the workbook."""
        path = Path(url)
        if not is_sealed(path):
            return path.read_bytes()
        return self.vault.read(dossier_scope(code), path, imported_aad(code, f"{FILES}/{path.name}"))

    def read(self, code: str, attachments_dir: Path, today: date | None = None) -> SourceRecord | None:
        kept = self.get(code)
        if kept is None:
            return None
        attachments = SealedAttachments(self.vault)

        def copy(index: int, url: str, dest: Path) -> Path:
            return attachments.keep(code, dest, self._bytes(code, url))

        return assemble(code, kept, copy, attachments_dir, today)


class ImportedFirst(Source):
    """The configured source, except that a dossier imported from a workbook is read as imported."""

    def __init__(self, inner: Source, imported: ImportedDossiers) -> None:
        self.inner, self.imported = inner, imported

    def list_codes(
        self, procedure_code: str, statuses: Sequence[int] = (), since: date | None = None
    ) -> list[str]:
        return self.inner.list_codes(procedure_code, statuses, since)

    def read(self, code: str, attachments_dir: Path, *, today: date | None = None) -> SourceRecord:
        record = self.imported.read(code, attachments_dir, today)
        return record if record is not None else self.inner.read(code, attachments_dir, today=today)

    def close(self) -> None:
        self.inner.close()
