"""Alerts: what a supervisor must look at (a transfer out of retries, a portal whose UI changed).

Each alert is one JSON line in ``alerts.jsonl`` in the work folder, and an ERROR log record with
``alert=true`` so that whatever watches the log (a mail or chat hook) can forward it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from rpa.logs import mask
from rpa.private_files import open_private, private_dir

__all__ = ["raise_alert", "read_alerts"]

FILE_NAME = "alerts.jsonl"


def raise_alert(work_dir: Path, kind: str, message: str, **context: Any) -> dict[str, Any]:
    entry = {"at": datetime.now(UTC).isoformat(), "kind": kind, "message": mask(message), **context}
    private_dir(work_dir)
    with open_private(work_dir / FILE_NAME, "a") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
    logger.bind(alert=True, alert_kind=kind, **context).error("ALERT {}: {}", kind, message)
    return entry


def read_alerts(work_dir: Path) -> list[dict[str, Any]]:
    path = work_dir / FILE_NAME
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
