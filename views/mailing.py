"""The e-mails of the referral journey.

Mail leaves the partnership's systems, so no message names or describes the subject of
a referral: a reference number and a link are all it carries.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, url_for

from notify import Message
from storage.models import InformationRequest, Referral
from views.filters import govuk_date


def _send(to: str, subject: str, body: str) -> None:
    p = current_app.extensions["partnership"]
    current_app.extensions["mailer"].send(
        Message(to=[to], subject=subject, body=body, reply_to=str(p.secretariat_email))
    )


def _signature() -> str:
    p = current_app.extensions["partnership"]
    return f"\n\n{p.screening_body} business unit\n{p.name}\n{p.secretariat_email}\n"


def _external(endpoint: str, **values: object) -> str:
    return current_app.config["EXTERNAL_URL"].rstrip("/") + url_for(endpoint, **values)


def send_code(email: str, code: str) -> None:
    _send(
        email,
        f"Your security code is {code}",
        f"Your security code for making a referral is {code}.\n\n"
        "It works for 15 minutes. If you did not ask for it, you can ignore this e-mail."
        + _signature(),
    )


def send_resume_link(email: str, link: str, expires_at: datetime) -> None:
    _send(
        email,
        "Your saved referral",
        "You saved a referral to come back to later. To carry on, open this link:\n\n"
        f"{link}\n\nThe referral will be kept until {govuk_date(expires_at)}, and then "
        "deleted with everything in it. Do not forward this e-mail: anyone with the link "
        "can see the referral." + _signature(),
    )


def send_acknowledgement(referral: Referral) -> None:
    p = current_app.extensions["partnership"]
    _send(
        referral.referrer_email,
        f"Referral {referral.reference} received",
        f"We have received your referral. Its reference is {referral.reference}.\n\n"
        "What happens next:\n"
        "- the business unit logs the referral and checks it has what the panel needs;\n"
        "- partner agencies are asked what they know of the case;\n"
        f"- the {p.screening_body} considers the referral at its next meeting and decides "
        "whether it meets the criteria for a review;\n"
        "- we will write to you with the outcome.\n\n"
        "We may contact you if we need more information. Quote the reference in any "
        "message about this referral." + _signature(),
    )


def notify_secretariat(referral: Referral) -> None:
    p = current_app.extensions["partnership"]
    _send(
        str(p.secretariat_email),
        f"New referral {referral.reference}",
        f"A new referral, {referral.reference}, has been received.\n\n"
        f"See it in the referral log: {_external('secretariat.referral', referral_id=referral.id)}",
    )


def send_information_request(req: InformationRequest, link: str) -> None:
    _send(
        req.referral.referrer_email,
        f"More information needed for referral {req.referral.reference}",
        f"The business unit needs more information about referral {req.referral.reference}.\n\n"
        f"To read the request and answer it, open this link:\n\n{link}\n\n"
        f"The link works until {govuk_date(req.expires_at)}." + _signature(),
    )


def notify_secretariat_information(req: InformationRequest) -> None:
    p = current_app.extensions["partnership"]
    _send(
        str(p.secretariat_email),
        f"More information received for {req.referral.reference}",
        f"The referrer has answered your request for more information about "
        f"{req.referral.reference}.\n\n"
        f"{_external('secretariat.referral', referral_id=req.referral.id)}",
    )


def send_screening_request(req, link: str) -> None:  # type: ignore[no-untyped-def]
    """The request to an agency: a personal link, the deadline, no case details."""
    p = current_app.extensions["partnership"]
    agency = p.agency(req.agency_id)
    _send(
        req.contact_email,
        f"Screening request {req.referral.reference}: please reply by {govuk_date(req.deadline)}",
        f"The {p.screening_body} of {p.name} is considering referral "
        f"{req.referral.reference} and asks {agency.name} what it knew of the people named "
        "in it.\n\n"
        f"Please reply by {govuk_date(req.deadline)}, using this link:\n\n{link}\n\n"
        "The link is for your agency only: do not forward it. Through it you can answer "
        "on the web, send a nil return if the people are not known to your service, or "
        "download the request as a Word document or a fillable PDF and upload it "
        "when completed." + _signature(),
    )


def send_screening_reminder(req, link: str, overdue: bool) -> None:  # type: ignore[no-untyped-def]
    if overdue:
        subject = f"Overdue: screening request {req.referral.reference}"
        opening = f"Your agency's reply to screening request {req.referral.reference} was due on {govuk_date(req.deadline)} and has not been received."
    else:
        subject = f"Reminder: screening request {req.referral.reference} is due {govuk_date(req.deadline)}"
        opening = f"Your agency's reply to screening request {req.referral.reference} is due on {govuk_date(req.deadline)}."
    _send(
        req.contact_email,
        subject,
        f"{opening}\n\nTo reply, use this link:\n\n{link}" + _signature(),
    )


def send_clock_reminder(reminder) -> None:  # type: ignore[no-untyped-def]
    """Tell the business unit a statutory clock is about to run out, or has: the reference,
    the step, its due date and the source of the limit, with a link to the case tracker.
    No person is named (DOMAIN §9: mail leaves the partnership's systems)."""
    from partnerships.rules import source_text

    p = current_app.extensions["partnership"]
    referral, clock = reminder.referral, reminder.clock
    due = govuk_date(clock.due_on)
    if reminder.state == "overdue":
        subject = f"Overdue statutory step: {referral.reference}"
        opening = f"A statutory step for {referral.reference} was due on {due} and is not recorded as done."
    else:
        subject = f"Statutory step due {due}: {referral.reference}"
        opening = f"A statutory step for {referral.reference} is due on {due}."
    _send(
        str(p.secretariat_email),
        subject,
        f"{opening}\n\nStep: {clock.title}\n"
        f"Time limit: {clock.limit_text}\n"
        f"Source: {source_text(p, clock.source)}\n\n"
        "When it is done, record the date on the case tracker:\n\n"
        + _external("meetings.tracker", _anchor=f"referral-{referral.id}")
        + _signature(),
    )
