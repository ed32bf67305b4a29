"""Logging set-up: a readable console for people, JSON lines for machines, personal data masked.

Identity numbers (9-digit CMND, 12-digit CCCD) are masked to their last 4 digits everywhere, in the
message and in every bound field, because logs are read by more people than evidence is. Passwords,
tokens and cookies are never logged: fields with such names are dropped to ``***``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from rpa.private_files import private_dir, private_opener

if TYPE_CHECKING:
    from loguru import Record

__all__ = ["configure_logging", "mask", "mask_id"]

_ID_NUMBER = re.compile(r"(?<!\d)(\d{5}|\d{8})(\d{4})(?!\d)")
_SECRET_KEYS = re.compile(r"pass(word)?|secret|token|cookie|authorization|captcha_answer", re.IGNORECASE)
_SECRET_PAIRS = re.compile(r"(?i)\b(password|passwd|token|cookie|authorization)(\s*[=:]\s*)(\S+)")
JSON_FIELDS = ("transfer_id", "dossier", "flow", "step", "duration_ms", "actor", "worker", "state", "portal")


def mask_id(number: str) -> str:
    """``051190001234`` → ``********1234``."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask(text: str) -> str:
    """Mask identity numbers and ``password=...``-style secrets inside free text."""
    text = _ID_NUMBER.sub(lambda m: "*" * len(m.group(1)) + m.group(2), text)
    return _SECRET_PAIRS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


def _mask_value(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key):
        return "***"
    if isinstance(value, str):
        return mask(value)
    return value


def _patch(record: Record) -> None:
    record["message"] = mask(record["message"])
    extra = record["extra"]
    for key, value in list(extra.items()):
        extra[key] = _mask_value(key, value)


def _json_line(record: Record) -> str:
    entry: dict[str, Any] = {
        "time": record["time"].isoformat(),
        "level": record["level"].name,
        "message": record["message"],
        "module": record["name"],
    }
    entry.update({k: v for k, v in record["extra"].items() if k in JSON_FIELDS or not k.startswith("_")})
    if record["exception"] is not None and record["exception"].type is not None:
        entry["exception"] = f"{record['exception'].type.__name__}: {mask(str(record['exception'].value))}"
    record["extra"]["_json"] = json.dumps(entry, ensure_ascii=False, default=str)
    return "{extra[_json]}\n"


_CONSOLE_FORMAT = (
    "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> "
    "<cyan>{extra[dossier]}</cyan> <level>{message}</level>"  # a step's message starts with its kind
)


def configure_logging(log_file: Path | None = None, *, level: str = "INFO", console: bool = True) -> None:
    """Console (stderr) for people and, when ``log_file`` is given, JSON lines for machines."""
    logger.remove()
    logger.configure(patcher=_patch, extra={"dossier": "", "step": ""})
    if console:
        logger.add(
            sys.stderr, level=level, format=_CONSOLE_FORMAT, colorize=None, backtrace=False, diagnose=False
        )
    if log_file is not None:
        # Log lines name citizens: the file is owner-only from its first byte, and so is every file
        # loguru opens after a rotation (it reuses the opener). Rotated daily so that old lines can
        # go: the scheduler's retention purge deletes rotated files past [retention] logs and records
        # it in the audit log (no loguru ``retention``, which would delete unrecorded).
        private_dir(log_file.parent)
        logger.add(
            log_file,
            level="DEBUG",
            format=_json_line,
            rotation="1 day",
            encoding="utf-8",
            enqueue=False,
            diagnose=False,
            opener=private_opener,
        )
