"""补学 quiz: when the member read the materials, and the quiz session started for it

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01 06:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0008'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('makeup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('quiz_session_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('makeup', schema=None) as batch_op:
        batch_op.drop_column('quiz_session_id')
        batch_op.drop_column('read_at')
