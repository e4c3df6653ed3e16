"""Pages outside the journeys, checked with axe-core: public pages, and each signed-in
role's pages.

To check a new page, add it to PUBLIC_PAGES or to its role in SIGNED_IN_PAGES as
(name, address). A page that needs data (a meeting, a pack) needs it made in
``seed()`` in tests/browser/server.py, which runs before the service starts.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES: list[tuple[str, str, int]] = [
    ("home", "/", 200),
    ("accessibility statement", "/accessibility", 200),
    ("privacy notice", "/privacy", 200),
    ("page not found", "/no-such-page", 404),
    ("agency link not valid", "/agency/not-a-real-token", 404),
    ("resume link not valid", "/refer/resume/not-a-real-token", 404),
]

# The pages each role sees once signed in: (name, address). Meetings and packs pages go
# here as they are built, e.g. "chair": [..., ("meeting", "/meetings/1")].
SIGNED_IN_PAGES: dict[str, list[tuple[str, str]]] = {
    "secretariat": [
        ("referral log", "/secretariat/"),
        ("referral log filtered", "/secretariat/?status=received"),
        ("partnership rules", "/secretariat/partnership"),
        ("overdue screening returns", "/secretariat/screening/overdue"),
        ("record a referral received by e-mail", "/refer/on-behalf"),
        ("your account", "/account"),
        ("two-factor set-up", "/account/two-factor"),
        ("meetings", "/meetings/"),
        ("schedule a meeting", "/meetings/new"),
        ("meeting", "/meetings/2"),
        ("attendance", "/meetings/2/attendance"),
        ("declarations of interest", "/meetings/2/declarations"),
        ("briefing pack", "/meetings/2/pack"),
        ("review tracker", "/meetings/tracker"),
        ("tracked review", "/meetings/tracker/reviews/1"),
        ("votes on a decision", "/meetings/1/decisions/1/votes"),
        ("board ratification", "/meetings/decisions/1/ratification"),
        ("outcome letters", "/secretariat/decisions/1/letters"),
        ("annual review", "/annual-review"),
    ],
    "chair": [
        ("my meetings", "/panel/"),
        ("meeting", "/meetings/2"),
        ("declare interests", "/meetings/2/declare"),
        ("annual review", "/annual-review"),
        ("annual review of this year", f"/annual-review?year={date.today().year}"),
        ("review tracker", "/meetings/tracker"),
        ("partnership rules", "/secretariat/partnership"),
        ("your account", "/account"),
    ],
    "panel_member": [
        ("my meetings", "/panel/"),
        ("meeting", "/meetings/2"),
        ("declare interests", "/meetings/2/declare"),
        ("your account", "/account"),
    ],
    "admin": [
        ("accounts", "/admin/users"),
        ("audit log", "/admin/audit"),
        ("subject access", "/admin/subject-access"),
        ("document templates", "/admin/templates"),
        ("your account", "/account"),
    ],
}


def test_public_pages(journey) -> None:  # type: ignore[no-untyped-def]
    for name, path, status in PUBLIC_PAGES:
        journey.goto(path, name, status=status)


@pytest.mark.parametrize("role", list(SIGNED_IN_PAGES))
def test_signed_in_pages(new_journey, live_server, role) -> None:  # type: ignore[no-untyped-def]
    j = new_journey(who=role)
    sign_in(j, live_server.users[role], live_server.password)
    for name, path in SIGNED_IN_PAGES[role]:
        j.goto(path, name)


def test_the_axe_check_fails_on_a_violation(journey) -> None:  # type: ignore[no-untyped-def]
    """The checker itself: a page with an unlabelled input and no language fails."""
    from tests.browser.helpers import format_violations, run_axe

    journey.page.set_content("<html><body><main><input type='text'><img src='x.png'></main></body></html>")
    result = run_axe(journey.page)
    found = {v["id"] for v in result["violations"]}
    assert {"label", "image-alt", "html-has-lang"} <= found, found
    assert "image-alt" in format_violations("/example", result["violations"])
