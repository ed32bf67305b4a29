"""The CAPTCHA desk: where a bot that meets a CAPTCHA asks a person to read it.

The bot never tries to solve a CAPTCHA. It saves the image, the transfer waits in ``waiting_human``,
a person answers (``rpa captcha list`` / ``rpa captcha answer ID TEXT``; the web console later), and
the bot types the answer into the page it kept open. A request nobody answers in time expires and
the transfer goes back to the queue.

Requests are small files in one folder, so the worker and the person's command need share nothing
but the disk, and the image never goes into a log.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rpa.operations.stopping import StopLatch
from rpa.private_files import private_dir

__all__ = ["CaptchaDesk", "CaptchaRequest"]


@dataclass(frozen=True)
class CaptchaRequest:
    id: str
    transfer_id: int
    dossier_code: str
    portal: str
    image: str  # path of the PNG a person reads
    asked_at: str
    answer: str | None = None
    status: str = "open"  # open, answered, used, expired, cancelled (the bot was stopped first)


class CaptchaDesk:
    """Open CAPTCHA requests in ``folder`` (created owner-only: the images show a login page)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        private_dir(folder)

    def ask(self, transfer_id: int, dossier_code: str, portal: str, image: bytes) -> CaptchaRequest:
        request_id = uuid.uuid4().hex[:8]
        image_path = self.folder / f"{request_id}.png"
        _write(image_path, image)
        request = CaptchaRequest(
            request_id, transfer_id, dossier_code, portal, str(image_path), datetime.now(UTC).isoformat()
        )
        self._save(request)
        return request

    def list(self, *, only_open: bool = True) -> list[CaptchaRequest]:
        requests = [self._load(path) for path in sorted(self.folder.glob("*.json"))]
        return [r for r in requests if r.status == "open" or not only_open]

    def answer(self, request_id: str, text: str) -> CaptchaRequest:
        """Record a person's reading of the image.

        Raises:
            KeyError: no such request.
            ValueError: the request is no longer open (answered, used or expired).
        """
        request = self.get(request_id)
        if request.status != "open":
            raise ValueError(f"CAPTCHA request {request_id} is {request.status}, not open")
        answered = CaptchaRequest(**{**asdict(request), "answer": text.strip(), "status": "answered"})
        self._save(answered)
        return answered

    def get(self, request_id: str) -> CaptchaRequest:
        path = self.folder / f"{request_id}.json"
        if not path.is_file():
            raise KeyError(request_id)
        return self._load(path)

    def wait(
        self, request_id: str, timeout_s: float, poll_s: float = 0.5, stop: StopLatch | None = None
    ) -> str | None:
        """The answer once a person gives it, or None when ``timeout_s`` passes (the request expires) or
        ``stop`` is set (SIGTERM: the request is cancelled, so a stop never waits for a person)."""
        deadline = time.monotonic() + timeout_s
        stop = stop or StopLatch()
        while True:
            request = self.get(request_id)
            if request.status == "answered" and request.answer:
                self._close(request, "used")
                return request.answer
            if time.monotonic() >= deadline:
                self._close(request, "expired")
                return None
            if stop.wait(poll_s):
                self._close(self.get(request_id), "cancelled")
                return None

    def _close(self, request: CaptchaRequest, status: str) -> None:
        """End ``request``: its answer is dropped, because a reading is kept only until the bot takes it
        (with the session it opens, it is a credential; the request file stays for the record)."""
        self._save(CaptchaRequest(**{**asdict(request), "answer": None, "status": status}))

    def _save(self, request: CaptchaRequest) -> None:
        path = self.folder / f"{request.id}.json"
        temporary = path.with_suffix(".tmp")
        _write(temporary, json.dumps(asdict(request), ensure_ascii=False).encode())
        os.replace(temporary, path)  # a reader never sees half a file

    def _load(self, path: Path) -> CaptchaRequest:
        return CaptchaRequest(**json.loads(path.read_text(encoding="utf-8")))


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
