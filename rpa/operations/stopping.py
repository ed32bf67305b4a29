"""A stop request that a signal handler may make and any thread may wait for, with a timeout.

Why not :class:`threading.Event`: ``Event.set()`` takes a lock that the main thread may be holding
inside ``Event.wait()`` at the moment the signal interrupts it, and a handler that blocks on that lock
never returns. Writing one byte to a pipe takes no lock, so the handler cannot hang; waiters
``select()`` on the other end, and since the byte is never read the latch stays set for every waiter.
"""

from __future__ import annotations

import os
import select
import weakref

__all__ = ["StopLatch"]


class StopLatch:
    """Set once, never cleared: "stop taking new work". Safe to set from a signal handler."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()  # not inherited by Chromium (PEP 446)
        os.set_blocking(self._write, False)
        self._set = False
        weakref.finalize(self, _close, self._read, self._write)

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        os.write(self._write, b"!")  # the pipe is never read, nor filled: a byte or two per latch

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the latch is set or ``timeout`` seconds passed (None: no limit); True if set."""
        if not self._set:
            select.select([self._read], [], [], None if timeout is None else max(timeout, 0.0))
        return self._set


def _close(*fds: int) -> None:
    for fd in fds:
        os.close(fd)
