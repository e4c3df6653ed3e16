"""Time-based one-time codes (RFC 6238) for two-factor sign-in.

Codes are six digits on 30-second steps (what authenticator apps expect). One step either
side is accepted for clock drift, and a code is accepted once only: the step it belongs to
is remembered on the account and no code from that step or an earlier one is accepted
again (ASVS 5.0 V6.5.1).
"""

from __future__ import annotations

import hmac
import time

import pyotp

from storage.db import Session
from storage.models import User

DRIFT_STEPS = 1


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads (typed or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, *, after: int | None = None, at: float | None = None) -> int | None:
    """The time step ``code`` belongs to (within the drift allowed), or None.

    Steps at or before ``after`` never match: that is what makes a code single-use.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(_utc(at))
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _utc(at: float | None):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.fromtimestamp(time.time() if at is None else at, UTC)


def verify_for_user(user: User, code: str, *, at: float | None = None) -> bool:
    """Check ``code`` against the user's saved secret; remember its step when it is right."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, after=user.totp_last_counter, at=at)
    if step is None:
        return False
    user.totp_last_counter = step
    Session.commit()
    return True


def enrol(user: User, secret: str, code: str, *, at: float | None = None) -> bool:
    """Save ``secret`` for ``user`` only when ``code`` shows their app holds it."""
    step = matching_step(secret, code, at=at)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_counter = step
    Session.commit()
    return True


def remove(user: User) -> None:
    """Forget the user's secret (a lost phone); they set up again at next sign-in."""
    user.totp_secret = None
    user.totp_last_counter = None
    user.session_version += 1
    Session.commit()
