"""Question revisions: a published question's old wording kept, answers tied to the revision they answered

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _leftovers() -> tuple[set[str], set[str], set[str]]:
    """What a half-run 0009 from an older build left on SQLite: tables, and the columns already added.

    That build ran its DDL outside a transaction, so a failure left ``questionrevision``, the ``revision``
    columns and Alembic's ``_alembic_tmp_*`` copies behind with the version still 0008; the next start
    then failed on "already exists".  env.py now runs SQLite migrations in one transaction, so only
    stores hit by that build need this.
    """
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())

    def columns(table: str) -> set[str]:
        return {c['name'] for c in inspector.get_columns(table)} if table in tables else set()

    return tables, columns('question'), columns('quizanswer')


def upgrade() -> None:
    tables, question_columns, answer_columns = _leftovers()
    for table in sorted(tables):
        if table.startswith('_alembic_tmp_'):
            op.drop_table(table)
    if 'questionrevision' in tables:
        op.drop_table('questionrevision')  # created by the half run and empty: nothing wrote to it yet
    op.create_table('questionrevision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('replaced_by', sa.BigInteger(), nullable=True),
    sa.Column('replaced_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('question_id', 'revision', name='uq_revision_question_number')
    )
    with op.batch_alter_table('questionrevision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionrevision_question_id'), ['question_id'], unique=False)
    # existing rows are revision 1: server_default fills them, and is dropped so the models stay the truth
    if 'revision' not in question_columns:
        with op.batch_alter_table('question', schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    if 'revision' not in answer_columns:
        with op.batch_alter_table('quizanswer', schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.alter_column('revision', server_default=None)
    with op.batch_alter_table('quizanswer', schema=None) as batch_op:
        batch_op.alter_column('revision', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('quizanswer', schema=None) as batch_op:
        batch_op.drop_column('revision')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('revision')
    with op.batch_alter_table('questionrevision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionrevision_question_id'))
    op.drop_table('questionrevision')
