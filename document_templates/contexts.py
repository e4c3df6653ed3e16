"""The context contract of each standard template: which variables it is given.

``DEMO_CONTEXTS[name]`` is a complete, realistic (fictional) context for the template
``templates/<name>``; its top-level keys are the variables the template may use, and the
values show the shape expected (nested mappings, lists of mappings). Whoever renders a
template provides at least these keys. ``CONTRACTS[name]`` is the set of those keys.

All people, places and references below are invented.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

from document_templates.render import Image

__all__ = ["CONTRACTS", "DEMO_CONTEXTS", "DEFAULT_DHR_LABEL", "THINK_FAMILY_STATEMENT"]

THINK_FAMILY_STATEMENT = (
    "As a One Panel we are committed to enhancing a Think Family approach in our practice by "
    "utilising and embedding our learning using a whole family approach"
)

# Renamed "Domestic Abuse Related Death Review" by the Victims and Prisoners Act 2024;
# each partnership chooses the label it uses.
DEFAULT_DHR_LABEL = "Domestic Homicide Review"

_PARTNERSHIP: dict[str, str] = {
    "name": "Northbridge Safeguarding Partnership",
    "address": "Civic Centre, 1 Market Square, Northbridge NB1 2AB",
    "telephone": "01632 960 321",
    "email": "onepanel@northbridge-safeguarding.example.org",
}

_SENDER: dict[str, str] = {
    "name": "Priya Raman",
    "role": "Partnership Business Manager",
    "email": "priya.raman@northbridge-safeguarding.example.org",
    "telephone": "01632 960 327",
}

_PANEL = "Northbridge One Panel"


def _demo_png(width: int = 60, height: int = 12) -> bytes:
    """A small blue bar as a PNG: the stand-in for a chart in the demo data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x1d\x70\xb8" * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


_DEMO_CHART = Image(_demo_png(), 120, "Bar chart; the figures are in the table below it.")

_LETTER: dict[str, Any] = {
    "partnership": _PARTNERSHIP,
    "panel_name": _PANEL,
    "sender": _SENDER,
    "letter_date": "14 March 2025",
}

_MEETING: dict[str, str] = {
    "date": "Thursday 13 March 2025",
    "time": "10:00 to 12:30",
    "venue": "Committee Room 2, Civic Centre, and Microsoft Teams",
}

DEMO_CONTEXTS: dict[str, dict[str, Any]] = {
    "outcome_referrer.docx": {
        **_LETTER,
        "reference": "OP-2025-0042",
        "recipient": {
            "name": "Daniel O'Connor",
            "role": "Senior Social Worker",
            "organisation": "Northbridge Adult Social Care",
            "address": "Adult Social Care, Civic Centre\n1 Market Square\nNorthbridge NB1 2AB",
            "salutation": "Mr O'Connor",
        },
        "referral_date": "3 February 2025",
        "subject_name": "Margaret Ellis",
        "meeting_date": "13 March 2025",
        "decision": "The panel recommends a Safeguarding Adults Review under section 44 of the "
        "Care Act 2014, led by an independent reviewer.",
        "rationale": "Mrs Ellis had needs for care and support, she died and neglect is suspected "
        "to have contributed to her death, and there is reasonable cause for concern about how "
        "agencies worked together after her discharge from hospital.",
        "next_steps": [
            "The recommendation goes to the independent chair of the Safeguarding Adults Board "
            "for agreement.",
            "The business unit will commission an independent reviewer and write to the agencies "
            "involved.",
            "You may be invited to a practitioner learning event; we will contact you about this.",
        ],
    },
    "outcome_board_chair.docx": {
        **_LETTER,
        "reference": "OP-2025-0042",
        "recipient": {
            "name": "Professor Helen Whitfield",
            "role": "Independent Chair",
            "organisation": "Northbridge Safeguarding Adults Board",
            "address": "c/o Partnership Business Unit\nCivic Centre, 1 Market Square\nNorthbridge NB1 2AB",
            "salutation": "Professor Whitfield",
        },
        "board_name": "Northbridge Safeguarding Adults Board",
        "subject_name": "Margaret Ellis",
        "meeting_date": "13 March 2025",
        "quoracy_statement": "The meeting was quorate: health, children's social care, adult "
        "social care, community safety and the police were represented.",
        "recommendation": "Statutory Safeguarding Adults Review",
        "review_type_label": "Safeguarding Adults Review (SAR)",
        "statutory_basis": "Care Act 2014, section 44(1)–(3)",
        "methodology": "Reflective learning session (multi-agency practitioner event) with an "
        "independent reviewer",
        "lead_process": "SAR leads; no other review type is engaged",
        "rationale": "Mrs Ellis, aged 84, had needs for care and support. She died on 12 January "
        "2025 and neglect is suspected to have contributed to her death. Information from five "
        "agencies shows missed opportunities to share concerns after her hospital discharge.",
        "methodology_reason": "Practitioners are available and willing to take part, and the "
        "learning concerns how agencies shared information, which a practitioner event explores "
        "well and quickly.",
        "ratification_due_date": "28 March 2025",
    },
    "home_office_dhr_notification.docx": {
        **_LETTER,
        "reference": "DHR-2025-003",
        "dhr_label": DEFAULT_DHR_LABEL,
        "recipient": {
            "name": "Domestic Homicide Review Team",
            "role": "Interpersonal Abuse Unit",
            "organisation": "Home Office",
            "address": "2 Marsham Street\nLondon SW1P 4DF",
            "salutation": "Colleagues",
        },
        "csp_name": "Safer Northbridge Partnership",
        "victim_pseudonym": "Amira",
        "victim_age": "34",
        "date_of_death": "2 December 2024",
        "csp_notified_date": "9 December 2024",
        "decision_date": "13 March 2025",
        "decision": "To hold a review",
        "decision_to_hold": True,
        "independent_chair": "Jonathan Blake",
        "rationale": "Amira died as a result of violence by her former partner, with whom she "
        "had lived. The death meets the criteria in section 9 of the Act. Several agencies were "
        "in contact with Amira and her children in the year before her death.",
    },
    "national_panel_cspr_notification.docx": {
        **_LETTER,
        "reference": "CSPR-2025-007",
        "recipient": {
            "name": "The Chair",
            "role": "Child Safeguarding Practice Review Panel",
            "organisation": "National Child Safeguarding Practice Review Panel",
            "address": "Sanctuary Buildings\nGreat Smith Street\nLondon SW1P 3BT",
            "salutation": "Chair",
        },
        "local_authority": "Northbridge",
        "child_pseudonym": "Child L",
        "child_age": "7 months",
        "incident_date": "20 January 2025",
        "notification_date": "24 January 2025",
        "rapid_review_date": "6 February 2025",
        "decision": "A local child safeguarding practice review will be undertaken",
        "methodology": "Appreciative inquiry with a multi-agency practitioner event",
        "rationale": "The rapid review found that the case may highlight improvements needed in "
        "how pre-birth assessments are shared between midwifery, health visiting and children's "
        "social care, a theme also seen in two recent local reviews.",
        "safeguarding_partners": [
            "Northbridge City Council (Director of Children's Services)",
            "NHS North Midlands Integrated Care Board",
            "Midshire Police",
        ],
        "copies_to": ["Department for Education", "Ofsted"],
    },
    "screening_request_letter.docx": {
        **_LETTER,
        "reference": "OP-2025-0042",
        "recipient": {
            "name": "Sarah Kaur",
            "role": "Named Nurse for Safeguarding Adults",
            "organisation": "Northbridge Community Health NHS Trust",
            "address": "Trust Headquarters, Riverside House\nNorthbridge NB3 7QT",
            "salutation": "Ms Kaur",
        },
        "review_type_label": "Safeguarding Adults Review",
        "subject_name": "Margaret Ellis",
        "subject_dob": "4 June 1940",
        "subject_address": "Flat 3, Willow Court, Northbridge NB4 1CD",
        "family_members": [
            {"name": "Peter Ellis", "relationship": "Son (next of kin)", "dob": "18 October 1966"},
            {"name": "Joanne Ellis", "relationship": "Daughter-in-law", "dob": "2 March 1969"},
        ],
        "deadline_date": "21 February 2025",
        "working_days": "10",
        "meeting_date": "13 March 2025",
        "return_link": "https://onepanel.northbridge-safeguarding.example.org/r/7Hq2-Kx9P",
    },
    "agenda.docx": {
        "partnership": _PARTNERSHIP,
        "panel_name": _PANEL,
        "meeting": _MEETING,
        "chair_name": "Detective Superintendent Mark Hughes, Midshire Police",
        "think_family_statement": THINK_FAMILY_STATEMENT,
        "items": [
            {
                "number": "1",
                "title": "Welcome, apologies and declarations of interest",
                "lead": "Chair",
                "time": "10:00",
                "papers": "—",
            },
            {
                "number": "2",
                "title": "Think Family statement",
                "lead": "Chair",
                "time": "10:05",
                "papers": "—",
            },
            {
                "number": "3",
                "title": "Matters arising and action log",
                "lead": "Chair",
                "time": "10:10",
                "papers": "Paper A",
            },
            {
                "number": "4",
                "title": "Case tracker review",
                "lead": "Business Manager",
                "time": "10:20",
                "papers": "Paper B",
            },
            {
                "number": "5",
                "title": "New referral OP-2025-0042 (adult, SAR considered)",
                "lead": "Adult Social Care",
                "time": "10:40",
                "papers": "Paper C",
            },
            {
                "number": "6",
                "title": "Panel business: exception reports, action plan sign-off, "
                "single agency reviews",
                "lead": "Chair",
                "time": "11:40",
                "papers": "Paper D",
            },
            {
                "number": "7",
                "title": "Learning from the National Panel",
                "lead": "Business Manager",
                "time": "12:15",
                "papers": "Paper E",
            },
        ],
        "papers_circulated_date": "6 March 2025",
        "next_meeting_date": "Thursday 10 April 2025",
    },
    "minutes.docx": {
        "partnership": _PARTNERSHIP,
        "panel_name": _PANEL,
        "meeting": _MEETING,
        "attendees": [
            {
                "name": "Mark Hughes",
                "role": "Chair; Detective Superintendent",
                "agency": "Midshire Police",
                "status": "Present",
            },
            {
                "name": "Dr Aisha Bello",
                "role": "Designated Nurse",
                "agency": "NHS North Midlands ICB",
                "status": "Present",
            },
            {
                "name": "Tom Fraser",
                "role": "Head of Service",
                "agency": "Adult Social Care",
                "status": "Present",
            },
            {
                "name": "Lucy Grant",
                "role": "Service Manager (deputy)",
                "agency": "Children's Social Care",
                "status": "Deputy",
            },
            {
                "name": "Owen Price",
                "role": "Community Safety Manager",
                "agency": "Safer Northbridge Partnership",
                "status": "Apologies",
            },
        ],
        "quoracy_statement": "The meeting was quorate for all items: the local authority, the "
        "integrated care board and the police were represented.",
        "think_family_statement": THINK_FAMILY_STATEMENT,
        "declarations": [
            {
                "member": "Tom Fraser",
                "agency": "Adult Social Care",
                "item": "5",
                "interest": "Line-managed the allocated social worker",
                "ruling": "Took part in the discussion; did not take part in the decision",
            },
        ],
        "decisions": [
            {
                "item": "5",
                "reference": "OP-2025-0042",
                "recommendation": "Statutory SAR",
                "rationale": "Care Act s44 criteria met: death, suspected neglect, concerns about "
                "joint working.",
                "vote": "Consensus",
            },
        ],
        "actions": [
            {
                "number": "25/01",
                "action": "Send the recommendation to the SAB chair for ratification",
                "owner": "Business Manager",
                "due": "17 March 2025",
                "status": "Open",
            },
            {
                "number": "25/02",
                "action": "Ask the community health trust for its internal review "
                "terms of reference",
                "owner": "Dr Aisha Bello",
                "due": "28 March 2025",
                "status": "Open",
            },
        ],
        "next_meeting_date": "Thursday 10 April 2025",
    },
    "pack_master.docx": {
        "partnership": _PARTNERSHIP,
        "panel_name": _PANEL,
        "pack_title": "Meeting papers",
        "meeting": _MEETING,
        "circulated_date": "6 March 2025",
        "recipient_name": "Dr Aisha Bello",
    },
    "annual_review.docx": {
        "partnership": {"name": _PARTNERSHIP["name"]},
        "panel_name": _PANEL,
        "year": "2024",
        "period": "1 January 2024 to 31 December 2024",
        "total": "23",
        "prepared_date": "14 March 2025",
        "notes": [
            "Counts from 1 to 4 are shown as fewer than 5, so that no one can be identified.",
            "The outcome is the recommendation of the latest decision on the referral.",
        ],
        "sections": [
            {
                "title": "Referrals by review type considered",
                "summary": "A referral may ask the panel to consider more than one review.",
                "image": _DEMO_CHART,
                "heading": "Review type",
                "columns": ["Referrals"],
                "rows": [
                    {"label": "Safeguarding Adults Review", "cells": ["12"]},
                    {"label": "Domestic Homicide Review", "cells": ["fewer than 5"]},
                ],
            },
            {
                "title": "Age band against outcome",
                "summary": "The subject's age at the incident or death.",
                "image": _DEMO_CHART,
                "heading": "Age band",
                "columns": ["Statutory Safeguarding Adults Review", "No further action", "Total"],
                "rows": [
                    {"label": "65 to 74", "cells": ["6", "0", "6"]},
                    {"label": "75 and over", "cells": ["fewer than 5", "7", "9"]},
                ],
            },
        ],
    },
}

CONTRACTS: dict[str, frozenset[str]] = {
    name: frozenset(context) for name, context in DEMO_CONTEXTS.items()
}
