"""Staff accounts: secretariat, chair, panel members and admins.

Referrers and agency respondents have no account: they prove who they are with an
e-mailed code or a signed link.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.crypto import EncryptedString
from storage.db import Base, utcnow


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    CHAIR = "chair"
    PANEL_MEMBER = "panel_member"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "secretariat": "Secretariat",
            "chair": "Chair",
            "panel_member": "Panel member",
            "admin": "Administrator",
        }[self.value]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # The member agency (an id from partnership.yaml) a panel member speaks for.
    agency_id: Mapped[str | None] = mapped_column(String(60))
    # A panel member's nominated deputy, who may attend in their place.
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Incremented at sign-out, password change or disabling: older sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Encrypted in the database (storage/crypto.py); the code sees the base32 secret.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString())
    # The last time-step whose code was accepted: a code is never accepted twice.
    totp_last_counter: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    deputy: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[deputy_id])

    # -- Flask-Login protocol (kept here so views need no adapter) -------------------
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The session version travels with the id: bumping it ends every session.
        return f"{self.id}:{self.session_version}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {str(r) for r in roles}

    def __repr__(self) -> str:  # never the e-mail or name: logs must not hold personal data
        return f"<User {self.id} {self.role}>"


