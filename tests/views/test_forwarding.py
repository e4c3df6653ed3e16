"""The referral page: forwarding a referral no panel screens, and recording the outcome of a
rapid review run by another body."""

from __future__ import annotations

import html

from sqlalchemy import select

from storage.db import Session
from storage.models import AuditEvent, Referral
from tests.factories import make_referral
from tests.helpers import TEST_PASSWORD, Client
from workflow import accounts

TELFORD_CSP = "Telford & Wrekin Community Safety Partnership"


def _page(client: Client, referral: Referral, status: int = 200) -> str:
    return html.unescape(client.get(f"/secretariat/referrals/{referral.id}", status=status).get_data(as_text=True))


def _telford(app_factory):  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    user = accounts.create_user(
        app.extensions["partnership"], email="bu@telford.gov.uk", name="Sam Business-Unit",
        role="secretariat", password=TEST_PASSWORD,
    )
    client = Client(app)
    client.sign_in(user.email)
    return app, user, client


def test_telford_dhr_referral_page_offers_forwarding_and_shows_who_forwarded_it(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin: "the CSP has the statutory responsibility to commission them"
    (DHRs), so the page says where the referral goes, with its source, and forwards it."""
    app, user, client = _telford(app_factory)
    referral = make_referral(app, 2)  # dhr, not_sure
    page = _page(client, referral)
    assert (
        f"This review type is screened by {TELFORD_CSP}, not by a panel of "
        "Telford & Wrekin Safeguarding Partnership." in page
    )
    assert '"whilst recognising that the CSP has the statutory responsibility to commission them"' in page
    assert f"Forward to {TELFORD_CSP}" in page

    url = f"/secretariat/referrals/{referral.id}/forward"
    failed = html.unescape(client.post(url, {"note": ""}, status=400).get_data(as_text=True))
    assert "There is a problem" in failed and 'href="#note"' in failed
    assert "Enter how and to whom the referral was sent" in failed
    assert Session.get(Referral, referral.id).status == "received"

    response = client.post(url, {"note": "Sent by secure e-mail to the CSP co-ordinator"})
    assert response.location.endswith(f"/secretariat/referrals/{referral.id}")
    Session.remove()
    referral = Session.get(Referral, referral.id)
    assert (referral.status, referral.forwarded_to, referral.forwarded_by_id) == (
        "forwarded", TELFORD_CSP, user.id
    )
    [entry] = Session.scalars(select(AuditEvent).where(AuditEvent.action == "forward")).all()
    assert (entry.user_id, entry.route, entry.object_id) == (
        user.id, "secretariat.forward_referral", str(referral.id)
    )

    page = _page(client, referral)
    assert f"Referral {referral.reference} recorded as forwarded to {TELFORD_CSP}." in page
    assert "Forwarded to" in page and "Sam Business-Unit" in page
    assert "Sent by secure e-mail to the CSP co-ordinator" in page
    assert f"Forward to {TELFORD_CSP}" not in page  # not offered twice
    log = html.unescape(client.get("/secretariat/").get_data(as_text=True))
    assert "Forwarded" in log


def test_forwarded_referral_is_not_offered_for_an_agenda(app_factory) -> None:  # type: ignore[no-untyped-def]
    """A forwarded referral is not for this partnership's panels: its status is outside
    AGENDA_READY_STATUSES, so no meeting offers it."""
    from workflow.meetings import AGENDA_READY_STATUSES, referrals_ready_for_agenda

    app, _, client = _telford(app_factory)
    referral = make_referral(app, 2)
    waiting = make_referral(app, 0)
    _page(client, referral)
    client.post(f"/secretariat/referrals/{referral.id}/forward", {"note": "To the CSP"})
    Session.remove()
    assert Session.get(Referral, referral.id).status not in AGENDA_READY_STATUSES
    assert [r.id for r in referrals_ready_for_agenda()] == [waiting.id]


def test_forwarded_is_offered_as_a_status_only_once_forwarded(app_factory) -> None:  # type: ignore[no-untyped-def]
    app, _, client = _telford(app_factory)
    referral = make_referral(app, 2)
    assert 'value="forwarded"' not in _page(client, referral)
    client.post(f"/secretariat/referrals/{referral.id}/status", {"status": "forwarded"})
    Session.remove()
    assert Session.get(Referral, referral.id).status == "received"  # only through the form
    client.post(f"/secretariat/referrals/{referral.id}/forward", {"note": "To the CSP"})
    assert 'value="forwarded" selected' in _page(client, referral)


def test_telford_sar_referral_is_not_forwardable(app_factory) -> None:  # type: ignore[no-untyped-def]
    app, _, client = _telford(app_factory)
    referral = make_referral(app, 0)  # sar
    page = _page(client, referral)
    assert "This review type is screened by" not in page and "Forward to" not in page
    client.post(f"/secretariat/referrals/{referral.id}/forward", {"note": "Try anyway"})
    page = _page(client, referral)
    assert "is screened by the SAR Panel of Telford & Wrekin Safeguarding Partnership; it cannot be forwarded" in page
    Session.remove()
    assert Session.get(Referral, referral.id).status == "received"


def test_redbridge_sar_referral_is_not_forwardable(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 0)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = _page(client, referral)
    assert "This review type is screened by" not in page and "Forward to" not in page
    assert "Rapid review" not in page  # an adult's case


def test_redbridge_cspr_referral_records_the_rapid_review_outcome(app, staff) -> None:  # type: ignore[no-untyped-def]
    """Redbridge Appendix A: the rapid review "occurs outside of the One Panel" and "The
    outcome of the Rapid Review shared at One Panel"."""
    referral = make_referral(app, 1)  # cspr
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = _page(client, referral)
    assert "Rapid review: run by Redbridge Safeguarding Children Partnership (RSCP) outside the One Panel" in page
    assert "occurs outside of the One Panel" in page  # the source
    assert "The outcome has not been recorded yet." in page

    url = f"/secretariat/referrals/{referral.id}/rapid-review"
    failed = html.unescape(client.post(url, {"outcome": "Met", "on": ["31", "2", "2026"]}, status=400).get_data(as_text=True))
    assert "There is a problem" in failed and 'href="#on"' in failed
    assert "The date the outcome was shared must be a real date" in failed
    failed = html.unescape(client.post(url, {"outcome": "Met", "on": ["1", "1", "2999"]}, status=400).get_data(as_text=True))
    assert "The date the outcome was shared must be today or in the past" in failed
    failed = html.unescape(client.post(url, {"outcome": " ", "on": ["2", "3", "2026"]}, status=400).get_data(as_text=True))
    assert 'href="#outcome"' in failed and "Enter the outcome of the rapid review" in failed

    client.post(url, {"outcome": "Criteria for a local review met; learning on neglect.", "on": ["2", "3", "2026"]})
    page = _page(client, referral)
    assert "Outcome of the rapid review recorded." in page
    assert "Criteria for a local review met; learning on neglect." in page
    assert "2 March 2026" in page
    Session.remove()
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "record_rapid_review_outcome")).one()
    assert entry.user_id == staff["secretariat"].id and entry.route == "secretariat.record_rapid_review"


def test_rapid_review_outcome_is_refused_for_an_adults_case(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 0)  # sar
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    _page(client, referral)
    client.post(f"/secretariat/referrals/{referral.id}/rapid-review", {"outcome": "Met", "on": ["2", "3", "2026"]})
    assert "it has no rapid review" in _page(client, referral)
    Session.remove()
    assert Session.get(Referral, referral.id).rapid_review_outcome is None
