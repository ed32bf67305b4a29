"""Data keys: one random AES-256 key per scope (a dossier, a report day, a saved portal session),
stored in the ledger wrapped (AES-GCM) by the installation's master key.

The ledger is the one store every worker and the console share, so a key made by a worker on one
machine opens the evidence on the console of another. Erasing a key keeps its row (who erased it,
when, why) and drops the wrapped bytes: every copy of the data it sealed, backups included, is then
unreadable. A backup of the ledger taken before the erasure still holds the wrapped key, but only the
master key of that time unwraps it: ``rpa keys rotate`` after erasures retires that master key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, LargeBinary, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from rpa.errors import BusinessError
from rpa.ledger.engine import WRITE
from rpa.ledger.models import Base, UtcDateTime

__all__ = ["DataKeyRow", "ErasedKey", "KeyStore", "master_id"]

_NONCE = 12


class DataKeyRow(Base):
    __tablename__ = "data_keys"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    master_id: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_reason: Mapped[str] = mapped_column(Text, default="")


class ErasedKey(BusinessError, LookupError):
    """The scope's key was erased on purpose: its data is unreadable, as intended.

    For a worker a business problem: a dossier whose data was erased and that is sent again is
    parked for a clerk with this reason, never retried (nothing of it may be sealed again)."""

    def __init__(self, scope: str, at: datetime | None, reason: str) -> None:
        self.scope, self.at, self.reason = scope, at, reason
        when = f" lúc {at:%d/%m/%Y %H:%M} UTC" if at else ""
        super().__init__(f"Dữ liệu của {scope} đã bị xoá theo quy định{when}: không còn đọc được.")


def master_id(master: bytes) -> str:
    """A short name of a master key (not secret: a hash of it), kept beside each key it wraps."""
    return hashlib.sha256(b"motcua-rpa master id\0" + master).hexdigest()[:16]


@dataclass(frozen=True)
class _Master:
    id: str
    aead: AESGCM


def _master(key: bytes) -> _Master:
    return _Master(master_id(key), AESGCM(key))


class KeyStore:
    """The data keys of one ledger, unwrapped with ``masters`` (the current one first; during a
    rotation cut short, the next one too, chosen per row by its ``master_id``)."""

    def __init__(self, engine: Engine, masters: list[bytes]) -> None:
        if not masters:
            raise ValueError("at least one master key")
        self.engine = engine
        self._masters = {m.id: m for m in map(_master, masters)}
        self._current = _master(masters[0])

    def _unwrap(self, row: DataKeyRow) -> bytes:
        if row.wrapped is None:
            raise ErasedKey(row.scope, row.erased_at, row.erased_reason)
        master = self._masters.get(row.master_id or "")
        if master is None:
            raise ValueError(
                f"data key {row.scope} is wrapped by master key {row.master_id}, which this installation "
                f"does not hold (holds {sorted(self._masters)})"
            )
        blob = row.wrapped
        return master.aead.decrypt(blob[:_NONCE], blob[_NONCE:], row.scope.encode())

    def _wrap(self, scope: str, key: bytes, master: _Master) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + master.aead.encrypt(nonce, key, scope.encode())

    def get(self, scope: str, *, create: bool) -> bytes:
        """The key of ``scope``; made (and stored) now when there is none and ``create``.

        Raises:
            ErasedKey: it was erased.
            KeyError: there is none and not ``create``.
        """
        with Session(self.engine) as session:
            row = session.get(DataKeyRow, scope)
            if row is not None:
                return self._unwrap(row)
        if not create:
            raise KeyError(scope)
        key = AESGCM.generate_key(bit_length=256)
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{WRITE: True})
                with Session(connection) as session, session.begin():
                    session.add(
                        DataKeyRow(
                            scope=scope,
                            wrapped=self._wrap(scope, key, self._current),
                            master_id=self._current.id,
                            created_at=datetime.now(UTC),
                            erased_reason="",
                        )
                    )
        except IntegrityError:  # another process made it first: use theirs
            return self.get(scope, create=False)
        return key

    def erase(self, scope: str, reason: str) -> bool:
        """Drop the key of ``scope`` for good; False when there was none (or it was erased already)."""
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with Session(connection) as session, session.begin():
                row = session.get(DataKeyRow, scope)
                if row is None or row.wrapped is None:
                    return False
                row.wrapped = None
                row.master_id = None
                row.erased_at = datetime.now(UTC)
                row.erased_reason = reason
        return True

    def erased(self, scope: str) -> DataKeyRow | None:
        with Session(self.engine) as session:
            row = session.get(DataKeyRow, scope)
            if row is None or row.wrapped is not None:
                return None
            session.expunge(row)
            return row

    def scopes(self, prefix: str = "") -> list[str]:
        """The scopes that still have a key, starting with ``prefix``."""
        query = select(DataKeyRow.scope).where(DataKeyRow.wrapped.is_not(None))
        if prefix:
            query = query.where(DataKeyRow.scope.startswith(prefix, autoescape=True))
        with Session(self.engine) as session:
            return list(session.scalars(query.order_by(DataKeyRow.scope)))

    def rewrap(self, new_master: bytes) -> int:
        """Wrap every live key with ``new_master`` in one transaction; return how many.

        The sealed data is untouched: only the small wrapped keys change.
        """
        target = _master(new_master)
        count = 0
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE: True})
            with Session(connection) as session, session.begin():
                rows = session.scalars(select(DataKeyRow).where(DataKeyRow.wrapped.is_not(None)))
                for row in rows:
                    if row.master_id == target.id:
                        continue
                    row.wrapped = self._wrap(row.scope, self._unwrap(row), target)
                    row.master_id = target.id
                    count += 1
        self._masters[target.id] = target
        self._current = target
        return count
