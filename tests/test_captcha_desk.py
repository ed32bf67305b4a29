"""The CAPTCHA desk: a person's answer is used once; no answer expires; a stop cancels the wait at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rpa.operations.stopping import StopLatch
from rpa.portal.captcha import CaptchaDesk

IMAGE = b"\x89PNG\r\n\x1a\n not really an image"


def test_an_answer_given_during_the_wait_is_used_once(tmp_path: Path) -> None:
    desk = CaptchaDesk(tmp_path)
    request = desk.ask(7, "000.00.01.H55-261126-0001", "moj-lltp", IMAGE)
    threading.Timer(0.3, desk.answer, (request.id, " ab12 ")).start()
    assert desk.wait(request.id, timeout_s=30, poll_s=0.05) == "ab12"
    assert desk.get(request.id).status == "used"
    with pytest.raises(ValueError, match="not open"):
        desk.answer(request.id, "again")


def test_no_answer_expires_the_request(tmp_path: Path) -> None:
    desk = CaptchaDesk(tmp_path)
    request = desk.ask(7, "000.00.01.H55-261126-0001", "moj-lltp", IMAGE)
    assert desk.wait(request.id, timeout_s=0.2, poll_s=0.05) is None
    assert desk.get(request.id).status == "expired"


def test_a_stop_cancels_the_wait_without_waiting_for_the_timeout(tmp_path: Path) -> None:
    desk = CaptchaDesk(tmp_path)
    request = desk.ask(7, "000.00.01.H55-261126-0001", "moj-lltp", IMAGE)
    stop = StopLatch()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    assert desk.wait(request.id, timeout_s=600, poll_s=5, stop=stop) is None
    assert time.monotonic() - started < 60  # not the poll interval's multiple of ten minutes
    assert desk.get(request.id).status == "cancelled"
    assert desk.list() == []  # no longer open for a person


def test_a_used_reading_is_not_kept_on_disk(tmp_path: Path) -> None:
    desk = CaptchaDesk(tmp_path)
    request = desk.ask(7, "000.00.01.H55-261126-0001", "moj-lltp", IMAGE)
    desk.answer(request.id, "Xk7Qp")
    assert desk.wait(request.id, timeout_s=30, poll_s=0.05) == "Xk7Qp"
    assert desk.get(request.id).answer is None
    assert not [p.name for p in tmp_path.iterdir() if b"Xk7Qp" in p.read_bytes()]


def test_a_reading_given_too_late_is_not_kept_on_disk(tmp_path: Path) -> None:
    desk = CaptchaDesk(tmp_path)
    request = desk.ask(7, "000.00.01.H55-261126-0001", "moj-lltp", IMAGE)
    stop = StopLatch()

    def answer_then_stop() -> None:
        desk.answer(request.id, "Xk7Qp")
        stop.set()

    threading.Timer(0.2, answer_then_stop).start()
    assert desk.wait(request.id, timeout_s=600, poll_s=5, stop=stop) is None  # stopped before taking it
    assert desk.get(request.id).status == "cancelled"
    assert not [p.name for p in tmp_path.iterdir() if b"Xk7Qp" in p.read_bytes()]
