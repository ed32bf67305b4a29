"""Evidence of one attempt at transferring one dossier: screenshots, a Playwright trace, a manifest.

Layout (see ``recordings/README.md``), under a configurable root (``Settings.recordings_dir``)::

    <root>/YYYY/MM/DD/<dossier-code>/<attempt>/
        01-step-a.png ... NN-receipt.png   full-page screenshots, numbered in the order taken
        trace.zip                          Playwright trace (DOM snapshots, maybe a screencast), when kept
        manifest.json                      SHA-256 and size of every file above, and the values typed

The day is the day the attempt started in Vietnam time (Asia/Ho_Chi_Minh). Attempts are numbered
1, 2, ... per dossier across days (:func:`next_attempt`), so "attempt 3" names one folder only.

Evidence is sensitive personal data: every folder this module creates has mode 0o700 and every file
0o600, whatever the umask. Files are created with those modes from the start (never widened later),
and the manifest is replaced atomically, so a reader never sees a half-written one.

A full disk must not cost what matters most: :meth:`AttemptEvidence.checkpoint` puts the values typed
on disk right before the final click, and after it a screenshot or manifest the disk refuses is
logged (and named in the manifest when it can still be written), never raised over the attempt's
own outcome.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from loguru import logger
from playwright.sync_api import BrowserContext, Locator, Page

from rpa.clock import VN, vn_now
from rpa.domain.text import fold
from rpa.evidence.chain import record_attempt
from rpa.evidence.core import file_sha256
from rpa.private_files import fsync_dir, write_new
from rpa.vault import SUFFIX, Vault, dossier_scope, evidence_aad, is_sealed

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "MANIFEST",
    "TRACE",
    "VALUES",
    "AttemptEvidence",
    "attempt_folder",
    "next_attempt",
    "redact_trace",
    "sha256_of",
]

DIR_MODE = 0o700
FILE_MODE = 0o600
MANIFEST = "manifest.json"
TRACE = "trace.zip"
VALUES = "values.json"
"""With a vault: the values typed and the portal's answers, sealed as ``values.json.enc``."""
_SAFE_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")


def _vn_time(moment: datetime | None) -> datetime:
    """``moment`` in Vietnam time (now when None); a naive datetime is taken to be Vietnam time."""
    if moment is None:
        return vn_now()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN)
    return moment.astimezone(VN)


def _check_code(dossier_code: str) -> str:
    """A dossier code is used as a folder name: refuse anything that could escape or glob."""
    if not _SAFE_CODE.fullmatch(dossier_code) or ".." in dossier_code:
        raise ValueError(f"not a usable dossier code for an evidence folder: {dossier_code!r}")
    return dossier_code


def attempt_folder(root: Path, dossier_code: str, attempt: int, started: datetime | None = None) -> Path:
    """``root/YYYY/MM/DD/<dossier-code>/<attempt>`` for an attempt started at ``started`` (default now)."""
    if attempt < 1:
        raise ValueError(f"attempts are numbered from 1, got {attempt}")
    day = _vn_time(started)
    return root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / _check_code(dossier_code) / str(attempt)


def next_attempt(root: Path, dossier_code: str) -> int:
    """The number of the next attempt at ``dossier_code``: one more than any found under any day.

    Numbering runs across days (an attempt on Tuesday after two on Monday is attempt 3), so a number
    identifies one attempt. Only folders named by a number count; 1 when there are none.
    """
    pattern = f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/{_check_code(dossier_code)}/*"
    numbers = [int(p.name) for p in root.glob(pattern) if p.is_dir() and p.name.isdigit()]
    return max(numbers, default=0) + 1


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks, as lower-case hex (the chain's verifier computes it)."""
    return file_sha256(path)


def _make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0o700; the last level must be new."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for level in reversed(missing):
        level.mkdir(mode=DIR_MODE, exist_ok=level != folder)
        os.chmod(level, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened: set it exactly
    if not missing:
        raise FileExistsError(f"evidence folder already exists: {folder}")


def _slug(label: str) -> str:
    """A label fit for a file name: ASCII, lower case, words joined by dashes (``Bước A`` → ``buoc-a``)."""
    slug = re.sub(r"[^0-9a-z]+", "-", fold(label).lower()).strip("-")
    return slug[:60].rstrip("-") or "page"


def _json_value(value: object) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


class AttemptEvidence:
    """The evidence folder of one attempt; creates it (mode 0o700) on construction.

    Args:
        root: the evidence root (``Settings.recordings_dir``).
        dossier_code: e.g. ``000.00.01.H55-261120-0007``; letters, digits, ``.``, ``-`` and ``_`` only.
        attempt: 1, 2, ... (see :func:`next_attempt`).
        started: when the attempt started (default now); picks the day folder, in Vietnam time.

    Raises:
        FileExistsError: the attempt's folder exists already (evidence is never overwritten).
        ValueError: a dossier code that cannot be a folder name, or an attempt below 1.
    """

    def __init__(
        self,
        root: Path,
        dossier_code: str,
        attempt: int,
        *,
        started: datetime | None = None,
        vault: Vault | None = None,
    ) -> None:
        self.root = root
        self.dossier_code = dossier_code
        self.attempt = attempt
        self.started = _vn_time(started)
        self.vault = vault
        self.scope = dossier_scope(dossier_code)
        self.folder = attempt_folder(root, dossier_code, attempt, self.started)
        if vault is not None:
            vault.seal(self.scope, b"")  # the dossier's key exists before anything is typed
        _make_dirs(self.folder)
        self._shots = 0
        self._typed: dict[str, Any] = {}
        self._masked: dict[str, str] = {}
        self._unsaved: list[dict[str, str]] = []
        self._plain: dict[str, tuple[str, int]] = {}  # sealed file name -> plaintext (sha256, size)

    @classmethod
    def begin(
        cls,
        root: Path,
        dossier_code: str,
        *,
        started: datetime | None = None,
        vault: Vault | None = None,
    ) -> AttemptEvidence:
        """The evidence of the next attempt at ``dossier_code`` (numbered by :func:`next_attempt`).

        Two processes starting the same dossier at once both compute the same number; the loser's
        folder creation fails and it takes the following number. With a ``vault`` every file is
        sealed under the dossier's key (``<name>.enc``, :mod:`rpa.vault`); without one (tests of
        the layout only) files are written in the clear.
        """
        while True:
            try:
                return cls(root, dossier_code, next_attempt(root, dossier_code), started=started, vault=vault)
            except FileExistsError:
                continue

    def _store(self, path: Path, data: bytes) -> Path:
        """Write a new evidence file ``path`` (sealed as ``<path>.enc`` with a vault); return where."""
        if self.vault is None:
            write_new(path, data)
            return path
        sealed = path.with_name(path.name + SUFFIX)
        self.vault.write(self.scope, sealed, data, evidence_aad(self.dossier_code, self.attempt, path.name))
        self._plain[sealed.name] = (hashlib.sha256(data).hexdigest(), len(data))
        return sealed

    def read(self, path: Path) -> bytes:
        """The plain bytes of one of this attempt's files (opened with the vault when sealed)."""
        if self.vault is not None and is_sealed(path):
            return self.vault.read(self.scope, path, evidence_aad(self.dossier_code, self.attempt, path.name))
        return path.read_bytes()

    # ---- files ------------------------------------------------------------------------------------
    def screenshot(self, page: Page, label: str, *, mask: Sequence[Locator] = ()) -> Path:
        """A full-page PNG of ``page`` named ``NN-<label>.png`` (01, 02, ... in the order taken).

        Every element ``mask`` matches is painted over in the picture (Playwright's screenshot
        ``mask``): fields a procedure chooses not to keep as images, such as an identity number.

        A file the disk refuses (full: ``OSError``) is logged and named in the manifest's ``unsaved``,
        and the path returned does not exist: the attempt goes on, since after the final click a
        lost picture must not cost the receipt.
        """
        self._shots += 1
        path = self.folder / f"{self._shots:02d}-{_slug(label)}.png"
        image = page.screenshot(full_page=True, type="png", mask=list(mask))
        try:
            return self._store(path, image)
        except OSError as exc:
            self._unsaved.append({"name": path.name, "error": str(exc)})
            logger.error("evidence {}: screenshot {} not saved: {}", self.folder, path.name, exc)
        return path

    def typed(self, name: str, value: object) -> None:
        """Record the value typed or chosen in field ``name``; a field typed again keeps the last value."""
        self._typed[name] = _json_value(value)

    def masked(self, name: str, value: str) -> None:
        """Record that field ``name`` is painted over in the screenshots, with a keyed hash of its value
        (:meth:`rpa.vault.Vault.digest`): the manifest proves what it held without showing it."""
        if self.vault is not None:
            self._masked[name] = self.vault.digest(self.scope, value)
        else:
            self._masked[name] = "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()

    def add_file(self, path: Path) -> Path:
        """Include ``path`` in the evidence: a file outside the folder is copied in (mode 0o600).

        Returns the file's path inside the folder.

        Raises:
            FileExistsError: a different file of that name is already in the folder.
        """
        path = Path(path)
        inside = path.resolve().parent == self.folder.resolve()
        if inside and (self.vault is None or is_sealed(path)):
            os.chmod(path, FILE_MODE)
            return path
        if path.name in (MANIFEST, VALUES):
            raise ValueError(f"{path.name} is written by write_manifest, not added")
        if self.vault is not None:
            stored = self._store(self.folder / path.name, path.read_bytes())
            if inside:
                path.unlink()  # the clear copy must not stay beside the sealed one
            return stored
        target = self.folder / path.name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out, path.open("rb") as source:
            os.fchmod(out.fileno(), FILE_MODE)
            shutil.copyfileobj(source, out)
        return target

    # ---- trace ------------------------------------------------------------------------------------
    def start_trace(self, context: BrowserContext, *, screenshots: bool = False) -> None:
        """Start Playwright tracing on ``context`` with DOM snapshots (and a screencast if ``screenshots``).

        The DOM snapshots already let the trace viewer show the page before and after every action;
        the screencast more than doubles the cost of each action on a 2-core machine (measured in
        docs/benchmarks.md), so it is off unless configured.
        """
        context.tracing.start(
            name=f"{self.dossier_code}-{self.attempt}",
            title=f"{self.dossier_code}, attempt {self.attempt}",
            screenshots=screenshots,
            snapshots=True,
        )

    def stop_trace(self, context: BrowserContext, keep: bool, *, secrets: Iterable[str] = ()) -> Path | None:
        """Stop tracing; save ``trace.zip`` (mode 0o600) only when ``keep``, and return its path.

        Keep it when the attempt failed, or always when configured so. Open it with
        ``playwright show-trace trace.zip``. A kept trace is redacted before this returns
        (:func:`redact_trace`): cookie and authorisation headers, the context's cookie values and
        ``secrets`` (the portal password, a CAPTCHA reading) are replaced, because evidence is kept
        for a year and read by people who must not be able to log in as the province.
        """
        if not keep:
            context.tracing.stop()
            return None
        cookies = [cookie.get("value", "") for cookie in context.cookies()]
        path = self.folder / TRACE
        if self.vault is None:
            context.tracing.stop(path=path)  # inside a 0o700 folder, so private before the chmod too
            os.chmod(path, FILE_MODE)
            redact_trace(path, [*secrets, *cookies])
            return path
        # Playwright writes the trace in the clear: into a hidden file of this 0o700 folder, sealed
        # and removed at once (the purge removes one a crash left behind).
        clear = self.folder / f".{TRACE}.{os.getpid()}.clear"
        try:
            context.tracing.stop(path=clear)
            os.chmod(clear, FILE_MODE)
            redact_trace(clear, [*secrets, *cookies])
            return self._store(path, clear.read_bytes())
        finally:
            clear.unlink(missing_ok=True)

    # ---- manifest ---------------------------------------------------------------------------------
    def files(self) -> list[dict[str, Any]]:
        """``{name, sha256, size}`` of every file in the folder but the manifest, by name."""
        entries = []
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            name = path.relative_to(self.folder).as_posix()
            if name == MANIFEST or name.startswith("."):
                continue
            entry: dict[str, Any] = {"name": name, "sha256": sha256_of(path), "size": path.stat().st_size}
            if name in self._plain:
                entry["plain_sha256"], entry["plain_size"] = self._plain[name]
            entries.append(entry)
        return entries

    def checkpoint(self, **extra: Any) -> Path:
        """Write the manifest so far (values typed, files hashed) before a step that must not lose it.

        Called right before the final click: if the disk is full afterwards, the values typed are on
        disk already. Written like :meth:`write_manifest` (temporary file, fsync, rename, folder
        fsync), with ``outcome`` and ``finished`` null and ``checkpoint`` set to now; the final
        manifest replaces it.

        Raises:
            OSError: the disk refused it (the previous manifest, if any, is intact). Do not click
                without the typed values on disk.
        """
        return self._replace_manifest(
            self._manifest(outcome=None, finished=None, extra=extra) | {"checkpoint": vn_now().isoformat()}
        )

    def write_manifest(
        self, *, outcome: str | None = None, finished: datetime | None = None, **extra: Any
    ) -> Path:
        """Write ``manifest.json`` atomically (mode 0o600); it may be rewritten as the attempt goes on.

        Returns its path. A manifest the disk refuses (``OSError``) is logged and not raised: this
        runs when the attempt ends, and must not hide its error or its receipt. The file there is
        then the last :meth:`checkpoint`, if any.

        Args:
            outcome: how the attempt ended, e.g. ``submitted``, ``portal_error``, ``invalid``.
            finished: when (default now).
            extra: more JSON-serialisable facts, e.g. ``receipt="<the portal's receipt code>"``.

        The manifest holds: ``dossier_code``, ``attempt``, ``started``, ``finished`` (ISO 8601, Vietnam
        time), ``outcome``, ``files`` (``[{name, sha256, size}]`` of every other file in the folder),
        ``typed`` (``{field: value}`` in the order typed), ``extra``, and ``unsaved`` when a
        screenshot could not be saved (``[{name, error}]``).
        """
        manifest = self._manifest(outcome=outcome, finished=_vn_time(finished).isoformat(), extra=extra)
        try:
            path = self._replace_manifest(manifest)
        except OSError as exc:
            logger.error("evidence {}: manifest ({}) not saved: {}", self.folder, outcome, exc)
            return self.folder / MANIFEST
        try:  # the final manifest goes into the hash chain (rpa.evidence.chain); a rewrite supersedes
            record_attempt(self.root, self.folder, self.dossier_code, self.attempt)
        except OSError as exc:  # verification then names the folder as not in the chain
            logger.error("evidence {}: not added to the hash chain: {}", self.folder, exc)
        return path

    def _manifest(
        self, *, outcome: str | None, finished: str | None, extra: dict[str, Any]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"typed": self._typed, "extra": extra}
        if self.vault is not None:  # what was typed and answered is personal data: sealed beside
            data = json.dumps(values, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")
            sealed = self.folder / (VALUES + SUFFIX)
            aad = evidence_aad(self.dossier_code, self.attempt, VALUES)
            self.vault.write(self.scope, sealed, data, aad, exclusive=False)
            self._plain[sealed.name] = (hashlib.sha256(data).hexdigest(), len(data))
            values = {"values": sealed.name, "encryption": {"alg": "AES-256-GCM", "scope": self.scope}}
        manifest = {
            "dossier_code": self.dossier_code,
            "attempt": self.attempt,
            "started": self.started.isoformat(),
            "finished": finished,
            "outcome": outcome,
            "files": self.files(),
            **values,
        }
        if self._masked:
            manifest["masked"] = self._masked
        if self._unsaved:
            manifest["unsaved"] = self._unsaved
        return manifest

    def _replace_manifest(self, manifest: dict[str, Any]) -> Path:
        text = json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_value)
        data = text.encode("utf-8") + b"\n"
        target = self.folder / MANIFEST
        temporary = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        try:
            write_new(temporary, data)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        fsync_dir(self.folder)  # the rename itself must survive a power cut after the final click
        return target


# ---- trace redaction ----------------------------------------------------------------------------------
REDACTED = "[redacted]"
SENSITIVE_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
"""Headers whose values grant access: never kept in a trace's network log."""
MIN_SECRET_LENGTH = 4
"""Shorter strings are not searched for: replacing every ``ab`` would ruin the trace and hide nothing."""
_JSON_LINES = (".trace", ".network")


def _redact_json(value: Any) -> Any:
    """``value`` (a parsed trace event) with header and cookie values replaced, at any depth."""
    if isinstance(value, list):
        return [_redact_json(item) for item in value]
    if not isinstance(value, dict):
        return value
    redacted = {key: _redact_json(item) for key, item in value.items()}
    name = redacted.get("name")
    if isinstance(name, str) and name.lower() in SENSITIVE_HEADERS and "value" in redacted:
        redacted["value"] = REDACTED
    cookies = redacted.get("cookies")  # a HAR entry's parsed cookies: [{name, value, ...}]
    if isinstance(cookies, list):
        redacted["cookies"] = [{**c, "value": REDACTED} if isinstance(c, dict) else REDACTED for c in cookies]
    return redacted


def _redact_events(data: bytes) -> bytes:
    """A trace's event log (one JSON object a line) with header and cookie values replaced."""
    lines = data.decode("utf-8").split("\n")
    redacted = [
        json.dumps(_redact_json(json.loads(line)), ensure_ascii=False) if line.strip() else line
        for line in lines
    ]
    return "\n".join(redacted).encode("utf-8")


def _secret_forms(secrets: Iterable[str]) -> list[bytes]:
    """Every way a secret can be spelt in a trace: as typed, URL-encoded (a form post), JSON-escaped,
    HTML-escaped (a DOM snapshot); longest first, so a longer form is never half-replaced."""
    forms: set[bytes] = set()
    for secret in secrets:
        if len(secret) < MIN_SECRET_LENGTH:
            continue
        spellings = {secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1]}
        spellings |= {html.escape(secret), html.escape(secret, quote=False)}
        forms |= {spelling.encode("utf-8") for spelling in spellings}
    return sorted(forms, key=len, reverse=True)


def _redact_bytes(data: bytes, forms: list[bytes]) -> bytes:
    for form in forms:
        data = data.replace(form, REDACTED.encode("ascii"))
    return data


def redact_trace(path: Path, secrets: Iterable[str] = ()) -> None:
    """Rewrite the Playwright trace ``path`` without credentials; it is replaced atomically (0o600).

    Playwright has no option to leave them out: its network log keeps every request's ``Cookie`` and
    every response's ``Set-Cookie`` header, and its DOM snapshots and resources keep what pages and
    posts held. Header and cookie values are replaced in the event logs (JSON lines), and every
    spelling of each of ``secrets`` is replaced in every member, the saved resources included.
    """
    forms = _secret_forms(secrets)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with (
            os.fdopen(fd, "wb") as stream,
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for member in source.infolist():
                data = source.read(member)
                if member.filename.endswith(_JSON_LINES):
                    data = _redact_events(data)
                target.writestr(member.filename, _redact_bytes(data, forms))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
