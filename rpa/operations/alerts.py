"""Alerts: what a supervisor must look at (a portal down, a UI that changed, a CAPTCHA waiting...).

Each alert is one JSON line in ``alerts.jsonl`` in the work folder, and an ERROR log record with
``alert=true`` so that whatever watches the log can forward it. Every alert has a stable ``id``: a
random one when raised, or, for lines written before ids existed, a digest of the line itself, so an
acknowledgement (:mod:`rpa.operations.alert_acks`) and the e-mail mark (:mod:`rpa.operations.alert_mail`)
keep pointing at the same alert.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from rpa.logs import mask
from rpa.private_files import open_private, private_dir

__all__ = ["KIND_LABELS", "alert_time", "kind_label", "raise_alert", "read_alerts"]

FILE_NAME = "alerts.jsonl"
_RESERVED = frozenset({"id", "at", "kind", "message"})

KIND_LABELS = {
    "portal_down": "Hệ thống không truy cập được",
    "portal_up": "Hệ thống hoạt động trở lại",
    "selector_drift": "Giao diện cổng thay đổi, tạm dừng cổng",
    "captcha": "Chờ người đọc mã xác nhận",
    "job_failing": "Tác vụ định kỳ bị lỗi",
    "job_recovered": "Tác vụ định kỳ chạy lại bình thường",
    "failed_system": "Hết số lần thử lại",
    "transfer_error": "Lỗi ngoài dự kiến khi chuyển hồ sơ",
    "needs_review": "Cần cán bộ xem xét",
    "unknown_status": "Trạng thái lạ từ cổng Bộ",
    "overdue": "Hồ sơ quá hạn giải quyết",
    "config_error": "Lỗi cấu hình",
    "ledger_error": "Lỗi sổ theo dõi",
    "timestamp_failed": "Không lấy được dấu thời gian cho điểm ký số",
}
"""Every kind the engine raises, as a supervisor reads it (page and e-mail)."""


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def raise_alert(work_dir: Path, kind: str, message: str, **context: Any) -> dict[str, Any]:
    """Append one alert (identity numbers in ``message`` masked) and log it; return the entry."""
    clash = _RESERVED & context.keys()
    if clash:
        raise ValueError(f"alert context may not set {sorted(clash)}")
    entry = {
        "id": uuid.uuid4().hex,
        "at": datetime.now(UTC).isoformat(),
        "kind": kind,
        "message": mask(message),
        **context,
    }
    private_dir(work_dir)
    with open_private(work_dir / FILE_NAME, "a") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
    logger.bind(alert=True, alert_kind=kind, **context).error("ALERT {}: {}", kind, message)
    return entry


def read_alerts(work_dir: Path, *, with_rotated: bool = False) -> list[dict[str, Any]]:
    """Every alert, oldest first, each with its ``id``.

    ``with_rotated`` reads logrotate's last rotation too (``alerts.jsonl.1``, left uncompressed by
    ``delaycompress``), so that a rotation neither empties the console's page nor drops an alert the
    mail pass has not sent yet. A line another process is writing right now (cut short) or a damaged
    one is skipped and logged: one bad line must not hide every other alert.
    """
    names = [f"{FILE_NAME}.1", FILE_NAME] if with_rotated else [FILE_NAME]
    return [alert for name in names for alert in _read_file(work_dir / name)]


def _read_file(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    alerts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            logger.warning("{} line {}: not a JSON alert, skipped", path, number)
            continue
        if not isinstance(entry, dict):
            logger.warning("{} line {}: not a JSON object, skipped", path, number)
            continue
        if not isinstance(entry.get("id"), str) or not entry["id"]:
            entry["id"] = hashlib.sha256(line.strip().encode("utf-8")).hexdigest()[:32]
        alerts.append(entry)
    return alerts


def alert_time(alert: dict[str, Any]) -> datetime | None:
    """When the alert was raised (aware, UTC), or None when its line has no readable time."""
    try:
        at = datetime.fromisoformat(str(alert.get("at", "")))
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
