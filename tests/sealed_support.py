"""Test helpers for data sealed at rest: a vault of its own, and the check that a file is sealed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rpa.ledger import Ledger
from rpa.ledger.data_keys import KeyStore
from rpa.vault import MAGIC, SUFFIX, Vault


def make_vault(folder: Path) -> Vault:
    """A vault whose data keys live in a fresh SQLite ledger in ``folder``, under a random master key."""
    folder.mkdir(parents=True, exist_ok=True)
    return Vault(KeyStore(Ledger(f"sqlite:///{folder / 'keys.sqlite'}").engine, [os.urandom(32)]))


def assert_sealed(path: Path, *plain: bytes) -> None:
    """``path`` is a sealed file (``.enc``, owner-only, sealed bytes) holding none of ``plain``."""
    assert path.name.endswith(SUFFIX), path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    with open(path, "rb") as stream:  # the bytes on disk (a SealedFile's read_bytes() opens them)
        data = stream.read()
    assert data.startswith(MAGIC), path
    for needle in plain:
        assert needle not in data, (path, needle[:32])
