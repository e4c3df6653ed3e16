"""The factory's wiring: extensions, headers, error pages, sign-in and sign-out, CLI."""

from __future__ import annotations

import re

from flask import Flask

from app import create_app
from config import TestConfig
from extensions import csrf, limiter, login_manager
from storage.db import Session
from storage.models import AuditEvent, User
from tests.helpers import TEST_PASSWORD, Client


def test_factory_binds_the_extensions(app: Flask) -> None:
    assert "csrf" in app.extensions and csrf is not None
    assert app.extensions["limiter"] and limiter is not None
    assert login_manager.login_view == "auth.sign_in"
    assert app.extensions["partnership"].slug == "redbridge"


def test_factory_refuses_to_start_without_secret_key(db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    class NoSecret(TestConfig):
        SECRET_KEY = None

    try:
        create_app(NoSecret, SQLALCHEMY_URL=db_url, INSTANCE_PATH=str(tmp_path))
    except RuntimeError as exc:
        assert "SECRET_KEY" in str(exc)
    else:
        raise AssertionError("started without a secret key")


def test_home_page_shows_partnership_name_and_sign_in_link_without_govuk_crown(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/").get_data(as_text=True)
    assert "Redbridge Safeguarding Partnerships" in body
    assert 'href="/sign-in"' in body
    assert "govuk-header__logotype" not in body and "Crown copyright" not in body
    assert "GDS Transport" not in body
    assert "govuk-phase-banner" in body


def test_security_headers_on_every_page(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    h = response.headers
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Cache-Control"].startswith("no-store")
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"


def test_hsts_sent_over_https(app) -> None:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_error_pages_are_in_the_service_style(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/no-such-page", status=404).get_data(as_text=True)
    assert "Page not found" in body and "Redbridge Safeguarding Partnerships" in body


def test_unexpected_error_renders_500_page_and_rolls_back(app) -> None:  # type: ignore[no-untyped-def]
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom")
    def _boom():  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    _boom._access = "public"
    response = app.test_client().get("/_boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


def test_sign_in_and_out(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    response = client.sign_in(staff["secretariat"].email)
    assert response.location == "/secretariat/"
    client.get("/secretariat/")
    assert Session.query(AuditEvent).filter_by(action="sign_in").count() == 1
    client.post("/sign-out")
    client.get("/secretariat/", status=302)


def test_session_ends_at_sign_out_even_if_the_cookie_is_replayed(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    cookie = client.raw.get_cookie("onepanel_session").value
    client.post("/sign-out")
    replay = app.test_client()
    replay.set_cookie("onepanel_session", cookie)
    response = replay.get("/secretariat/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_wrong_password_and_unknown_user_get_the_same_answer(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    known = client.post("/sign-in", {"email": staff["chair"].email, "password": "wrong"}, status=200)
    unknown = client.post("/sign-in", {"email": "nobody@example.org", "password": "wrong"}, status=200)
    def strip(response):  # type: ignore[no-untyped-def]
        page = response.get_data(as_text=True).split('name="csrf_token"')[0]
        return re.sub(r'nonce="[^"]+"', "", page)

    assert "Enter a correct e-mail address and password" in known.get_data(as_text=True)
    assert strip(known).replace(staff["chair"].email, "X") == strip(unknown).replace("nobody@example.org", "X")


def test_account_locks_after_five_failures(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    for _ in range(5):
        client.post("/sign-in", {"email": staff["chair"].email, "password": "wrong"}, status=200)
    # Even the right password is refused while locked.
    client.post("/sign-in", {"email": staff["chair"].email, "password": TEST_PASSWORD}, status=200)
    assert Session.get(User, staff["chair"].id).locked_until is not None


def test_sign_in_is_rate_limited(app_factory, staff) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    client = Client(app)
    client.get("/sign-in")
    for _ in range(3):
        client.post("/sign-in", {"email": "x@example.org", "password": "y"}, status=200)
    response = client.post("/sign-in", {"email": "x@example.org", "password": "y"}, status=429)
    assert "Too many attempts" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    response = client.post(
        "/sign-in", {"email": staff["chair"].email, "password": TEST_PASSWORD}, csrf=False, status=400
    )
    assert "session has expired" in response.get_data(as_text=True)


def test_open_redirect_after_sign_in_is_ignored(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    response = client.raw.post(
        "/sign-in?next=https://evil.example/",
        data={"email": staff["admin"].email, "password": TEST_PASSWORD, "csrf_token": client.csrf},
    )
    assert response.location == "/admin/users"


def test_cli_creates_a_user_and_names_a_bad_agency(app) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=["create-user", "--email", "New.Person@Redbridge.gov.uk", "--name", "New Person",
              "--role", "panel_member", "--agency", "mps-ea", "--password", "a-long-password-1"]
    )
    assert ok.exit_code == 0, ok.output
    user = Session.query(User).filter_by(email="new.person@redbridge.gov.uk").one()
    assert user.agency_id == "mps-ea" and user.password_hash.startswith("$argon2id$")
    bad = runner.invoke(
        args=["create-user", "--email", "x@redbridge.gov.uk", "--name", "X",
              "--role", "panel_member", "--agency", "polce", "--password", "a-long-password-1"]
    )
    assert bad.exit_code != 0
    assert "agency 'polce' is not a member agency" in bad.output


def test_disabling_an_account_ends_its_sessions(app, staff) -> None:  # type: ignore[no-untyped-def]
    member = Client(app)
    member.sign_in(staff["panel_member"].email)
    member.get("/panel/")
    admin = Client(app)
    admin.sign_in(staff["admin"].email)
    admin.get("/admin/users")
    admin.post(f"/admin/users/{staff['panel_member'].id}/active")
    member.get("/panel/", status=302)


def test_seed_demo_prints_one_account_per_role(app) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for role in ("secretariat", "chair", "panel_member", "admin"):
        assert role in result.output
    # One line per account: secretariat, chair, admin, the members and the police deputy.
    assert Session.query(User).count() == result.output.count("@example.org ") >= 5
