"""The installation's keys: an Ed25519 signing key (checkpoints) and a 32-byte master key (reserved
for encrypting evidence). Both owner-only; the public key sits beside the signing key as ``.pub``."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rpa.errors import ConfigError
from rpa.evidence.core import fingerprint, load_public_key
from rpa.private_files import private_dir, write_private

MISSING_KEY = "Chưa có khoá ký: chạy rpa keys init"


class MissingKeyError(ConfigError):
    """A key the command needs is not there; the message says what to run (Vietnamese, for people).

    A configuration problem: a worker stops at once rather than failing every dossier the same way."""


def public_path(signing_key: Path) -> Path:
    return signing_key.with_name(signing_key.name.removesuffix(".key") + ".pub")


def init_keys(signing_key: Path, master_key: Path, *, force: bool = False) -> dict[str, str]:
    """Create both keys; refuse to replace existing ones unless ``force`` (old checkpoints then no
    longer verify with the new public key: keep the old ``.pub``)."""
    existing = [p for p in (signing_key, public_path(signing_key), master_key) if p.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    for folder in {signing_key.parent, master_key.parent}:
        private_dir(folder)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(signing_key, pem)
    public = private.public_key()
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_private(public_path(signing_key), public_pem)
    os.chmod(public_path(signing_key), 0o644)  # public: an inspector may be handed it
    write_private(master_key, os.urandom(32))
    return {
        "signing_key": str(signing_key),
        "public_key": str(public_path(signing_key)),
        "master_key": str(master_key),
        "fingerprint": fingerprint(public),
    }


def ensure_keys(signing_key: Path, master_key: Path) -> None:
    """Create the keys when absent (demo and sandbox set-ups); existing keys are kept."""
    if not signing_key.exists() and not master_key.exists():
        init_keys(signing_key, master_key)


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        raise MissingKeyError(MISSING_KEY)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public(signing_key: Path) -> Ed25519PublicKey:
    path = public_path(signing_key)
    if not path.exists():
        raise MissingKeyError(MISSING_KEY)
    return load_public_key(path)


MISSING_MASTER = "Chưa có khoá chủ (master key) để mã hoá dữ liệu: chạy rpa keys init"
MASTER_ENV = "RPA_MASTER_KEY"
"""The master key may come from the environment instead of a file: 32 bytes, base64."""


def load_master_key(path: Path) -> bytes:
    """The installation's 32-byte master key: from ``$RPA_MASTER_KEY`` (base64) or from ``path``.

    A key file others can read is refused, as SSH refuses such a private key: whoever reads it reads
    every citizen's evidence.

    Raises:
        MissingKeyError: neither is there (the message says to run ``rpa keys init``), or the file is
            readable by others (the message says to ``chmod 600`` it).
        ValueError: the key is not 32 bytes.
    """
    import base64
    import stat

    if os.environ.get(MASTER_ENV):
        key = base64.b64decode(os.environ[MASTER_ENV], validate=True)
    else:
        if not path.is_file():
            raise MissingKeyError(MISSING_MASTER)
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise MissingKeyError(
                f"Khoá chủ {path} đang để người khác đọc được ({stat.filemode(mode)}): chạy chmod 600 {path}"
            )
        key = path.read_bytes()
    if len(key) != 32:
        raise ValueError(f"the master key must be 32 bytes, got {len(key)}")
    return key
