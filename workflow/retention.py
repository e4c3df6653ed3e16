"""Retention: delete what has been kept for longer than its period, rows and files.

Periods (days, from config; README "Security and data protection" lists the defaults):

- unfinished drafts: past their ``expires_at`` (``DRAFT_RETENTION_DAYS`` after last save);
- referrals that did not progress: closed with no panel decision, counted from receipt
  (``RETENTION_REFERRAL_NOT_PROGRESSED_DAYS``);
- closed referrals that had a decision, counted from the latest decision, or receipt when
  later (``RETENTION_REFERRAL_CLOSED_DAYS``);
- screening returns of closed referrals, counted from when the return was sent
  (``RETENTION_SCREENING_RETURN_DAYS``); the referral's decision keeps what it needs;
- audit entries, counted from when they were written (``RETENTION_AUDIT_DAYS``).

A referral that is still open is never deleted, whatever its age. Deleting a referral
deletes everything about it (requests, returns and their files, decisions, votes,
actions, tracked reviews); a meeting's agenda keeps its item title but loses the link.
Audit entries are append-only from the application; this is the one place that removes
them, with a bulk statement outside the ORM's guards, and only when they are past their
period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from storage.db import Session, utcnow
from storage.files import FileStore
from storage.models import (
    Action,
    AgendaItem,
    AuditEvent,
    ClockReminder,
    Decision,
    InformationRequest,
    Referral,
    ReferralDraft,
    ScreeningRequest,
    ScreeningReturn,
    StoredFile,
    TrackedReview,
    VoteRecord,
)


@dataclass(frozen=True)
class Periods:
    referral_not_progressed_days: int = 730
    referral_closed_days: int = 2190
    screening_return_days: int = 730
    audit_days: int = 2555

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Periods:
        return cls(
            referral_not_progressed_days=int(
                config.get("RETENTION_REFERRAL_NOT_PROGRESSED_DAYS", cls.referral_not_progressed_days)
            ),
            referral_closed_days=int(config.get("RETENTION_REFERRAL_CLOSED_DAYS", cls.referral_closed_days)),
            screening_return_days=int(
                config.get("RETENTION_SCREENING_RETURN_DAYS", cls.screening_return_days)
            ),
            audit_days=int(config.get("RETENTION_AUDIT_DAYS", cls.audit_days)),
        )


@dataclass
class RetentionReport:
    drafts: int = 0
    referrals_not_progressed: int = 0
    referrals_closed: int = 0
    screening_returns: int = 0
    files: int = 0
    audit_entries: int = 0
    # Store keys of the files to delete once the rows are gone (not in the counts' dict).
    file_keys: list[str] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, int]:
        out = asdict(self)
        out.pop("file_keys")
        return out


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def due(
    periods: Periods, now: datetime | None = None
) -> tuple[list[int], list[int], list[int], int, int]:
    """What is due, changing nothing: (not-progressed referral ids, closed referral ids,
    return ids of closed referrals that are kept, draft count, audit entry count)."""
    now = now or utcnow()
    decided: dict[int, datetime] = dict(
        Session.execute(
            select(Decision.referral_id, func.max(Decision.recorded_at)).group_by(Decision.referral_id)
        ).all()
    )
    not_progressed, closed = [], []
    for rid, received in Session.execute(
        select(Referral.id, Referral.received_at).where(Referral.status == "closed")
    ):
        received = _aware(received)
        if rid in decided:
            start = max(received, _aware(decided[rid]))
            if start < now - timedelta(days=periods.referral_closed_days):
                closed.append(rid)
        elif received < now - timedelta(days=periods.referral_not_progressed_days):
            not_progressed.append(rid)
    going = set(not_progressed) | set(closed)
    return_ids = [
        ret_id
        for ret_id, rid in Session.execute(
            select(ScreeningReturn.id, ScreeningRequest.referral_id)
            .join(ScreeningRequest, ScreeningReturn.request_id == ScreeningRequest.id)
            .join(Referral, ScreeningRequest.referral_id == Referral.id)
            .where(
                Referral.status == "closed",
                ScreeningReturn.submitted_at < now - timedelta(days=periods.screening_return_days),
            )
        )
        if rid not in going
    ]
    drafts = Session.scalar(
        select(func.count()).select_from(ReferralDraft).where(
            ReferralDraft.expires_at < now, ReferralDraft.referral_id.is_(None)
        )
    ) or 0
    audit = Session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.at < now - timedelta(days=periods.audit_days)
        )
    ) or 0
    return not_progressed, closed, return_ids, drafts, audit


def _delete_returns(return_ids: list[int], report: RetentionReport) -> None:
    if not return_ids:
        return
    file_ids = [
        f for f in Session.scalars(select(ScreeningReturn.file_id).where(ScreeningReturn.id.in_(return_ids))) if f
    ]
    Session.execute(delete(ScreeningReturn).where(ScreeningReturn.id.in_(return_ids)))
    report.screening_returns += len(return_ids)
    if file_ids:
        report.file_keys += list(Session.scalars(select(StoredFile.key).where(StoredFile.id.in_(file_ids))))
        Session.execute(delete(StoredFile).where(StoredFile.id.in_(file_ids)))
        report.files += len(file_ids)


def _delete_referrals(referral_ids: list[int], report: RetentionReport) -> None:
    if not referral_ids:
        return
    request_ids = list(
        Session.scalars(select(ScreeningRequest.id).where(ScreeningRequest.referral_id.in_(referral_ids)))
    )
    if request_ids:
        return_ids = list(
            Session.scalars(select(ScreeningReturn.id).where(ScreeningReturn.request_id.in_(request_ids)))
        )
        _delete_returns(return_ids, report)
        Session.execute(delete(ScreeningRequest).where(ScreeningRequest.id.in_(request_ids)))
    decision_ids = list(Session.scalars(select(Decision.id).where(Decision.referral_id.in_(referral_ids))))
    if decision_ids:
        Session.execute(delete(VoteRecord).where(VoteRecord.decision_id.in_(decision_ids)))
    Session.execute(delete(TrackedReview).where(TrackedReview.referral_id.in_(referral_ids)))
    Session.execute(delete(Action).where(Action.referral_id.in_(referral_ids)))
    Session.execute(delete(Decision).where(Decision.referral_id.in_(referral_ids)))
    Session.execute(delete(InformationRequest).where(InformationRequest.referral_id.in_(referral_ids)))
    Session.execute(delete(ClockReminder).where(ClockReminder.referral_id.in_(referral_ids)))
    Session.execute(
        update(AgendaItem).where(AgendaItem.referral_id.in_(referral_ids)).values(referral_id=None)
    )
    Session.execute(delete(ReferralDraft).where(ReferralDraft.referral_id.in_(referral_ids)))
    Session.execute(delete(Referral).where(Referral.id.in_(referral_ids)))


def apply(
    periods: Periods, store: FileStore, *, dry_run: bool = False, now: datetime | None = None
) -> RetentionReport:
    """Delete (or, dry run, only count) everything past its period; files after the rows."""
    now = now or utcnow()
    not_progressed, closed, return_ids, drafts, audit = due(periods, now)
    report = RetentionReport(
        drafts=drafts,
        referrals_not_progressed=len(not_progressed),
        referrals_closed=len(closed),
        audit_entries=audit,
    )
    if dry_run:
        # Count the returns and files that deleting would remove, without deleting.
        all_returns = set(return_ids)
        if not_progressed or closed:
            all_returns |= set(
                Session.scalars(
                    select(ScreeningReturn.id)
                    .join(ScreeningRequest, ScreeningReturn.request_id == ScreeningRequest.id)
                    .where(ScreeningRequest.referral_id.in_(not_progressed + closed))
                )
            )
        report.screening_returns = len(all_returns)
        if all_returns:
            report.files = Session.scalar(
                select(func.count()).select_from(ScreeningReturn).where(
                    ScreeningReturn.id.in_(all_returns), ScreeningReturn.file_id.is_not(None)
                )
            ) or 0
        Session.rollback()
        return report
    try:
        _delete_returns(return_ids, report)
        _delete_referrals(not_progressed + closed, report)
        Session.execute(
            delete(ReferralDraft).where(ReferralDraft.expires_at < now, ReferralDraft.referral_id.is_(None))
        )
        # Bulk delete: the ORM's append-only guard is for the application's own writes.
        Session.execute(delete(AuditEvent).where(AuditEvent.at < now - timedelta(days=periods.audit_days)))
        Session.commit()
    except BaseException:
        Session.rollback()
        raise
    # Files go only once their rows are gone for good: a failure above leaves both.
    for key in report.file_keys:
        store.delete(key)
    return report
