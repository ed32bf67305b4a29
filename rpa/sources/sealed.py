"""Attachments kept sealed at rest: a citizen's file is never on disk in the clear.

A downloaded (or imported) attachment is sealed under its dossier's key (``dossier:<code>``,
:mod:`rpa.vault`) as ``<name>.enc``, bound to ``attachment/<code>/<name>``: moved to another dossier
or renamed, it does not open, and erasing the dossier's key makes it unreadable. The dossier's
``Attachment.file`` is then a :class:`SealedFile`, the path of the sealed file whose ``read_bytes()``
gives the plain bytes: a flow uploads them from memory (``Steps.upload`` with a ``file_name`` hands
Playwright the bytes, never a path), so nothing decrypted is written anywhere.
"""

from __future__ import annotations

from pathlib import Path, PosixPath
from typing import Any, Self

from rpa.errors import ConfigError
from rpa.private_files import private_dir
from rpa.vault import SUFFIX, Vault, dossier_scope

__all__ = ["SealedAttachments", "SealedFile", "attachment_aad", "plain_name", "sealer"]


def attachment_aad(dossier_code: str, name: str) -> str:
    """What an attachment's sealed copy is bound to: its dossier and its plain file name."""
    return f"attachment/{dossier_code}/{plain_name(name)}"


def plain_name(name: str) -> str:
    """``01-cccd.png`` for ``01-cccd.png.enc``: the name the file had before it was sealed."""
    return name.removesuffix(SUFFIX)


class SealedFile(PosixPath):
    """The path of a sealed attachment (``…/01-cccd.png.enc``) that reads as its plain bytes.

    Only ``read_bytes()`` opens the file: ``open()``, ``stat()`` and the like see the sealed bytes
    on disk. A path derived from this one (``parent``, ``with_name``) is a plain path again.
    """

    _opener: tuple[Vault, str, str] | None = None  # the vault, scope and additional data

    @classmethod
    def of(cls, path: Path, vault: Vault, scope: str, aad: str) -> Self:
        sealed = cls(path)
        sealed._opener = (vault, scope, aad)
        return sealed

    def read_bytes(self) -> bytes:
        if self._opener is None:
            return super().read_bytes()
        vault, scope, aad = self._opener
        return vault.open(scope, super().read_bytes(), aad)

    def __copy__(self) -> Self:
        return self  # a path is immutable: a copy (pydantic's deep copies) keeps the opener

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self


class SealedAttachments:
    """Keeps attachments sealed under their dossier's key, and opens them."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def keep(self, dossier_code: str, dest: Path, data: bytes) -> SealedFile:
        """Seal ``data`` as ``dest`` + ``.enc`` (owner-only, in an owner-only folder, replacing an
        older copy) and return it as a :class:`SealedFile`."""
        private_dir(dest.parent)
        sealed = dest.with_name(plain_name(dest.name) + SUFFIX)
        aad = attachment_aad(dossier_code, sealed.name)
        self.vault.write(dossier_scope(dossier_code), sealed, data, aad, exclusive=False)
        return self.file(dossier_code, sealed)

    def file(self, dossier_code: str, sealed: Path) -> SealedFile:
        """The sealed file at ``sealed`` (``<name>.enc``), readable as its plain bytes."""
        return SealedFile.of(
            sealed, self.vault, dossier_scope(dossier_code), attachment_aad(dossier_code, sealed.name)
        )


def sealer(vault: Vault | None) -> SealedAttachments:
    """Where a source keeps the attachments it downloads: sealed, or nowhere.

    Raises:
        ConfigError: the source was made without a vault (it may list dossiers, not download files).
    """
    if vault is None:
        raise ConfigError(
            "attachments are kept sealed, and this source was given no vault (rpa.vault.vault_for)"
        )
    return SealedAttachments(vault)
