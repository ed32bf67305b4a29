"""Status sync facts on transfers: legal due date, national status written back, supplement reason.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        sa.Column("national_status", sa.Integer(), nullable=True),
        sa.Column("supplement_reason", sa.Text(), nullable=True),
        sa.Column("status_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("transfers") as batch:
        for column in _columns():
            batch.add_column(column)
    op.create_index("ix_transfers_due_on", "transfers", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_transfers_due_on", table_name="transfers")
    with op.batch_alter_table("transfers") as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
