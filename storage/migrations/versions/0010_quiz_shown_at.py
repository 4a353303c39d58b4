"""Quiz sessions: when the waiting question was shown, apart from the idle clock (F62 for 多选)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # nullable, no default: a session begun before this falls back to active_at (storage.quiz_answer)
    with op.batch_alter_table('quizsession', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_at', storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quizsession', schema=None) as batch_op:
        batch_op.drop_column('shown_at')
