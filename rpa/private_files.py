"""Files and folders readable by their owner only, whatever the umask.

Everything the bot writes may hold personal data (a citizen's scans, typed values, log lines) or
grants access (session state): folders are 0o700 and files 0o600 from the moment they exist. A mode
passed to ``open``/``mkdir`` is narrowed by the umask but never widened, and a file that existed
before keeps its old mode, so each helper also sets the mode exactly on what it opened or created.
Files another program writes (Playwright's screenshots, traces, downloads) go into a folder made
with :func:`private_dir` and get :func:`make_private` afterwards, so they are unreadable to others
even before the chmod.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any, Literal

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "fsync_dir",
    "make_private",
    "open_private",
    "private_dir",
    "private_opener",
    "write_all",
    "write_new",
    "write_private",
]

DIR_MODE = 0o700
FILE_MODE = 0o600

_FLAGS = {
    "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "x": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents, each with mode 0o700; return ``path``.

    Folders that already exist are left as they are: the work folder may be a shared parent such
    as a home directory, whose mode is not the bot's to change.
    """
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it meanwhile; it sets the mode too
            if not level.is_dir():
                raise
            continue
        os.chmod(level, DIR_MODE)
    return Path(path)


def private_opener(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for :func:`open` (and loguru's file sink): the file is 0o600 from the start."""
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a file that existed before keeps its old mode otherwise
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_private(
    path: Path, mode: Literal["w", "a", "x", "wb", "ab", "xb"] = "wb", *, encoding: str | None = None
) -> IO[Any]:
    """Open ``path`` for writing (truncate ``w``, append ``a``, new only ``x``; ``b`` for bytes), 0o600.

    For streaming writes; the caller closes the file (use it as a context manager).
    """
    fd = private_opener(path, _FLAGS[mode[0]])
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding or "utf-8")


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (``os.write`` may write less than asked); OSError as it comes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_new(path: Path, data: bytes) -> Path:
    """Write a new file (it must not exist), owner-only from the first byte, fsynced; nothing is left
    on failure (a truncated PNG or manifest would pass for evidence)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return path


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Replace ``path`` atomically with ``data`` (temporary file, fsync, rename), mode 0o600.

    A reader sees the old content or the new, never half of it. The folder must exist.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        write_all(fd, payload)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temporary, path)
    finally:
        if fd != -1:
            os.close(fd)
        temporary.unlink(missing_ok=True)
    return path


def make_private(path: Path) -> Path:
    """Set a file another program wrote (Playwright) to 0o600; return ``path``."""
    os.chmod(path, FILE_MODE)
    return path
