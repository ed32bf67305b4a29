"""Encryption at rest of citizens' data the bot keeps outside the ledger's plain columns.

Everything that may hold a citizen's data (evidence screenshots, traces, values typed, saved portal
sessions, downloaded attachments, reports, the ledger's record of what was submitted) is sealed with
AES-256-GCM under a data key of its *scope*: one per dossier (``dossier:<code>``), per report day,
per saved session (:mod:`rpa.ledger.data_keys`). A sealed file is named ``<name>.enc`` and holds
``MAGIC || nonce || ciphertext+tag``; the additional data binds it to its scope and its name, so a
file moved to another dossier or renamed does not open. Erasing a scope's key makes every copy of
its data unreadable at once.

Reading needs the master key (``rpa keys init``; :func:`rpa.evidence.keys.load_master_key`), which a
command that needs it and cannot find stops on, saying what to run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rpa.evidence.keys import MASTER_ENV, MissingKeyError, load_master_key
from rpa.ledger.data_keys import ErasedKey, KeyStore
from rpa.private_files import write_new, write_private

if TYPE_CHECKING:
    from rpa.config import Settings

__all__ = [
    "MAGIC",
    "SUFFIX",
    "ErasedKey",
    "SealedDataError",
    "Vault",
    "dossier_scope",
    "evidence_aad",
    "is_sealed",
    "rotate_master",
    "submission_aad",
    "vault_for",
]

MAGIC = b"RPAENC1\n"
SUFFIX = ".enc"
_NONCE = 12
NEXT = ".next"
"""A new master key during ``rpa keys rotate``: kept beside the current one until the swap."""


class SealedDataError(ValueError):
    """Sealed bytes that do not open: altered, truncated, or sealed for another scope or name."""


def dossier_scope(dossier_code: str) -> str:
    return f"dossier:{dossier_code}"


def evidence_aad(dossier_code: str, attempt: int | str, name: str) -> str:
    """What an evidence file is bound to: its dossier, attempt and plain name (``01-x.png``)."""
    return f"evidence/{dossier_code}/{attempt}/{name.removesuffix(SUFFIX)}"


def submission_aad(dossier_code: str) -> str:
    """What the ledger's sealed record of a submission (``transfers.submission``) is bound to."""
    return f"submission/{dossier_code}"


def is_sealed(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


class Vault:
    """Seal and open data under per-scope keys (:class:`KeyStore`)."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _key(self, scope: str, *, create: bool) -> bytes:
        with self._lock:
            key = self._cache.get(scope)
        if key is None:
            key = self.store.get(scope, create=create)
            with self._lock:
                self._cache[scope] = key
        return key

    def seal(self, scope: str, data: bytes, aad: str = "") -> bytes:
        nonce = os.urandom(_NONCE)
        return MAGIC + nonce + AESGCM(self._key(scope, create=True)).encrypt(nonce, data, aad.encode())

    def open(self, scope: str, blob: bytes, aad: str = "") -> bytes:
        """The plaintext of ``blob``.

        Raises:
            ErasedKey: the scope's key was erased (the data is gone on purpose).
            KeyError: the scope never had a key here.
            SealedDataError: not sealed data, altered, or sealed for another scope or name.
        """
        if not blob.startswith(MAGIC):
            raise SealedDataError("not sealed by motcua-rpa")
        body = blob[len(MAGIC) :]
        try:
            return AESGCM(self._key(scope, create=False)).decrypt(body[:_NONCE], body[_NONCE:], aad.encode())
        except InvalidTag:
            raise SealedDataError("sealed data altered, or sealed for another scope or name") from None

    def seal_json(self, scope: str, value: Any, aad: str = "") -> dict[str, str]:
        """``value`` as a JSON column can hold it: ``{"sealed": base64}``."""
        data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return {"sealed": base64.b64encode(self.seal(scope, data, aad)).decode("ascii")}

    def open_json(self, scope: str, column: Any, aad: str = "") -> Any:
        """The value :meth:`seal_json` sealed (a column written before sealing is returned as is)."""
        if isinstance(column, dict) and set(column) == {"sealed"}:
            return json.loads(self.open(scope, base64.b64decode(column["sealed"]), aad))
        return column

    def write(self, scope: str, path: Path, data: bytes, aad: str, *, exclusive: bool = True) -> Path:
        """Seal ``data`` into ``path`` (which must end in ``.enc``), owner-only, fsynced.

        ``exclusive``: the file must be new (evidence is never overwritten); else it is replaced
        atomically. Nothing is left behind on failure.
        """
        if not path.name.endswith(SUFFIX):
            raise ValueError(f"a sealed file's name ends in {SUFFIX}: {path}")
        blob = self.seal(scope, data, aad)
        return write_new(path, blob) if exclusive else write_private(path, blob)

    def read(self, scope: str, path: Path, aad: str) -> bytes:
        return self.open(scope, path.read_bytes(), aad)

    def digest(self, scope: str, value: str) -> str:
        """An HMAC of ``value`` under the scope's key: proves what a masked field held to whoever can
        open the scope, and tells nothing to anyone else (12-digit numbers cannot be guessed
        against it); unverifiable once the scope is erased, as the value itself."""
        key = hashlib.sha256(b"motcua-rpa masked value\0" + self._key(scope, create=True)).digest()
        return "hmac-sha256:" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def erase(self, scope: str, reason: str) -> bool:
        with self._lock:
            self._cache.pop(scope, None)
        return self.store.erase(scope, reason)


def _masters(path: Path) -> list[bytes]:
    masters = [load_master_key(path)]
    following = path.with_name(path.name + NEXT)
    if not os.environ.get(MASTER_ENV) and following.is_file():
        masters.append(load_master_key(following))  # a rotation cut short: some keys use the next one
    return masters


_VAULTS: dict[tuple[str, str, str], Vault] = {}
_VAULTS_LOCK = threading.Lock()


def vault_for(settings: Settings) -> Vault:
    """The vault of these settings' ledger and master key (one per process and ledger).

    Raises:
        MissingKeyError: no master key (the message says to run ``rpa keys init``).
    """
    path = settings.keys.master_key_path(settings)
    masters = _masters(path)
    marker = (settings.ledger_url, str(path.resolve()), hashlib.sha256(b"".join(masters)).hexdigest())
    with _VAULTS_LOCK:
        vault = _VAULTS.get(marker)
        if vault is None:
            from rpa.ledger import Ledger

            vault = Vault(KeyStore(Ledger(settings.ledger_url).engine, masters))
            _VAULTS[marker] = vault
        return vault


def rotate_master(settings: Settings) -> dict[str, Any]:
    """Make a new master key, wrap every data key with it, retire the old one; return what changed.

    The evidence is not rewritten: only the data keys' wrapping. Safe to run again after a crash:
    the new key waits beside the old as ``<master>.next`` until every data key uses it.

    Raises:
        MissingKeyError: no master key, or it comes from the environment (then the operator
            replaces it there: this command cannot).
    """
    from rpa.ledger import Ledger
    from rpa.ledger.data_keys import master_id

    if os.environ.get(MASTER_ENV):
        raise MissingKeyError(
            f"Khoá chủ đang lấy từ biến môi trường {MASTER_ENV}: không thể thay tự động; "
            "hãy tạo khoá mới và đặt lại biến môi trường."
        )
    path = settings.keys.master_key_path(settings)
    current = load_master_key(path)
    following = path.with_name(path.name + NEXT)
    new = load_master_key(following) if following.is_file() else os.urandom(32)
    if not following.is_file():
        write_private(following, new)
    store = KeyStore(Ledger(settings.ledger_url).engine, [current, new])
    rewrapped = store.rewrap(new)
    os.replace(following, path)  # the old master key is gone: ledger backups of erased keys die with it
    # A worker that read the old key just before the swap may have wrapped one more key with it:
    # this process still holds the old key, so a second pass moves such stragglers too.
    rewrapped += store.rewrap(new)
    with _VAULTS_LOCK:
        _VAULTS.clear()
    return {"master_key": str(path), "old": master_id(current), "new": master_id(new), "rewrapped": rewrapped}
