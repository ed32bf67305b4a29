"""Where the bots' account passwords come from: the configuration file, an environment variable, the
OS keyring, or this installation's encrypted credentials file; never the ledger, logs or evidence.

An account says where with ``password_from`` (``[portals.<name>.account]`` or
``[provincial.account]``):

- ``config``: ``password = "..."`` in the TOML file (which must then be owner-only), or
  ``RPA_PORTALS__<NAME>__ACCOUNT__PASSWORD`` in the environment, as before;
- ``env``: the variable named by ``password_env``;
- ``keyring``: the OS keyring (the ``keyring`` package), service ``motcua-rpa``, user
  ``<scope>:<username>``;
- ``file``: the credentials file (``[keys] credentials_file``, default
  ``<work_dir>/keys/credentials.enc``): AES-256-GCM under a key derived from the master key, owner-only.

``scope`` is ``provincial`` or the portal's name. ``rpa credentials set|delete|list`` manage the
keyring and the file; the password is read from standard input, never from an argument.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rpa.errors import ConfigError
from rpa.private_files import private_dir, write_private

__all__ = [
    "KEYRING_SERVICE",
    "delete_password",
    "file_passwords",
    "keyring_password",
    "move_to_file",
    "set_password",
]

KEYRING_SERVICE = "motcua-rpa"
_MAGIC = b"RPACRED1"
_NONCE = 12


def _aead(master: bytes) -> AESGCM:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"motcua-rpa credentials")
    return AESGCM(kdf.derive(master))


def file_passwords(path: Path, master: bytes) -> dict[str, dict[str, str]]:
    """``{scope: {username: password}}`` from the credentials file (empty when there is none).

    Raises:
        ConfigError: the file does not open with this master key (another installation's, or altered).
    """
    if not path.is_file():
        return {}
    blob = path.read_bytes()
    if not blob.startswith(_MAGIC):
        raise ConfigError(f"{path} không phải tệp mật khẩu mã hoá của motcua-rpa")
    body = blob[len(_MAGIC) :]
    try:
        plain = _aead(master).decrypt(body[:_NONCE], body[_NONCE:], _MAGIC)
    except InvalidTag:
        raise ConfigError(
            f"Tệp mật khẩu {path} không mở được bằng khoá chủ hiện tại (bị sửa hoặc của nơi khác)"
        ) from None
    value: dict[str, dict[str, str]] = json.loads(plain)
    return value


def _save(path: Path, master: bytes, passwords: dict[str, dict[str, str]]) -> None:
    private_dir(path.parent)
    nonce = os.urandom(_NONCE)
    plain = json.dumps(passwords, ensure_ascii=False, sort_keys=True).encode("utf-8")
    write_private(path, _MAGIC + nonce + _aead(master).encrypt(nonce, plain, _MAGIC))


def set_password(path: Path, master: bytes, scope: str, username: str, password: str) -> None:
    passwords = file_passwords(path, master)
    passwords.setdefault(scope, {})[username] = password
    _save(path, master, passwords)


def delete_password(path: Path, master: bytes, scope: str, username: str) -> bool:
    passwords = file_passwords(path, master)
    if username not in passwords.get(scope, {}):
        return False
    del passwords[scope][username]
    if not passwords[scope]:
        del passwords[scope]
    _save(path, master, passwords)
    return True


def keyring_password(scope: str, username: str) -> str | None:
    try:
        import keyring
    except ImportError:  # pragma: no cover - keyring is a dependency; a stripped install lacks it
        raise ConfigError("Chưa cài gói keyring: pip install keyring") from None
    return keyring.get_password(KEYRING_SERVICE, f"{scope}:{username}")


def move_to_file(config: dict[str, Any], path: Path, master: bytes) -> dict[str, Any]:
    """``config`` (the tables of a configuration) with every account's password moved into the
    credentials file ``path`` and ``password_from = "file"`` instead (for the configurations the
    demo and the sandbox write: no password in a readable file)."""
    accounts = [("provincial", config["provincial"]["account"])]
    accounts += [(name, portal["account"]) for name, portal in config.get("portals", {}).items()]
    for scope, account in accounts:
        password = account.pop("password", None)
        if password is not None:
            set_password(path, master, scope, account["username"], str(password))
            account["password_from"] = "file"
    return config
