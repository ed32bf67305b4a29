"""``rpa doctor [--json]``: one line per check (✓ ok, ! warning, ✗ failure) and what to fix."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from rpa.config import load_settings
from rpa.console.cli import ConfigOption
from rpa.errors import ConfigError
from rpa.operations.doctor import Check, diagnose

MARKS = {"ok": "✓", "warn": "!", "fail": "✗"}


def _unloadable(path: Path | None, exc: Exception) -> Check:
    """The configuration did not load: the one check there is, with what to do about it."""
    text = str(exc)
    if path is not None and "chmod" in text:
        fix = f"chmod 600 {path}"
    elif path is not None and not path.is_file():
        fix = "sửa đường dẫn --config (hoặc RPA_CONFIG) cho đúng tệp cấu hình"
    else:
        fix = "sửa tệp cấu hình theo thông báo"
    return Check("config", "fail", f"Không nạp được cấu hình: {text}", fix)


def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object: ok and the checks.")] = False,
    config: ConfigOption = None,
) -> None:
    """Check permissions, keys, configuration, passwords, Chromium, the database, the portals, the
    clock and the disk; say what to fix. Exit 0 when nothing failed (warnings allowed), 1 otherwise."""
    path = config or (Path(os.environ["RPA_CONFIG"]) if os.environ.get("RPA_CONFIG") else None)
    try:  # passwords are resolved by the doctor's own check, which says which one is missing
        settings = load_settings(path, resolve=False)
    except (ConfigError, tomllib.TOMLDecodeError, OSError, ValueError) as exc:
        checks = [_unloadable(path, exc)]
    else:
        checks = diagnose(settings, path)
    ok = all(check.status != "fail" for check in checks)
    if as_json:
        json.dump({"ok": ok, "checks": [asdict(c) for c in checks]}, sys.stdout, ensure_ascii=False)
        typer.echo()
    else:
        for check in checks:
            line = f"{MARKS[check.status]} {check.name}: {check.detail}"
            typer.echo(line + (f"\n    → {check.fix}" if check.status != "ok" and check.fix else ""))
        typer.echo("Sẵn sàng chạy." if ok else "Có lỗi cần sửa trước khi chạy.")
    raise typer.Exit(0 if ok else 1)
