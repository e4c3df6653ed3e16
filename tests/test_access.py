"""Every route is either public or limited to roles, checked on the server: the matrix."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask

from storage.models import AuditEvent, Role
from tests.helpers import Client

ROLES = [r.value for r in Role]


def _protected_rules(app: Flask):  # type: ignore[no-untyped-def]
    # Sign-out last: it ends the session the other requests use.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.sign_out")
    for rule in rules:
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "_access", None)
        if access != "public":
            yield rule, access


def test_every_route_declares_who_may_use_it(app) -> None:  # type: ignore[no-untyped-def]
    undeclared = [
        rule.rule for rule, access in _protected_rules(app) if not isinstance(access, frozenset)
    ]
    assert undeclared == [], "routes with neither @public nor @roles_required"


def _sample_args(rule, samples: dict[str, object]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    missing = [a for a in rule.arguments if a not in samples]
    assert not missing, f"add a sample value for {missing} in tests/test_access.py:object_samples"
    return {a: samples[a] for a in rule.arguments}


@pytest.fixture
def object_samples(app, staff):  # type: ignore[no-untyped-def]
    """A real object for each kind of id a route takes, so per-object checks run too."""
    from workflow import accounts

    spare = accounts.create_user(
        app.extensions["partnership"],
        email="spare@example.org",
        name="Spare",
        role="secretariat",
        password="spare-password-123",
    )
    from tests.factories import make_referral, make_screening_request

    referral = make_referral(app)
    from storage.db import Session
    from storage.models import Decision, PackBuild
    from tests.factories import make_meeting
    from workflow import template_versions

    meeting = make_meeting(app, staff, [referral.id])
    build = PackBuild(meeting_id=meeting.id, status="ready", editions={})
    decision = Decision(referral_id=referral.id, recommendation="statutory_sar", rationale="Met.")
    Session.add_all([build, decision])
    Session.commit()
    version = template_versions.upload(
        "agenda.docx",
        (template_versions.SHIPPED / "agenda.docx").read_bytes(),
        store=app.extensions["file_store"],
        user_id=None,
    )
    return {
        "user_id": spare.id,
        "referral_id": referral.id,
        "request_id": make_screening_request(app, referral).id,
        "page": 1,
        "meeting_id": meeting.id,
        "build_id": build.id,
        "edition": "full",
        "fmt": "docx",
        "decision_id": decision.id,
        "kind": "referrer",
        "notice": "home_office",
        "version_id": version.id,
        "year": date.today().year,
        **_meeting_samples(app, staff, meeting, decision),
    }


def _meeting_samples(app, staff, meeting, decision) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Objects inside the sample meeting for the meetings blueprint's routes."""
    from storage.db import Session
    from storage.models import Action, Declaration, TrackedReview, VirtualRatification

    item = next(i for i in meeting.items if i.referral_id)
    declaration = Declaration(
        meeting_id=meeting.id, agenda_item_id=item.id, user_id=staff["panel_member"].id, has_interest=True
    )
    ratification = VirtualRatification(meeting_id=meeting.id, agency_id=staff["panel_member"].agency_id, member_name="Test")
    review = TrackedReview(referral_id=item.referral_id, decision_id=decision.id, review_kind="statutory_sar")
    action = Action(meeting_id=meeting.id, description="Send the letter", owner="Business unit")
    decision.meeting_id, decision.agenda_item_id = meeting.id, item.id
    Session.add_all([declaration, ratification, review, action])
    Session.commit()
    return {
        "item_id": item.id,
        "declaration_id": declaration.id,
        "ratification_id": ratification.id,
        "review_id": review.id,
        "action_id": action.id,
    }


def _request(client: Client, method: str, url: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url, status=None)
    return client.post(url, {}, status=None)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_role_route_matrix(app, staff, object_samples, role) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    if role:
        client.sign_in(staff[role].email)
        client.get("/", status=200)  # picks up a CSRF token for POSTs
    checked = 0
    for rule, allowed in _protected_rules(app):
        url = rule.build(_sample_args(rule, object_samples), append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = _request(client, method, url)
            checked += 1
            where = f"{method} {url} as {role or 'anonymous'}"
            if role is None:
                assert response.status_code == 302, where
                assert "/sign-in" in response.location, where
            elif role in allowed:
                assert response.status_code not in (401, 403, 500), where
                if rule.endpoint != "auth.sign_out":
                    assert "/sign-in" not in (response.location or ""), where
            else:
                assert response.status_code == 403, where
                assert "You do not have permission" in response.get_data(as_text=True), where
    assert checked > 0


def test_refused_request_is_audited(app, staff) -> None:  # type: ignore[no-untyped-def]
    from storage.db import Session

    client = Client(app)
    client.sign_in(staff["panel_member"].email)
    client.get("/admin/users", status=403)
    entry = Session.query(AuditEvent).filter_by(action="forbidden").one()
    assert entry.outcome == "denied"
    assert entry.user_id == staff["panel_member"].id
    assert entry.detail == {"endpoint": "admin.users"}


def test_public_pages_open_without_signing_in(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/accessibility", "/privacy", "/sign-in"):
        body = client.get(url).get_data(as_text=True)
        assert "Redbridge Safeguarding Partnerships" in body
        assert re.search(r'href="/accessibility"', body)
        assert re.search(r'href="/privacy"', body)
