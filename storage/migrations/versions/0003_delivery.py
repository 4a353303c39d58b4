"""delivery: attempt and uncertainty times on outbox rows, owning feature on poll maps

Revision ID: 0003
Revises: 0006
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.types

revision: str = '0003'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a row claimed before this migration has no attempt time: it is treated as possibly sent (uncertain)
    # only through its lease, exactly as before
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('uncertain_at', storage.types.UTCDateTime(timezone=True), nullable=True))
    # every poll sent so far was a quiz poll
    with op.batch_alter_table('pollmap', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feature', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default='quiz'))


def downgrade() -> None:
    with op.batch_alter_table('pollmap', schema=None) as batch_op:
        batch_op.drop_column('feature')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('uncertain_at')
        batch_op.drop_column('attempted_at')
