"""Evidence of an attempt: screenshots, trace, manifest, layout, permissions and attempt numbers."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Page

from rpa.portal.evidence import AttemptEvidence, attempt_folder, next_attempt

CODE = "000.00.01.H55-261120-0007"
STARTED = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # already 21/11 in Vietnam (UTC+7)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fill(page: Page) -> None:
    page.set_content(
        "<h1>Bước A: Thông tin người yêu cầu</h1>"
        "<label>Họ và tên <input id='fullName'></label>"
        + "<p>dòng</p>"
        * 80  # taller than the viewport: the screenshot must be full-page
    )
    page.fill("#fullName", "NGUYỄN VĂN ÁNH")


@pytest.mark.browser
def test_screenshots_typed_values_and_manifest(page: Page, tmp_path: Path) -> None:
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    fill(page)
    first = evidence.screenshot(page, "step-a")
    evidence.typed("fullName", "NGUYỄN VĂN ÁNH")
    evidence.typed("copies", 2)
    evidence.typed("idCardFile", tmp_path / "cccd.jpg")
    evidence.typed("fullName", "NGUYỄN VĂN ÁNH")  # typed again after a validation error
    second = evidence.screenshot(page, "Xem lại trước khi nộp")
    receipt = tmp_path / "bien-nhan.pdf"
    receipt.write_bytes(b"%PDF-1.7 receipt")
    copied = evidence.add_file(receipt)

    assert [first.name, second.name] == ["01-step-a.png", "02-xem-lai-truoc-khi-nop.png"]
    assert first.read_bytes().startswith(PNG_MAGIC)
    viewport = page.viewport_size
    assert viewport is not None
    height = int.from_bytes(first.read_bytes()[20:24], "big")  # IHDR height
    assert height > viewport["height"]
    assert copied == evidence.folder / "bien-nhan.pdf"

    path = evidence.write_manifest(outcome="submitted", receipt="51-LLTP-2611-000042")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert path == evidence.folder / "manifest.json"
    assert manifest["dossier_code"] == CODE and manifest["attempt"] == 1
    assert manifest["started"] == "2026-11-21T06:30:00+07:00"
    assert datetime.fromisoformat(manifest["finished"]).utcoffset() == timedelta(hours=7)
    assert manifest["outcome"] == "submitted"
    assert manifest["extra"] == {"receipt": "51-LLTP-2611-000042"}
    assert manifest["typed"] == {
        "fullName": "NGUYỄN VĂN ÁNH",
        "copies": 2,
        "idCardFile": str(tmp_path / "cccd.jpg"),
    }
    names = [f["name"] for f in manifest["files"]]
    assert names == ["01-step-a.png", "02-xem-lai-truoc-khi-nop.png", "bien-nhan.pdf"]
    for entry in manifest["files"]:
        content = (evidence.folder / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)
    assert "NGUYỄN VĂN ÁNH" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes


@pytest.mark.browser
@pytest.mark.parametrize(("keep", "screencast"), [(True, True), (True, False), (False, False)])
def test_trace_kept_or_not(page: Page, tmp_path: Path, keep: bool, screencast: bool) -> None:
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    evidence.start_trace(page.context, screenshots=screencast)
    fill(page)
    evidence.screenshot(page, "step-a")
    trace = evidence.stop_trace(page.context, keep=keep)
    manifest = json.loads(evidence.write_manifest(outcome="portal_error").read_text(encoding="utf-8"))
    names = [f["name"] for f in manifest["files"]]
    if not keep:
        assert trace is None and not (evidence.folder / "trace.zip").exists()
        assert names == ["01-step-a.png"]
        return
    assert trace == evidence.folder / "trace.zip"
    assert mode(trace) == 0o600
    with zipfile.ZipFile(trace) as archive:
        members = archive.namelist()
        events = archive.read("trace.trace").decode("utf-8")
    assert any(m.startswith("screencast/") for m in members) is screencast  # only when asked for
    assert '"frame-snapshot"' in events  # DOM snapshots
    assert names == ["01-step-a.png", "trace.zip"]
    entry = manifest["files"][1]
    assert entry["sha256"] == hashlib.sha256(trace.read_bytes()).hexdigest()


def test_layout_day_in_vietnam_time(tmp_path: Path) -> None:
    evidence = AttemptEvidence(tmp_path, CODE, 3, started=STARTED)
    assert evidence.folder == tmp_path / "2026" / "11" / "21" / CODE / "3"
    assert evidence.folder.is_dir()
    naive = datetime(2026, 1, 5, 0, 15)  # taken as Vietnam time
    assert attempt_folder(tmp_path, CODE, 1, naive) == tmp_path / "2026" / "01" / "05" / CODE / "1"
    other = datetime(2026, 1, 4, 20, 0, tzinfo=timezone(timedelta(hours=-5)))  # 5/1 08:00 in Vietnam
    assert attempt_folder(tmp_path, CODE, 1, other).parts[-5:-2] == ("2026", "01", "05")


def test_permissions(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    evidence = AttemptEvidence(root, CODE, 1, started=STARTED)
    folder = evidence.folder
    for level in (root, *list(folder.parents)[: len(folder.relative_to(root).parts) - 1], folder):
        assert mode(level) == 0o700, level
    outside = tmp_path / "receipt.html"
    outside.write_text("<p>biên nhận</p>", encoding="utf-8")
    outside.chmod(0o644)
    assert mode(evidence.add_file(outside)) == 0o600
    assert mode(evidence.write_manifest(outcome="submitted")) == 0o600
    assert mode(evidence.write_manifest(outcome="submitted")) == 0o600  # rewritten atomically
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "receipt.html"]


@pytest.mark.browser
def test_screenshot_permissions(page: Page, tmp_path: Path) -> None:
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    fill(page)
    assert mode(evidence.screenshot(page, "receipt")) == 0o600


def test_attempt_numbering_across_days(tmp_path: Path) -> None:
    assert next_attempt(tmp_path, CODE) == 1
    AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    AttemptEvidence(tmp_path, CODE, 2, started=STARTED)
    AttemptEvidence(tmp_path, "000.00.01.H55-261120-0008", 7, started=STARTED)  # another dossier
    assert next_attempt(tmp_path, CODE) == 3
    tomorrow = STARTED + timedelta(days=1)
    evidence = AttemptEvidence.begin(tmp_path, CODE, started=tomorrow)
    assert evidence.attempt == 3 and evidence.folder.parts[-3:] == ("22", CODE, "3")
    (evidence.folder.parent / "notes").mkdir()  # not a number: ignored
    assert next_attempt(tmp_path, CODE) == 4


def test_existing_attempt_is_never_reused(tmp_path: Path) -> None:
    AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    with pytest.raises(FileExistsError):
        AttemptEvidence(tmp_path, CODE, 1, started=STARTED)


@pytest.mark.parametrize("code", ["../etc", "a/b", "", "..", "*", ".hidden"])
def test_codes_that_cannot_be_folders(tmp_path: Path, code: str) -> None:
    with pytest.raises(ValueError):
        AttemptEvidence(tmp_path, code, 1)
    with pytest.raises(ValueError):
        next_attempt(tmp_path, code)


def test_attempts_start_at_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        AttemptEvidence(tmp_path, CODE, 0)


# ---- a full disk after the final click ----------------------------------------------------------


class FullDisk:
    """Fault injection: once ``fill()`` is called, the disk holding ``root`` refuses every write and
    fsync with ENOSPC (as a full file system does); everything else, and everything before, is real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.root = str(root.resolve())
        self.full = False
        self._write, self._fsync = os.write, os.fsync
        monkeypatch.setattr(os, "write", self.write)
        monkeypatch.setattr(os, "fsync", self.fsync)

    def fill(self) -> None:
        self.full = True

    def _refuses(self, fd: int) -> bool:
        with contextlib.suppress(OSError):
            return self.full and os.readlink(f"/proc/self/fd/{fd}").startswith(self.root)
        return False

    def write(self, fd: int, data: bytes) -> int:
        if self._refuses(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._write(fd, data)

    def fsync(self, fd: int) -> None:
        if self._refuses(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._fsync(fd)


def typed_form(evidence: AttemptEvidence) -> dict[str, object]:
    values: dict[str, object] = {"fullName": "NGUYỄN VĂN ÁNH", "idNumber": "051190001234", "copies": 2}
    for name, value in values.items():
        evidence.typed(name, value)
    return values


@pytest.mark.browser
def test_checkpoint_keeps_what_was_typed_until_the_final_manifest_replaces_it(
    page: Page, tmp_path: Path
) -> None:
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    fill(page)
    review = evidence.screenshot(page, "review")
    typed = typed_form(evidence)
    path = evidence.checkpoint()
    assert path == evidence.folder / "manifest.json" and mode(path) == 0o600
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["typed"] == typed and saved["outcome"] is None and saved["finished"] is None
    assert datetime.fromisoformat(saved["checkpoint"]).utcoffset() == timedelta(hours=7)
    assert saved["files"] == [
        {"name": review.name, "sha256": hashlib.sha256(review.read_bytes()).hexdigest(),
         "size": review.stat().st_size}
    ]  # fmt: skip
    evidence.screenshot(page, "receipt")
    final = json.loads(
        evidence.write_manifest(outcome="ok", receipt="51-LLTP-2611-000042").read_text("utf-8")
    )
    assert final["outcome"] == "ok" and final["typed"] == typed and "checkpoint" not in final
    assert [f["name"] for f in final["files"]] == ["01-review.png", "02-receipt.png"]
    assert sorted(p.name for p in evidence.folder.iterdir()) == [
        "01-review.png",
        "02-receipt.png",
        "manifest.json",
    ]


@pytest.mark.browser
def test_a_full_disk_after_the_final_click_loses_neither_the_typed_values_nor_the_error(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FullDisk(monkeypatch, tmp_path)
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    fill(page)
    evidence.screenshot(page, "review")
    typed = typed_form(evidence)
    evidence.checkpoint()  # right before the final click
    disk.fill()
    # As rpa.portal.attempt does: the receipt screenshot inside the attempt, the manifest in its finally.
    with pytest.raises(LookupError, match="the receipt page shows nothing"):
        try:
            evidence.screenshot(page, "receipt")  # the disk is full: logged, the attempt goes on
            raise LookupError("the receipt page shows nothing")
        finally:
            evidence.write_manifest(outcome="failed", receipt=None)  # logged, never masks the error
    saved = json.loads((evidence.folder / "manifest.json").read_text(encoding="utf-8"))
    assert saved["typed"] == typed and saved["checkpoint"]
    assert [f["name"] for f in saved["files"]] == ["01-review.png"]
    # No half-written receipt or manifest is left to be mistaken for evidence.
    assert sorted(p.name for p in evidence.folder.iterdir()) == ["01-review.png", "manifest.json"]


@pytest.mark.browser
def test_a_receipt_screenshot_refused_by_the_disk_is_named_in_the_manifest(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FullDisk(monkeypatch, tmp_path)
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    fill(page)
    disk.fill()
    lost = evidence.screenshot(page, "receipt")
    assert not lost.exists()
    disk.full = False  # space freed before the end of the attempt
    saved = json.loads(evidence.write_manifest(outcome="ok").read_text(encoding="utf-8"))
    assert saved["files"] == [] and saved["unsaved"] == [
        {"name": "01-receipt.png", "error": f"[Errno {errno.ENOSPC}] {os.strerror(errno.ENOSPC)}"}
    ]


def test_a_checkpoint_the_disk_refuses_raises_and_keeps_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No final click without the typed values on disk: the caller sees the error."""
    disk = FullDisk(monkeypatch, tmp_path)
    evidence = AttemptEvidence(tmp_path, CODE, 1, started=STARTED)
    evidence.typed("fullName", "NGUYỄN VĂN ÁNH")
    evidence.checkpoint()
    evidence.typed("copies", 2)
    disk.fill()
    with pytest.raises(OSError) as info:
        evidence.checkpoint()
    assert info.value.errno == errno.ENOSPC
    saved = json.loads((evidence.folder / "manifest.json").read_text(encoding="utf-8"))
    assert saved["typed"] == {"fullName": "NGUYỄN VĂN ÁNH"}
    assert [p.name for p in evidence.folder.iterdir()] == ["manifest.json"]
