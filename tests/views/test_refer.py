"""The referral journey end to end with the test client, as a referrer would go through it."""

from __future__ import annotations

import email
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import Session
from storage.models import AuditEvent, Referral, ReferralDraft
from tests.factories import make_referral
from tests.helpers import Client
from workflow.demo_referrals import demo_answers


def outbox(app) -> list[email.message.Message]:  # type: ignore[no-untyped-def]
    folder = Path(app.instance_path) / "outbox"
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def body(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_payload(decode=True).decode()


def page_post_data(definition, page_id: str, answers: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What a browser would post for one page filled with ``answers``."""
    data: dict[str, Any] = {}
    for q in definition.page(page_id).questions:
        if q.type == "content" or q.id not in answers:
            continue
        value = answers[q.id]
        if q.type == "date":
            d = date.fromisoformat(value)
            data[q.id] = [str(d.day), str(d.month), str(d.year)]
        elif q.type == "group":
            for i, item in enumerate(value):
                for sub in q.fields:
                    if sub.id in item:
                        v = item[sub.id]
                        if sub.type == "date":
                            d = date.fromisoformat(v)
                            v = [str(d.day), str(d.month), str(d.year)]
                        data[f"{q.id}-{i}-{sub.id}"] = v
        elif isinstance(value, list):
            data[q.id] = value
        else:
            data[q.id] = str(value)
    return data


def start_and_confirm(client: Client, app, address: str = "rita.worker@nelft.nhs.uk") -> None:  # type: ignore[no-untyped-def]
    client.get("/refer")
    client.get("/refer/email")
    response = client.post("/refer/email", {"email": address})
    assert response.location == "/refer/confirm"
    sent = outbox(app)[-1]
    assert sent["To"] == address
    code = re.search(r"\b(\d{6})\b", body(sent)).group(1)
    client.get("/refer/confirm")
    response = client.post("/refer/confirm", {"code": code})
    assert response.location == "/refer/page/context"


def fill_all_pages(client: Client, app, answers: dict[str, Any], stop_before: str | None = None) -> str:  # type: ignore[no-untyped-def]
    definition = app.extensions["form_definitions"]["referral"]
    url = "/refer/page/context"
    while url.startswith("/refer/page/"):
        page_id = url.rsplit("/", 1)[-1]
        if page_id == stop_before:
            return url
        client.get(url)
        response = client.post(url, page_post_data(definition, page_id, answers))
        url = response.location
    return url


def test_referrer_completes_the_journey_and_the_secretariat_sees_it(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_and_confirm(client, app)
    answers = demo_answers()[0]
    assert fill_all_pages(client, app, answers) == "/refer/check"
    check = client.get("/refer/check").get_data(as_text=True)
    assert "Check your answers before sending your referral" in check
    assert "Arthur" in check and "943 476 5919" in check and "14 February 1948" in check
    assert 'href="/refer/page/subject?return=check#subject_first_name"' in check
    response = client.post("/refer/check", {"declaration": "y"})
    assert response.location == "/refer/done"
    done = client.get("/refer/done").get_data(as_text=True)
    reference = f"RED-{date.today().year}-0001"
    assert reference in done

    referral = Session.scalar(select(Referral))
    assert referral.reference == reference
    assert referral.answers["subject_nhs_number"] == "9434765919"
    assert referral.review_types == ["sar"]
    assert referral.definition_version.version == 2
    # A work address at a partner agency's domain: the fast path, nothing to confirm.
    assert referral.referrer_kind == "partner" and referral.needs_confirmation is False

    mails = outbox(app)
    ack = next(m for m in mails if m["Subject"] == f"Referral {reference} received")
    assert ack["To"] == "rita.worker@nelft.nhs.uk"
    # No personal details of the subject in the e-mail.
    for private in ("Arthur", "Ellis", "9434765919", "dementia", "Example Close"):
        assert private not in body(ack)
    notice = next(m for m in mails if m["Subject"] == f"New referral {reference}")
    assert notice["To"] == "RedbridgeOnePanel@redbridge.gov.uk"

    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    log = secretariat.get("/secretariat/").get_data(as_text=True)
    assert reference in log and "Safeguarding Adults Review" in log and "NELFT" in log
    detail = secretariat.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)
    assert "Arthur" in detail and "Karen Ellis" in detail
    viewed = Session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "view", AuditEvent.object_type == "referral"
        )
    )
    assert viewed == 1


def test_double_submit_makes_one_referral(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_and_confirm(client, app)
    fill_all_pages(client, app, demo_answers()[1])
    client.get("/refer/check")
    token = client.csrf
    client.post("/refer/check", {"declaration": "y", "csrf_token": token})
    second = client.post("/refer/check", {"declaration": "y", "csrf_token": token})
    assert second.location in ("/refer/done", "/refer")
    assert Session.scalar(select(func.count(Referral.id))) == 1


def test_save_and_return_by_the_emailed_link(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_and_confirm(client, app)
    answers = demo_answers()[2]
    url = fill_all_pages(client, app, answers, stop_before="agency_contact")
    definition = app.extensions["form_definitions"]["referral"]
    client.get(url)
    data = page_post_data(definition, "agency_contact", answers)
    response = client.post(url, {**data, "save_and_return": "1"})
    assert response.location == "/refer/saved"
    assert "We have sent a link" in client.get("/refer/saved").get_data(as_text=True)
    link = re.search(r"(http://localhost/refer/resume/\S+)", body(outbox(app)[-1])).group(1)

    # Later, in another browser: the link opens the draft where it was left.
    later = Client(app)
    response = later.get(link.replace("http://localhost", ""), status=302)
    assert response.location == "/refer/page/agency_status"
    page = later.get("/refer/page/agency_contact").get_data(as_text=True)
    assert "MARAC referrals in two consecutive years." in page
    assert fill_all_pages(later, app, answers) == "/refer/check"
    later.get("/refer/check")
    later.post("/refer/check", {"declaration": "y"})
    assert Session.scalar(select(Referral.review_types)) == ["dhr", "not_sure"]
    # The link is spent once the referral is sent.
    Client(app).get(link.replace("http://localhost", ""), status=404)


def test_email_outside_the_allowed_domains_is_refused_for_a_partner(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/refer/email")
    response = client.post("/refer/email", {"email": "someone@gmail.com"}, status=200)
    page = response.get_data(as_text=True)
    assert "Use your work e-mail address at a partner agency, like name@redbridge.gov.uk" in page
    assert 'href="#email"' in page
    assert Session.scalar(select(func.count(ReferralDraft.id))) == 0


def test_pages_cannot_be_reached_without_a_confirmed_email(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    assert client.get("/refer/page/subject", status=302).location == "/refer"
    assert client.get("/refer/check", status=302).location == "/refer"


@pytest.mark.parametrize(
    "page_id,changes,message",
    [
        ("subject", {"subject_nhs_number": "9434765918"}, "Enter a valid NHS number"),
        ("context", {"incident_date": "2999-01-01"}, "must be today or in the past"),
        ("context", {"reason_summary": "x" * 20000}, "5,000 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_with_a_message(app, page_id, changes, message) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_and_confirm(client, app)
    definition = app.extensions["form_definitions"]["referral"]
    answers = {**demo_answers()[0], **changes}
    if page_id != "context":
        fill_all_pages(client, app, answers, stop_before=page_id)
    client.get(f"/refer/page/{page_id}")
    response = client.post(f"/refer/page/{page_id}", page_post_data(definition, page_id, answers), status=200)
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page


def test_invalid_calendar_date_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    start_and_confirm(client, app)
    definition = app.extensions["form_definitions"]["referral"]
    data = page_post_data(definition, "context", demo_answers()[0])
    data["incident_date"] = ["31", "2", "2026"]
    client.get("/refer/page/context")
    page = client.post("/refer/page/context", data, status=200).get_data(as_text=True)
    assert "must be a real date" in page


def test_html_and_template_syntax_are_kept_literally(app, staff) -> None:  # type: ignore[no-untyped-def]
    text = '<script>alert("x")</script> {{ 7*7 }} & {% if %}'
    referral = make_referral(app, reason_summary=text)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = client.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; {{ 7*7 }} &amp; {% if %}" in page
    assert '<script>alert("x")' not in page


def test_secretariat_asks_the_referrer_for_more_information(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get(f"/secretariat/referrals/{referral.id}")
    client.post(
        f"/secretariat/referrals/{referral.id}/information",
        {"question": "Which care provider missed the visits?"},
    )
    mail = outbox(app)[-1]
    assert mail["To"] == "rita.worker@nelft.nhs.uk"
    assert "Which care provider" not in body(mail)  # the question stays behind the link
    path = re.search(r"http://localhost(/refer/information/\S+)", body(mail)).group(1)
    referrer = Client(app)
    assert "Which care provider missed the visits?" in referrer.get(path).get_data(as_text=True)
    referrer.post(path, {"answer": "Acme Home Care Ltd"}, status=200)
    detail = client.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)
    assert "Acme Home Care Ltd" in detail
    referrer.get(path, status=404)  # answered: the link is spent


def test_secretariat_records_a_referral_received_by_email(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get("/refer/on-behalf")
    response = client.post("/refer/on-behalf", {"email": "someone@charity.org.uk"})
    assert response.location == "/refer/page/context"
    fill_all_pages(client, app, {**demo_answers()[0], "referrer_email": "someone@charity.org.uk"})
    client.get("/refer/check")
    response = client.post("/refer/check", {"declaration": "y"})
    referral = Session.scalar(select(Referral))
    assert response.location == f"/secretariat/referrals/{referral.id}"
    assert referral.source == "on_behalf"
    assert referral.recorded_by_id == staff["secretariat"].id
    assert referral.referrer_email == "someone@charity.org.uk"


def test_old_referral_is_shown_with_the_definition_it_was_made_with(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    # The live definition changes (a label is reworded) after the referral was made.
    live = app.extensions["form_definitions"]["referral"]
    reworded = live.model_copy(deep=True)
    reworded.pages[1].questions[0].label = "Given name"
    app.extensions["form_definitions"]["referral"] = reworded
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = client.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)
    assert "Given name" not in page
    assert live.pages[1].questions[0].label in page
