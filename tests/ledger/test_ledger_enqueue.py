"""Enqueueing is idempotent per dossier × flow; reading back by id, by key and by listing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from ledger_support import FakeClock
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from rpa.ledger import Ledger, TransferState

S = TransferState


def test_enqueue_creates_a_queued_transfer_with_one_event(ledger: Ledger, clock: FakeClock) -> None:
    transfer = ledger.enqueue(
        "H55-0001", "moj_lltp", actor="scheduler", payload_hash="ab" * 32, identity_last4="4567"
    )
    assert (transfer.state, transfer.attempts, transfer.lease_owner) == (S.QUEUED, 0, None)
    assert (transfer.payload_hash, transfer.identity_last4) == ("ab" * 32, "4567")
    assert transfer.created_at == transfer.updated_at == clock.now
    assert transfer.business_reasons == () and not transfer.needs_lookup
    assert [(e.from_state, e.to_state, e.actor) for e in ledger.events(transfer.id)] == [
        (None, S.QUEUED, "scheduler")
    ]


def test_enqueue_again_returns_the_same_transfer_unchanged(ledger: Ledger, clock: FakeClock) -> None:
    first = ledger.enqueue("H55-0001", "moj_lltp", actor="scheduler")
    claimed = ledger.claim("w1", lease_s=60)
    assert claimed is not None
    clock.advance(5)
    again = ledger.enqueue("H55-0001", "moj_lltp", actor="clerk:nguyen.thi.hoa", payload_hash="changed")
    assert again == claimed and again.id == first.id
    assert len(ledger.events(first.id)) == 2


def test_the_same_dossier_in_another_flow_is_another_transfer(ledger: Ledger) -> None:
    one = ledger.enqueue("H55-0001", "moj_lltp", actor="scheduler")
    other = ledger.enqueue("H55-0001", "moj_lltp_v2", actor="scheduler")
    assert one.id != other.id


def test_dossier_and_flow_are_unique_in_the_database(ledger: Ledger, database_url: str) -> None:
    ledger.enqueue("H55-0001", "moj_lltp", actor="scheduler")
    engine = create_engine(database_url)
    insert = text(
        "INSERT INTO transfers"
        " (dossier_code, flow, state, attempts, business_reasons, created_at, updated_at)"
        " VALUES ('H55-0001', 'moj_lltp', 'queued', 0, '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert)
    finally:
        engine.dispose()


def test_concurrent_enqueues_of_one_dossier_make_one_transfer(database_url: str) -> None:
    ledgers = [Ledger(database_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(ledgers)) as pool:
            ids = set(
                pool.map(lambda ledger: ledger.enqueue("H55-0001", "moj_lltp", actor="scheduler").id, ledgers)
            )
        assert len(ids) == 1
        assert len(ledgers[0].events(ids.pop())) == 1
    finally:
        for ledger in ledgers:
            ledger.close()


def test_find_and_get(ledger: Ledger) -> None:
    transfer = ledger.enqueue("H55-0001", "moj_lltp", actor="scheduler")
    assert ledger.find("H55-0001", "moj_lltp") == transfer == ledger.get(transfer.id)
    assert ledger.find("H55-0001", "other") is None


def test_list_filters_by_state_time_and_flow_newest_first(ledger: Ledger, clock: FakeClock) -> None:
    ids = []
    for n in range(5):
        ids.append(ledger.enqueue(f"H55-{n}", "moj_lltp" if n < 4 else "other", actor="scheduler").id)
        clock.advance(60)
    since = clock.now
    ledger.transition(ids[1], S.FILLING, actor="system")
    assert [t.id for t in ledger.list()] == [ids[1], ids[4], ids[3], ids[2], ids[0]]
    assert [t.id for t in ledger.list(states=[S.FILLING])] == [ids[1]]
    assert [t.id for t in ledger.list(states=["queued"], flow="moj_lltp", limit=2)] == [ids[3], ids[2]]
    assert [t.id for t in ledger.list(since=since)] == [ids[1]]
    assert ledger.list(states=[]) == []
