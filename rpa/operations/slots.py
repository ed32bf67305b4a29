"""Cross-process slots: at most N holders at a time, among every process on this machine.

Each slot is a file under a shared folder (``Settings.locks_dir``, beside a SQLite ledger file), held
with ``flock``. The kernel
releases a slot when its holder exits, even when it was killed outright, so a crashed worker never
keeps a portal session slot. ``flock`` locks belong to an open file, not to a process, so two threads
of one process (two scheduler jobs) exclude each other too.

Used for the concurrent sessions a portal account allows (``PortalSettings.max_sessions``) and, with
one slot, for the short admission step in which a worker checks the operating rules and claims.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rpa.operations.stopping import StopLatch
from rpa.private_files import private_dir

__all__ = ["Slots"]


class Slots:
    """``count`` slots named ``name`` in ``folder``.

    Args:
        folder: shared by every process that must respect the limit (created, mode 0o700).
        name: what is limited, e.g. ``<portal>-<account>-session``; letters, digits, ``.-_``.
        count: how many holders at once (at least 1).
    """

    def __init__(self, folder: Path, name: str, count: int) -> None:
        if count < 1:
            raise ValueError(f"{name}: at least one slot is needed, got {count}")
        self.folder = folder
        self.name = name
        self.count = count

    def paths(self) -> list[Path]:
        return [self.folder / f"{self.name}.{index}.lock" for index in range(1, self.count + 1)]

    def try_take(self) -> int | None:
        """Take a free slot now: its open file descriptor (close it to release), or None if all are held."""
        taken = self._take()
        return None if taken is None else taken[0]

    def _take(self) -> tuple[int, int] | None:
        """Take a free slot now: its open file descriptor and its number (1..count), or None."""
        private_dir(self.folder)
        for number, path in enumerate(self.paths(), start=1):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            # Who holds it, for the messages of those who wait (the lock, not this text, is the truth).
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {datetime.now(UTC).isoformat()}\n".encode(), 0)
            return fd, number
        return None

    def holders(self) -> list[str]:
        """What the current holders wrote in their slot files (``pid 123 since ...``), for messages."""
        found = []
        for path in self.paths():
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # succeeds only on a free slot
            except BlockingIOError:
                found.append(os.pread(fd, 200, 0).decode("utf-8", "replace").strip())
            finally:
                os.close(fd)
        return found

    @contextmanager
    def hold(self, stop: StopLatch, wait_s: float | None, poll_s: float = 0.5) -> Iterator[int]:
        """Hold a slot for the ``with`` block; yields its number (1..count), or 0 when none came free
        within ``wait_s`` (None: no limit) or ``stop`` was set first.

        ``flock`` cannot wait with a timeout, so a waiter retries every ``poll_s`` seconds, waking at
        once when ``stop`` is set.
        """
        deadline = None if wait_s is None else time.monotonic() + wait_s
        taken = self._take()
        while taken is None:
            left = poll_s if deadline is None else min(poll_s, deadline - time.monotonic())
            if left <= 0 or stop.wait(left):
                break
            taken = self._take()
        try:
            yield 0 if taken is None else taken[1]
        finally:
            if taken is not None:
                os.close(taken[0])  # closing the only descriptor of the open file releases the flock
