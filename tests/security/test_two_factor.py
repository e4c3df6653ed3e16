"""Two-factor sign-in (TOTP) for secretariat, chair and admin; optional for panel members."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from config import Config
from storage.db import Session
from storage.models import AuditEvent, User
from tests.helpers import TEST_PASSWORD, Client
from tests.security.conftest import code_for, secret_on, sign_in_with_code


def _user(user_id: int) -> User:
    Session.remove()
    return Session.get(User, user_id)


def test_production_requires_a_second_factor_for_secretariat_chair_and_admin() -> None:
    assert set(Config.TWO_FACTOR_ROLES) == {"secretariat", "chair", "admin"}


@pytest.mark.parametrize("role", ["secretariat", "chair", "admin"])
def test_first_sign_in_sets_up_an_app_and_saves_the_key_only_after_a_right_code(app2fa, staff, role) -> None:  # type: ignore[no-untyped-def]
    user = staff[role]
    client = Client(app2fa)
    client.get("/sign-in")
    response = client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert response.location == "/sign-in/set-up"
    # The password alone signs nobody in.
    assert "/sign-in" in client.get("/account", status=302).location
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    secret = secret_on(page)
    assert "otpauth://totp/OnePanel:" in page and f"secret={secret}" in page
    wrong = client.post("/sign-in/set-up", {"code": "000000" if code_for(secret) != "000000" else "111111"}, status=200)
    assert "Enter the 6-digit code shown in your authenticator app" in wrong.get_data(as_text=True)
    assert _user(user.id).totp_secret is None
    response = client.post("/sign-in/set-up", {"code": code_for(secret)})
    assert response.location != "/sign-in/set-up"
    client.get("/account")
    saved = _user(user.id)
    assert saved.totp_secret == secret and saved.totp_last_counter is not None
    actions = [e.action for e in Session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:-1] == ["enrol_totp", "sign_in"] or "enrol_totp" in actions
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).one()
    assert entry.detail == {"second_factor": "totp"}


def test_later_sign_in_asks_for_the_code_and_refuses_a_wrong_one(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["chair"]
    secret = sign_in_with_code(Client(app2fa), user.email)
    client = Client(app2fa)
    client.get("/sign-in")
    assert client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD}).location == "/sign-in/code"
    client.get("/sign-in/code")
    bad = client.post("/sign-in/code", {"code": "12345x"}, status=200).get_data(as_text=True)
    assert "Enter the 6-digit code shown in your authenticator app" in bad
    assert "/sign-in" in client.get("/panel/", status=302).location
    response = client.post("/sign-in/code", {"code": code_for(secret, 1)})
    assert response.location == "/panel/"
    client.get("/panel/", status=200)


def test_a_code_is_accepted_only_once(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["admin"]
    secret = sign_in_with_code(Client(app2fa), user.email)
    used = code_for(secret)  # the code the set-up just used
    client = Client(app2fa)
    client.get("/sign-in")
    client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    client.get("/sign-in/code")
    client.post("/sign-in/code", {"code": used}, status=200)
    # The next step's code still works, once.
    nxt = code_for(secret, 1)
    assert client.post("/sign-in/code", {"code": nxt}).location == "/admin/users"
    other = Client(app2fa)
    other.get("/sign-in")
    other.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    other.get("/sign-in/code")
    other.post("/sign-in/code", {"code": nxt}, status=200)


def test_the_code_step_expires(app_factory, staff) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(TWO_FACTOR_ROLES=Config.TWO_FACTOR_ROLES, TWO_FACTOR_PENDING_MINUTES=0)
    client = Client(app)
    client.get("/sign-in")
    client.post("/sign-in", {"email": staff["secretariat"].email, "password": TEST_PASSWORD})
    assert client.get("/sign-in/set-up", status=302).location == "/sign-in"


def test_code_pages_need_a_password_first(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app2fa)
    assert client.get("/sign-in/code", status=302).location == "/sign-in"
    assert client.get("/sign-in/set-up", status=302).location == "/sign-in"


def test_panel_member_may_add_a_second_factor_and_is_then_asked_for_it(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["panel_member"]
    client = Client(app2fa)
    client.sign_in(user.email)  # password only: optional for panel members
    client.get("/panel/", status=200)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = secret_on(page)
    client.post("/account/two-factor", {"code": code_for(secret)})
    assert _user(user.id).totp_secret == secret
    again = Client(app2fa)
    again.get("/sign-in")
    assert again.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD}).location == "/sign-in/code"


def test_moving_to_a_new_phone_needs_a_code_from_the_old_one(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["secretariat"]
    client = Client(app2fa)
    old = sign_in_with_code(client, user.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    new = secret_on(page)
    refused = client.post("/account/two-factor", {"current_code": "000000", "code": code_for(new)}, status=200)
    assert "Enter the 6-digit code" in refused.get_data(as_text=True)
    assert _user(user.id).totp_secret == old
    client.post("/account/two-factor", {"current_code": code_for(old, 1), "code": code_for(new)})
    assert _user(user.id).totp_secret == new


def test_admin_resets_a_lost_second_factor(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    member = Client(app2fa)
    sign_in_with_code(member, staff["chair"].email)
    admin = Client(app2fa)
    sign_in_with_code(admin, staff["admin"].email)
    admin.get("/admin/users")
    admin.post(f"/admin/users/{staff['chair'].id}/two-factor/reset")
    assert _user(staff["chair"].id).totp_secret is None
    # Resetting ends the person's sessions; the next sign-in sets up again.
    member.get("/panel/", status=302)
    fresh = Client(app2fa)
    fresh.get("/sign-in")
    assert fresh.post("/sign-in", {"email": staff["chair"].email, "password": TEST_PASSWORD}).location == "/sign-in/set-up"
    assert Session.scalars(select(AuditEvent).where(AuditEvent.action == "reset_totp")).one().object_id == str(staff["chair"].id)


def test_codes_from_pyotp_match_the_service_within_one_step_of_drift(app) -> None:  # type: ignore[no-untyped-def]
    from workflow import totp

    secret = totp.new_secret()
    now = 1_800_000_000
    step = pyotp.TOTP(secret).timecode(__import__("datetime").datetime.fromtimestamp(now, __import__("datetime").UTC))
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now - 30), at=now) == step - 1
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now + 30), at=now) == step + 1
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now + 90), at=now) is None
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now), at=now, after=step) is None
