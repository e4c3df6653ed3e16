"""The service as the browser tests use it: a real HTTP server on 127.0.0.1.

Run as ``python -m tests.browser.server INSTANCE_DIR``. It migrates a fresh SQLite
database in INSTANCE_DIR, adds one staff account per role (and the panel members a
quorate meeting needs), three referrals and the demo meetings, starts
serving on a free port and prints one JSON line (port and accounts) when it is ready.
It runs in its own process so that its database never mixes with the test database of
the process running pytest. Mail is written to INSTANCE_DIR/outbox as .eml files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from werkzeug.serving import make_server

from config import TestConfig
from storage import db, migrate
from tests.helpers import TEST_PASSWORD

ROLES = {
    "secretariat": None,
    "chair": "statutory",
    "panel_member": "police",
    "admin": None,
}


def build(instance: Path):  # type: ignore[no-untyped-def]
    from app import create_app

    url = f"sqlite:///{instance / 'browser.sqlite3'}"
    migrate.upgrade(db.make_engine(url))
    app = create_app(TestConfig, SQLALCHEMY_URL=url, INSTANCE_PATH=str(instance))
    return app


def quorum_members(partnership, covered: set[str]) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """``(e-mail, name, agency id)`` of the extra panel members each panel needs to be
    quorate besides the agencies in ``covered``, named by sector ("Test health member")."""
    from partnerships.model import SECTOR_LABELS
    from workflow.quorum import agencies_for_quorum

    out: list[tuple[str, str, str]] = []
    for panel in partnership.panels:
        for agency in agencies_for_quorum(partnership, panel):
            if agency.id in covered:
                continue
            covered.add(agency.id)
            sector = SECTOR_LABELS.get(agency.sectors[0], str(agency.sectors[0]))
            out.append(
                (f"member.{agency.id}@example.org", f"Test {sector.removeprefix('the ')} member", agency.id)
            )
    return out


def seed(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tests.factories import make_referral
    from workflow import accounts

    p = app.extensions["partnership"]
    agencies = {
        None: None,
        "statutory": p.agencies_of(p.statutory_partners[0].id)[0].id,
        "police": next(a.id for a in p.agencies if "police" in a.sectors),
    }
    users = {}
    with app.app_context():
        for role, agency in ROLES.items():
            user = accounts.create_user(
                p,
                email=f"{role}@example.org",
                name=f"Test {role.replace('_', ' ')}",
                role=role,
                password=TEST_PASSWORD,
                agency_id=agencies[agency],
            )
            users[role] = user.email
        # A decision is recorded only at a quorate meeting: a member for each agency of a
        # smallest quorate set that the chair and the panel member do not already cover
        # (Redbridge: health, children's social care and community safety), so that the
        # demo meetings' invitees can make the meeting quorate.
        for email, name, agency_id in quorum_members(p, set(agencies.values()) - {None}):
            accounts.create_user(
                p, email=email, name=name, role="panel_member", password=TEST_PASSWORD,
                agency_id=agency_id,
            )
        for index in (0, 1, 2):
            make_referral(app, index=index)
        # Meeting 1 (past, quorate, with a decision and an action) and meeting 2 (next, with
        # two referrals on its agenda, attendance not recorded), for the meetings pages.
        from workflow import demo_meetings

        list(demo_meetings.load(app))
        db.Session.remove()
    return users


def main(instance: Path) -> None:
    app = build(instance)
    users = seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links in e-mails (resume, agency links) point at this server.
    app.config["EXTERNAL_URL"] = base_url
    print(json.dumps({"base_url": base_url, "users": users}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
