"""Transfers a clerk starts from the console ("Chuyển sang Bộ"), each run off the request.

Each one runs in its own thread of the console process, with its own worker, ledger connection and
Chromium (:func:`rpa.transfer.session.worker_session`), exactly as ``rpa transfer CODE --clerk NAME``
does. A thread rather than a ``python -m rpa transfer`` subprocess, because:

* Playwright's Sync API must not run on the event loop's thread, and a thread of its own is enough;
* the page can show the finer steps (each page opened, each field filled, the upload, the final
  click) live: a loguru sink reads the step records the worker's thread writes, bound with the
  dossier code, without parsing another process's log file;
* the settings are the console's own, already loaded.

The ledger's lease still keeps a dossier to one worker across processes (the scheduler's included);
this registry only refuses a second start of a dossier from this console while one runs, and keeps
the steps for the page that polls them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from loguru import logger

from rpa.config import Settings
from rpa.console.field_names import field_label, maps_of
from rpa.errors import BusinessError, RpaError
from rpa.ledger import TransferState, clerk
from rpa.operations.stopping import StopLatch
from rpa.portal.selectors import SelectorMap
from rpa.transfer.outcome import Outcome

if TYPE_CHECKING:
    from loguru import Message

__all__ = ["ClerkRun", "ClerkRuns", "step_text"]

S = TransferState
RESTARTABLE = frozenset({S.QUEUED, S.FAILED_BUSINESS, S.FAILED_SYSTEM, S.UNCERTAIN})
"""States from which "Chuyển sang Bộ" may start a transfer (a failed one is queued again first, as
``rpa transfer`` does; an uncertain one is settled by look-up, never typed again)."""

_VERBS = {
    "open": "Mở trang",
    "fill": "Điền ô",
    "pick_date": "Chọn ngày",
    "choose": "Chọn",
    "check": "Đánh dấu",
    "add_row": "Thêm dòng",
    "click": "Bấm",
    "upload": "Tải lên tệp",
    "wait": "Chờ",
    "wait_any": "Chờ",
    "screenshot": "Chụp màn hình",
    "read_text": "Đọc",
}
"""The steps a clerk sees; checks such as ``exists`` and ``count`` are the bot's own business."""
MAX_STEPS = 500  # a run's steps kept for the page (a transfer takes a few dozen)


_PAGES = {
    "home": "chủ của cổng",
    "login": "đăng nhập",
    "new_application": "nộp hồ sơ mới",
    "review": "xem lại hồ sơ",
    "lookup": "tra cứu hồ sơ",
    "status": "trạng thái hồ sơ",
}
"""The selector maps' usual page names, as a clerk reads them (another page shows its map name)."""


def step_text(step: str, name: str, maps: Sequence[SelectorMap] = ()) -> str:
    """One portal step as the clerk reads it: the action in Vietnamese and the field as the portal
    labels it (from the selector maps, newest first; the map's own name when none has a label, e.g.
    ``Điền ô Họ và tên`` or ``Điền ô Nơi cư trú – dòng 3``), never the value typed (the step records of
    :class:`rpa.portal.steps.Steps` carry personal data)."""
    if step == "open":
        return f"{_VERBS[step]} {_PAGES.get(name, name)}"
    shown = field_label(name, maps) or name
    return f"{_VERBS[step]} {shown}".strip()


@dataclass
class ClerkRun:
    code: str
    by: str
    started_at: datetime
    steps: list[dict[str, str]] = field(default_factory=list)
    done: bool = False
    error: str | None = None  # what went wrong outside the ledger, in Vietnamese
    thread: threading.Thread | None = None

    def add_step(self, text: str, at: datetime) -> None:
        if len(self.steps) < MAX_STEPS:
            self.steps.append({"at": at.isoformat(), "text": text})

    def view(self) -> dict[str, Any]:
        return {"by": self.by, "done": self.done, "error": self.error, "steps": list(self.steps)}


def _not_submitted(outcome: Outcome) -> str | None:
    """Why the run ended without a receipt, for the clerk, when the ledger alone does not say it: a
    system error (the transfer is queued again for a retry), or a reason the transfer still waits
    (outside working hours, the rate, a CAPTCHA nobody read; already Vietnamese). None otherwise:
    a receipt, or business reasons, which the page shows from the ledger."""
    if outcome.state == S.FAILED_SYSTEM.value:
        return (
            "Lỗi hệ thống, hồ sơ chưa được nộp; bot sẽ tự thử lại sau "
            f"(chi tiết kỹ thuật: {outcome.error or 'không rõ'})"
        )
    if outcome.state in (S.QUEUED.value, S.FILLING.value, S.UNCERTAIN.value) and outcome.error:
        return f"Hồ sơ chưa được nộp, đang chờ lượt sau: {outcome.error}"
    return None


class ClerkRuns:
    """The transfers this console started, by dossier code (the last one of each)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._runs: dict[str, ClerkRun] = {}
        self.stop = StopLatch()  # set when the console stops: each worker ends as on SIGTERM

    def close(self, timeout_s: float = 120.0) -> None:
        """Stop every run as ``rpa transfer`` stops on SIGTERM: no new transfer, a CAPTCHA or approval
        wait cancelled, the transfer in hand brought to a safe state; wait for them to end."""
        self.stop.set()
        with self._lock:
            threads = [run.thread for run in self._runs.values() if run.thread is not None]
        deadline = time.monotonic() + timeout_s
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def get(self, code: str) -> ClerkRun | None:
        with self._lock:
            return self._runs.get(code)

    def running(self, code: str) -> bool:
        run = self.get(code)
        return run is not None and not run.done

    def start(self, code: str, by: str) -> ClerkRun | None:
        """Start ``code``'s transfer for clerk ``by``; None when one started here still runs."""
        with self._lock:
            current = self._runs.get(code)
            if (current is not None and not current.done) or self.stop.is_set():
                return None
            run = ClerkRun(code, by, datetime.now(UTC))
            self._runs[code] = run
        run.thread = threading.Thread(
            target=self._run, args=(run,), name=f"console-transfer-{code}", daemon=True
        )
        run.thread.start()
        return run

    def _run(self, run: ClerkRun) -> None:
        from rpa.transfer.session import worker_session

        thread_id = threading.get_ident()
        maps: list[SelectorMap] = []  # the procedure's selector maps, newest first, once it is known

        def sink(message: Message) -> None:
            record = message.record
            step = record["extra"].get("step")
            if step in _VERBS:
                run.add_step(step_text(str(step), str(record["extra"].get("name", "")), maps), record["time"])

        sink_id = logger.add(
            sink,
            level="INFO",
            filter=lambda r: r["thread"].id == thread_id and r["extra"].get("dossier") == run.code,
        )
        actor = clerk(run.by)
        try:
            worker_id = f"console-{run.by}-{uuid.uuid4().hex[:6]}"
            with worker_session(self.settings, worker_id=worker_id, stop=self.stop) as worker:
                procedure = worker.procedure_for(run.code)
                flow = procedure.name
                maps[:] = maps_of(procedure, self.settings)
                current = worker.ledger.enqueue(run.code, flow, actor=actor)
                if current.state in (S.FAILED_BUSINESS, S.FAILED_SYSTEM):
                    worker.ledger.transition(current.id, S.QUEUED, actor=actor, reason="cán bộ gửi lại")
                worker.ledger.record(current.id, actor=actor, requested_by=run.by)
                outcomes = worker.work(dossier_code=run.code)
                run.error = _not_submitted(outcomes[-1]) if outcomes else None
        except BusinessError as exc:  # the provincial system does not know it, or no procedure takes it
            run.error = str(exc)
        except RpaError as exc:
            run.error = f"Lỗi hệ thống: {exc}"
        except Exception as exc:  # a browser that would not start, a ledger that fails: the page says so
            logger.opt(exception=exc).error("console transfer of {} failed", run.code)
            run.error = f"Lỗi hệ thống ({type(exc).__name__}): {exc}"
        finally:
            logger.remove(sink_id)
            run.done = True
