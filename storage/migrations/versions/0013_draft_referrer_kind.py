"""who a referral draft's referrer said they are

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00.000000

A referrer says at the start who they are (a professional at a partner agency, a
volunteer, a family member, someone else: partnership.yaml ``referrers``). The draft
keeps the answer until the referral is sent, which then carries it in
``referrals.referrer_kind`` (migration 0010) and, for anyone but a partner agency's
professional, waits for the business unit to confirm it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('referral_drafts', sa.Column('referrer_kind', sa.String(20), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE referral_drafts DROP COLUMN referrer_kind')
    else:
        op.drop_column('referral_drafts', 'referrer_kind')
