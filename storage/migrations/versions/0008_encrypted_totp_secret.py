"""room for the encrypted two-factor secret

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:45:00.000000

The secret is now stored encrypted (storage/crypto.py), which needs more than 64
characters. Secrets already saved stay readable as they are and are encrypted by
``flask --app app reencrypt-secrets`` (or when next saved).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _alter(length_from: int, length_to: int) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('users', 'totp_secret', existing_type=sa.String(length=length_from),
                        type_=sa.String(length=length_to), existing_nullable=True)
        return
    # SQLite cannot change a column's type in place, and rebuilding the users table (a
    # batch migration) would run the ON DELETE rules of every table pointing at it. A new
    # column takes the values, the old one is dropped, and the new one renamed (SQLite
    # 3.35 and later).
    op.execute(f"ALTER TABLE users ADD COLUMN totp_secret_new VARCHAR({length_to})")
    op.execute("UPDATE users SET totp_secret_new = totp_secret")
    op.execute("ALTER TABLE users DROP COLUMN totp_secret")
    op.execute("ALTER TABLE users RENAME COLUMN totp_secret_new TO totp_secret")


def upgrade() -> None:
    _alter(64, 255)


def downgrade() -> None:
    # An encrypted secret does not fit the old column: two-factor set-up starts again.
    op.execute(sa.text("UPDATE users SET totp_secret = NULL, totp_last_counter = NULL WHERE length(totp_secret) > 64"))
    _alter(255, 64)
