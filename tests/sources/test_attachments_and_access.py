"""Corrupt attachments, refused accounts, unknown dossiers, and choosing a source from settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser
from pydantic import SecretStr

from rpa.config import Account, SourceSettings
from rpa.errors import ConfigError
from rpa.sandbox.records import SeededDossier
from rpa.sources import ApiSource, Source, WebSource, make_source
from rpa.sources.provincial import ProvincialRefused

if TYPE_CHECKING:
    from conftest import Provincial

pytestmark = pytest.mark.browser


def test_a_corrupt_attachment_is_reported_by_both_sources(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    downloads: Path,
) -> None:
    seeded = next(d for d in generated if not d.flaw and not d.tricky)
    (code,) = provincial.add(seeded)
    stored = provincial.store.files_dir / seeded.data["attachments"][1]["sha256"]
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")  # same size, other bytes
    sources: list[Source] = [api_source, web_source]
    records = [source.read(code, downloads / str(i)) for i, source in enumerate(sources)]
    for record in records:
        assert record.dossier is None and record.problems is not None
        assert [p.field for p in record.problems.problems] == ["attachments.1"]
        assert "SHA-256" in record.problems.problems[0].message
        assert record.problems.problems[0].label == "Tệp đính kèm 2"
        assert record.files[0] is not None and record.files[0].read_bytes() == seeded.files[0].content
        assert record.files[1] is None  # a corrupt file is not kept
    assert records[0].problems is not None and records[1].problems is not None
    assert records[0].problems.problems == records[1].problems.problems


def test_an_unknown_dossier_is_refused_with_the_systems_reason(
    provincial: Provincial, api_source: ApiSource, web_source: WebSource, downloads: Path
) -> None:
    code = "000.00.01.H55-251103-0099"
    for source in (api_source, web_source):
        with pytest.raises(ProvincialRefused, match=f"Không tìm thấy hồ sơ có mã {code}") as info:
            source.read(code, downloads)
        assert info.value.status_code == 404


def test_a_refused_web_login_is_a_config_error(browser: Browser, provincial: Provincial) -> None:
    source = WebSource(browser, provincial.url, "motcua.qngai", "sai", timeout_ms=5000)
    with pytest.raises(ConfigError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        source.list_codes("1.001234")


def test_make_source_follows_the_settings(browser: Browser, provincial: Provincial) -> None:
    account = Account(username="rpa.bot", password=SecretStr("RpaBot@2025"))
    api = make_source(SourceSettings(kind="api", base_url=provincial.url, account=account))
    assert isinstance(api, ApiSource) and api.client.base_url == provincial.url
    api.close()
    settings = SourceSettings(kind="web", base_url=provincial.url + "/", account=account)
    web = make_source(settings, browser)
    assert isinstance(web, WebSource) and web.base_url == provincial.url
    with pytest.raises(ConfigError, match="no browser"):
        make_source(settings)


def test_a_lost_attachment_is_refused_alike_by_both_sources(
    provincial: Provincial,
    generated: list[SeededDossier],
    api_source: ApiSource,
    web_source: WebSource,
    downloads: Path,
) -> None:
    seeded = next(d for d in generated if not d.flaw and not d.tricky)
    (code,) = provincial.add(seeded)
    (provincial.store.files_dir / seeded.data["attachments"][0]["sha256"]).unlink()
    for source in (api_source, web_source):
        with pytest.raises(ProvincialRefused, match="không có tệp đính kèm số 0") as info:
            source.read(code, downloads)
        assert info.value.status_code == 404
