"""Screening requests to partner agencies, their personal links, returns and reminders.

From a referral the business unit asks agencies what they knew (DOMAIN §5). Each agency
gets a personal link, signed and scoped to one request, that expires after the deadline
plus a grace period and can be revoked. The agency answers on the web, sends a nil
return, or uploads a PDF that ``ingest`` reads; a person checks what was read and accepts
it. Only accepted answers feed the briefing pack.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from partnerships import Partnership
from storage.db import Session, utcnow
from storage.files import FileStore, save_file
from storage.models import (
    FormDefinitionVersion,
    Referral,
    ScreeningRequest,
    ScreeningReturn,
    StoredFile,
)
from workflow.working_days import add_working_days, working_days_between

LONDON = ZoneInfo("Europe/London")
TOKEN_SALT = "screening-request"


class ScreeningError(ValueError):
    """Something the business unit or an agency must put right; the message says what."""


def today() -> date:
    return datetime.now(LONDON).date()


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# -- deadlines -----------------------------------------------------------------------------


def time_limit_for(partnership: Partnership, referral: Referral) -> tuple[int, str]:
    """Working days an agency has to return, and which time limit it is.

    A child's case follows the rapid-review timescale (single-agency reports within 5
    working days); a domestic homicide the DHR screening limit; otherwise the adult
    screening limit (Redbridge: 10 working days). Where another body runs the rapid review
    (partnership.yaml ``pathways``; Redbridge: the children's partnership, "outside of the
    One Panel") the panel's request is not the rapid review's return: a child's case gets
    the screening limit.
    """
    limits = partnership.time_limits
    kinds = set(referral.review_types or [])
    if "cspr" in kinds:
        run_elsewhere = partnership.rapid_review_by()
        if run_elsewhere is None:
            return limits.rapid_review_return, "rapid review return"
        if "dhr" not in kinds:
            return (
                limits.screening_return_adult,
                f"screening request (the rapid review is run by {run_elsewhere.run_by})",
            )
    if "dhr" in kinds:
        return limits.screening_return_dhr, "domestic homicide screening"
    return limits.screening_return_adult, "screening request"


def default_deadline(partnership: Partnership, referral: Referral, sent_on: date) -> date:
    days, _ = time_limit_for(partnership, referral)
    return add_working_days(sent_on, days)


def link_expiry(partnership: Partnership, deadline: date) -> datetime:
    """The end of the grace period after the deadline (23:59 London time)."""
    last_day = add_working_days(deadline, partnership.time_limits.agency_link_grace)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC)


# -- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    agency_id: str
    email: str


def send_requests(
    partnership: Partnership,
    referral: Referral,
    recipients: list[Recipient],
    *,
    sent_by_id: int | None,
    deadline: date | None = None,
    override_reason: str | None = None,
    sent_on: date | None = None,
) -> list[ScreeningRequest]:
    """Create a request for each recipient agency not already asked; returns the new ones."""
    sent_on = sent_on or today()
    computed = default_deadline(partnership, referral, sent_on)
    if deadline is not None and deadline != computed:
        if not (override_reason or "").strip():
            raise ScreeningError("Enter why the deadline is different from the time limit")
        if deadline < sent_on:
            raise ScreeningError("The deadline must be today or in the future")
    else:
        deadline, override_reason = computed, None
    if not recipients:
        raise ScreeningError("Select at least one agency")
    already = {
        r.agency_id
        for r in Session.scalars(
            select(ScreeningRequest).where(ScreeningRequest.referral_id == referral.id)
        )
    }
    made = []
    for recipient in recipients:
        if recipient.agency_id not in partnership.agency_ids:
            raise ScreeningError(f"'{recipient.agency_id}' is not a member agency")
        if recipient.agency_id in already:
            continue
        email = recipient.email.strip().lower()
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            name = partnership.agency(recipient.agency_id).name
            raise ScreeningError(f"Enter an e-mail address for {name}")
        req = ScreeningRequest(
            referral_id=referral.id,
            agency_id=recipient.agency_id,
            contact_email=email,
            sent_by_id=sent_by_id,
            deadline=deadline,
            deadline_override_reason=(override_reason or "").strip() or None,
            link_expires_at=link_expiry(partnership, deadline),
            link_nonce=secrets.token_urlsafe(16),
        )
        Session.add(req)
        made.append(req)
    if referral.status in ("received", "information_requested"):
        referral.status = "screening"
    Session.commit()
    return made


def request_token(req: ScreeningRequest, secret_key: str) -> str:
    return URLSafeSerializer(secret_key, salt=TOKEN_SALT).dumps(
        {"q": req.id, "r": req.referral_id, "a": req.agency_id, "n": req.link_nonce}
    )


@dataclass(frozen=True)
class LinkCheck:
    request: ScreeningRequest | None
    problem: str | None  # tampered | revoked | expired | None


def request_from_token(token: str, secret_key: str) -> LinkCheck:
    """The request a link is for, or why the link does not work."""
    try:
        data = URLSafeSerializer(secret_key, salt=TOKEN_SALT).loads(token)
    except BadSignature:
        return LinkCheck(None, "tampered")
    req = Session.get(ScreeningRequest, data.get("q"))
    if (
        req is None
        or req.referral_id != data.get("r")
        or req.agency_id != data.get("a")
    ):
        return LinkCheck(None, "tampered")
    if req.revoked_at is not None or not hmac.compare_digest(req.link_nonce, str(data.get("n"))):
        return LinkCheck(None, "revoked")
    expires = _aware(req.link_expires_at)
    if expires is None or expires < utcnow():
        return LinkCheck(None, "expired")
    return LinkCheck(req, None)


def request_is_open(req: ScreeningRequest) -> bool:
    """True while the agency's link may still be used (session checks this every time)."""
    expires = _aware(req.link_expires_at)
    return req.revoked_at is None and expires is not None and expires >= utcnow()


def revoke(req: ScreeningRequest) -> None:
    req.revoked_at = utcnow()
    req.link_nonce = secrets.token_urlsafe(16)
    Session.commit()


def reissue(partnership: Partnership, req: ScreeningRequest) -> None:
    """A new link for a revoked or expired request (the old one stays dead)."""
    req.revoked_at = None
    req.link_nonce = secrets.token_urlsafe(16)
    if _aware(req.link_expires_at) < utcnow():  # type: ignore[operator]
        req.deadline = max(req.deadline, today())
        req.link_expires_at = link_expiry(partnership, req.deadline)
    Session.commit()


def mark_opened(req: ScreeningRequest) -> None:
    if req.first_opened_at is None:
        req.first_opened_at = utcnow()
        Session.commit()


# -- status ---------------------------------------------------------------------------------

STATUS_LABELS = {
    "not_sent": "Not sent",
    "sent": "Sent",
    "opened": "Opened",
    "returned_web": "Returned (web)",
    "returned_pdf": "Returned (PDF)",
    "nil_return": "Nil return",
    "accepted": "Accepted",
    "overdue": "Overdue",
    "revoked": "Link revoked",
}


def status_of(req: ScreeningRequest | None, on: date | None = None) -> str:
    """One of STATUS_LABELS' keys for an agency's request."""
    if req is None:
        return "not_sent"
    ret = req.screening_return
    if ret is not None:
        if ret.source == "nil":
            return "nil_return"
        if ret.source == "web":
            return "returned_web"
        return "accepted" if ret.accepted_at is not None else "returned_pdf"
    if req.revoked_at is not None:
        return "revoked"
    if (on or today()) > req.deadline:
        return "overdue"
    return "opened" if req.first_opened_at else "sent"


def overdue_requests(on: date | None = None) -> list[ScreeningRequest]:
    on = on or today()
    rows = Session.scalars(
        select(ScreeningRequest)
        .where(ScreeningRequest.deadline < on, ScreeningRequest.revoked_at.is_(None))
        .order_by(ScreeningRequest.deadline, ScreeningRequest.id)
    ).all()
    return [r for r in rows if r.screening_return is None]


# -- returns --------------------------------------------------------------------------------


def _ensure_no_return(req: ScreeningRequest) -> None:
    if req.screening_return is not None:
        raise ScreeningError("Your agency has already sent its return for this referral")


def submit_web_return(
    req: ScreeningRequest, answers: dict[str, Any], snapshot: FormDefinitionVersion
) -> ScreeningReturn:
    _ensure_no_return(req)
    ret = ScreeningReturn(
        request=req,
        source="web",
        definition_version_id=snapshot.id,
        answers=answers,
        # Typed by the agency itself: nothing to check against a source page.
        accepted_answers=answers,
        accepted_at=utcnow(),
    )
    Session.add(ret)
    req.status = "returned"
    Session.commit()
    return ret


def nil_return(
    req: ScreeningRequest, snapshot: FormDefinitionVersion, *, name: str, role: str, agency_name: str
) -> ScreeningReturn:
    """"Not known to our service": a one-click return."""
    name, role = name.strip(), role.strip()
    if not name:
        raise ScreeningError("Enter your name")
    if not role:
        raise ScreeningError("Enter your role")
    _ensure_no_return(req)
    answers = {
        "agency_name": agency_name,
        "completed_by_name": name,
        "completed_by_role": role,
        "subject_known": "not_known",
        "status": ["none"],
    }
    ret = ScreeningReturn(
        request=req,
        source="nil",
        definition_version_id=snapshot.id,
        answers=answers,
        accepted_answers=answers,
        accepted_at=utcnow(),
    )
    Session.add(ret)
    req.status = "nil_return"
    Session.commit()
    return ret


def find_duplicate_upload(data: bytes) -> StoredFile | None:
    digest = hashlib.sha256(data).hexdigest()
    return Session.scalar(
        select(StoredFile).where(StoredFile.sha256 == digest, StoredFile.kind == "screening_return")
    )


def store_pdf_return(
    req: ScreeningRequest,
    data: bytes,
    *,
    filename: str | None,
    extraction: dict[str, Any],
    snapshot: FormDefinitionVersion,
    store: FileStore,
) -> ScreeningReturn:
    """Keep the original PDF and what was read from it, all or nothing.

    The file is written first; if the row cannot be committed, the file is removed, so a
    failed upload leaves neither a row nor a file.
    """
    _ensure_no_return(req)
    row = save_file(
        Session,
        store,
        data,
        kind="screening_return",
        content_type="application/pdf",
        original_name=filename,
        created_by=f"agency-link:{req.id}",
    )
    try:
        ret = ScreeningReturn(
            request=req,
            source="pdf",
            definition_version_id=snapshot.id,
            answers=extraction.get("answers", {}),
            file=row,
            extraction_kind=extraction.get("kind"),
            extraction=extraction,
            needs_manual_entry=bool(extraction.get("needs_manual_entry")),
            page_count=extraction.get("page_count"),
        )
        Session.add(ret)
        req.status = "returned"
        Session.commit()
    except BaseException:
        Session.rollback()
        store.delete(row.key)
        raise
    return ret


def accept_return(ret: ScreeningReturn, answers: dict[str, Any], user_id: int) -> None:
    """The business unit has checked the values against the source and accepts them."""
    ret.accepted_answers = answers
    ret.accepted_at = utcnow()
    ret.accepted_by_id = user_id
    ret.request.status = "accepted"
    Session.commit()


# -- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    request: ScreeningRequest
    kind: str  # "before_deadline" | "overdue"


def due_reminders(partnership: Partnership, on: date | None = None) -> list[Reminder]:
    """Reminders to send today; each request gets each kind at most once."""
    on = on or today()
    due = []
    rows = Session.scalars(
        select(ScreeningRequest).where(ScreeningRequest.revoked_at.is_(None))
    ).all()
    for req in rows:
        if req.screening_return is not None:
            continue
        if on > req.deadline:
            if req.overdue_notice_sent_at is None:
                due.append(Reminder(req, "overdue"))
        elif (
            req.reminder_sent_at is None
            and working_days_between(on, req.deadline) <= partnership.time_limits.screening_reminder
        ):
            due.append(Reminder(req, "before_deadline"))
    return due


def mark_reminded(reminder: Reminder) -> None:
    if reminder.kind == "overdue":
        reminder.request.overdue_notice_sent_at = utcnow()
    else:
        reminder.request.reminder_sent_at = utcnow()
    Session.commit()



def request_document_context(partnership: Partnership, req: ScreeningRequest) -> dict[str, Any]:
    """What the Word and PDF request forms print above the questions."""
    return {
        "partnership_name": partnership.name,
        "title": f"{partnership.screening_body}: screening request for information",
        "reference": req.referral.reference,
        "agency_name": partnership.agency(req.agency_id).name,
        "deadline": f"{req.deadline.day} {req.deadline:%B %Y}",
    }


# -- reading PDF returns --------------------------------------------------------------------


def ingest_fields(definition: Any) -> list[Any]:
    """The screening return's questions as ``ingest`` field specs (same labels as printed)."""
    from ingest.fields import specs_from_definition

    return specs_from_definition(definition.model_dump(mode="json"))


def extraction_record(result: Any, definition: Any) -> dict[str, Any]:
    """What ``ingest`` read, as JSON for the return row: answers to check, and per field
    the page it came from and how sure the reading is."""
    answers: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for name, value in result.values.items():
        answers[name] = value.value
        fields[name] = {"page": value.page, "confidence": value.confidence, "raw": value.raw}
    chronology = [
        {
            "date": entry.date.isoformat() if entry.date else None,
            "raw_date": entry.raw_date,
            "event": entry.event,
            "outcome": entry.outcome,
            "page": entry.page,
            "confidence": entry.confidence,
        }
        for entry in result.chronology
    ]
    if chronology:
        answers["chronology"] = [
            {"date": c["date"], "event": c["event"], "outcome": c["outcome"], "raw_date": c["raw_date"]}
            for c in chronology
        ]
    return {
        "kind": result.kind,
        "page_count": result.page_count,
        "answers": answers,
        "fields": fields,
        "chronology": chronology,
        "needs_manual_entry": result.needs_manual_entry,
        "messages": list(result.messages),
    }
