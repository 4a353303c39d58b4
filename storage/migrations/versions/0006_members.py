"""members: removal holds until readmitted, an admin's acting branch, one active membership per person

Revision ID: 0006
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = '0006'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acting_branch_id', sa.Integer(), nullable=True))
    # a person active in two branches (possible before this revision) keeps the newest membership; the
    # older one is marked left, so the index below can hold the rule from now on
    op.execute(sa.text(
        "UPDATE member SET status = 'left' WHERE status = 'active' AND EXISTS ("
        " SELECT 1 FROM member AS newer WHERE newer.tg_user_id = member.tg_user_id"
        " AND newer.status = 'active' AND newer.id > member.id)"
    ))
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('uq_member_one_active', ['tg_user_id'], unique=True,
                              sqlite_where=sa.text("status = 'active'"),
                              postgresql_where=sa.text("status = 'active'"))


def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('uq_member_one_active', sqlite_where=sa.text("status = 'active'"),
                            postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_column('acting_branch_id')
        batch_op.drop_column('removed_at')
