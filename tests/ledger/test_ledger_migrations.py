"""Alembic: an empty database migrates to head, and the models agree with the migrations."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, DateTime, Engine, MetaData, inspect

from rpa.ledger import Ledger
from rpa.ledger.engine import alembic_config, make_engine
from rpa.ledger.models import Base

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_there_is_one_head_and_every_migration_can_be_undone() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert len(scripts.get_heads()) == 1
    for script in scripts.walk_revisions():
        source = Path(script.path).read_text(encoding="utf-8")
        assert "def downgrade() -> None:" in source and "    pass\n" not in source.split("def downgrade")[1]


def test_opening_an_empty_database_migrates_it_to_head(database_url: str, engine: Engine) -> None:
    assert _revision(engine) is None
    with Ledger(database_url):
        pass
    assert _revision(engine) == HEAD
    assert {"transfers", "transfer_events"} <= set(inspect(engine).get_table_names())


def test_models_and_migrations_agree(database_url: str, engine: Engine) -> None:
    """The ``alembic check`` of this package: autogenerate finds nothing to add."""
    # every table of the ledger's database, wherever its model lives (console, alerts, audit)
    import rpa.console.accounts
    import rpa.ledger.audit
    import rpa.ledger.data_keys
    import rpa.operations.alert_acks  # noqa: F401

    Ledger(database_url).close()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_reopening_and_concurrent_opening_are_harmless(database_url: str, engine: Engine) -> None:
    with ThreadPoolExecutor(4) as pool:
        ledgers = list(pool.map(lambda _: Ledger(database_url), range(4)))
    for ledger in ledgers:
        ledger.close()
    with Ledger(database_url) as ledger:
        ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    with Ledger(database_url) as ledger:
        assert ledger.find("H55-1", "moj_lltp") is not None
    assert _revision(engine) == HEAD


def test_downgrade_to_base_and_back(database_url: str, engine: Engine) -> None:
    Ledger(database_url).close()
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert _revision(engine) == HEAD


def test_sqlite_is_opened_for_sharing_between_processes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")
            }
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "synchronous": 2, "foreign_keys": 1}


def test_a_fresh_sqlite_file_another_process_is_writing_to_is_switched_to_wal_once_it_is_free(
    tmp_path: Path,
) -> None:
    """SQLite refuses the switch to WAL at once, without its busy handler, while another connection writes."""
    path = tmp_path / "ledger.sqlite"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE other (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO other VALUES (1)")
    threading.Timer(0.3, lambda: writer.execute("COMMIT")).start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
        writer.close()


def test_an_in_memory_sqlite_ledger_works_for_quick_experiments() -> None:
    with Ledger("sqlite://") as ledger:
        transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
        assert ledger.get(transfer.id) == transfer


def test_the_comparison_would_notice_a_model_change(database_url: str, engine: Engine) -> None:
    Ledger(database_url).close()
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["transfers"].append_column(Column("overdue_since", DateTime(timezone=True)))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), changed)
    assert [(op[0], op[3].name) for op in diff] == [("add_column", "overdue_since")]
