"""what the board decided instead when it changed the panel's recommendation

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 20:30:00.000000

The body that makes the final decision (Walsall's and Wolverhampton's Executive Group, a
board) may change the panel's recommendation at ratification. What it decided instead
(a recommendation id) is kept with the ratification; it becomes the decision's
recommendation, and the panel's own stays in ``panel_recommendation``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = sa.Column('ratified_recommendation', sa.String(40), nullable=True)


def upgrade() -> None:
    # Plain ADD COLUMN on both backends (no batch "recreate" on SQLite).
    op.add_column('decisions', COLUMN)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE decisions DROP COLUMN {COLUMN.name}')
    else:
        op.drop_column('decisions', COLUMN.name)
