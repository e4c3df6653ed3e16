"""Demo data for ``make run``: accounts enough for each panel to be quorate, and fictional
referrals and meetings.

Everything here is invented. Which agencies get a panel member's account is worked out from
the partnership's file: for each panel, a smallest set of its member agencies whose presence
meets the panel's quorum rule. Passwords are generated at load time and printed once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import func, select

from partnerships.model import Agency, Partnership, Sector
from storage.db import Session
from storage.models import User
from workflow import accounts
from workflow.quorum import agencies_for_quorum

DEMO_DOMAIN = "example.org"

# Invented names, given in turn to the panel members' accounts.
MEMBER_NAMES = (
    "Dan Hughes",
    "Grace Adeyemi",
    "Tom Kowalski",
    "Hannah Pryce",
    "Imran Siddiqui",
    "Bethan Clarke",
    "Owen Maddox",
    "Leila Haddad",
    "Marcus Bennett",
    "Nadia Rahman",
    "Chris Doherty",
    "Fiona McLeod",
    "Ravi Chauhan",
    "Ellen Fitzgerald",
    "Kwame Mensah",
    "Ruth Ogden",
)
# Between agencies that serve a panel's quorum equally well, prefer the one whose work the
# panel's reviews concern (a children's panel: children's social care).
def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def chair_agency(partnership: Partnership) -> Agency:
    """The demo chair's agency: the first statutory partner agency that sits on every panel
    (else on the first panel, else any statutory partner agency)."""
    statutory = [a for a in partnership.agencies if a.statutory_partner]
    on_every = [
        a for a in statutory
        if all(a in partnership.panel_agencies(p) for p in partnership.panels)
    ]
    on_first = [a for a in statutory if a in partnership.panel_agencies(partnership.default_panel)]
    return (on_every or on_first or statutory)[0]


def load(app: Flask) -> Iterator[str]:
    partnership = app.extensions["partnership"]
    if Session.scalar(select(func.count(User.id))):
        yield "Demo data not loaded: the database already has accounts."
        return
    wanted = {a.id for p in partnership.panels for a in agencies_for_quorum(partnership, p)}
    members = [a for a in partnership.agencies if a.id in wanted]
    police = next((a for a in members if Sector.POLICE in a.sectors), members[0])
    people: list[tuple[str, str, str, Agency | None]] = [
        ("secretariat", "Sam Okafor", "secretariat", None),
        ("chair", "Priya Natarajan", "chair", chair_agency(partnership)),
    ]
    for n, agency in enumerate(members):
        name = MEMBER_NAMES[n] if n < len(MEMBER_NAMES) else f"Panel Member {n + 1}"
        people.append((f"member.{agency.id}", name, "panel_member", agency))
    people += [
        (f"deputy.{police.id}", "Alex Byrne", "panel_member", police),
        ("admin", "Jo Whitfield", "admin", None),
    ]
    width = max(len(f"{handle}@{DEMO_DOMAIN}") for handle, *_ in people)
    yield f"Demo accounts for {partnership.name} (passwords are shown only now):"
    created: dict[str, User] = {}
    for handle, name, role, agency in people:
        password = _password()
        user = accounts.create_user(
            partnership,
            email=f"{handle}@{DEMO_DOMAIN}",
            name=name,
            role=role,
            password=password,
            agency_id=agency.id if agency else None,
        )
        created[handle] = user
        where = f"  {agency.name}" if agency else ""
        yield f"  {role:<13} {user.email:<{width}} {password}{where}"
    created[f"member.{police.id}"].deputy = created[f"deputy.{police.id}"]
    Session.commit()
    from workflow import demo_referrals

    yield "Fictional referrals:"
    yield from demo_referrals.load(app)
    yield from demo_referrals.load_screening(app)
    from workflow import demo_meetings

    yield "Meetings:"
    yield from demo_meetings.load(app)
