"""E-mail of each new alert (``[alerts.email]``), in Vietnamese, forwarded by the scheduler's ``mail`` job.

Why a job and not a send inside :func:`~rpa.operations.alerts.raise_alert`: an alert is raised by a bot
in the middle of a transfer (a CAPTCHA, a drift), often because something is already failing; a mail
server that hangs or refuses must not hold that bot for a single second, and a process that dies right
after raising an alert must not take the mail with it. So raising only appends to ``alerts.jsonl`` (on
disk before the bot goes on), and this pass forwards every alert not mailed yet, marking each one in an
owner-only file (``alerts-mailed.json``) right after the server took it. A server that is down only
fails this pass (the scheduler's ``job_failing`` alert says so, once); the next pass sends what is
left. At most one alert can be mailed twice: the one the server took just before this process died,
before its mark was written. None is ever lost.

The first pass on a work folder (no mark file yet) does not mail alerts older than a day: they were
raised before e-mail was turned on and are on the console's alerts page.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from loguru import logger

from rpa.clock import VN
from rpa.config import EmailSettings, Settings
from rpa.errors import RpaError
from rpa.operations.alerts import alert_time, kind_label, read_alerts
from rpa.private_files import private_dir, write_private

__all__ = ["MAILED_FILE", "MailPass", "MailUnavailable", "compose", "forward_alerts"]

MAILED_FILE = "alerts-mailed.json"
FIRST_PASS_HORIZON = timedelta(days=1)


class MailUnavailable(RpaError):
    """The mail server could not be reached or refused; the alerts not sent wait for the next pass."""


@dataclass(frozen=True)
class MailPass:
    sent: list[str]  # alert ids mailed in this pass
    skipped: list[str]  # alert ids older than e-mail on a first pass, never mailed


def compose(alert: dict[str, Any], email: EmailSettings) -> EmailMessage:
    """The mail of one alert: its kind and where in the subject, the message and time in the body.

    Only what the alert line holds (its message was masked when raised) and named context fields go
    out: never a CAPTCHA image, never a value typed on a portal.
    """
    label = kind_label(str(alert.get("kind", "")))
    where = _where(alert)
    at = alert_time(alert)
    lines = [f"Cảnh báo: {label}"]
    if at is not None:
        lines.append(f"Thời gian: {at.astimezone(VN):%d/%m/%Y %H:%M} (giờ Việt Nam)")
    lines += [f"{name}: {value}" for name, value in where]
    lines += ["", str(alert.get("message", "")), ""]
    if email.console_url:
        lines.append(f"Xem và xác nhận đã xem: {email.console_url.rstrip('/')}/canh-bao")
    lines.append(f"Mã cảnh báo: {alert['id']}")
    message = EmailMessage()
    subject = f"{email.subject_prefix} {label}"
    if where:
        subject += ": " + ", ".join(value for _, value in where)
    message["Subject"] = subject.strip()
    message["From"] = email.from_addr
    message["To"] = ", ".join(email.to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=email.from_addr.rpartition("@")[2] or None)
    message["X-Rpa-Alert-Id"] = str(alert["id"])
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def forward_alerts(settings: Settings, *, now: datetime | None = None) -> MailPass:
    """Mail every alert not mailed yet, each once, over one connection.

    Raises:
        MailUnavailable: the server could not be reached, timed out or refused; what was sent before is
            marked, the rest waits for the next pass.
    """
    email = settings.alerts.email
    if email is None:
        return MailPass([], [])
    now = now or datetime.now(UTC)
    marks_path = settings.work_dir / MAILED_FILE
    first_pass = not marks_path.is_file()
    marks = _load(marks_path)
    alerts = read_alerts(settings.work_dir, with_rotated=True)  # a rotation must not drop one unsent
    skipped = []
    if first_pass:
        for alert in alerts:
            at = alert_time(alert)
            if at is not None and now - at > FIRST_PASS_HORIZON:
                marks[alert["id"]] = "skipped"
                skipped.append(alert["id"])
        if skipped:
            logger.info("alert mail: {} alerts older than e-mail are not mailed", len(skipped))
    pending = [alert for alert in alerts if alert["id"] not in marks]
    # Marks of alerts no longer in alerts.jsonl (an archived file) are dropped: the file stays small.
    known = {alert["id"] for alert in alerts}
    marks = {key: value for key, value in marks.items() if key in known}
    _save(marks_path, marks)
    if not pending:
        return MailPass([], skipped)
    sent: list[str] = []
    try:
        with _connect(email) as smtp:
            for alert in pending:
                smtp.send_message(compose(alert, email), from_addr=email.from_addr, to_addrs=email.to)
                marks[alert["id"]] = datetime.now(UTC).isoformat()
                _save(marks_path, marks)
                sent.append(alert["id"])
    except (smtplib.SMTPException, OSError) as exc:
        left = len(pending) - len(sent)
        logger.warning("alert mail: {} sent, {} wait for the next pass: {!r}", len(sent), left, exc)
        raise MailUnavailable(
            f"mail server {email.host}:{email.port}: {type(exc).__name__}: {exc}; "
            f"{len(sent)} alert(s) sent, {left} wait for the next pass"
        ) from exc
    logger.info("alert mail: {} alerts sent to {}", len(sent), ", ".join(email.to))
    return MailPass(sent, skipped)


def _connect(email: EmailSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(email.host, email.port, timeout=email.timeout_s)
    try:
        if email.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if email.username:
            password = email.password.get_secret_value() if email.password else ""
            smtp.login(email.username, password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _where(alert: dict[str, Any]) -> list[tuple[str, str]]:
    """The context a supervisor acts on: the portal, the dossier, the scheduler's job."""
    from rpa.operations.jobs import JOB_LABELS  # jobs imports this module

    where = []
    if alert.get("portal"):
        portal = str(alert["portal"])
        name = "hệ thống một cửa của tỉnh" if portal == "provincial" else f"cổng {portal}"
        where.append(("Hệ thống", name))
    if alert.get("dossier"):
        where.append(("Hồ sơ", f"hồ sơ {alert['dossier']}"))
    if alert.get("job"):
        job = str(alert["job"])
        where.append(("Tác vụ", f"tác vụ {JOB_LABELS.get(job, job)}"))
    return where


def _load(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        # Losing the marks means mailing some alerts again, never skipping one: the safe side.
        logger.error("alert mail: {} unreadable ({!r}); alerts may be mailed again", path, exc)
        return {}
    return {str(key): str(value) for key, value in loaded.items()} if isinstance(loaded, dict) else {}


def _save(path: Path, marks: dict[str, str]) -> None:
    private_dir(path.parent)
    write_private(path, json.dumps(marks, ensure_ascii=False, indent=0))
