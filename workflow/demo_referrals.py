"""Fictional referrals for the demo. Every person, address and event here is invented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import Flask

from storage.db import Session
from workflow import referrals
from workflow.working_days import add_working_days


def _iso(d: date) -> str:
    return d.isoformat()


def demo_answers(today: date | None = None) -> list[dict[str, Any]]:
    """Three referrals as a referrer would have filled the form."""
    today = today or date.today()
    return [
        {
            "referral_date": _iso(today - timedelta(days=12)),
            "review_types": ["sar"],
            "reason_summary": (
                "Mr Ellis, 78, lived alone with dementia and diabetes. He was found dead at "
                "home after four missed home-care visits were not followed up. Two agencies "
                "had raised concerns about self-neglect in the previous three months."
            ),
            "incident_date_known": "date",
            "incident_date": _iso(today - timedelta(days=30)),
            "subject_died": "yes",
            "subject_first_name": "Arthur",
            "subject_last_name": "Ellis",
            "subject_date_of_birth_known": "yes",
            "subject_date_of_birth": "1948-02-14",
            "subject_gender": "Male",
            "subject_ethnicity": "White British",
            "subject_disability": "Vascular dementia; type 2 diabetes",
            "subject_nhs_number": "9434765919",
            "subject_gp": "Cranbrook Road Surgery",
            "post_mortem_result": "Awaited",
            "subject_home_address": "14 Example Close\nIlford",
            "subject_postcode": "IG1 1AA",
            "subject_housing_tenure": "social_rented",
            "next_of_kin_known": "yes",
            "next_of_kin_name": "Karen Ellis",
            "next_of_kin_relationship": "Daughter",
            "next_of_kin_address": "Lives in Essex",
            "next_of_kin_other_information": "Visited monthly; raised concerns with the GP.",
            "original_contact_subject": "Referred to adult social care by the GP in March.",
            "status_subject": ["adult_at_risk"],
            "work_summary_subject": (
                "A section 42 enquiry was opened and closed after one visit. The care "
                "provider's missed-visit alerts were not escalated."
            ),
            "partnership_working": "Information about missed visits was not shared.",
            "referrer_name": "Rita Worker",
            "referrer_agency": "NELFT",
            "referrer_role": "Named Professional Safeguarding Adults",
            "referrer_phone": "020 7946 0000",
            "referrer_email": "rita.worker@nelft.nhs.uk",
            "quality_assurance_manager": "Dev Manager",
            "internal_review": "no",
            "considerations": ["media_interest"],
        },
        {
            "referral_date": _iso(today - timedelta(days=5)),
            "review_types": ["cspr"],
            "reason_summary": (
                "A 7-month-old baby was admitted with a skull fracture and rib fractures of "
                "different ages. The family were known to early help."
            ),
            "incident_date_known": "date",
            "incident_date": _iso(today - timedelta(days=9)),
            "subject_died": "no",
            "subject_first_name": "Baby",
            "subject_last_name": "Doe",
            "subject_date_of_birth_known": "yes",
            "subject_date_of_birth": _iso(today - timedelta(days=215)),
            "subject_gender": "Female",
            "subject_home_address": "Flat 3, 2 Sample Road\nIlford",
            "subject_housing_tenure": "temporary",
            "next_of_kin_known": "yes",
            "next_of_kin_name": "Jane Doe",
            "next_of_kin_relationship": "Mother",
            "other_persons": [{"name": "John Roe", "relationship": "Mother's partner"}],
            "original_contact_subject": "Health visitor new-birth visit; early help assessment.",
            "status_subject": ["none"],
            "work_summary_subject": "Early help plan for housing and maternal mental health.",
            "partnership_working": "Housing and health visiting were not aware of each other.",
            "referrer_name": "Sam Social",
            "referrer_agency": "LB Redbridge Children's Social Care",
            "referrer_role": "Team manager",
            "referrer_phone": "020 7946 0001",
            "referrer_email": "sam.social@redbridge.gov.uk",
            "quality_assurance_manager": "Head of Service",
            "internal_review": "yes",
            "internal_review_details": "Single agency review of early help started.",
            "considerations": ["criminal_proceedings"],
        },
        {
            "referral_date": _iso(today - timedelta(days=2)),
            "review_types": ["dhr", "not_sure"],
            "reason_summary": (
                "A woman aged 34 died after an assault at home. Her former partner has been "
                "charged. There were two previous MARAC referrals."
            ),
            "incident_date_known": "date",
            "incident_date": _iso(today - timedelta(days=20)),
            "subject_died": "yes",
            "subject_first_name": "Maria",
            "subject_last_name": "Example",
            "subject_date_of_birth_known": "yes",
            "subject_date_of_birth": "1992-06-01",
            "subject_gender": "Female",
            "subject_home_address": "22 Specimen Avenue\nIlford",
            "subject_housing_tenure": "private_rented",
            "next_of_kin_known": "none_known",
            "other_persons": [{"relationship": "Former partner (charged)"}],
            "original_contact_subject": "MARAC referrals in two consecutive years.",
            "status_subject": ["none"],
            "work_summary_subject": "IDVA support offered; declined.",
            "partnership_working": "Actions from the second MARAC were not completed.",
            "referrer_name": "DS Paula Police",
            "referrer_agency": "Metropolitan Police",
            "referrer_role": "Detective Sergeant",
            "referrer_phone": "020 7946 0002",
            "referrer_email": "paula.police@met.police.uk",
            "quality_assurance_manager": "DCI Partnerships Lead",
            "internal_review": "no",
        },
    ]


def load(app: Flask) -> Iterator[str]:
    partnership = app.extensions["partnership"]
    definition = app.extensions["form_definitions"]["referral"]
    snapshot = referrals.snapshot_definition(
        definition.id, definition.version, definition.model_dump(mode="json")
    )
    for answers in demo_answers():
        referral = referrals.create_referral(
            partnership,
            answers=answers,
            facts=referrals.ReferralFacts(
                review_types=answers["review_types"],
                referrer_name=answers["referrer_name"],
                referring_agency=answers["referrer_agency"],
            ),
            snapshot=snapshot,
            referrer_email=answers["referrer_email"],
        )
        if "cspr" in answers["review_types"]:
            # The child's case runs its statutory clocks: the local authority became aware
            # the day after the incident and notified the National Panel within 3 working days.
            aware = date.fromisoformat(answers["incident_date"]) + timedelta(days=1)
            referral.la_aware_on = aware
            referral.serious_incident_notified_on = min(add_working_days(aware, 3), date.today())
        Session.commit()
        yield f"  referral {referral.reference} ({', '.join(answers['review_types'])})"


def load_screening(app: Flask) -> Iterator[str]:
    """Screening requests for the first demo referral, with two returns and a nil return."""
    from sqlalchemy import select

    from storage.models import Referral
    from workflow import screening

    partnership = app.extensions["partnership"]
    referral = Session.scalars(select(Referral).order_by(Referral.id)).first()
    if referral is None:
        return
    recipients = [
        screening.Recipient(a.id, f"safeguarding.{a.id}@example.org") for a in partnership.agencies
    ]
    made = screening.send_requests(partnership, referral, recipients, sent_by_id=None)
    d = app.extensions["form_definitions"]["screening_return"]
    snapshot = referrals.snapshot_definition(d.id, d.version, d.model_dump(mode="json"))
    returns = {
        0: [
            {"date": "2026-03-02", "event": "GP referral to adult social care", "outcome": "Assessment started"},
            {"date": "2026-05-14", "event": "Section 42 enquiry closed after one visit", "outcome": "No further action"},
        ],
        1: [
            {"date": "2026-04-03", "event": "District nurse visit: poor self-care noted", "outcome": "Raised with GP"},
            {"date": "2026-09-20", "event": "Four missed home-care visits reported", "outcome": "Not escalated"},
        ],
    }
    for n, chronology in returns.items():
        req = made[n]
        screening.submit_web_return(
            req,
            {
                "agency_name": partnership.agency(req.agency_id).name,
                "completed_by_name": "Demo Respondent",
                "completed_by_role": "Named professional",
                "subject_known": "known",
                "status": ["adult_safeguarding"],
                "chronology": chronology,
                "analysis": "Concerns were recorded but not shared with the other agencies involved.",
                "internal_review": "no",
            },
            snapshot,
        )
    screening.nil_return(
        made[2], snapshot, name="Demo Respondent", role="Safeguarding lead",
        agency_name=partnership.agency(made[2].agency_id).name,
    )
    yield f"  screening for {referral.reference}: {len(made)} requests, 2 returns, 1 nil return"
