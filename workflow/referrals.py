"""Referrals: drafts kept for referrers without accounts, submission, reference numbers.

The referrer says who they are (partnership.yaml ``referrers``: a partner agency's
professional, and where the partnership accepts them a volunteer or a family member),
proves one e-mail address with a one-time code, fills the form page by page (answers
kept in a draft that can be resumed from an e-mailed link), and submits. An address at
one of the partnership's ``referrer_email_domains`` is the fast path for partner agencies;
anyone else's referral arrives marked for the business unit to confirm. Submitting turns
the draft into a referral with a reference like ``RED-2026-0007`` exactly once, however
often it is clicked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from partnerships import Partnership
from partnerships.model import (
    OTHER_REVIEW_TYPE_LABELS,
    REFERRER_KIND_CHOICES,
    REFERRER_KIND_WORDS,
    Forwarded,
)
from storage import audit
from storage.db import Session, utcnow
from storage.models import (
    Decision,
    FormDefinitionVersion,
    InformationRequest,
    ReferenceCounter,
    Referral,
    ReferralDraft,
)
from workflow.working_days import LONDON

CODE_LIFETIME = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5
INFORMATION_REQUEST_LIFETIME = timedelta(days=28)

STATUSES = {
    "received": "Received",
    "information_requested": "More information requested",
    "screening": "Screening",
    "on_agenda": "On an agenda",
    "decided": "Decided",
    "closed": "Closed",
    # Sent on to the body that screens its review type (partnership.yaml ``forwarded``).
    "forwarded": "Forwarded",
}
# A referral in one of these has gone before a panel: it is not forwarded any more.
NOT_FORWARDABLE_STATUSES = ("on_agenda", "decided", "closed")


class ReferralError(ValueError):
    """Something the referrer or the business unit must put right; the message says what.

    ``field`` names the form field the message belongs to, where there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _code_hash(secret_key: str, draft_id: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{draft_id}:{code}".encode(), hashlib.sha256).hexdigest()


# -- definition snapshots ---------------------------------------------------------------


def snapshot_definition(form_id: str, version: int, definition: dict[str, Any]) -> FormDefinitionVersion:
    """The stored snapshot of this definition, created the first time it is used."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    found = Session.scalar(
        select(FormDefinitionVersion).where(
            FormDefinitionVersion.form_id == form_id,
            FormDefinitionVersion.version == version,
            FormDefinitionVersion.sha256 == digest,
        )
    )
    if found:
        return found
    row = FormDefinitionVersion(
        form_id=form_id, version=version, sha256=digest, definition=json.loads(canonical)
    )
    Session.add(row)
    try:
        Session.flush()
    except IntegrityError:  # made at the same moment by another request
        Session.rollback()
        return snapshot_definition(form_id, version, definition)
    return row


# -- drafts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCode:
    draft: ReferralDraft
    code: str


# Anything that makes the text more than one bare address: spaces and line breaks, list
# separators, a display name's angle brackets.
_NOT_ONE_ADDRESS = re.compile(r"[\s,;<>]")


def one_address(text: str | None) -> str:
    """Exactly one e-mail address, lower case; ReferralError (field "email") otherwise.

    No lists ("a@x.org, b@y.org"), no display names ("Bob <bob@x.org>"), no line breaks,
    no quoted local parts or IP-address domains: the code goes to this address and the
    partner-agency check reads its domain, so it must be one address and nothing else.
    """
    text = (text or "").strip()
    if not text:
        raise ReferralError("Enter your e-mail address", "email")
    if _NOT_ONE_ADDRESS.search(text) or text.count("@") != 1:
        raise ReferralError(
            "Enter one e-mail address only, like name@example.org, with no name, spaces "
            "or second address",
            "email",
        )
    try:
        result = validate_email(
            text,
            check_deliverability=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as exc:
        raise ReferralError(
            "Enter an e-mail address in the correct format, like name@example.org", "email"
        ) from exc
    return result.normalized.lower()


def referrer_kinds(partnership: Partnership) -> dict[str, str]:
    """The answers "Who are you?" offers: the kinds the partnership accepts, as labels."""
    return {k: REFERRER_KIND_CHOICES[k] for k in partnership.referrers.accepted}


def _kind_choice(kind: str) -> str:
    return "‘" + REFERRER_KIND_CHOICES[kind] + "’"


def partner_address_message(partnership: Partnership) -> str:
    """Said to someone claiming to be at a partner agency whose address is not at one of its
    domains: use the work address, or choose another kind the partnership accepts, or write
    to the business unit."""
    like = "name@" + partnership.referrer_email_domains[0]
    others = [k for k in partnership.referrers.accepted if k != "partner"]
    unit = f"the business unit at {partnership.secretariat_email}"
    if not others:
        return (
            f"Use your work e-mail address at a partner agency, like {like}. If you are not "
            f"at a partner agency, contact {unit}"
        )
    choose = " or ".join(_kind_choice(k) for k in others)
    return (
        f"Use your work e-mail address at a partner agency, like {like}, or choose {choose} "
        f"if that is who you are. If neither fits, contact {unit}"
    )


def not_accepted_message(partnership: Partnership) -> str:
    """Said to someone the partnership does not take referrals from through the form."""
    kinds = [REFERRER_KIND_WORDS[k] for k in partnership.referrers.accepted]
    words = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    only = "only " if len(kinds) == 1 else ""
    return (
        f"{partnership.short_name} takes referrals through this form {only}from {words}. "
        f"Contact the business unit at {partnership.secretariat_email} to tell them about "
        "the case"
    )


def referrer_kind_for(partnership: Partnership, address: str, kind: str | None) -> str:
    """Who the referrer is, as the partnership accepts them; ReferralError otherwise.

    No answer means a partner agency's professional (the question is not asked where the
    partnership accepts no one else). A partner agency's professional must use an address
    at one of its domains: that is what spares their referral the business unit's check.
    """
    kind = kind or "partner"
    if kind not in REFERRER_KIND_CHOICES or not partnership.referrers.accepts(kind):
        raise ReferralError(not_accepted_message(partnership), "kind")
    if kind == "partner" and not partnership.email_domain_allowed(address):
        raise ReferralError(partner_address_message(partnership), "email")
    return kind


def start_draft(
    partnership: Partnership,
    email: str,
    *,
    form_id: str,
    secret_key: str,
    retention_days: int,
    kind: str | None = None,
) -> NewCode:
    """Begin a referral for ``email`` by a referrer of ``kind`` (partnership.yaml
    ``referrers``; None for a partner agency's professional) and make the one-time code
    to send to the address."""
    email = one_address(email)
    kind = referrer_kind_for(partnership, email, kind)
    now = utcnow()
    draft = ReferralDraft(
        id=str(uuid.uuid4()),
        email=email,
        referrer_kind=kind,
        form_id=form_id,
        answers={},
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=retention_days),
    )
    Session.add(draft)
    code = new_code(draft, secret_key)
    return NewCode(draft, code)


def new_code(draft: ReferralDraft, secret_key: str) -> str:
    """A fresh six-digit code for ``draft`` (the previous one stops working)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    draft.code_hash = _code_hash(secret_key, draft.id, code)
    draft.code_expires_at = utcnow() + CODE_LIFETIME
    draft.code_attempts = 0
    Session.commit()
    return code


def verify_code(draft: ReferralDraft, code: str, secret_key: str) -> None:
    """Confirm the e-mail address; raises ReferralError with what to do when it fails."""
    code = "".join(code.split())
    if not code:
        raise ReferralError("Enter the security code")
    if draft.code_hash is None or draft.code_attempts >= MAX_CODE_ATTEMPTS:
        raise ReferralError("You have entered the code too many times. Ask for a new code")
    expires = _aware(draft.code_expires_at)
    if expires is None or expires < utcnow():
        raise ReferralError("The security code has expired. Ask for a new code")
    if not code.isdigit() or len(code) != 6:
        raise ReferralError("Enter the security code in the correct format, like 123456")
    draft.code_attempts += 1
    if not hmac.compare_digest(draft.code_hash, _code_hash(secret_key, draft.id, code)):
        Session.commit()
        raise ReferralError("The security code is not correct. Check the e-mail and try again")
    draft.code_hash = None
    draft.email_verified_at = utcnow()
    Session.commit()


def live_draft(draft_id: str | None) -> ReferralDraft | None:
    """The draft with this id if it exists, has not expired and has not been submitted."""
    if not draft_id:
        return None
    draft = Session.get(ReferralDraft, draft_id)
    if draft is None or draft.referral_id is not None:
        return None
    expires = _aware(draft.expires_at)
    if expires is None or expires < utcnow():
        return None
    return draft


def save_answers(draft: ReferralDraft, answers: dict[str, Any], retention_days: int) -> None:
    """Keep the answers so far; saving pushes the expiry ``retention_days`` ahead."""
    now = utcnow()
    draft.answers = dict(answers)
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=retention_days)
    Session.commit()


def resume_token(draft: ReferralDraft, secret_key: str) -> str:
    """A link token for the draft. Making a new one stops the previous link working."""
    draft.resume_nonce = secrets.token_urlsafe(16)
    Session.commit()
    return URLSafeSerializer(secret_key, salt="referral-resume").dumps(
        {"d": draft.id, "n": draft.resume_nonce}
    )


def draft_from_resume_token(token: str, secret_key: str) -> ReferralDraft | None:
    try:
        data = URLSafeSerializer(secret_key, salt="referral-resume").loads(token)
    except BadSignature:
        return None
    draft = live_draft(data.get("d"))
    if draft is None or not draft.resume_nonce:
        return None
    if not hmac.compare_digest(draft.resume_nonce, str(data.get("n", ""))):
        return None
    return draft


def purge_expired_drafts(now: datetime | None = None) -> int:
    """Delete drafts past their expiry with everything in them; returns how many."""
    now = now or utcnow()
    result = Session.execute(
        delete(ReferralDraft).where(
            ReferralDraft.expires_at < now, ReferralDraft.referral_id.is_(None)
        )
    )
    Session.commit()
    return result.rowcount or 0


# -- references and submission -----------------------------------------------------------


def allocate_reference(prefix: str, year: int) -> str:
    """The next reference for ``prefix`` in ``year``, e.g. RED-2026-0007.

    The counter row is incremented with one UPDATE, which the database serialises, so
    two submissions at the same instant get different numbers; the unique constraint on
    ``referrals.reference`` is the last line of defence.
    """
    for _ in range(5):
        result = Session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1)
            .returning(ReferenceCounter.last)
        )
        number = result.scalar_one_or_none()
        if number is not None:
            return f"{prefix}-{year}-{number:04d}"
        try:
            with Session.begin_nested():
                Session.execute(insert(ReferenceCounter).values(prefix=prefix, year=year, last=0))
        except IntegrityError:
            pass  # another submission created the counter first: go round again
    raise RuntimeError("could not allocate a reference number")


@dataclass(frozen=True)
class ReferralFacts:
    """What the log shows of a referral, taken from its answers."""

    review_types: list[str]
    referrer_name: str | None
    referring_agency: str | None


def create_referral(
    partnership: Partnership,
    *,
    answers: dict[str, Any],
    facts: ReferralFacts,
    snapshot: FormDefinitionVersion,
    referrer_email: str,
    source: str = "web",
    recorded_by_id: int | None = None,
    referrer_kind: str | None = None,
) -> Referral:
    """A new referral. One from anyone but a partner agency's professional (a volunteer,
    a family member) is marked for the business unit to confirm."""
    now = utcnow()
    referral = Referral(
        referrer_kind=referrer_kind,
        needs_confirmation=referrer_kind not in (None, "partner"),
        reference=allocate_reference(partnership.reference_prefix, now.year),
        definition_version_id=snapshot.id,
        answers=answers,
        review_types=facts.review_types,
        referrer_email=referrer_email,
        referrer_name=facts.referrer_name,
        referring_agency=facts.referring_agency,
        source=source,
        recorded_by_id=recorded_by_id,
        received_at=now,
    )
    Session.add(referral)
    Session.flush()
    return referral


def submit_draft(
    partnership: Partnership,
    draft_id: str,
    *,
    facts: ReferralFacts,
    snapshot: FormDefinitionVersion,
) -> tuple[Referral, bool]:
    """Turn the draft into a referral; returns (referral, created_now).

    A second submit of the same draft (a double click, a resent form) returns the
    referral the first one made. The draft row is locked while this runs.
    """
    draft = Session.scalar(
        select(ReferralDraft).where(ReferralDraft.id == draft_id).with_for_update()
    )
    if draft is None:
        raise ReferralError("This referral has expired. Start a new referral")
    if draft.referral_id is not None:
        existing = Session.get(Referral, draft.referral_id)
        Session.commit()
        return existing, False  # type: ignore[return-value]
    if draft.email_verified_at is None:
        raise ReferralError("Confirm your e-mail address before you send the referral")
    referral = create_referral(
        partnership,
        answers=draft.answers,
        facts=facts,
        snapshot=snapshot,
        referrer_email=draft.email,
        referrer_kind=draft.referrer_kind,
    )
    draft.referral_id = referral.id
    # Nothing personal stays in the draft once it has become a referral.
    draft.answers = {}
    Session.commit()
    return referral, True


def confirm_referral(
    referral: Referral,
    *,
    by_id: int,
    ip: str | None = None,
    route: str | None = None,
) -> None:
    """The business unit confirms a referral made from outside the partner agencies (a
    volunteer's, a family member's): who confirmed it and when are kept, and audited."""
    if not referral.needs_confirmation:
        raise ReferralError(
            f"Referral {referral.reference} came from a partner agency: it needs no confirmation"
        )
    if referral.confirmed_at is not None:
        raise ReferralError(f"Referral {referral.reference} was confirmed already")
    referral.confirmed_at = utcnow()
    referral.confirmed_by_id = by_id
    audit.record(
        actor=f"user:{by_id}",
        user_id=by_id,
        action="confirm_referral",
        object_type="referral",
        object_id=referral.id,
        ip=ip,
        route=route,
        detail={"referrer_kind": referral.referrer_kind},
        commit=False,
    )
    Session.commit()


def referred_by(referral: Referral) -> str | None:
    """"a volunteer", "a family member or friend": who referred, when not a partner agency's
    professional (None for those, and for referrals recorded before this was asked)."""
    if referral.referrer_kind in (None, "partner"):
        return None
    return REFERRER_KIND_WORDS.get(referral.referrer_kind, referral.referrer_kind)


# -- more information from the referrer ----------------------------------------------------


def request_information(referral: Referral, question: str, requested_by_id: int) -> InformationRequest:
    question = question.strip()
    if not question:
        raise ReferralError("Enter what you need the referrer to tell you")
    if len(question) > 5000:
        raise ReferralError("The request must be 5,000 characters or fewer")
    req = InformationRequest(
        referral=referral,
        question=question,
        requested_by_id=requested_by_id,
        nonce=secrets.token_urlsafe(16),
        expires_at=utcnow() + INFORMATION_REQUEST_LIFETIME,
    )
    Session.add(req)
    if referral.status == "received":
        referral.status = "information_requested"
    Session.commit()
    return req


def information_token(req: InformationRequest, secret_key: str) -> str:
    return URLSafeSerializer(secret_key, salt="referral-information").dumps(
        {"r": req.id, "n": req.nonce}
    )


def information_request_from_token(token: str, secret_key: str) -> InformationRequest | None:
    try:
        data = URLSafeSerializer(secret_key, salt="referral-information").loads(token)
    except BadSignature:
        return None
    req = Session.get(InformationRequest, data.get("r"))
    if req is None or not hmac.compare_digest(req.nonce, str(data.get("n", ""))):
        return None
    expires = _aware(req.expires_at)
    if req.answered_at is not None or expires is None or expires < utcnow():
        return None
    return req


def answer_information_request(req: InformationRequest, answer: str) -> None:
    answer = answer.strip()
    if not answer:
        raise ReferralError("Enter the information the business unit asked for")
    if len(answer) > 10000:
        raise ReferralError("The information must be 10,000 characters or fewer")
    req.answer = answer
    req.answered_at = utcnow()
    if req.referral.status == "information_requested":
        req.referral.status = "received"
    Session.commit()


def start_staff_draft(email: str, *, form_id: str, retention_days: int) -> ReferralDraft:
    """A draft the business unit fills in for a referral that arrived by e-mail.

    The business unit is signed in, so there is no code to confirm; the referrer's
    address need not be at an allowed domain (the referral already reached the unit).
    """
    now = utcnow()
    draft = ReferralDraft(
        id=str(uuid.uuid4()),
        email=email.strip().lower(),
        form_id=form_id,
        answers={},
        created_at=now,
        updated_at=now,
        email_verified_at=now,
        expires_at=now + timedelta(days=retention_days),
    )
    Session.add(draft)
    Session.commit()
    return draft


# -- review types no panel screens, and steps run by other bodies ---------------------------


def _review_types(referral: Referral) -> list[str]:
    """The review types a referral considered, without "not sure" and "learning"."""
    return [t for t in referral.review_types or [] if t not in OTHER_REVIEW_TYPE_LABELS]


def forwarding_target(partnership: Partnership, referral: Referral) -> Forwarded | None:
    """Where a referral goes when no panel of the partnership screens it (partnership.yaml
    ``forwarded``, e.g. a DARDR to the Community Safety Partnership), or None.

    Only when every review type it considered is forwarded, all to the same body, and none
    is screened by a panel: a referral a panel screens stays with the panel.
    """
    kinds = _review_types(referral)
    if not kinds or any(partnership.panel_for(k) is not None for k in kinds):
        return None
    targets = [partnership.forwarded.get(k) for k in kinds]  # type: ignore[call-overload]
    if any(t is None for t in targets) or len({t.to for t in targets}) != 1:  # type: ignore[union-attr]
        return None
    return targets[0]


def forward(
    partnership: Partnership,
    referral: Referral,
    *,
    by_id: int | None,
    note: str,
    ip: str | None = None,
    route: str | None = None,
) -> None:
    """Record that the referral was sent on to the body that screens its review type.

    Refused for a referral a panel screens, one already forwarded, and one that has been
    before a panel (on an agenda, decided or closed). ``ip`` and ``route`` go into the
    audit entry when a request made the change.
    """
    if referral.status == "forwarded" or referral.forwarded_at is not None:
        raise ReferralError(
            f"Referral {referral.reference} was forwarded to {referral.forwarded_to} already"
        )
    target = forwarding_target(partnership, referral)
    if target is None:
        kinds = _review_types(referral)
        panels = list(dict.fromkeys(p.name for k in kinds if (p := partnership.panel_for(k))))
        if panels:
            raise ReferralError(
                f"Referral {referral.reference} is screened by the {' and the '.join(panels)} "
                f"of {partnership.name}; it cannot be forwarded"
            )
        raise ReferralError(
            f"Referral {referral.reference} has no review type that {partnership.name} "
            "forwards; it cannot be forwarded"
        )
    decided = Session.scalar(select(Decision.id).where(Decision.referral_id == referral.id).limit(1))
    if referral.status in NOT_FORWARDABLE_STATUSES or decided is not None:
        state = "decided" if decided is not None else STATUSES[referral.status].lower()
        raise ReferralError(
            f"Referral {referral.reference} is {state}: a panel has it, so it cannot be forwarded"
        )
    note = (note or "").strip()
    if not note:
        raise ReferralError(f"Enter how and to whom at {target.to} the referral was sent", "note")
    if len(note) > 5000:
        raise ReferralError("The note must be 5,000 characters or fewer", "note")
    referral.forwarded_to = target.to
    referral.forwarded_at = utcnow()
    referral.forwarded_by_id = by_id
    referral.forwarded_note = note
    referral.status = "forwarded"
    audit.record(
        actor=f"user:{by_id}" if by_id is not None else "system",
        user_id=by_id,
        action="forward",
        object_type="referral",
        object_id=referral.id,
        ip=ip,
        route=route,
        detail={"to": target.to, "review_types": _review_types(referral)},
        commit=False,
    )
    Session.commit()


def record_rapid_review_outcome(
    partnership: Partnership,
    referral: Referral,
    *,
    outcome: str,
    on: date | None,
    by_id: int | None,
    today: date | None = None,
    ip: str | None = None,
    route: str | None = None,
) -> None:
    """Record the outcome of a child's rapid review that another body ran (partnership.yaml
    ``pathways.cspr``, e.g. Redbridge's children's partnership: "The outcome of the Rapid
    Review shared at One Panel"). Recording again replaces the outcome (a correction)."""
    step = partnership.rapid_review_by()
    if step is None or not step.panel_records_outcome:
        raise ReferralError(
            f"In {partnership.name} the panel does not record a rapid review run by another body"
        )
    if "cspr" not in (referral.review_types or []):
        raise ReferralError(
            f"Referral {referral.reference} is not a {partnership.review_label('cspr')} "
            "referral; it has no rapid review"
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ReferralError("Enter the outcome of the rapid review", "outcome")
    if len(outcome) > 10000:
        raise ReferralError("The outcome must be 10,000 characters or fewer", "outcome")
    if on is None:
        raise ReferralError("Enter the date the outcome was shared with the panel", "on")
    if on > (today or datetime.now(LONDON).date()):
        raise ReferralError("The date the outcome was shared must be today or in the past", "on")
    changed = referral.rapid_review_outcome is not None
    referral.rapid_review_outcome = outcome
    referral.rapid_review_outcome_on = on
    audit.record(
        actor=f"user:{by_id}" if by_id is not None else "system",
        user_id=by_id,
        action="record_rapid_review_outcome",
        object_type="referral",
        object_id=referral.id,
        ip=ip,
        route=route,
        detail={"run_by": step.run_by, "on": on.isoformat(), "replaced": changed},
        commit=False,
    )
    Session.commit()


# -- status ----------------------------------------------------------------------------------


def set_status(partnership: Partnership, referral: Referral, status: str) -> None:
    """Change a referral's status. A case is not closed while a statutory step is
    outstanding (``workflow.clocks.outstanding_steps``: the National Panel's and the Home
    Office's notifications, the rapid review and its clocks): the message names each."""
    if status not in STATUSES:
        raise ReferralError(f"'{status}' is not a status", "status")
    if status == "forwarded" and referral.status != "forwarded":
        raise ReferralError("Use the forwarding form to forward a referral", "status")
    if status == "closed" and referral.status != "closed":
        from workflow.clocks import outstanding_steps

        steps = outstanding_steps(partnership, referral)
        if steps:
            raise ReferralError(
                f"Referral {referral.reference} cannot be closed until each statutory step is "
                "recorded as done: " + "; ".join(steps),
                "status",
            )
    referral.status = status
    Session.commit()
