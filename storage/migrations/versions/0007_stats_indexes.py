"""indexes the participation figures rely on

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-01 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0007'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # /stats counts answers and study progress per branch over a period, and finds each member's last meeting
    op.create_index('ix_answer_branch_time', 'quizanswer', ['branch_id', 'answered_at'])
    op.create_index('ix_progress_branch_time', 'studyprogress', ['branch_id', 'delivered_at'])
    op.create_index('ix_attendance_member', 'attendance', ['member_id'])


def downgrade() -> None:
    op.drop_index('ix_attendance_member', table_name='attendance')
    op.drop_index('ix_progress_branch_time', table_name='studyprogress')
    op.drop_index('ix_answer_branch_time', table_name='quizanswer')
