"""Objects for tests, made through the same workflow functions the service uses."""

from __future__ import annotations

from typing import Any

from flask import Flask

from storage.db import Session
from storage.models import Referral
from workflow import referrals
from workflow.demo_referrals import demo_answers


def make_referral(app: Flask, index: int = 0, **changes: Any) -> Referral:
    answers = {**demo_answers()[index], **changes}
    definition = app.extensions["form_definitions"]["referral"]
    snapshot = referrals.snapshot_definition(
        definition.id, definition.version, definition.model_dump(mode="json")
    )
    referral = referrals.create_referral(
        app.extensions["partnership"],
        answers=answers,
        facts=referrals.ReferralFacts(
            review_types=answers["review_types"],
            referrer_name=answers.get("referrer_name"),
            referring_agency=answers.get("referrer_agency"),
        ),
        snapshot=snapshot,
        referrer_email=answers["referrer_email"],
    )
    Session.commit()
    return referral


def make_screening_request(app: Flask, referral: Referral | None = None, agency_id: str = "nelft"):  # type: ignore[no-untyped-def]
    from workflow import screening

    referral = referral or make_referral(app)
    [req] = screening.send_requests(
        app.extensions["partnership"],
        referral,
        [screening.Recipient(agency_id, f"safeguarding@{agency_id}.nhs.uk")],
        sent_by_id=None,
    )
    return req
