"""statutory clocks on a referral, and referrers the business unit confirms

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:30:00.000000

A child's case carries the statutory clocks of Working Together to Safeguard Children
(the local authority's notification of a serious incident to the National Panel within 5
working days of becoming aware of it, the rapid review to the National Panel within 15):
the day the local authority became aware and the day each step was done. A referral from
someone outside the partner agencies' e-mail domains (a volunteer, a family member) is
marked for the business unit to confirm.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    sa.Column('la_aware_on', sa.Date(), nullable=True),
    sa.Column('serious_incident_notified_on', sa.Date(), nullable=True),
    sa.Column('rapid_review_meeting_on', sa.Date(), nullable=True),
    sa.Column('rapid_review_submitted_on', sa.Date(), nullable=True),
    sa.Column('referrer_kind', sa.String(20), nullable=True),
    sa.Column('needs_confirmation', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), sa.ForeignKey('users.id', name='fk_referrals_confirmed_by_id_users'), nullable=True),
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in COLUMNS:
        if sqlite and column.foreign_keys:
            # SQLite adds a column's foreign key only inline with the column.
            op.execute(f'ALTER TABLE referrals ADD COLUMN {column.name} INTEGER REFERENCES users (id)')
        else:
            op.add_column('referrals', column)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if not sqlite:
        op.drop_constraint('fk_referrals_confirmed_by_id_users', 'referrals', type_='foreignkey')
    for column in reversed(COLUMNS):
        if sqlite:
            op.execute(f'ALTER TABLE referrals DROP COLUMN {column.name}')
        else:
            op.drop_column('referrals', column.name)
