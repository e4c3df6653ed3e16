"""Demo data for ``make run``: one account per role and fictional referrals.

Everything here is invented. Passwords are generated at load time and printed once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import func, select

from storage.db import Session
from storage.models import User
from workflow import accounts

DEMO_DOMAIN = "example.org"


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)


def load(app: Flask) -> Iterator[str]:
    partnership = app.extensions["partnership"]
    if Session.scalar(select(func.count(User.id))):
        yield "Demo data not loaded: the database already has accounts."
        return
    first_statutory = partnership.statutory_partners[0]
    police = next(
        (a for a in partnership.agencies if "police" in a.sectors), partnership.agencies[0]
    )
    people = [
        ("secretariat", "Sam Okafor", "secretariat", None),
        ("chair", "Priya Natarajan", "chair", first_statutory.id),
        ("member", "Dan Hughes", "panel_member", police.id),
        ("deputy", "Alex Byrne", "panel_member", police.id),
        ("admin", "Jo Whitfield", "admin", None),
    ]
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
            agency_id=agency,
        )
        created[handle] = user
        yield f"  {role:<13} {user.email:<26} {password}"
    created["member"].deputy = created["deputy"]
    Session.commit()
    from workflow import demo_referrals

    yield "Fictional referrals:"
    yield from demo_referrals.load(app)
    yield from demo_referrals.load_screening(app)
    from workflow import demo_meetings

    yield "Meetings:"
    yield from demo_meetings.load(app)
