"""What every source hands out, and the one way a fetched dossier becomes a :class:`SourceRecord`.

A source fetches the dossier dict as the provincial API shows it (the raw dossier plus the API's
extras), and a way to download each attachment. :func:`assemble` does the rest for all of them:
strip the extras, validate with :func:`rpa.domain.parse_dossier`, download and verify the files, and
keep a flawed dossier with its reasons rather than dropping it.
"""

from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from rpa.domain import Dossier, parse_dossier
from rpa.errors import InvalidDossier, Problem

__all__ = [
    "API_EXTRAS",
    "Downloader",
    "Source",
    "SourceRecord",
    "assemble",
    "one_line_break",
    "strip_extras",
]

API_EXTRAS = ("processing_log", "receipt_codes")
"""Top-level keys the provincial API adds to the stored dossier (besides ``attachments[i].download_url``)."""

Downloader = Callable[[int, str, Path], Path]
"""``download(index, download_url, dest)``: keep attachment ``index`` sealed as ``dest`` + ``.enc`` and
return it (a :class:`rpa.sources.sealed.SealedFile`). Raises ``InvalidDossier`` when the bytes
disagree with the metadata (nothing is kept then)."""


@dataclass(frozen=True)
class SourceRecord:
    """One dossier as read from the provincial system; a flawed one is kept, with its reasons.

    Attributes:
        code: the dossier code it was read under.
        raw: the dossier dict as the provincial system stores it, without the API's extras and with
            line breaks as ``\\n`` (see :func:`one_line_break`).
        dossier: the validated dossier, its attachments' ``file`` set to the downloaded copies;
            None when there are problems.
        problems: every problem found (fields, cross-field rules, corrupt attachments), or None.
        files: the downloaded copy of each attachment, by index (None where nothing was downloaded).
        receipt_codes: ministry receipt codes already written back to this dossier, oldest first.
    """

    code: str
    raw: dict[str, Any]
    dossier: Dossier | None
    problems: InvalidDossier | None
    files: list[Path | None] = field(default_factory=list)
    receipt_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dossier is not None


class Source(ABC):
    """Lists and reads dossiers of the provincial system. Close it (or use ``with``) when done."""

    @abstractmethod
    def list_codes(
        self, procedure_code: str, statuses: Sequence[int] = (), since: date | None = None
    ) -> list[str]:
        """Codes of the dossiers of ``procedure_code`` in any of ``statuses`` (all when empty),
        received on or after the day ``since``; every page, sorted by code, without duplicates."""

    @abstractmethod
    def read(self, code: str, attachments_dir: Path, *, today: date | None = None) -> SourceRecord:
        """Read dossier ``code`` and download its attachments under ``attachments_dir/<code>/``.

        ``today`` is the day validation takes as today (default: the real today).
        """

    @abstractmethod
    def close(self) -> None:
        """Release what the source holds (HTTP connections, browser contexts)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def strip_extras(api_dict: dict[str, Any]) -> dict[str, Any]:
    """The stored dossier: ``api_dict`` without ``processing_log``, ``receipt_codes`` and download URLs."""
    raw = {key: copy.deepcopy(value) for key, value in api_dict.items() if key not in API_EXTRAS}
    attachments = raw.get("attachments")
    if isinstance(attachments, list):
        for item in attachments:
            if isinstance(item, dict):
                item.pop("download_url", None)
    return raw


def one_line_break(value: Any) -> Any:
    """``value`` with every ``\\r\\n`` and lone ``\\r`` in its strings made ``\\n``.

    A web page cannot carry a carriage return (HTML parsing turns ``\\r\\n`` into ``\\n``), so both
    sources normalise line breaks the same way and stay identical for text typed on Windows.
    """
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, dict):
        return {key: one_line_break(child) for key, child in value.items()}
    if isinstance(value, list):
        return [one_line_break(child) for child in value]
    return value


def _safe(name: str, fallback: str) -> str:
    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("._")[:80]
    return cleaned or fallback


def assemble(
    code: str,
    api_dict: dict[str, Any],
    download: Downloader,
    attachments_dir: Path,
    today: date | None = None,
    found: Sequence[Problem] = (),
) -> SourceRecord:
    """Turn a fetched API-shaped dossier into a record: validate it and download every attachment.

    ``found`` are problems the source met reading the dossier (a label the web UI shows that maps to
    no code); each replaces validation's own problems on its field, which would only say the shown
    text is no valid code. Attachments are kept as ``attachments_dir/<code>/<NN>-<name>`` (the
    downloader seals them: ``<NN>-<name>.enc``, :mod:`rpa.sources.sealed`); a download that fails with
    ``InvalidDossier`` (a corrupt file) adds its problems to the record; other errors propagate.
    """
    raw = one_line_break(strip_extras(api_dict))
    problems: list[Problem] = list(found)
    dossier: Dossier | None = None
    try:
        dossier = parse_dossier(raw, today=today)
    except InvalidDossier as exc:
        told = {problem.field for problem in found}
        problems.extend(problem for problem in exc.problems if problem.field not in told)
    files: list[Path | None] = []
    folder = attachments_dir / _safe(code, "ho-so")
    listed = api_dict.get("attachments")
    for index, item in enumerate(listed if isinstance(listed, list) else []):
        url = item.get("download_url") if isinstance(item, dict) else None
        if not isinstance(url, str):
            files.append(None)
            continue
        name = item.get("name")
        dest = folder / f"{index + 1:02d}-{_safe(name if isinstance(name, str) else '', 'tep')}"
        try:
            files.append(download(index, url, dest))
        except InvalidDossier as exc:
            problems.extend(exc.problems)
            files.append(None)  # a corrupt file is not kept
    receipts = api_dict.get("receipt_codes")
    receipt_codes = [r for r in receipts if isinstance(r, str)] if isinstance(receipts, list) else []
    if problems:
        return SourceRecord(code, raw, None, InvalidDossier(problems, code), files, receipt_codes)
    assert dossier is not None
    attachments = [
        attachment.model_copy(update={"file": path}) if path is not None else attachment
        for attachment, path in zip(dossier.attachments, files, strict=False)
    ]
    dossier = dossier.model_copy(update={"attachments": attachments})
    return SourceRecord(code, raw, dossier, None, files, receipt_codes)
