"""Sessions: idle and absolute time-outs enforced on the server, a warning to extend, no
remember-me cookie."""

from __future__ import annotations

from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from storage.db import Session
from storage.models import AuditEvent, User
from tests.helpers import Client


def _rewind(client: Client, key: str, seconds: float) -> None:
    with client.raw.session_transaction() as s:
        s[key] = s[key] - seconds


def test_idle_session_is_signed_out_on_the_next_request_with_a_message(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    _rewind(client, "last_seen", 31 * 60)
    response = client.get("/secretariat/", status=302)
    assert response.location.startswith("/sign-in")
    page = client.get(response.location).get_data(as_text=True)
    assert "You have been signed out because you had not used the service for 30 minutes" in page
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "session_expired")).one()
    assert entry.detail == {"reason": "idle"} and entry.user_id == staff["secretariat"].id
    client.get("/secretariat/", status=302)


def test_activity_within_the_idle_limit_keeps_the_session(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    _rewind(client, "last_seen", 29 * 60)
    client.get("/secretariat/", status=200)
    with client.raw.session_transaction() as s:
        before = s["last_seen"]
    _rewind(client, "last_seen", 29 * 60)
    client.get("/secretariat/", status=200)
    with client.raw.session_transaction() as s:
        assert s["last_seen"] >= before


def test_idle_limit_comes_from_config(app_factory, staff) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(SESSION_IDLE_MINUTES=5)
    client = Client(app)
    client.sign_in(staff["chair"].email)
    _rewind(client, "last_seen", 6 * 60)
    assert client.get("/panel/", status=302).location.startswith("/sign-in")


def test_session_ends_after_the_absolute_limit_however_active(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["admin"].email)
    _rewind(client, "signed_in_at", 13 * 3600)
    assert client.get("/admin/users", status=302).location.startswith("/sign-in")
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "session_expired")).one()
    assert entry.detail == {"reason": "absolute"}


def test_stay_signed_in_extends_the_session(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["panel_member"].email)
    _rewind(client, "last_seen", 28 * 60)
    response = client.raw.post("/account/keep-alive", headers={"X-CSRFToken": client.csrf})
    assert response.status_code == 200
    assert response.get_json()["expires_in"] == 30 * 60
    _rewind(client, "last_seen", 28 * 60)  # 56 minutes after sign-in, still signed in
    client.get("/panel/", status=200)


def test_keep_alive_needs_the_csrf_token_and_a_live_session(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["panel_member"].email)
    assert client.raw.post("/account/keep-alive").status_code == 400
    _rewind(client, "last_seen", 31 * 60)
    late = client.raw.post("/account/keep-alive", headers={"X-CSRFToken": client.csrf})
    assert late.status_code in (302, 400)


def test_idle_sign_out_from_the_warning_says_why(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["chair"].email)
    response = client.post("/sign-out", {"reason": "idle"})
    page = client.get(response.location).get_data(as_text=True)
    assert "You have been signed out because you had not used the service for 30 minutes" in page


def test_no_remember_me_cookie_is_set(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    assert client.raw.get_cookie("remember_token") is None
    assert client.raw.get_cookie("onepanel_session") is not None


def test_the_warning_is_offered_to_signed_in_people_only(app, staff) -> None:  # type: ignore[no-untyped-def]
    include = '{% include "account/_timeout.html" %}'
    with app.test_request_context("/"):
        assert "app-timeout-warning" not in render_template_string(include)
        login_user(Session.get(User, staff["chair"].id))
        html = render_template_string(include)
    assert 'data-idle-seconds="1800"' in html and 'data-warning-seconds="120"' in html
    assert 'data-keep-alive-url="/account/keep-alive"' in html
    assert 'src="/static/js/timeout.mjs"' in html and "<script>" not in html  # CSP: no inline script
    script = app.test_client().get("/static/js/timeout.mjs")
    assert script.status_code == 200 and b"showModal" in script.data and b"X-CSRFToken" in script.data
