"""Everything one worker needs, opened together and closed together (browser included)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

from loguru import logger

from rpa.config import Settings
from rpa.intake.store import ImportedDossiers, ImportedFirst, imported_dir
from rpa.ledger import Ledger
from rpa.logs import configure_logging
from rpa.operations.stopping import StopLatch
from rpa.portal.session import opened_browser
from rpa.sources import make_source
from rpa.sources.provincial import ProvincialClient
from rpa.transfer.worker import Worker
from rpa.vault import vault_for

__all__ = ["open_worker", "worker_session"]


@contextmanager
def open_worker(
    settings: Settings, *, worker_id: str | None = None, console_log: bool = True
) -> Iterator[Worker]:
    """A worker for a command: logging configured, SIGTERM handled, everything closed on exit."""
    configure_logging(settings.log_file, console=console_log)
    vault_for(settings)  # without the master key nothing can be sealed: stop now, not on each dossier
    worker: Worker | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        # The first SIGTERM lets the current transfer reach a safe state (the worker takes no new
        # one); a second one exits at once. Either way SystemExit unwinds the ``with`` blocks, so the
        # browser and its processes are closed.
        if worker is not None and not worker.stop_requested:
            worker.stop.set()
            logger.warning("SIGTERM: finishing the current transfer, then stopping")
            return
        raise SystemExit(128 + signum)

    # Only the main thread may set a handler; a worker opened elsewhere is stopped through its latch.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main else None
    try:
        with worker_session(settings, worker_id=worker_id) as worker:
            yield worker
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


@contextmanager
def worker_session(
    settings: Settings, *, worker_id: str | None = None, stop: StopLatch | None = None
) -> Iterator[Worker]:
    """A worker with its ledger, provincial client, source and one Chromium, all closed on exit.

    No logging set-up and no signal handler: for callers that own both, like the scheduler, which
    passes its own ``stop`` latch so that one SIGTERM reaches every worker it runs.
    """
    account = settings.provincial.account
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(settings.ledger_url))
        client = stack.enter_context(
            ProvincialClient(settings.provincial.base_url, account.username, account.secret)
        )
        browser = stack.enter_context(opened_browser(settings))
        vault = vault_for(settings)
        configured = make_source(
            settings.provincial, browser, vault=vault, max_attachment_mb=settings.max_attachment_mb
        )
        source = stack.enter_context(
            ImportedFirst(configured, ImportedDossiers(imported_dir(settings.work_dir), vault))
        )
        yield Worker(settings, ledger, source, client, browser, worker_id=worker_id, stop=stop)
