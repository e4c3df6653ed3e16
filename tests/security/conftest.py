"""Fixtures for the security tests: the production two-factor setting, table counts."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from config import Config
from storage.db import Base, Session
from tests.helpers import TEST_PASSWORD, Client

_SECRET = re.compile(r'id="totp-secret"><code>([A-Z2-7 ]+)</code>')


@pytest.fixture
def app2fa(app_factory):  # type: ignore[no-untyped-def]
    """The app with two-factor sign-in required as in production."""
    return app_factory(TWO_FACTOR_ROLES=Config.TWO_FACTOR_ROLES)


def secret_on(page: str) -> str:
    match = _SECRET.search(page)
    assert match, "no two-factor key on the page"
    return match.group(1).replace(" ", "")


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def sign_in_with_code(client: Client, email: str, secret: str | None = None, *, steps_ahead: int = 0) -> str:
    """Password, then the code (setting up the app first when there is no secret yet)."""
    client.get("/sign-in")
    response = client.post("/sign-in", {"email": email, "password": TEST_PASSWORD})
    if response.location == "/sign-in/set-up":
        page = client.get("/sign-in/set-up").get_data(as_text=True)
        secret = secret_on(page)
        response = client.post("/sign-in/set-up", {"code": code_for(secret)})
    else:
        assert response.location == "/sign-in/code", response.location
        assert secret, "the account already has a secret: pass it"
        client.get("/sign-in/code")
        response = client.post("/sign-in/code", {"code": code_for(secret, steps_ahead)})
    client.get(response.location, status=None)
    return secret


def row_counts() -> dict[str, int]:
    """Rows in every table: "nothing was written" is this unchanged."""
    Session.remove()
    return {
        t.name: Session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


def counts_without_audit(before: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in before.items() if k != "audit_events"}
