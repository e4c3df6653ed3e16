"""Subject access (UK GDPR Art. 15): everything held about a named person, as one archive.

A person is found by name (case-insensitive, every word of the name given must be in the
name held, in any order) and, when given, date of birth. Both the subject of a referral
and the other relevant persons named in it are searched, in submitted referrals and in
unfinished drafts. For each referral found the archive holds its answers, requests for
information, screening requests and returns, decisions and actions, the original files,
and the audit entries about those records.

The archive is for the information governance lead to review and redact (third parties'
data) before anything is disclosed: README.txt in it says so.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.inspection import inspect

from storage.db import Session, utcnow
from storage.files import FileStore
from storage.models import (
    Action,
    AuditEvent,
    Decision,
    InformationRequest,
    Referral,
    ReferralDraft,
    ScreeningRequest,
    ScreeningReturn,
    StoredFile,
    TrackedReview,
)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,.'’\-]+", text.casefold()) if w]


def name_matches(query: str, held: str | None) -> bool:
    """True when every word of ``query`` is a word of ``held`` (case-insensitive)."""
    wanted = _words(query)
    have = set(_words(held or ""))
    return bool(wanted) and all(w in have for w in wanted)


@dataclass
class Match:
    """Why a record was found: who in it matched (subject or another person)."""

    role: str  # "subject" | "other_person"
    name: str


@dataclass
class SubjectAccessResult:
    name: str
    date_of_birth: date | None
    referrals: list[tuple[Referral, list[Match]]] = field(default_factory=list)
    drafts: list[tuple[ReferralDraft, list[Match]]] = field(default_factory=list)

    @property
    def referral_ids(self) -> list[int]:
        return [r.id for r, _ in self.referrals]


def _people(answers: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(role, name, date of birth) of everyone a referral's answers name."""
    people = []
    subject = " ".join(
        str(answers.get(k) or "") for k in ("subject_first_name", "subject_last_name")
    ).strip()
    dob = answers.get("subject_date_of_birth")
    if subject:
        people.append(("subject", subject, dob))
    if answers.get("subject_other_names"):
        people.append(("subject", str(answers["subject_other_names"]), dob))
    if answers.get("next_of_kin_name"):
        # Version 2 of the referral form asks for the next of kin on a page of its own.
        people.append(
            ("other_person", str(answers["next_of_kin_name"]), answers.get("next_of_kin_date_of_birth"))
        )
    for person in answers.get("other_persons") or []:
        if isinstance(person, dict) and person.get("name"):
            people.append(("other_person", str(person["name"]), person.get("date_of_birth")))
    return people


def _matches(answers: dict[str, Any], name: str, dob: date | None) -> list[Match]:
    found = []
    for role, held, held_dob in _people(answers or {}):
        if not name_matches(name, held):
            continue
        # A different date of birth rules a record out; a missing one does not.
        if dob and held_dob and str(held_dob) != dob.isoformat():
            continue
        found.append(Match(role, held))
    return found


def find(name: str, date_of_birth: date | None = None) -> SubjectAccessResult:
    """Every referral and draft naming the person (as subject or other relevant person)."""
    result = SubjectAccessResult(name=name, date_of_birth=date_of_birth)
    # Answers are JSON: matched here in Python, the same on SQLite and PostgreSQL.
    for referral in Session.scalars(select(Referral).order_by(Referral.id)):
        found = _matches(referral.answers, name, date_of_birth)
        if found:
            result.referrals.append((referral, found))
    for draft in Session.scalars(
        select(ReferralDraft).where(ReferralDraft.referral_id.is_(None)).order_by(ReferralDraft.created_at)
    ):
        found = _matches(draft.answers, name, date_of_birth)
        if found:
            result.drafts.append((draft, found))
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# Columns that are secrets or link material, never put in an archive.
_LEFT_OUT = {"link_nonce", "nonce", "code_hash", "resume_nonce"}


def _row(obj: Any) -> dict[str, Any]:
    return {
        c.key: _plain(getattr(obj, c.key))
        for c in inspect(obj).mapper.column_attrs
        if c.key not in _LEFT_OUT
    }


README = """Subject access export
=====================

Made: {made}
Searched for: the name and date of birth entered by the administrator (recorded with
this export in the service's audit log, entry {audit_id}).

subject-access.json   every referral and unfinished draft that names the person, as the
                      subject or as another relevant person ("matched_as" says which), with
                      requests for information, screening requests and returns, decisions,
                      actions, the files held and the audit entries about these records.
files/                the original files (screening returns sent as PDFs), named by
                      referral reference and record id; the names they were uploaded with
                      are in subject-access.json.

Before disclosing anything: these records also hold personal data about other people
(family members, professionals). Review and redact third-party information, and apply any
exemption (Data Protection Act 2018, Schedule 2 and 3), before sending this to anyone.
This archive holds special-category personal data: store and send it securely, and
delete it when the request is answered.
"""


def build_archive(result: SubjectAccessResult, store: FileStore, *, audit_id: int | None = None) -> bytes:
    """The ZIP archive for ``result``: README.txt, subject-access.json and files/."""
    referral_ids = result.referral_ids
    requests = list(
        Session.scalars(
            select(ScreeningRequest).where(ScreeningRequest.referral_id.in_(referral_ids)).order_by(ScreeningRequest.id)
        )
    ) if referral_ids else []
    request_ids = [r.id for r in requests]
    returns = list(
        Session.scalars(select(ScreeningReturn).where(ScreeningReturn.request_id.in_(request_ids)))
    ) if request_ids else []
    file_ids = [r.file_id for r in returns if r.file_id]
    files = {
        f.id: f for f in Session.scalars(select(StoredFile).where(StoredFile.id.in_(file_ids)))
    } if file_ids else {}

    def _related(model: Any, column: Any) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        if referral_ids:
            for row in Session.scalars(select(model).where(column.in_(referral_ids))):
                out.setdefault(row.referral_id, []).append(_row(row))
        return out

    info = _related(InformationRequest, InformationRequest.referral_id)
    decisions = _related(Decision, Decision.referral_id)
    actions = _related(Action, Action.referral_id)
    tracked = _related(TrackedReview, TrackedReview.referral_id)

    keys = [("referral", str(i)) for i in referral_ids]
    keys += [("screening_request", str(i)) for i in request_ids]
    keys += [("screening_return", str(r.id)) for r in returns]
    keys += [("stored_file", str(i)) for i in files]
    audit: list[dict[str, Any]] = []
    if keys:
        clauses = [and_(AuditEvent.object_type == t, AuditEvent.object_id == i) for t, i in keys]
        for start in range(0, len(clauses), 200):
            audit += [
                _row(e)
                for e in Session.scalars(
                    select(AuditEvent).where(or_(*clauses[start : start + 200])).order_by(AuditEvent.id)
                )
            ]

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        records = []
        for referral, matched in result.referrals:
            entry = _row(referral)
            entry["matched_as"] = [m.__dict__ for m in matched]
            entry["information_requests"] = info.get(referral.id, [])
            entry["decisions"] = decisions.get(referral.id, [])
            entry["actions"] = actions.get(referral.id, [])
            entry["tracked_reviews"] = tracked.get(referral.id, [])
            entry["screening"] = []
            for req in (r for r in requests if r.referral_id == referral.id):
                item = _row(req)
                ret = req.screening_return
                item["return"] = _row(ret) if ret else None
                if ret and ret.file_id and ret.file_id in files:
                    stored = files[ret.file_id]
                    # Internal names only: an uploaded name never becomes a path (zip slip).
                    arcname = f"files/{referral.reference}/screening-return-{ret.id}.pdf"
                    archive.writestr(arcname, store.get(stored.key))
                    item["return"]["file"] = {**_row(stored), "in_archive": arcname}
                entry["screening"].append(item)
            records.append(entry)
        drafts = [
            {**_row(d), "matched_as": [m.__dict__ for m in matched]} for d, matched in result.drafts
        ]
        document = {
            "made_at": utcnow().isoformat(),
            "referrals": records,
            "unfinished_drafts": drafts,
            "audit_entries": audit,
        }
        archive.writestr(
            "subject-access.json", json.dumps(document, indent=2, ensure_ascii=False, default=str)
        )
        archive.writestr("README.txt", README.format(made=utcnow().isoformat(), audit_id=audit_id or "-"))
    return buffer.getvalue()
