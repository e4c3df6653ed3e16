"""tracker notifications, review stages, declined single agency reviews, action evidence

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_office_notified_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('national_panel_notified_on', sa.Date(), nullable=True))

    with op.batch_alter_table('tracked_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_of_reference_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('draft_to_panel_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('declined_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('declined_rationale', sa.Text(), nullable=True))

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.Text(), nullable=True))


COLUMNS = {
    'decisions': ('home_office_notified_on', 'national_panel_notified_on'),
    'tracked_reviews': ('terms_of_reference_on', 'draft_to_panel_on', 'declined_on', 'declined_rationale'),
    'actions': ('evidence',),
}


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a plain column in place. A batch "recreate" would drop and copy
        # the table, and with foreign keys on, dropping decisions deletes its votes (cascade).
        for table, columns in COLUMNS.items():
            for column in columns:
                op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column)
