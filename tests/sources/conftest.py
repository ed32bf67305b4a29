"""Fixtures for the sources: the provincial sandbox served on a port, seeded dossiers, both sources."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sealed_support import make_vault

from rpa.sandbox.provincial.app import create_app
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import serve_app
from rpa.sources import ApiSource, WebSource
from rpa.sources.provincial import ProvincialClient
from rpa.vault import Vault

SERVICE = ("rpa.bot", "RpaBot@2025")
CLERK = ("motcua.qngai", "MotCua@2025")
TODAY = date(2025, 11, 20)
SEED = 1


@dataclass
class Provincial:
    """The running provincial sandbox: its URL and its store (emptied before each test)."""

    url: str
    store: ProvincialStore

    def add(self, *items: SeededDossier) -> list[str]:
        return self.store.add_dossiers(items)


@pytest.fixture(scope="session")
def provincial_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provincial]:
    app = create_app(tmp_path_factory.mktemp("provincial"))
    served = serve_app(app)
    try:
        yield Provincial(served.url, app.state.store)
    finally:
        served.server.should_exit = True
        served.thread.join(timeout=10)


@pytest.fixture
def provincial(provincial_server: Provincial) -> Provincial:
    provincial_server.store.reset()
    return provincial_server


@pytest.fixture(scope="session")
def generated() -> list[SeededDossier]:
    """60 deterministic dossiers received in the 30 days before ``TODAY``."""
    return generate(SEED, 60, today=TODAY)


@pytest.fixture
def mix(generated: list[SeededDossier]) -> list[SeededDossier]:
    """Every flawed and tricky dossier of the seed (NFD, year-only, legacy address, tone marks...),
    two plain ones, and one hand-made oddity last (padded text, Windows and old-Mac line breaks,
    keys the model refuses)."""
    chosen = [d for d in generated if d.flaw or d.tricky]
    plain = [d for d in generated if not d.flaw and not d.tricky][:2]
    odd = copy.deepcopy(plain[1])
    odd.data["applicant"]["other_name"] = "  Tí  "
    odd.data["payload"]["purpose"] = "Bổ sung hồ sơ xin việc\r\nvà đi du học\rở Nhật"
    odd.data["ghi_chu_noi_bo"] = {"uu_tien": True, "so_lan": 2, "ti_le": 0.5, "rong": [], "trong": {}}
    return [*chosen, plain[0], SeededDossier(odd.data, odd.files, "hand_made_odd", None)]


@pytest.fixture
def client(provincial: Provincial) -> Iterator[ProvincialClient]:
    with ProvincialClient(provincial.url, *SERVICE, timeout=10) as client:
        yield client


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    """Seals the attachments the sources download (its keys in a ledger of its own)."""
    return make_vault(tmp_path / "vault")


@pytest.fixture
def api_source(client: ProvincialClient, vault: Vault) -> ApiSource:
    return ApiSource(client, vault=vault)


@pytest.fixture
def web_source(browser: Browser, provincial: Provincial, vault: Vault) -> Iterator[WebSource]:
    with WebSource(browser, provincial.url, *CLERK, timeout_ms=10_000, vault=vault) as source:
        yield source


@pytest.fixture(scope="session")
def today() -> date:
    """The day the seed was generated for; validation runs as of this day."""
    return TODAY


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    return tmp_path / "attachments"
