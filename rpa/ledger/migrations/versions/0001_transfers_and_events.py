"""Transfers (one per dossier × flow) and their append-only event log.

Revision ID: 0001
Revises:
Create Date: 2025-07-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "transfer_events is append-only: UPDATE and DELETE are refused"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER transfer_events_no_{verb.lower()} BEFORE {verb} ON transfer_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION transfer_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""",
    """CREATE TRIGGER transfer_events_no_change BEFORE UPDATE OR DELETE ON transfer_events
    FOR EACH ROW EXECUTE FUNCTION transfer_events_append_only()""",
    """CREATE TRIGGER transfer_events_no_truncate BEFORE TRUNCATE ON transfer_events
    FOR EACH STATEMENT EXECUTE FUNCTION transfer_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("flow", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload_hash", sa.String(length=128), nullable=True),
        sa.Column("identity_last4", sa.String(length=4), nullable=True),
        sa.Column("receipt_code", sa.String(length=64), nullable=True),
        sa.Column("ministry_status", sa.String(length=64), nullable=True),
        sa.Column("certificate_number", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("business_reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transfers"),
        sa.UniqueConstraint("dossier_code", "flow", name="uq_transfers_dossier_code_flow"),
    )
    op.create_index("ix_transfers_state_created_at", "transfers", ["state", "created_at"])
    op.create_index("ix_transfers_updated_at", "transfers", ["updated_at"])
    op.create_table(
        "transfer_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["transfers.id"], name="fk_transfer_events_transfer_id_transfers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_transfer_events"),
    )
    op.create_index("ix_transfer_events_transfer_id_id", "transfer_events", ["transfer_id", "id"])
    op.create_index("ix_transfer_events_at", "transfer_events", ["at"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER transfer_events_no_truncate ON transfer_events")
        op.execute("DROP TRIGGER transfer_events_no_change ON transfer_events")
        op.execute("DROP FUNCTION transfer_events_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER transfer_events_no_delete")
        op.execute("DROP TRIGGER transfer_events_no_update")
    op.drop_index("ix_transfer_events_at", table_name="transfer_events")
    op.drop_index("ix_transfer_events_transfer_id_id", table_name="transfer_events")
    op.drop_table("transfer_events")
    op.drop_index("ix_transfers_updated_at", table_name="transfers")
    op.drop_index("ix_transfers_state_created_at", table_name="transfers")
    op.drop_table("transfers")
