"""Downloaded scans are a citizen's identity card: owner-only whatever the umask, and size-capped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser

from rpa.errors import BusinessError
from rpa.sandbox.records import SeededDossier
from rpa.sources import ApiSource, Source, WebSource

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


def test_the_web_source_refuses_an_attachment_over_the_cap(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], tmp_path: Path
) -> None:
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    big = seeded.files[1]  # the 10 kB form; the 4.7 kB scan passes a cap of 0.008 MB (8.4 kB)
    assert len(big.content) > 0.008 * 1024 * 1024 > len(seeded.files[0].content)
    downloads = tmp_path / "attachments"
    with WebSource(browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=0.008) as source:
        record = source.read(code, downloads)
    assert record.dossier is None and isinstance(record.problems, BusinessError)
    [problem] = record.problems.problems
    assert problem.field == "attachments.1"
    assert problem.message == f"tệp “{big.name}” lớn hơn 0,008 MB, vượt giới hạn cổng Bộ cho phép"
    assert record.files[1] is None
    assert [p.name for p in (downloads / code).iterdir()] == [f"01-{seeded.files[0].name}"]


def test_a_cap_keeps_the_files_under_it(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], tmp_path: Path
) -> None:
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    cap = max(len(f.content) for f in seeded.files) / 1024 / 1024
    with WebSource(browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=cap) as source:
        record = source.read(code, tmp_path)
    assert record.problems is None
    assert [p.read_bytes() for p in record.files if p is not None] == [f.content for f in seeded.files]


def test_the_web_source_sizes_what_it_downloaded_not_only_what_was_listed(
    browser: Browser, provincial: Provincial, generated: list[SeededDossier], tmp_path: Path
) -> None:
    """The file served is bigger than the dossier lists (replaced since): refused after the download."""
    seeded = plain(generated)
    (code,) = provincial.add(seeded)
    form = seeded.files[1]
    stored = provincial.store.files_dir / seeded.data["attachments"][1]["sha256"]
    stored.write_bytes(form.content * 3)  # 30 kB served where 10 kB is listed
    downloads = tmp_path / "attachments"
    with WebSource(browser, provincial.url, *CLERK, timeout_ms=10_000, max_attachment_mb=0.02) as source:
        record = source.read(code, downloads)
    assert isinstance(record.problems, BusinessError)
    assert [p.message for p in record.problems.problems] == [
        f"tệp “{form.name}” lớn hơn 0,02 MB, vượt giới hạn cổng Bộ cho phép"
    ]
    assert record.files[1] is None
    assert [p.name for p in (downloads / code).iterdir()] == [f"01-{seeded.files[0].name}"]
