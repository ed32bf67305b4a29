"""Opening the ledger's database and migrating it to the newest schema.

SQLite (the default) is opened so that a worker subprocess and a CLI can share one file safely:

- WAL journal, so readers never block the writer;
- ``busy_timeout``, so a writer waits for the lock instead of failing at once;
- ``synchronous=FULL``, so a commit survives a power cut (``submitting`` must be on disk before the click);
- pysqlite's own transaction handling switched off, and write transactions opened with
  ``BEGIN IMMEDIATE``: the write lock is taken before the first read, so a read-check-write sequence
  never dies halfway with ``SQLITE_BUSY`` when another process committed in between.

PostgreSQL is used as it comes; row locks (``FOR UPDATE [SKIP LOCKED]``) do the same job there.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

from rpa.private_files import private_dir

__all__ = ["BUSY_TIMEOUT_S", "WRITE", "alembic_config", "make_engine", "upgrade"]

BUSY_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for another process's write lock before giving up."""

WRITE = "ledger_write"
"""Execution option marking a connection whose transaction will write (``BEGIN IMMEDIATE`` on SQLite)."""

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 0x4C454447  # "LEDG": serialises concurrent upgrades on PostgreSQL


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the ledger's SQLite settings applied when the URL is SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if not memory and parsed.database is not None:
        _private_file(Path(parsed.database))
    options: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}}
    if memory:
        options["poolclass"] = StaticPool
    engine = create_engine(parsed, **options)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _private_file(path: Path) -> None:
    """Create the ledger file owner-only before SQLite does (SQLite follows the umask, and gives its
    -wal and -shm files the database file's mode): it names citizens' dossiers and receipts."""
    if path.exists():
        return
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" hook emits BEGIN itself
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once; it stays WAL for every later connection.

    Changing the journal mode needs the file to itself, and SQLite answers "database is locked" at once
    instead of calling the busy handler when another connection is opening the same fresh file (the
    scheduler and a clerk's CLI starting together on a new ledger). So the mode is read first, and the
    switch is tried again within the usual busy timeout.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    for attempt in Retrying(
        retry=retry_if_exception(_is_locked),
        wait=wait_random_exponential(multiplier=0.01, max=0.5),
        stop=stop_after_delay(BUSY_TIMEOUT_S),
        reraise=True,
    ):
        with attempt:
            cursor.execute("PRAGMA journal_mode = WAL")


def _is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the ledger's migrations, without any ``alembic.ini``.

    Args:
        connection: when given, ``env.py`` migrates through it (inside its transaction).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` in one transaction; safe to run from several processes at once."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(connection), revision)
