"""Encryption at rest (issue 15): one data key per dossier (and per report day, per saved session),
each wrapped by the installation's master key. Erasing a row's key makes its data unreadable.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=True),
        sa.Column("master_id", sa.String(16), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("erased_at", TIME, nullable=True),
        sa.Column("erased_reason", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("scope", name="pk_data_keys"),
    )


def downgrade() -> None:
    op.drop_table("data_keys")
