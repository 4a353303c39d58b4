"""meetings: series, RSVP leave decisions, attendance status, check-in misses, party groups, 补学

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-01 03:20:48.393325
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.types


revision: str = '0005'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # meetings that exist already came from the config: they are seeds (origin 'config', revision 0)
    op.create_table('meetingseries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('local_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('recorder', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('audience_group', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('audience_ids', sa.JSON(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('branch_id', 'key', name='uq_series_branch_key')
    )
    with op.batch_alter_table('meetingseries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetingseries_branch_id'), ['branch_id'], unique=False)

    op.create_table('checkinmiss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('checkinmiss', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkinmiss_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkinmiss_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkinmiss_member_id'), ['member_id'], unique=False)

    op.create_table('partygroup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member_id', name='uq_partygroup_member')
    )
    with op.batch_alter_table('partygroup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partygroup_branch_id'), ['branch_id'], unique=False)

    op.create_table('makeup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'member_id', name='uq_makeup_meeting_member')
    )
    with op.batch_alter_table('makeup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_makeup_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_makeup_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='present'))
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='branch'))
        batch_op.add_column(sa.Column('audience_group', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('audience_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='config'))
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('checkin_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key('fk_meeting_series_id', 'meetingseries', ['series_id'], ['id'])

    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leave_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', storage.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('rsvp', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('leave_status')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('fk_meeting_series_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_series_id'))
        batch_op.drop_column('updated_at')
        batch_op.drop_column('checkin_secret')
        batch_op.drop_column('revision')
        batch_op.drop_column('series_id')
        batch_op.drop_column('origin')
        batch_op.drop_column('audience_ids')
        batch_op.drop_column('audience_group')
        batch_op.drop_column('audience')
        batch_op.drop_column('agenda')

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('status')

    with op.batch_alter_table('makeup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_makeup_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_makeup_branch_id'))

    op.drop_table('makeup')
    with op.batch_alter_table('partygroup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partygroup_branch_id'))

    op.drop_table('partygroup')
    with op.batch_alter_table('checkinmiss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkinmiss_member_id'))
        batch_op.drop_index(batch_op.f('ix_checkinmiss_branch_id'))
        batch_op.drop_index(batch_op.f('ix_checkinmiss_at'))

    op.drop_table('checkinmiss')
    with op.batch_alter_table('meetingseries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetingseries_branch_id'))

    op.drop_table('meetingseries')
