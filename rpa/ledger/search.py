"""What a clerk finds a transfer by, without the ledger keeping a citizen's identity number.

The ledger keeps the applicant's name as written and folded (lower case, no diacritics: "nguyen van
an" finds "Nguyễn Văn An") and, for the identity number, only an HMAC-SHA256 of it under a key of this
installation. The key is 32 random bytes in an owner-only file under ``work_dir``: whoever reads the
database alone cannot test guessed numbers against the digests (there are only 10^12 of them), and
the worker and the console, which share the work folder, compute the same digest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
from pathlib import Path

from rpa.domain.text import fold
from rpa.private_files import open_private, private_dir

__all__ = ["KEY_FILE", "identity_digest", "search_key", "searchable_name"]

KEY_FILE = "search.key"
_KEY_BYTES = 32
_SPACES = re.compile(r"\s+")


def searchable_name(name: str) -> str:
    """``name`` as the search compares it: no diacritics (đ → d), lower case, single spaces."""
    return _SPACES.sub(" ", fold(name).lower()).strip()


def identity_digest(work_dir: Path, number: str) -> str:
    """The hex HMAC-SHA256 of an identity number (spaces dropped) under this installation's key."""
    digits = "".join(number.split())
    return hmac.new(search_key(work_dir), digits.encode(), hashlib.sha256).hexdigest()


def search_key(work_dir: Path) -> bytes:
    """This installation's key, created on first use (mode 0o600; the folder 0o700 when made here).

    Two processes starting together both try to create it exclusively; the loser reads the winner's.
    """
    path = private_dir(work_dir) / KEY_FILE
    for _ in range(50):
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            try:
                with open_private(path, "xb") as fh:
                    fh.write(os.urandom(_KEY_BYTES))
                    fh.flush()
                    os.fsync(fh.fileno())
            except FileExistsError:
                pass  # another process made it meanwhile: read theirs
            continue
        if len(key) == _KEY_BYTES:
            return key
        time.sleep(0.01)  # the creator is still writing its 32 bytes
    raise OSError(f"{path}: not a {_KEY_BYTES}-byte search key; remove it to make a new one")
