"""Who holds a lease: a worker id naming its machine and process, so a neighbour can see it died.

A worker killed mid-transfer holds its lease until the lease runs out; meanwhile nobody may take the
transfer over (seen: five transfers sat in ``filling`` for five minutes after a crash). Another worker
*on the same machine* can tell for certain that the holder is gone, and end that lease at once.

"The same machine" must be exact, or a live worker elsewhere would lose its lease: the id carries the
host name, the kernel's boot id (a reboot is another machine) and the PID namespace (containers on one
kernel see different processes). "The process is gone" must survive PID reuse: the id carries the
process's start time, and a process with that PID but another start time is not the holder.

    worker_id = new_worker_id("7f3a")  # "bot-01/3c9e1a2b/4026531836:8123.171234567:7f3a"
    is_gone_here(worker_id)            # False while that process lives
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

import psutil

__all__ = ["is_gone_here", "machine", "new_worker_id"]


@cache
def machine() -> str:
    """This host, boot and PID namespace: where a PID means the same process."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:8]
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:  # not Linux: no way to be sure, so never take over early
        return f"{socket.gethostname()}/unknown"
    return f"{socket.gethostname()}/{boot}/{namespace}"


def _started(pid: int) -> str:
    """The process's start time; raises ``NoSuchProcess`` for a dead one, a zombie included."""
    process = psutil.Process(pid)
    if process.status() == psutil.STATUS_ZOMBIE:  # killed, not yet reaped by its parent
        raise psutil.NoSuchProcess(pid)
    return f"{process.create_time():.2f}"


def new_worker_id(tag: str) -> str:
    """``<machine>:<pid>.<start time>:<tag>``: unique per worker, readable in the ledger's trail."""
    return f"{machine()}:{os.getpid()}.{_started(os.getpid())}:{tag}"


def is_gone_here(worker_id: str) -> bool:
    """Whether ``worker_id`` names a worker of this machine whose process no longer runs.

    ``False`` whenever it cannot be sure: another machine, an id of another form, this process."""
    where, _, rest = worker_id.rpartition(":")[0].rpartition(":")
    if not where or where != machine() or where.endswith("/unknown"):
        return False
    pid_text, _, started = rest.partition(".")
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        return _started(int(pid_text)) != started
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # access denied, a zombie: it may still hold the lease
        return False
