"""Checks shared by the end-to-end tests (imported by name: ``tests/e2e`` has no ``__init__.py``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from flows.judicial_record.form import JudicialRecordForm
from rpa.config import Settings
from rpa.domain import DossierStatus
from rpa.portal.evidence import MANIFEST, sha256_of

ADDRESS_KEYS = ("legacy", "provinceId", "districtId", "wardId", "street")
"""What the bot chooses or types in an address group; the portal derives the names and the full text."""


def form_differences(stored: dict[str, Any], expected: JudicialRecordForm) -> dict[str, tuple[Any, Any]]:
    """``{field: (expected, stored)}`` for every field of ``expected`` the portal stored differently.

    Addresses are compared by what was chosen (:data:`ADDRESS_KEYS`), the identity-card scan by the
    SHA-256 and size of the file the mapping points at (the bytes downloaded from the provincial system).
    """
    differences: dict[str, tuple[Any, Any]] = {}
    for key, want in expected.model_dump(mode="json").items():
        if key not in stored:
            differences[key] = (want, "<missing>")
            continue
        got = stored[key]
        if key.endswith("Address") and isinstance(got, dict):
            got = {k: got.get(k) for k in ADDRESS_KEYS}
        elif key == "idCardFile":
            assert expected.idCardFile is not None, "the mapping must point at the downloaded scan"
            want = {"sha256": sha256_of(expected.idCardFile), "size": expected.idCardFile.stat().st_size}
            got = None if got is None else {"sha256": got.get("sha256"), "size": got.get("size")}
        if got != want:
            differences[key] = (want, got)
    return differences


def check_attempt_folder(folder: Path, recordings: Path, code: str) -> dict[str, Any]:
    """Check one attempt folder's layout, modes and manifest; return the manifest.

    ``recordings/YYYY/MM/DD/<code>/<attempt>/`` holding numbered screenshots and a ``manifest.json``
    whose ``files`` list every other file with its true SHA-256 and size.
    """
    parts = folder.relative_to(recordings).parts
    assert len(parts) == 5, folder
    year, month, day, folder_code, attempt = parts
    assert (len(year), len(month), len(day)) == (4, 2, 2) and (year + month + day).isdigit(), folder
    assert folder_code == code and attempt.isdigit() and int(attempt) >= 1, folder
    manifest_path = folder / MANIFEST
    assert manifest_path.is_file(), f"no manifest in {folder}: {sorted(p.name for p in folder.iterdir())}"
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["dossier_code"] == code and manifest["attempt"] == int(attempt)
    on_disk = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST)
    listed = [entry["name"] for entry in manifest["files"]]
    assert sorted(listed) == on_disk, f"manifest lists {listed}, folder holds {on_disk}"
    for entry in manifest["files"]:
        path = folder / entry["name"]
        assert sha256_of(path) == entry["sha256"], f"{path} does not match its manifest hash"
        assert path.stat().st_size == entry["size"], path
    assert any(name.endswith(".png.enc") for name in on_disk), f"no sealed screenshot in {folder}"
    assert not any(name.endswith((".png", ".zip", ".json")) for name in on_disk), f"clear files in {folder}"
    assert folder.stat().st_mode & 0o077 == 0, f"evidence folder {folder} is readable by others"
    for name in on_disk:
        assert (folder / name).stat().st_mode & 0o077 == 0, f"{name} is readable by others"
    return manifest


def screenshot_labels(folder: Path) -> list[str]:
    """The labels of the numbered screenshots of an attempt, in the order taken (``01-a-applicant.png``)."""
    shots = sorted(p.name.removesuffix(".enc") for p in folder.glob("[0-9][0-9]-*.png*"))
    return [name[3:-4] for name in shots]


def opened_file(settings: Settings, code: str, path: Path) -> bytes:
    """One sealed evidence file of ``code``, opened as the console or ``rpa evidence open`` would."""
    from rpa.evidence.opening import open_attempt_file
    from rpa.vault import vault_for

    return open_attempt_file(vault_for(settings), code, path)


def wait_for(what: str, check: Callable[[], bool], timeout_s: float, process: subprocess.Popen[str]) -> None:
    """Poll ``check`` until it holds; AssertionError when ``process`` ends first or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"the bot ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class SeededRun:
    """One scheduled run over seeded dossiers: the world, the dossiers as seeded, the run's summary."""

    world: Any
    before: dict[str, dict[str, Any]]
    summary: dict[str, Any]

    def codes(self, *, valid: bool) -> list[str]:
        """The accepted dossiers that are valid (or flawed), by code."""
        return sorted(
            code
            for code, d in self.before.items()
            if d["status"] == int(DossierStatus.ACCEPTED) and (d["flaw"] is None) == valid
        )


def kill_after_final_click(world: Any, code: str, portal: str, bot: subprocess.Popen[str]) -> None:
    """SIGKILL ``bot`` (and its browser) right after it clicked the final button and ``portal`` stored
    the application, before the answer came back (the portal is slowed from the click on)."""
    children: list[psutil.Process] = []

    def clicking() -> bool:
        transfer = world.transfer(code)
        return transfer is not None and transfer.state.value == "submitting"

    try:
        wait_for("the final click", clicking, 240, bot)
        world.portal_knobs(portal, latency_ms=3000)
        wait_for("the application on the portal", lambda: bool(world.portal_applications(portal)), 180, bot)
        children = psutil.Process(bot.pid).children(recursive=True)
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(timeout=10)
    finally:
        world.portal_knobs(portal, latency_ms=0)
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=10)
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
        psutil.wait_procs(children, timeout=10)
