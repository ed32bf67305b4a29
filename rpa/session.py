"""Everything one worker needs, opened together and closed together (browser included)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType

from rpa.browser import open_browser
from rpa.config import Settings
from rpa.ledger import Ledger
from rpa.logs import configure_logging
from rpa.provincial import ProvincialClient
from rpa.sources import make_source
from rpa.worker import Worker

__all__ = ["open_worker"]


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # SystemExit unwinds the ``with`` blocks, so the browser and its processes are closed.
    raise SystemExit(128 + signum)


@contextmanager
def open_worker(
    settings: Settings, *, worker_id: str | None = None, console_log: bool = True
) -> Iterator[Worker]:
    """A worker with its ledger, provincial client, source and one Chromium, all closed on exit."""
    configure_logging(settings.log_file, console=console_log)
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    account = settings.provincial.account
    with ExitStack() as stack:
        ledger = stack.enter_context(Ledger(settings.ledger_url))
        client = stack.enter_context(
            ProvincialClient(
                settings.provincial.base_url, account.username, account.password.get_secret_value()
            )
        )
        browser = stack.enter_context(open_browser(settings.browser))
        source = stack.enter_context(make_source(settings.provincial, browser))
        try:
            yield Worker(settings, ledger, source, client, browser, worker_id=worker_id)
        finally:
            signal.signal(signal.SIGTERM, previous)
