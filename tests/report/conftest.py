"""Report fixtures: one ledger with a known history (see report_scenario), built once for the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_scenario import MINUTES_PER_DOSSIER, HandClock, build

from rpa.config import Account, Settings, SourceSettings
from rpa.ledger import Ledger


@pytest.fixture(scope="session")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report-ledger') / 'ledger.sqlite'}"
    clock = HandClock()
    with Ledger(url, clock=clock) as ledger:
        build(ledger, clock)
    return url


@pytest.fixture
def settings(ledger_url: str, tmp_path: Path) -> Settings:
    return Settings(
        provincial=SourceSettings(
            base_url="http://127.0.0.1:9", account=Account(username="bot", password="not-used")
        ),
        ledger_url=ledger_url,
        reports_dir=tmp_path / "reports" / "daily",
        manual_minutes_per_dossier=MINUTES_PER_DOSSIER,
    )
