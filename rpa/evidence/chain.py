"""The append-only hash chain of evidence (``<recordings_dir>/chain.jsonl``) and its signed checkpoints.

Each final manifest of an attempt appends one entry: hashes and sizes only, never the values typed.
``prev`` is the SHA-256 of the previous entry's canonical JSON, so removing, reordering or editing an
entry breaks the next link; a checkpoint signs the head (``seq``, its hash, when), so rewriting the
whole chain after it is caught too. Workers of one machine append under an exclusive ``flock``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from rpa.config import TimestampSettings
from rpa.evidence.core import (
    CHAIN,
    CHECKPOINTS,
    GENESIS,
    MANIFEST,
    canonical,
    entry_hash,
    file_sha256,
    fingerprint,
)
from rpa.evidence.keys import load_signing_key
from rpa.private_files import FILE_MODE, fsync_dir, write_all

LOCK = ".chain.lock"


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _last_entry(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(max(0, size - 65536))  # an entry is far shorter: read the tail only
        lines = [line for line in stream.read().split(b"\n") if line.strip()]
    return json.loads(lines[-1]) if lines else None


def _append(root: Path, name: str, record: dict[str, Any]) -> None:
    fd = os.open(root / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        write_all(fd, canonical(record) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def append_entry(root: Path, fields: dict[str, Any]) -> dict[str, Any]:
    """Append ``fields`` as the next entry (``seq``, ``at`` and ``prev`` added); return the entry."""
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        last = _last_entry(root / CHAIN)
        entry = fields | {
            "seq": (int(last["seq"]) + 1) if last else 1,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "prev": entry_hash(last) if last else GENESIS,
        }
        _append(root, CHAIN, entry)
    fsync_dir(root)
    return entry


def record_attempt(root: Path, folder: Path, dossier_code: str, attempt: int) -> dict[str, Any]:
    """Chain the manifest now in ``folder`` (called when it is written for the last time)."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    kept = ("name", "sha256", "size", "plain_sha256", "plain_size")  # a sealed file: both hashes
    files = [{k: f[k] for k in kept if k in f} for f in manifest.get("files", [])]
    return append_entry(
        root,
        {
            "kind": "attempt",
            "dossier_code": dossier_code,
            "attempt": attempt,
            "folder": folder.relative_to(root).as_posix(),
            "manifest_sha256": file_sha256(folder / MANIFEST),
            "files": files,
        },
    )


def record_erasure(root: Path, dossier_code: str, folders: list[str] | None = None) -> dict[str, Any]:
    """Record that the evidence of ``dossier_code`` chained so far was erased on purpose (retention,
    a lawful erasure), so verification reports it as erased rather than tampered with.

    ``folders`` (relative to ``root``) limits it to those attempts (the retention purge erases one
    day's folders, and the same dossier's later attempts stay checked); None: every attempt so far.
    """
    fields: dict[str, Any] = {"kind": "erased", "dossier_code": dossier_code}
    if folders is not None:
        fields["folders"] = sorted(folders)
    return append_entry(root, fields)


def record_file_erasure(root: Path, dossier_code: str, files: list[str]) -> dict[str, Any]:
    """Record that these files (``YYYY/MM/DD/<code>/<attempt>/<name>``, relative to ``root``) were
    erased on purpose from folders that stay (the retention purge deletes traces before screenshots):
    verification checks the folders' other files and reports these as erased, not missing."""
    return append_entry(root, {"kind": "erased_files", "dossier_code": dossier_code, "files": sorted(files)})


def checkpoint(
    root: Path, signing_key: Path, timestamping: TimestampSettings | None = None
) -> dict[str, Any]:
    """Sign the chain head into ``checkpoints.jsonl``; return the checkpoint.

    With a TSA in ``timestamping``, the checkpoint also holds its RFC 3161 token over the signature
    (:mod:`rpa.evidence.timestamps`); a TSA that fails leaves ``timestamp_error`` instead, never
    stopping the checkpoint. The TSA is asked outside the chain's lock: attempts keep being chained.

    Raises:
        MissingKeyError: no signing key (``rpa keys init``).
        ValueError: the chain is empty.
    """
    key = load_signing_key(signing_key)
    with _locked(root):
        last = _last_entry(root / CHAIN)
    if last is None:
        raise ValueError("Chuỗi băm còn trống: chưa có gì để ký.")
    head = {"seq": int(last["seq"]), "entry_hash": entry_hash(last), "at": datetime.now(UTC).isoformat()}
    signature = key.sign(canonical(head))
    record: dict[str, Any] = {
        "head": head,
        "key": fingerprint(key.public_key()),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    if timestamping is not None and timestamping.url:
        from rpa.evidence.timestamps import TimestampError, stamp

        try:
            record["timestamp"] = stamp(timestamping, signature)
        except TimestampError as exc:
            logger.warning("checkpoint {} not time-stamped: {}", head["seq"], exc)
            record["timestamp_error"] = str(exc)
    with _locked(root):
        _append(root, CHECKPOINTS, record)
    return record
