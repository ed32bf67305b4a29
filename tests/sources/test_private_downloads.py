"""Downloaded scans are a citizen's identity card: sealed, owner-only whatever the umask, and size-capped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser
from sealed_support import assert_sealed

from rpa.errors import BusinessError
from rpa.sandbox.records import SeededDossier
from rpa.sources import ApiSource, Source, WebSource
from rpa.sources.sealed import SealedFile
from rpa.vault import Vault

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser

CLERK = ("motcua.qngai", "MotCua@2025")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def plain(generated: list[SeededDossier]) -> SeededDossier:
    return next(d for d in generated if not d.flaw and not d.tricky)


@pytest.mark.usefixtures("open_umask")
def test_both_sources_save_attachments_owner_only(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    tmp_path: Path,
) -> None:
    (code,) = provincial.add(plain(generated))
    sources: list[Source] = [api_source, web_source]
    for number, source in enumerate(sources):
        root = tmp_path / f"work-{number}"
        record = source.read(code, root / "attachments" / "7")
        assert record.problems is None and len(record.files) == 2
        paths = [root, *root.rglob("*")]
        wide = [f"{p}: {oct(mode(p))}" for p in paths if mode(p) != (0o700 if p.is_dir() else 0o600)]
        assert not wide, wide


def test_both_sources_keep_attachments_sealed_and_hand_out_their_plain_bytes(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    vault: Vault,
    tmp_path: Path,
) -> None:
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    scan, form = (f.content for f in seeded.files)
    assert scan.startswith(b"\x89PNG\r\n\x1a\n") and form.startswith(b"%PDF-")  # what must not show
    number = str(seeded.data["applicant"]["identity"]["number"]).encode()
    sources: list[Source] = [api_source, web_source]
    for index, source in enumerate(sources):
        folder = tmp_path / str(index)
        record = source.read(code, folder)
        assert record.dossier is not None, record.problems
        on_disk = sorted(p for p in folder.rglob("*") if p.is_file())
        assert [p.name for p in on_disk] == [f"{n:02d}-{f.name}.enc" for n, f in enumerate(seeded.files, 1)]
        for path in on_disk:
            assert_sealed(path, scan[:64], form[:64], b"\x89PNG", b"%PDF-", number)
        files = [a.file for a in record.dossier.attachments]
        assert all(isinstance(f, SealedFile) for f in files) and files == on_disk
        assert [f.read_bytes() for f in files if f is not None] == [scan, form]
        # bound to its dossier and name: renamed, it does not open
        on_disk[0].rename(on_disk[1])
        with pytest.raises(ValueError, match="altered"):
            record.dossier.attachments[1].file.read_bytes()  # type: ignore[union-attr]


def test_the_web_source_refuses_an_attachment_over_the_cap(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], vault: Vault, tmp_path: Path
) -> None:
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    big = seeded.files[1]  # the 10 kB form; the 4.7 kB scan passes a cap of 0.008 MB (8.4 kB)
    assert len(big.content) > 0.008 * 1024 * 1024 > len(seeded.files[0].content)
    downloads = tmp_path / "attachments"
    with WebSource(
        browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=0.008, vault=vault
    ) as source:
        record = source.read(code, downloads)
    assert record.dossier is None and isinstance(record.problems, BusinessError)
    [problem] = record.problems.problems
    assert problem.field == "attachments.1"
    assert problem.message == f"tệp “{big.name}” lớn hơn 0,008 MB, vượt giới hạn cổng Bộ cho phép"
    assert record.files[1] is None
    assert [p.name for p in (downloads / code).iterdir()] == [f"01-{seeded.files[0].name}.enc"]


def test_a_cap_keeps_the_files_under_it(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], vault: Vault, tmp_path: Path
) -> None:
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    cap = max(len(f.content) for f in seeded.files) / 1024 / 1024
    with WebSource(
        browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=cap, vault=vault
    ) as source:
        record = source.read(code, tmp_path)
    assert record.problems is None
    assert [p.read_bytes() for p in record.files if p is not None] == [f.content for f in seeded.files]


def test_the_web_source_sizes_what_it_downloaded_not_only_what_was_listed(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], vault: Vault, tmp_path: Path
) -> None:
    """The file served is bigger than the dossier lists (replaced since): refused after the download."""
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    form = seeded.files[1]
    stored = provincial.store.files_dir / seeded.data["attachments"][1]["sha256"]
    stored.write_bytes(form.content * 3)  # 30 kB served where 10 kB is listed
    downloads = tmp_path / "attachments"
    with WebSource(
        browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=0.02, vault=vault
    ) as source:
        record = source.read(code, downloads)
    assert isinstance(record.problems, BusinessError)
    assert [p.message for p in record.problems.problems] == [
        f"tệp “{form.name}” lớn hơn 0,02 MB, vượt giới hạn cổng Bộ cho phép"
    ]
    assert record.files[1] is None
    assert [p.name for p in (downloads / code).iterdir()] == [f"01-{seeded.files[0].name}.enc"]
