"""Ledger fixtures: each database test runs on a SQLite file and on PostgreSQL (see ledger_support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_support import BACKENDS, FakeClock, database

from rpa.ledger import Ledger


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ledger(database_url: str, clock: FakeClock) -> Iterator[Ledger]:
    with Ledger(database_url, clock=clock) as opened:
        yield opened
