"""Dossiers imported from a workbook, kept as imported, so the worker types what the clerk exported.

A province that can hand the bot only an Excel export has no API the worker could read the dossier
from again, and text the import converted from TCVN3 or VNI exists only here. So each imported
dossier is kept under ``<work_dir>/imported/<code>/``: ``dossier.json`` (the dossier as the API would
show it, each attachment's ``download_url`` pointing at its kept copy) and the attachment files,
owner-only. :class:`ImportedFirst` reads a kept dossier from there and any other from the configured
source. The status check before the final click and the write-back still go to the provincial system
through its configured account (API or clerk web UI).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rpa.private_files import private_dir, write_private
from rpa.sources.base import Source, SourceRecord, assemble

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


def _copy(index: int, source: str, dest: Path) -> Path:
    private_dir(dest.parent)
    return write_private(dest, Path(source).read_bytes())  # owner-only from the first byte


class ImportedDossiers:
    """The kept dossiers, one folder each."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, code: str) -> Path:
        # Dossier codes are checked before anything is kept (dots, digits, letters, dashes only).
        return self.root / code

    def get(self, code: str) -> dict[str, Any] | None:
        path = self._folder(code) / "dossier.json"
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def digest(self, code: str) -> str | None:
        kept = self.get(code)
        return None if kept is None else content_digest(kept)

    def keep(self, code: str, api_dict: dict[str, Any]) -> None:
        """Keep ``api_dict`` (attachments' ``download_url`` are paths of readable files) and copies of
        its files, replacing what was kept of ``code`` before."""
        folder = self._folder(code)
        staging = self.root / f".{code}.new"
        if staging.exists():
            shutil.rmtree(staging)
        private_dir(staging / "files")
        kept = {**api_dict}
        listed = api_dict.get("attachments")
        if isinstance(listed, list):
            kept["attachments"] = []
            for index, item in enumerate(listed):
                dest = _copy(index, str(item["download_url"]), staging / "files" / f"{index + 1:02d}")
                kept["attachments"].append({**item, "download_url": str(folder / "files" / dest.name)})
        write_private(staging / "dossier.json", json.dumps(kept, ensure_ascii=False, indent=1, default=str))
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)  # the whole dossier or the old one, never half of each

    def read(self, code: str, attachments_dir: Path, today: date | None = None) -> SourceRecord | None:
        kept = self.get(code)
        if kept is None:
            return None
        return assemble(code, kept, _copy, attachments_dir, today)


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
