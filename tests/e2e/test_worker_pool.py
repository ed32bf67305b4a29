"""``rpa worker --concurrency 2 --once``: two workers, one Chromium each, share the queue; each dossier
is submitted once, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ledger.ledger_support import database

from rpa.domain import DossierStatus
from rpa.ledger import Ledger, TransferState
from rpa.sandbox.cli import bot_config
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_workers_share_the_queue_and_submit_each_dossier_once(
    make_world: Callable[..., World], backend: str, tmp_path: Path
) -> None:
    world = make_world(f"pool-{backend}", lease_s=60.0)
    valid = [
        d
        for d in generate(11, 40)
        if d.flaw is None and d.tricky is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    ][:6]
    codes = world.add(*valid)
    with database(backend, tmp_path) as url:
        portals = bot_config(world.running)["portals"]
        portals["moj-lltp"]["max_sessions"] = 2  # the account allows two sessions: both workers work
        world.reconfigure(ledger_url=url, portals=portals)
        with Ledger(url) as ledger:
            for code in codes:
                ledger.enqueue(code, "judicial_record", actor="clerk:test")

        summary = world.rpa_json("worker", "--concurrency", "2", "--once")

        assert summary["errors"] == [] and len(summary["workers"]) == 2, summary
        with Ledger(url) as ledger:
            transfers = {t.dossier_code: t for t in ledger.list(limit=100)}
            claimers = {
                e.actor for t in transfers.values() for e in ledger.events(t.id) if e.reason == "claimed"
            }
    assert {code: transfers[code].state for code in codes} == dict.fromkeys(codes, TransferState.WRITTEN_BACK)
    assert len(claimers) == 2, claimers  # both workers took dossiers from the one queue
    for code in codes:
        number = world.dossiers()[code]["identity_number"]
        (application,) = world.applications_of(number)  # exactly one each
        assert application["receipt"] == transfers[code].receipt_code
    assert len(world.applications()) == len(codes)
