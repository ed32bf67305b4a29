"""``submission``: what the worker typed, recorded right before the final click, for a later look-up."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from rpa.ledger import Ledger, TransferState
from rpa.ledger.engine import alembic_config, make_engine

S = TransferState
SUBMISSION: dict[str, Any] = {
    "id_number": "001090000001",
    "full_name": "NGUYỄN THỊ HOA",
    "purpose": "Bổ sung hồ sơ xin việc",
    "copies": 2,
    "form_type": 1,
}


def test_the_submission_is_recorded_with_the_move_to_submitting_and_read_back(ledger: Ledger) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    assert transfer.submission is None
    assert ledger.claim("w1", lease_s=60) is not None
    moved = ledger.transition(
        transfer.id, S.SUBMITTING, actor="worker:w1", worker_id="w1", submission=SUBMISSION
    )
    assert moved.submission == SUBMISSION
    assert ledger.get(transfer.id).submission == SUBMISSION
    uncertain = ledger.transition(transfer.id, S.UNCERTAIN, actor="worker:w1", worker_id="w1")
    assert uncertain.submission == SUBMISSION  # kept until someone records another one


def test_a_submission_can_be_recorded_without_a_move_and_cleared(ledger: Ledger) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    assert ledger.record(transfer.id, actor="system", submission=SUBMISSION).submission == SUBMISSION
    assert ledger.record(transfer.id, actor="system", submission=None).submission is None


def test_no_submission_is_sql_null_not_json_null(ledger: Ledger, database_url: str) -> None:
    """So ``WHERE submission IS NULL`` finds the transfers that never reached the final click."""
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    ledger.record(transfer.id, actor="system", submission=SUBMISSION)
    ledger.record(transfer.id, actor="system", submission=None)
    ledger.enqueue("H55-2", "moj_lltp", actor="scheduler")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM transfers WHERE submission IS NULL")
            nulls = connection.execute(query).scalar()
    finally:
        engine.dispose()
    assert nulls == 2


def test_a_transfer_with_a_submission_is_still_hashable(ledger: Ledger) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    recorded = ledger.record(transfer.id, actor="system", submission=SUBMISSION)
    assert len({recorded, ledger.get(transfer.id)}) == 1


def test_migration_0003_adds_the_column_to_a_ledger_with_transfers_and_removes_it(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO transfers (dossier_code, flow, state, attempts, business_reasons,"
                    " created_at, updated_at) VALUES ('H55-OLD', 'moj_lltp', 'submitted', 1, '[]', :at, :at)"
                ),
                {"at": "2025-07-01 01:00:00"},
            )
        with Ledger(database_url) as ledger:
            old = ledger.find("H55-OLD", "moj_lltp")
            assert old is not None and old.submission is None
            assert ledger.record(old.id, actor="system", submission=SUBMISSION).submission == SUBMISSION
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0002")
        assert "submission" not in {column["name"] for column in inspect(engine).get_columns("transfers")}
    finally:
        engine.dispose()


@pytest.mark.parametrize("bad", ["not a dict", ["a", "list"]])
def test_a_submission_must_be_a_dict(ledger: Ledger, bad: Any) -> None:
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    with pytest.raises(TypeError, match="submission"):
        ledger.record(transfer.id, actor="system", submission=bad)
    assert ledger.get(transfer.id).submission is None
