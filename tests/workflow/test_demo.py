"""The demo that ``make run PARTNERSHIP=<slug>`` loads (``flask seed-demo``), for each
partnership: accounts that make every panel quorate, and meetings of every panel."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from partnerships import load_partnership
from storage.db import Session
from storage.models import Meeting, User
from workflow import accounts
from workflow.demo_meetings import panel_of
from workflow.quorum import Attendee, check_quorum
from workflow.quorum import agencies_for_quorum as quorum_agencies

PARTNERSHIPS = ["redbridge", "telford-wrekin", "walsall", "wolverhampton"]
# "  panel_member  member.wmp@example.org  demo-xxxx  West Midlands Police"
ACCOUNT_LINE = re.compile(r"^  (\w+)\s+(\S+@example\.org)\s+(demo-\S+)", re.MULTILINE)


def _seed(app_factory, slug: str):  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP=slug)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert app.extensions["partnership"].slug == slug
    return app, result.output


def _attendance(meeting: Meeting) -> list[Attendee]:
    return [Attendee(a.agency_id, a.name, a.role, a.status) for a in meeting.attendees]


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_quorum_agencies_are_a_smallest_quorate_set(slug: str) -> None:
    p = load_partnership(slug)
    for panel in p.panels:
        chosen = [a.id for a in quorum_agencies(p, panel)]
        members = {a.id for a in p.panel_agencies(panel)}
        assert set(chosen) <= members
        present = [Attendee(a, f"Person {a}", "member", "present") for a in chosen]
        assert check_quorum(p, present, panel).quorate, panel.id
        for left_out in chosen:
            rest = [x for x in present if x.agency_id != left_out]
            assert not check_quorum(p, rest, panel).quorate, (panel.id, left_out)


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_seed_demo_makes_every_panel_quorate(app_factory, slug: str) -> None:  # type: ignore[no-untyped-def]
    app, _output = _seed(app_factory, slug)
    p = app.extensions["partnership"]
    meetings = list(Session.scalars(select(Meeting).order_by(Meeting.id)))
    for panel in p.panels:
        own = [m for m in meetings if m.panel_id == panel.id]
        past = [m for m in own if m.date < date.today()]
        assert past, f"{slug} {panel.id}: no past demo meeting"
        assert any(m.date > date.today() for m in own), f"{slug} {panel.id}: no next meeting"
        for meeting in past:
            assert any(a.status for a in meeting.attendees)
            result = check_quorum(p, _attendance(meeting), panel)
            assert result.quorate, (slug, panel.id, result.reasons)
        # Each panel's agendas hold only referrals it screens.
        for meeting in own:
            for item in meeting.items:
                if item.referral is not None:
                    assert panel_of(p, item.referral.review_types) == panel


@pytest.mark.parametrize("slug", PARTNERSHIPS)
def test_seed_demo_accounts_can_be_looked_up(app_factory, slug: str) -> None:  # type: ignore[no-untyped-def]
    app, output = _seed(app_factory, slug)
    p = app.extensions["partnership"]
    printed = ACCOUNT_LINE.findall(output)
    assert {role for role, _, _ in printed} == {"secretariat", "chair", "panel_member", "admin"}
    assert len(printed) == Session.query(User).count()
    for role, email, password in printed:
        user = accounts.authenticate(email, password).user
        assert user is not None and user.role == role, email
    # The chair sits for a statutory partner.
    chair = Session.scalar(select(User).where(User.role == "chair"))
    assert chair is not None and chair.agency_id
    assert p.organisation_of(chair.agency_id) in {o.id for o in p.statutory_partners}
    # The police member has a nominated deputy from the same agency.
    police = [
        u for u in Session.scalars(select(User).where(User.role == "panel_member"))
        if "police" in p.agency(u.agency_id).sectors and u.deputy is not None
    ]
    assert police and police[0].deputy.agency_id == police[0].agency_id


def test_seed_demo_for_telford_meets_both_panels(app_factory) -> None:  # type: ignore[no-untyped-def]
    app, output = _seed(app_factory, "telford-wrekin")
    assert "Telford & Wrekin Safeguarding Partnership" in output
    meetings = list(Session.scalars(select(Meeting)))
    assert {m.panel_id for m in meetings} == {"sar-panel", "cspr-panel"}
    for panel_id in ("sar-panel", "cspr-panel"):
        own = [m for m in meetings if m.panel_id == panel_id]
        assert len(own) == 2
        # Each panel has a demo referral of a review type it screens on an agenda.
        kinds = {k for m in own for i in m.items if i.referral for k in i.referral.review_types}
        assert {"sar-panel": "sar", "cspr-panel": "cspr"}[panel_id] in kinds
