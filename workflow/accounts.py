"""Staff accounts: creation, password checks with lockout, sign-out everywhere.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's second
recommended option). After ``MAX_FAILURES`` wrong passwords an account is locked for
``LOCKOUT`` whatever is typed, and the answer to the user is the same as for an unknown
e-mail address, so nobody can learn which addresses have accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.models import Role, User

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Verifying against this when the e-mail is unknown keeps the time the same.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


class AccountError(ValueError):
    """A request to create or change an account that cannot be done; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False


def authenticate(email: str, password: str) -> SignInResult:
    """Check e-mail and password; count failures and lock after too many."""
    user = Session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return SignInResult(None)
    now = utcnow()
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        return SignInResult(None, locked=True)
    try:
        _hasher.verify(user.password_hash, password)
        ok = user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        return SignInResult(None, locked=record_failure(user, now))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        Session.commit()
    return SignInResult(user)


def record_failure(user: User, now: datetime | None = None) -> bool:
    """Count a wrong password or a wrong second-factor code; True when now locked."""
    now = now or utcnow()
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    Session.commit()
    locked_until = _aware(user.locked_until)
    return locked_until is not None and locked_until > now


def is_locked(user: User, now: datetime | None = None) -> bool:
    locked_until = _aware(user.locked_until)
    return locked_until is not None and locked_until > (now or utcnow())


def complete_sign_in(user: User) -> None:
    """Every factor checked: clear the failure count and note the time."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    Session.commit()


def needs_second_factor(user: User, required_roles: tuple[str, ...] | list[str]) -> bool:
    """True when the user must (by role) or chose to (has a secret) give a code."""
    return bool(user.totp_secret) or user.role in set(required_roles)


def end_all_sessions(user: User) -> None:
    """Make every existing session of ``user`` invalid (sign-out, disabling)."""
    user.session_version += 1
    Session.commit()


def create_user(
    partnership: Partnership,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    agency_id: str | None = None,
    deputy_email: str | None = None,
) -> User:
    """Create a staff account; raises AccountError naming what is wrong."""
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"'{email}' is not an e-mail address")
    try:
        role_enum = Role(role)
    except ValueError as exc:
        known = ", ".join(r.value for r in Role)
        raise AccountError(f"role '{role}' is not one of {known}") from exc
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if role_enum is Role.PANEL_MEMBER and not agency_id:
        raise AccountError("a panel member must belong to an agency (give --agency)")
    if agency_id and agency_id not in partnership.agency_ids:
        raise AccountError(
            f"agency '{agency_id}' is not a member agency of {partnership.name} "
            f"(known: {', '.join(partnership.agency_ids)})"
        )
    if Session.scalar(select(User).where(User.email == email)):
        raise AccountError(f"an account for {email} already exists")
    deputy = None
    if deputy_email:
        deputy = Session.scalar(select(User).where(User.email == deputy_email.strip().lower()))
        if deputy is None:
            raise AccountError(f"no account for the deputy {deputy_email}")
    user = User(
        email=email,
        name=name.strip(),
        role=role_enum.value,
        agency_id=agency_id,
        password_hash=hash_password(password),
        deputy=deputy,
    )
    Session.add(user)
    Session.commit()
    return user


def set_active(user: User, active: bool) -> None:
    user.active = active
    user.session_version += 1
    Session.commit()
