"""E-mail of alerts, against a real SMTP server this test starts (aiosmtpd): each alert mailed once, in
Vietnamese, to the configured recipients; a mail server that is down, silent or refusing delays the
mail, never loses it and never holds the bot that raised the alert."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from rpa.config import AlertSettings, Settings
from rpa.operations import jobs
from rpa.operations.alert_mail import MAILED_FILE, MailUnavailable, forward_alerts
from rpa.operations.alerts import raise_alert, read_alerts
from rpa.operations.scheduler import job_specs
from rpa.operations.stopping import StopLatch

TO = ["giamsat@motcua.example.vn", "truongphong@motcua.example.vn"]


class Inbox:
    """What the SMTP server received; ``refuse_after`` makes it answer 451 from that message on."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse_after: int | None = None

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "451 4.3.0 try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts connections and never says a word (a hung mail relay)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def settings_for(tmp_path: Path, port: int, **email: Any) -> Settings:
    account = {"username": "u", "password": "p"}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://127.0.0.1:9", "account": account},
            "work_dir": str(tmp_path / "work"),
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "alerts": {
                "email": {
                    "host": "127.0.0.1",
                    "port": port,
                    "from_addr": "rpa@motcua.example.vn",
                    "to": TO,
                    "starttls": False,
                    "timeout_s": 1.0,
                    "console_url": "http://10.0.0.5:8080/",
                    **email,
                }
            },
        }
    )


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_each_new_alert_is_mailed_once_in_vietnamese(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    work = settings.work_dir
    down = raise_alert(
        work, "portal_down", "Cổng moj-lltp (http://x) không truy cập được: 503.", portal="moj-lltp"
    )
    captcha = raise_alert(
        work, "captcha", "cần người đọc mã xác nhận", dossier="H55-0007", portal="moj-lltp", request="ab12"
    )
    done = forward_alerts(settings)
    assert done.sent == [down["id"], captcha["id"]]
    assert len(inbox.messages) == 2
    (sender, recipients, first), (_, _, second) = inbox.messages
    assert sender == "rpa@motcua.example.vn" and recipients == TO
    assert first["Subject"] == "[Một cửa ↔ Bộ] Hệ thống không truy cập được: cổng moj-lltp"
    assert first["To"] == ", ".join(TO) and first["X-Rpa-Alert-Id"] == down["id"]
    text = body(first)
    assert "Cổng moj-lltp (http://x) không truy cập được: 503." in text
    assert "(giờ Việt Nam)" in text and "http://10.0.0.5:8080/canh-bao" in text
    assert first.get_content_charset() == "utf-8"
    assert second["Subject"] == "[Một cửa ↔ Bộ] Chờ người đọc mã xác nhận: cổng moj-lltp, hồ sơ H55-0007"
    assert "Hồ sơ: hồ sơ H55-0007" in body(second)

    assert forward_alerts(settings).sent == []  # once: a second pass mails nothing
    later = raise_alert(work, "portal_up", "Cổng moj-lltp đã hoạt động trở lại.", portal="moj-lltp")
    assert forward_alerts(settings).sent == [later["id"]]
    assert len(inbox.messages) == 3
    marks = work / MAILED_FILE
    assert marks.stat().st_mode & 0o077 == 0  # owner-only, like every file of the work folder


def test_identity_numbers_are_masked_in_the_mail(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    raise_alert(settings.work_dir, "needs_review", "Hồ sơ H55-1 của người có CCCD 001190012345 cần xem")
    forward_alerts(settings)
    ((_, _, message),) = inbox.messages
    assert "001190012345" not in body(message) and "********2345" in body(message)


def test_a_server_that_is_down_or_silent_loses_nothing_and_holds_nobody(
    tmp_path: Path, smtp: tuple[Inbox, int], silent_server: int
) -> None:
    inbox, port = smtp
    silent = settings_for(tmp_path, silent_server)
    started = time.monotonic()
    alert = raise_alert(
        silent.work_dir, "selector_drift", "moj-lltp: form.submit không khớp", portal="moj-lltp"
    )
    assert time.monotonic() - started < 0.5  # raising never talks to the mail server

    started = time.monotonic()
    with pytest.raises(MailUnavailable, match="1 wait for the next pass"):
        forward_alerts(silent)
    assert time.monotonic() - started < 5  # the configured timeout (1 s), not forever

    refused = settings_for(tmp_path, free_port())  # nobody listens there
    with pytest.raises(MailUnavailable):
        forward_alerts(refused)
    assert inbox.messages == []

    up = settings_for(tmp_path, port)
    assert forward_alerts(up).sent == [alert["id"]]  # the next pass with a server sends it
    assert forward_alerts(up).sent == []
    assert len(inbox.messages) == 1


def test_an_alert_not_mailed_yet_survives_a_log_rotation(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    down = settings_for(tmp_path, free_port())
    before = raise_alert(down.work_dir, "portal_down", "Cổng dkkd không truy cập được.", portal="dkkd")
    with pytest.raises(MailUnavailable):
        forward_alerts(down)
    alerts = down.work_dir / "alerts.jsonl"
    alerts.rename(alerts.with_name("alerts.jsonl.1"))  # logrotate, create mode (rename, new file)
    after = raise_alert(down.work_dir, "portal_up", "Cổng dkkd đã hoạt động trở lại.", portal="dkkd")
    assert forward_alerts(settings_for(tmp_path, port)).sent == [before["id"], after["id"]]
    assert [m["X-Rpa-Alert-Id"] for _, _, m in inbox.messages] == [before["id"], after["id"]]


def test_a_server_failing_mid_pass_keeps_what_was_sent_and_sends_the_rest_later(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    ids = [
        raise_alert(settings.work_dir, "overdue", f"H55-{n}: quá hạn", dossier=f"H55-{n}")["id"]
        for n in range(3)
    ]
    inbox.refuse_after = 1
    with pytest.raises(MailUnavailable, match="1 alert\\(s\\) sent, 2 wait"):
        forward_alerts(settings)
    inbox.refuse_after = None
    assert forward_alerts(settings).sent == ids[1:]
    assert [m["X-Rpa-Alert-Id"] for _, _, m in inbox.messages] == ids  # each exactly once


def test_the_first_pass_does_not_mail_alerts_from_before_email(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_for(tmp_path, port)
    settings.work_dir.mkdir(parents=True)
    old = {"at": (datetime.now(UTC) - timedelta(days=3)).isoformat(), "kind": "portal_down", "message": "cũ"}
    (settings.work_dir / "alerts.jsonl").write_text(
        json.dumps(old, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    recent = raise_alert(settings.work_dir, "portal_up", "mới")
    done = forward_alerts(settings)
    assert done.sent == [recent["id"]] and done.skipped == [read_alerts(settings.work_dir)[0]["id"]]
    assert len(inbox.messages) == 1


def test_the_scheduler_mails_on_its_timetable_and_alerts_when_mail_fails(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    down = settings_for(tmp_path, free_port())
    assert "mail" not in [
        s.id for s in job_specs(settings_for(tmp_path, port).model_copy(update={"alerts": AlertSettings()}))
    ]
    (spec,) = [s for s in job_specs(down) if s.id == "mail"]
    assert spec.func == "rpa.operations.jobs:mail_alerts"
    raise_alert(down.work_dir, "captcha", "cần người đọc mã xác nhận", dossier="H55-9", portal="moj-lltp")
    try:
        jobs.bind(jobs.JobContext(down, StopLatch()))
        jobs.mail_alerts()
        jobs.mail_alerts()  # one job_failing alert per streak, not one per pass
        assert [a["kind"] for a in read_alerts(down.work_dir)] == ["captcha", "job_failing"]
        assert "gửi thư cảnh báo" in read_alerts(down.work_dir)[-1]["message"]
        jobs.bind(jobs.JobContext(settings_for(tmp_path, port), StopLatch()))
        jobs.mail_alerts()  # the server is up: the backlog goes, then "recovered" goes next pass
        jobs.mail_alerts()
    finally:
        jobs.bind(None)
    kinds = [m["Subject"].split("]")[1].split(":")[0].strip() for _, _, m in inbox.messages]
    assert kinds == [
        "Chờ người đọc mã xác nhận",
        "Tác vụ định kỳ bị lỗi",
        "Tác vụ định kỳ chạy lại bình thường",
    ]


def test_password_without_starttls_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="starttls"):
        settings_for(tmp_path, 25, username="rpa", password="bí-mật")


def test_raising_stays_fast_while_a_pass_waits_on_a_silent_server(tmp_path: Path, silent_server: int) -> None:
    """The bot's side and the mail job's side share only the file: one never waits for the other."""
    settings = settings_for(tmp_path, silent_server, timeout_s=3.0)
    raise_alert(settings.work_dir, "portal_down", "đầu tiên")
    failures: list[BaseException] = []
    mailer = threading.Thread(target=lambda: _catch(failures, forward_alerts, settings))
    mailer.start()
    time.sleep(0.3)
    started = time.monotonic()
    for n in range(20):
        raise_alert(settings.work_dir, "captcha", f"yêu cầu {n}", dossier=f"H55-{n}")
    assert time.monotonic() - started < 1.0 and mailer.is_alive()
    mailer.join(10)
    assert len(failures) == 1 and isinstance(failures[0], MailUnavailable)
    assert len(read_alerts(settings.work_dir)) == 21


def _catch(failures: list[BaseException], func: Any, *args: Any) -> None:
    try:
        func(*args)
    except BaseException as exc:
        failures.append(exc)
