"""``rpa credentials``: the bots' account passwords in the encrypted file or the OS keyring."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from rpa.config import Settings, load_settings
from rpa.console.cli import ConfigOption
from rpa.errors import ConfigError
from rpa.evidence.keys import load_master_key
from rpa.passwords import KEYRING_SERVICE, delete_password, file_passwords, set_password

credentials_app = typer.Typer(no_args_is_help=True, help="Account passwords: encrypted file or OS keyring.")

ScopeArgument = Annotated[str, typer.Argument(help="provincial, or a portal's name as in [portals.<name>].")]
UserArgument = Annotated[str, typer.Argument(help="The account's user name.")]
KeyringOption = Annotated[bool, typer.Option("--keyring", help="The OS keyring instead of the file.")]


def _settings(config: Path | None) -> Settings:
    # The passwords may be the very thing missing: read the configuration without resolving them.
    try:
        return load_settings(config, resolve=False)
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None


def _store(settings: Settings) -> tuple[Path, bytes]:
    try:
        master = load_master_key(settings.keys.master_key_path(settings))
        return settings.keys.credentials_file_path(settings), master
    except ConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


def _audit(settings: Settings, action: str, scope: str, username: str, where: str) -> None:
    from rpa.ledger import Ledger
    from rpa.ledger.audit import record_audit

    engine = Ledger(settings.ledger_url).engine
    record_audit(engine, "cli", action, f"account:{scope}:{username}", detail={"where": where})


@credentials_app.command("set")
def credentials_set(
    scope: ScopeArgument, username: UserArgument, keyring: KeyringOption = False, config: ConfigOption = None
) -> None:
    """Store a password read from standard input (never an argument: it would be in the shell history)."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        typer.echo("Chưa nhập mật khẩu (đọc từ đầu vào chuẩn).", err=True)
        raise typer.Exit(2)
    settings = _settings(config)
    if keyring:
        import keyring as os_keyring

        os_keyring.set_password(KEYRING_SERVICE, f"{scope}:{username}", password)
    else:
        set_password(*_store(settings), scope, username, password)
    _audit(settings, "credentials.set", scope, username, "keyring" if keyring else "file")
    typer.echo(f"Đã lưu mật khẩu của {username} ({scope}) vào {'keyring' if keyring else 'tệp mã hoá'}.")


@credentials_app.command("delete")
def credentials_delete(
    scope: ScopeArgument, username: UserArgument, keyring: KeyringOption = False, config: ConfigOption = None
) -> None:
    """Remove a stored password."""
    settings = _settings(config)
    if keyring:
        import keyring as os_keyring
        from keyring.errors import PasswordDeleteError

        try:
            os_keyring.delete_password(KEYRING_SERVICE, f"{scope}:{username}")
            removed = True
        except PasswordDeleteError:
            removed = False
    else:
        removed = delete_password(*_store(settings), scope, username)
    if not removed:
        typer.echo(f"Không có mật khẩu đã lưu của {username} ({scope}).", err=True)
        raise typer.Exit(1)
    _audit(settings, "credentials.delete", scope, username, "keyring" if keyring else "file")
    typer.echo(f"Đã xoá mật khẩu của {username} ({scope}).")


@credentials_app.command("list")
def credentials_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    config: ConfigOption = None,
) -> None:
    """The accounts whose passwords the encrypted file holds (never the passwords)."""
    settings = _settings(config)
    stored = file_passwords(*_store(settings))
    entries = [
        {"scope": scope, "username": user} for scope in sorted(stored) for user in sorted(stored[scope])
    ]
    if as_json:
        json.dump({"accounts": entries}, sys.stdout, ensure_ascii=False)
        typer.echo()
        return
    for entry in entries:
        typer.echo(f"{entry['scope']}\t{entry['username']}")
