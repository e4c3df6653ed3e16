"""reminders of statutory clocks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000

The business unit is e-mailed when a statutory clock of a child's case (or the Home
Office notification of a DARDR decision) is about to run out or has run out; each
reminder is kept so that none is sent twice for the same clock, state and due date.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE TABLE on both backends: no existing table is touched.
    op.create_table(
        'clock_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('clock', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['referral_id'], ['referrals.id'],
            name=op.f('fk_clock_reminders_referral_id_referrals'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_reminders')),
        sa.UniqueConstraint(
            'referral_id', 'clock', 'state', 'due_on', name=op.f('uq_clock_reminders_referral_id'),
        ),
    )
    op.create_index(op.f('ix_clock_reminders_referral_id'), 'clock_reminders', ['referral_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_clock_reminders_referral_id'), table_name='clock_reminders')
    op.drop_table('clock_reminders')
