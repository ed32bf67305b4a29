"""Alembic environment of the ledger.

The application runs it through :func:`rpa.ledger.engine.upgrade`, which passes an open connection in
``config.attributes["connection"]``. For ``alembic`` on the command line (``alembic -c
rpa/ledger/alembic.ini revision --autogenerate -m ...``) it opens ``RPA_LEDGER_URL`` or the ini's URL.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from rpa.ledger.engine import make_engine
from rpa.ledger.models import Base, UtcDateTime

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return os.environ.get("RPA_LEDGER_URL") or config.get_main_option("sqlalchemy.url") or ""


def _render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Write :class:`UtcDateTime` columns into new migrations as the plain type they are stored as."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as fresh:
            _migrate(fresh)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
