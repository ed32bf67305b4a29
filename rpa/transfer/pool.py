"""Several workers in one process (``rpa worker --concurrency N``): one thread and one Chromium each.

Playwright's Sync API belongs to the thread that started it, so each thread opens its own worker
session (ledger connection, provincial client, Chromium). They share nothing but the ledger, where a
claim takes one transfer under a lease (``SKIP LOCKED`` on PostgreSQL), and the machine-wide session
slots and rate of each portal account (:mod:`rpa.operations.rules`): N is an upper bound, and a
portal with ``max_sessions = 1`` is still worked by one thread at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from loguru import logger

from rpa.config import Settings
from rpa.operations.stopping import StopLatch
from rpa.transfer.outcome import Outcome
from rpa.transfer.session import worker_session

__all__ = ["PoolResult", "run_pool"]

IDLE_S = 5.0
"""How long a thread without work waits before it looks at the queue again (without ``--once``)."""


@dataclass
class PoolResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a thread that could not work at all, and why
    workers: list[str] = field(default_factory=list)  # the worker ids, as the ledger's trail names them


def run_pool(
    settings: Settings, concurrency: int, *, once: bool, stop: StopLatch, idle_s: float = IDLE_S
) -> PoolResult:
    """Run ``concurrency`` workers until ``stop`` is set, or (``once``) until each finds nothing to do."""
    result = PoolResult()
    lock = threading.Lock()

    def work(number: int) -> None:
        try:
            with worker_session(settings, stop=stop) as worker:
                with lock:
                    result.workers.append(worker.worker_id)
                before: set[tuple[str, str]] = set()
                while not stop.is_set():
                    done = worker.work()
                    with lock:
                        result.outcomes += done
                    # A pass that changed nothing (nothing claimable, or only a write-back that keeps
                    # failing, which work() retries each pass) means there is nothing to do now.
                    after = {(o.dossier_code, o.state) for o in done}
                    if not done or after == before:
                        if once:
                            return
                        stop.wait(idle_s)
                    before = after
        except Exception as exc:  # this thread's browser or ledger failed: the others go on
            logger.opt(exception=exc).error("worker thread {} stopped: {}", number, exc)
            with lock:
                result.errors.append(f"{type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=work, args=(n,), name=f"worker-{n}") for n in range(1, 1 + concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
