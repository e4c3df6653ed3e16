"""Who may refer (partnership.yaml ``referrers``): partner agencies' e-mail domains are a
fast path, not a wall. Anyone else the partnership's documents accept — a volunteer in
Redbridge, a family in Wolverhampton — confirms an e-mail address with the code, and their
referral arrives marked for the business unit to confirm.

Redbridge One Panel guidance, Appendix A (adults' pathway): "Case for learning identified
by an individual professional/practitioner/volunteer and referred to RSAB".
Wolverhampton One Panel terms of reference, 6 (members): "Agree any required multi-agency
response to a family making a SAR referral where they do not meet the criteria for a full
review."
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from sqlalchemy import func, select

from storage.db import Session
from storage.models import AuditEvent, Referral, ReferralDraft
from tests.helpers import Client
from tests.views.test_refer import body, fill_all_pages, outbox
from workflow import accounts, referrals
from workflow.demo_referrals import demo_answers
from workflow.referrals import ReferralError

REDBRIDGE_VOLUNTEER_WORDS = (
    "Case for learning identified by an individual professional/practitioner/volunteer and "
    "referred to RSAB"
)
WOLVERHAMPTON_FAMILY_WORDS = (
    "Agree any required multi-agency response to a family making a SAR referral where they "
    "do not meet the criteria for a full review."
)


def _text(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def volunteer_answers() -> dict[str, Any]:
    """A volunteer's referral: much of what a professional would know is not known."""
    answers = dict(demo_answers()[0])
    for key in (
        "incident_date",
        "subject_date_of_birth",
        "next_of_kin_name",
        "next_of_kin_relationship",
        "next_of_kin_address",
        "next_of_kin_other_information",
        "referrer_agency",
        "referrer_phone",
        "quality_assurance_manager",
    ):
        answers.pop(key, None)
    answers.update(
        incident_date_known="not_known",
        subject_date_of_birth_known="not_known",
        subject_age="about 80",
        next_of_kin_known="none_known",
        referrer_name="Val Unteer",
        referrer_role="Befriending volunteer",
        referrer_email="val.unteer@gmail.com",
    )
    return answers


def start_as(client: Client, app, kind: str | None, address: str) -> None:  # type: ignore[no-untyped-def]
    """Who are you? → e-mail → the code from the e-mail → the first page of the form."""
    client.get("/refer/email")
    data = {"email": address} if kind is None else {"kind": kind, "email": address}
    response = client.post("/refer/email", data)
    assert response.location == "/refer/confirm"
    sent = outbox(app)[-1]
    assert sent["To"] == address
    code = re.search(r"\b(\d{6})\b", body(sent)).group(1)
    client.get("/refer/confirm")
    assert client.post("/refer/confirm", {"code": code}).location == "/refer/page/context"


def refused(client: Client, data: dict[str, str]) -> str:
    client.get("/refer/email")
    page = client.post("/refer/email", data, status=200).get_data(as_text=True)
    assert "There is a problem" in page
    assert Session.scalar(select(func.count(ReferralDraft.id))) == 0
    return _text(page)


def _secretariat(app) -> Client:  # type: ignore[no-untyped-def]
    user = accounts.create_user(
        app.extensions["partnership"],
        email="secretariat@example.org",
        name="Sue Secretariat",
        role="secretariat",
        password="correct horse battery staple",
    )
    client = Client(app)
    client.sign_in(user.email)
    client.user = user  # type: ignore[attr-defined]
    return client


# -- Redbridge: a volunteer may refer ---------------------------------------------------------


def test_redbridge_asks_who_you_are_offering_partner_and_volunteer(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge accepts "an individual professional/practitioner/volunteer"."""
    p = app.extensions["partnership"]
    assert p.referrers.accepted == ["partner", "volunteer"]
    assert p.referrers.source_of("volunteer").words == REDBRIDGE_VOLUNTEER_WORDS
    page = Client(app).get("/refer/email").get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    assert " ".join(doc.xpath("//legend")[0].text_content().split()) == "Who are you?"
    assert doc.xpath('//input[@name="kind"]/@value') == ["partner", "volunteer"]
    assert "A volunteer" in page and "A family member or friend" not in page


def test_a_redbridge_volunteer_with_a_gmail_address_refers_and_the_secretariat_confirms(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_as(client, app, "volunteer", "Val.Unteer@gmail.com".lower())
    draft = Session.scalar(select(ReferralDraft))
    assert draft.referrer_kind == "volunteer" and draft.email_verified_at is not None
    assert fill_all_pages(client, app, volunteer_answers()) == "/refer/check"
    check = client.get("/refer/check").get_data(as_text=True)
    assert "Some answers are missing" not in check
    # No manager to vouch for a volunteer's referral: the declaration says only what they can.
    assert "my manager is aware" not in check
    assert "None known" in check and "about 80" in check
    assert client.post("/refer/check", {"declaration": "y"}).location == "/refer/done"
    done = _text(client.get("/refer/done").get_data(as_text=True))
    assert "the business unit will contact you to confirm your referral" in done

    referral = Session.scalar(select(Referral))
    assert referral.referrer_kind == "volunteer"
    assert referral.needs_confirmation is True and referral.confirmed_at is None
    assert referral.referrer_email == "val.unteer@gmail.com"
    assert referral.answers["subject_age"] == "about 80"
    assert referral.answers["incident_date_known"] == "not_known"

    secretariat = _secretariat(app)
    log = _text(secretariat.get("/secretariat/").get_data(as_text=True))
    assert f"{referral.reference} To confirm: referred by a volunteer" in log
    page = secretariat.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)
    assert "To confirm: referred by a volunteer" in _text(page)
    assert 'class="govuk-tag govuk-tag--yellow"' in page
    assert "A volunteer: not confirmed yet" in _text(page)
    # Unconfirmed, it can still be read and screened: a flag, not a block.
    assert "Send screening requests to agencies" in page
    secretariat.get(f"/secretariat/referrals/{referral.id}/screening")

    # The confirmation is a POST with the CSRF token.
    secretariat.post(
        f"/secretariat/referrals/{referral.id}/confirm", {}, csrf=False, status=400
    )
    response = secretariat.post(f"/secretariat/referrals/{referral.id}/confirm", {})
    assert response.location == f"/secretariat/referrals/{referral.id}"
    Session.expire_all()
    referral = Session.get(Referral, referral.id)
    assert referral.confirmed_at is not None
    assert referral.confirmed_by_id == secretariat.user.id  # type: ignore[attr-defined]
    event = Session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "confirm_referral", AuditEvent.object_id == str(referral.id)
        )
    )
    assert event.user_id == secretariat.user.id  # type: ignore[attr-defined]
    assert event.detail == {"referrer_kind": "volunteer"}
    page = _text(secretariat.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True))
    assert "To confirm" not in page
    assert "A volunteer: confirmed by Sue Secretariat on" in page
    assert "To confirm" not in _text(secretariat.get("/secretariat/").get_data(as_text=True))
    # Confirming again changes nothing.
    secretariat.post(f"/secretariat/referrals/{referral.id}/confirm", {})
    assert "was confirmed already" in secretariat.get(
        f"/secretariat/referrals/{referral.id}"
    ).get_data(as_text=True)


def test_a_partner_agency_address_is_the_fast_path(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_as(client, app, "partner", "rita.worker@nelft.nhs.uk")
    fill_all_pages(client, app, demo_answers()[0])
    client.get("/refer/check")
    client.post("/refer/check", {"declaration": "y"})
    referral = Session.scalar(select(Referral))
    assert (referral.referrer_kind, referral.needs_confirmation) == ("partner", False)
    assert "confirm your referral" not in client.get("/refer/done").get_data(as_text=True)


def test_a_partner_must_name_their_agency_and_manager(app) -> None:  # type: ignore[no-untyped-def]
    """Appendix E asks a professional for their agency and the manager who quality assures
    the referral; only a volunteer or family member may leave them out."""
    client = Client(app)
    start_as(client, app, None, "rita.worker@nelft.nhs.uk")
    answers = {**demo_answers()[0]}
    del answers["referrer_agency"], answers["quality_assurance_manager"]
    fill_all_pages(client, app, answers)
    check = _text(client.get("/refer/check").get_data(as_text=True))
    assert "Some answers are missing" in check
    assert "Enter your agency" in check
    assert "Enter the name of the manager responsible for quality assuring the referral" in check
    client.post("/refer/check", {"declaration": "y"}, status=200)
    assert Session.scalar(select(func.count(Referral.id))) == 0


def test_someone_claiming_to_be_a_partner_from_gmail_is_told_what_to_do(app) -> None:  # type: ignore[no-untyped-def]
    text = refused(Client(app), {"kind": "partner", "email": "someone@gmail.com"})
    assert (
        "Use your work e-mail address at a partner agency, like name@redbridge.gov.uk, or "
        "choose \u2018A volunteer\u2019 if that is who you are. If neither fits, contact the "
        "business unit at RedbridgeOnePanel@redbridge.gov.uk"
    ) in text


def test_a_kind_redbridge_does_not_accept_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    text = refused(Client(app), {"kind": "family", "email": "someone@gmail.com"})
    assert (
        "Redbridge takes referrals through this form from a professional at a partner agency "
        "or a volunteer. Contact the business unit at RedbridgeOnePanel@redbridge.gov.uk"
    ) in text


@pytest.mark.parametrize(
    "address",
    [
        "attacker@evil.example, victim@nhs.net",
        "attacker@evil.example;victim@nhs.net",
        "Victim <victim@nhs.net>",
        "victim@nhs.net\nattacker@evil.example",
        "victim@nhs.net attacker@evil.example",
    ],
)
def test_more_than_one_address_is_refused(app, address: str) -> None:  # type: ignore[no-untyped-def]
    """The code goes to the address and the partner check reads its domain: a list, a
    display name or a line break must not slip a second address past either."""
    text = refused(Client(app), {"kind": "partner", "email": address})
    assert "Enter one e-mail address only, like name@example.org" in text
    assert outbox(app) == []  # no code sent anywhere


# -- Telford & Wrekin: partner agencies only ------------------------------------------------------


def test_a_telford_member_of_the_public_is_refused_with_the_business_unit_address(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin's arrangements do not say anyone but partner agencies refers a case
    to its panels (their "member of the public" is about concerns raised with Family
    Connect): partner agencies only, a local setting."""
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    assert p.referrers.accepted == ["partner"] and p.referrers.source_of("partner") == "local"
    client = Client(app)
    page = client.get("/refer/email").get_data(as_text=True)
    assert 'name="kind"' not in page  # nothing to choose
    assert "Your work e-mail address" in page
    text = refused(client, {"email": "concerned.neighbour@gmail.com"})
    assert (
        "Use your work e-mail address at a partner agency, like name@telford.gov.uk. If you are "
        "not at a partner agency, contact the business unit at twsp@telford.gov.uk"
    ) in text
    # Posting a kind the page never offered changes nothing; the workflow refuses it too.
    text = refused(client, {"kind": "other", "email": "concerned.neighbour@gmail.com"})
    assert "Use your work e-mail address at a partner agency, like name@telford.gov.uk" in text
    with pytest.raises(ReferralError) as exc:
        referrals.start_draft(
            p, "concerned.neighbour@gmail.com", form_id="referral", secret_key="x",
            retention_days=28, kind="other",
        )
    assert str(exc.value) == (
        "TWSP takes referrals through this form only from a professional at a partner agency. "
        "Contact the business unit at twsp@telford.gov.uk to tell them about the case"
    )
    assert exc.value.field == "kind"


# -- Wolverhampton: a family may make a SAR referral -------------------------------------------------


def test_a_wolverhampton_family_member_may_refer(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="wolverhampton")
    p = app.extensions["partnership"]
    assert p.referrers.accepted == ["partner", "family"]
    assert p.referrers.source_of("family").words == WOLVERHAMPTON_FAMILY_WORDS
    client = Client(app)
    page = client.get("/refer/email").get_data(as_text=True)
    values = lxml.html.fromstring(page).xpath('//input[@name="kind"]/@value')
    assert values == ["partner", "family"]
    start_as(client, app, "family", "karen.ellis@outlook.com")
    answers = {
        **volunteer_answers(),
        "referrer_name": "Karen Ellis",
        "referrer_role": "Daughter",
        "referrer_email": "karen.ellis@outlook.com",
    }
    assert fill_all_pages(client, app, answers) == "/refer/check"
    client.get("/refer/check")
    assert client.post("/refer/check", {"declaration": "y"}).location == "/refer/done"
    referral = Session.scalar(select(Referral))
    assert referral.reference.startswith("WST-")
    assert (referral.referrer_kind, referral.needs_confirmation) == ("family", True)
    secretariat = _secretariat(app)
    log = _text(secretariat.get("/secretariat/").get_data(as_text=True))
    assert "To confirm: referred by a family member or friend" in log
