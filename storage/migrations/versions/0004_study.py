"""study: FSRS cards, quiz sessions, pausing pushes

Revision ID: 0004
Revises: 0005
Create Date: 2026-12-01 03:40:00

``reviewitem`` becomes an FSRS card (stability, difficulty, state, step, last review) with the 错题本 mark;
no quiz wrote it before this revision, so the old interval fields are dropped rather than converted.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.types

revision: str = '0004'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_paused', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('reviewitem', schema=None) as batch_op:
        batch_op.drop_column('interval_days')
        batch_op.drop_column('retired')
        batch_op.add_column(sa.Column('fsrs_state', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stability', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('difficulty', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('last_review', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reps', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('in_wrongbook', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        'quizsession',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('question_ids', sa.JSON(), nullable=False),
        sa.Column('review_ids', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('selected', sa.JSON(), nullable=False),
        sa.Column('correct', sa.Integer(), nullable=False),
        sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('last_text_id', sa.BigInteger(), nullable=False),
        sa.Column('started_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('active_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('quizsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizsession_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizsession_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quizsession_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quizsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizsession_state'))
        batch_op.drop_index(batch_op.f('ix_quizsession_member_id'))
        batch_op.drop_index(batch_op.f('ix_quizsession_branch_id'))
    op.drop_table('quizsession')

    with op.batch_alter_table('reviewitem', schema=None) as batch_op:
        batch_op.drop_column('in_wrongbook')
        batch_op.drop_column('reps')
        batch_op.drop_column('last_review')
        batch_op.drop_column('difficulty')
        batch_op.drop_column('stability')
        batch_op.drop_column('step')
        batch_op.drop_column('fsrs_state')
        batch_op.add_column(sa.Column('retired', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('interval_days', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('push_paused')
