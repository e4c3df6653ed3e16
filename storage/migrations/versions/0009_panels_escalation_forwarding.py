"""panels, escalation outcomes, inquorate decisions, forwarded referrals, rapid review outcomes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:00:00.000000

A partnership may have more than one panel (Telford & Wrekin: a SAR Panel and a CSPR
Panel): a meeting names the panel that meets. A decision records the outcome of an
escalated disagreement and whether it was taken at an inquorate meeting. A referral for a
review type no panel screens is forwarded; a rapid review run outside the panel has its
outcome recorded.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    'meetings': [sa.Column('panel_id', sa.String(40), nullable=True)],
    'decisions': [
        sa.Column('escalation_outcome', sa.String(40), nullable=True),
        sa.Column('escalation_decided_by', sa.String(200), nullable=True),
        sa.Column('escalation_decided_on', sa.Date(), nullable=True),
        sa.Column('escalation_note', sa.Text(), nullable=True),
        sa.Column('panel_recommendation', sa.String(40), nullable=True),
        # Decisions recorded before this migration were not checked: left NULL (not known).
        sa.Column('inquorate', sa.Boolean(), nullable=True),
        sa.Column('not_quorate_choice', sa.String(30), nullable=True),
    ],
    'referrals': [
        sa.Column('forwarded_to', sa.String(200), nullable=True),
        sa.Column('forwarded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('forwarded_by_id', sa.Integer(), sa.ForeignKey('users.id', name='fk_referrals_forwarded_by_id_users'), nullable=True),
        sa.Column('forwarded_note', sa.Text(), nullable=True),
        sa.Column('rapid_review_outcome', sa.Text(), nullable=True),
        sa.Column('rapid_review_outcome_on', sa.Date(), nullable=True),
    ],
}


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: a batch "recreate" on SQLite would drop and copy
    # the tables, running other tables' ON DELETE rules.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, columns in COLUMNS.items():
        for column in columns:
            if sqlite and column.foreign_keys:
                # SQLite adds a column's foreign key only inline with the column.
                op.execute(f'ALTER TABLE {table} ADD COLUMN {column.name} INTEGER REFERENCES users (id)')
            else:
                op.add_column(table, column)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_referrals_forwarded_by_id_users', 'referrals', type_='foreignkey')
    for table, columns in COLUMNS.items():
        for column in reversed(columns):
            if op.get_bind().dialect.name == 'sqlite':
                op.execute(f'ALTER TABLE {table} DROP COLUMN {column.name}')
            else:
                op.drop_column(table, column.name)
