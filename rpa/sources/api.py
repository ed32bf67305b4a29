"""Reading the provincial system through its JSON API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rpa.sources.base import Source, SourceRecord, assemble
from rpa.sources.provincial import DEFAULT_MAX_ATTACHMENT_MB, ProvincialClient
from rpa.sources.sealed import sealer
from rpa.vault import Vault

__all__ = ["ApiSource"]


class ApiSource(Source):
    """A :class:`Source` over :class:`~rpa.sources.provincial.ProvincialClient` (which it closes).

    ``max_attachment_mb`` (``Settings.max_attachment_mb``) becomes the client's cap on each download.
    ``vault`` (:func:`rpa.vault.vault_for`) seals each downloaded attachment under its dossier's key
    (:mod:`rpa.sources.sealed`); without it the source lists dossiers but downloads no file.
    """

    def __init__(
        self,
        client: ProvincialClient,
        *,
        vault: Vault | None = None,
        max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB,
    ) -> None:
        self.client = client
        self.vault = vault
        client.max_attachment_mb = max_attachment_mb

    def list_codes(
        self, procedure_code: str, statuses: Sequence[int] = (), since: date | None = None
    ) -> list[str]:
        found = self.client.search(
            procedure=procedure_code,
            statuses=tuple(statuses),
            received_since=since.isoformat() if since else None,
        )
        return sorted({item["code"] for item in found})

    def read(self, code: str, attachments_dir: Path, *, today: date | None = None) -> SourceRecord:
        api_dict = self.client.get(code)
        attachments = api_dict.get("attachments")
        metas: list[Any] = attachments if isinstance(attachments, list) else []

        def download(index: int, url: str, dest: Path) -> Path:
            keep = sealer(self.vault)
            return keep.keep(
                code, dest, self.client.fetch(url, dest.name, index=index, meta=metas[index], code=code)
            )

        return assemble(code, api_dict, download, attachments_dir, today)

    def close(self) -> None:
        self.client.close()
