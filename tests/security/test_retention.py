"""Retention: `flask apply-retention` deletes rows and files past their period, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.db import Session
from storage.files import save_file
from storage.models import (
    AuditEvent,
    Decision,
    Referral,
    ReferralDraft,
    ScreeningRequest,
    ScreeningReturn,
    StoredFile,
)
from tests.factories import accepted_return, make_referral, make_screening_request


def _age(model, row_id, column: str, days: int) -> None:  # type: ignore[no-untyped-def]
    Session.execute(
        model.__table__.update()
        .where(model.__table__.c.id == row_id)
        .values({column: datetime.now(UTC) - timedelta(days=days)})
    )
    Session.commit()


def _referral_with_file(app, status: str, age_days: int):  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    referral.status = status
    req = make_screening_request(app, referral)
    ret = accepted_return(app, req, [])
    stored = save_file(Session, app.extensions["file_store"], b"%PDF-1.7 x" + str(referral.id).encode(),
                       kind="screening_return", content_type="application/pdf")
    Session.flush()
    ret.file_id = stored.id
    Session.commit()
    _age(Referral, referral.id, "received_at", age_days)
    _age(ScreeningReturn, ret.id, "submitted_at", age_days)
    return referral.id, req.id, ret.id, stored.key


def _count(model) -> int:  # type: ignore[no-untyped-def]
    Session.remove()
    return Session.scalar(select(func.count()).select_from(model)) or 0


def test_retention_deletes_rows_and_files_that_are_due_and_audits_the_counts(app) -> None:  # type: ignore[no-untyped-def]
    store = app.extensions["file_store"]
    gone, _, _, gone_file = _referral_with_file(app, "closed", 800)  # closed, no decision: 2 years
    kept_open, _, _, open_file = _referral_with_file(app, "screening", 5000)  # open: never
    decided, _, _, decided_file = _referral_with_file(app, "closed", 800)
    Session.add(Decision(referral_id=decided, recommendation="no_review", rationale="Not met."))
    Session.commit()  # decided: 6 years, kept, but its returns (2 years) go
    draft = ReferralDraft(id="d" * 36, email="x@nelft.nhs.uk", form_id="referral",
                          expires_at=datetime.now(UTC) - timedelta(days=1))
    Session.add(draft)
    Session.commit()
    from storage import audit

    audit.record(actor="system", action="ancient")
    ancient = Session.scalars(select(AuditEvent).where(AuditEvent.action == "ancient")).one()
    _age(AuditEvent, ancient.id, "at", 3000)

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["apply-retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.strip() == (
        "Would delete: drafts 1, referrals not progressed 1, referrals closed 0, "
        "screening returns 2, files 2, audit entries 1"
    )
    assert _count(Referral) == 3 and _count(StoredFile) == 3 and store.exists(gone_file)

    result = runner.invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Deleted: drafts 1, referrals not progressed 1, referrals closed 0, "
        "screening returns 2, files 2, audit entries 1"
    )
    Session.remove()
    assert {r.id for r in Session.scalars(select(Referral))} == {kept_open, decided}
    assert _count(ReferralDraft) == 0
    assert Session.scalar(select(func.count()).select_from(ScreeningRequest).where(ScreeningRequest.referral_id == gone)) == 0
    assert _count(ScreeningReturn) == 1 and _count(StoredFile) == 1
    assert not store.exists(gone_file) and not store.exists(decided_file)
    assert store.exists(open_file)
    assert Session.scalars(select(AuditEvent).where(AuditEvent.action == "ancient")).all() == []
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "apply_retention")).one()
    assert entry.actor == "system"
    assert entry.detail == {
        "drafts": 1, "referrals_not_progressed": 1, "referrals_closed": 0,
        "screening_returns": 2, "files": 2, "audit_entries": 1,
    }


def test_closed_referral_with_a_decision_goes_after_its_own_period(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(RETENTION_REFERRAL_CLOSED_DAYS=365)
    referral, _, _, stored = _referral_with_file(app, "closed", 400)
    Session.add(Decision(referral_id=referral, recommendation="no_review", rationale="Not met."))
    Session.commit()
    decision = Session.scalars(select(Decision)).one()
    _age(Decision, decision.id, "recorded_at", 400)
    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert "referrals closed 1" in result.output
    assert _count(Referral) == 0 and _count(Decision) == 0 and _count(StoredFile) == 0
    assert not app.extensions["file_store"].exists(stored)


def test_nothing_due_deletes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    make_referral(app)
    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code == 0
    assert _count(Referral) == 1
