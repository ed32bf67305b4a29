"""A running sandbox with seeded dossiers of every procedure, and its Excel export with attachments."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from rpa.config import Settings
from rpa.ledger import Ledger
from rpa.sandbox.cli import bot_config
from rpa.sandbox.provincial.excel_dossiers import WORKBOOK_NAME
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import RunningSandbox, sandbox

CLERK = {"username": "motcua.qngai", "password": "MotCua@2025"}
TODAY = date(2025, 11, 20)


@dataclass
class Sandbox:
    running: RunningSandbox
    seeded: list[SeededDossier]
    export: Path  # the extracted zip: the workbook and tep-dinh-kem/


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    data = tmp_path_factory.mktemp("sandbox")
    seeded = generate(1, 24, today=TODAY, procedures=["judicial_record", "business_registration"])
    ProvincialStore(data).add_dossiers(seeded)
    export = tmp_path_factory.mktemp("export")
    with sandbox(data) as running:
        with httpx.Client(base_url=running.urls["provincial"], timeout=60) as web:
            assert web.post("/dang-nhap", data=CLERK).status_code == 303
            response = web.get("/ho-so/xuat-excel", params={"kem-tep": "1"}).raise_for_status()
        assert response.headers["content-type"] == "application/zip"
        zipfile.ZipFile(io.BytesIO(response.content)).extractall(export)
        yield Sandbox(running, seeded, export)


@pytest.fixture
def settings(served: Sandbox, tmp_path: Path) -> Settings:
    config = bot_config(served.running)
    config.update(ledger_url=f"sqlite:///{tmp_path / 'ledger.sqlite'}", work_dir=str(tmp_path / "work"))
    return Settings(**config)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    with Ledger(settings.ledger_url) as ledger:
        yield ledger


@pytest.fixture
def workbook(served: Sandbox, tmp_path: Path) -> Path:
    """This test's own copy of the export (workbook and attachments)."""
    folder = tmp_path / "export"
    shutil.copytree(served.export, folder)
    return folder / WORKBOOK_NAME
