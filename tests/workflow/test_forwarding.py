"""Referrals no panel screens are forwarded; a rapid review run by another body has its
outcome recorded and does not set the panel's screening deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from partnerships import load_partnership
from storage.db import Session
from storage.models import AuditEvent, Referral
from tests.factories import make_referral
from workflow import packs, referrals, screening
from workflow.meetings import AGENDA_READY_STATUSES, referrals_ready_for_agenda
from workflow.referrals import STATUSES, ReferralError

TELFORD_CSP = "Telford & Wrekin Community Safety Partnership"
RSCP = "Redbridge Safeguarding Children Partnership (RSCP)"


def _audit(action: str) -> list[AuditEvent]:
    return list(Session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- forwarding ------------------------------------------------------------------------------


def test_telford_dhr_referral_is_forwarded_to_the_community_safety_partnership(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin's arrangements recognise "that the CSP has the statutory
    responsibility to commission them" (DHRs): neither of its panels screens a DHR, so a
    DHR-only referral ("not sure" aside) is forwarded, and never waits for an agenda."""
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    referral = make_referral(app, 2)  # review types: dhr, not_sure
    assert referral.review_types == ["dhr", "not_sure"]
    target = referrals.forwarding_target(p, referral)
    assert target is not None and target.to == TELFORD_CSP

    referrals.forward(p, referral, by_id=None, note="Sent by secure e-mail to the CSP co-ordinator")
    referral = Session.get(Referral, referral.id)
    assert referral.status == "forwarded" and STATUSES["forwarded"] == "Forwarded"
    assert (referral.forwarded_to, referral.forwarded_note) == (
        TELFORD_CSP, "Sent by secure e-mail to the CSP co-ordinator"
    )
    assert referral.forwarded_at is not None and referral.forwarded_by_id is None
    [entry] = _audit("forward")
    assert (entry.object_type, entry.object_id) == ("referral", str(referral.id))
    assert entry.detail == {"to": TELFORD_CSP, "review_types": ["dhr"]}

    assert "forwarded" not in AGENDA_READY_STATUSES
    assert referral.id not in [r.id for r in referrals_ready_for_agenda()]
    with pytest.raises(ReferralError, match="forwarded to Telford & Wrekin Community Safety Partnership already"):
        referrals.forward(p, referral, by_id=None, note="Again")


def test_forwarding_needs_a_note(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    referral = make_referral(app, 2)
    with pytest.raises(ReferralError) as exc:
        referrals.forward(app.extensions["partnership"], referral, by_id=None, note="  ")
    assert exc.value.field == "note"
    assert Session.get(Referral, referral.id).status == "received"


def test_telford_sar_referral_is_not_forwardable(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Telford & Wrekin's SAR Panel screens SARs; a referral considering a SAR and a DHR
    stays with the panel too."""
    app = app_factory(PARTNERSHIP="telford-wrekin")
    p = app.extensions["partnership"]
    sar = make_referral(app, 0)
    both = make_referral(app, 2, review_types=["sar", "dhr"])
    for referral in (sar, both):
        assert referrals.forwarding_target(p, referral) is None
        with pytest.raises(ReferralError, match="is screened by the SAR Panel of Telford & Wrekin"):
            referrals.forward(p, referral, by_id=None, note="No")
        assert Session.get(Referral, referral.id).status == "received"
    assert _audit("forward") == []


def test_telford_dhr_referral_already_before_a_panel_is_not_forwarded(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(PARTNERSHIP="telford-wrekin")
    referral = make_referral(app, 2)
    referral.status = "decided"
    Session.commit()
    with pytest.raises(ReferralError, match="is decided"):
        referrals.forward(app.extensions["partnership"], referral, by_id=None, note="Late")


def test_redbridge_sar_and_dhr_referrals_are_not_forwardable(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge's One Panel screens all three review types: nothing is forwarded."""
    p = app.extensions["partnership"]
    assert p.slug == "redbridge" and p.forwarded == {}
    for index in (0, 2):  # SAR; DHR
        referral = make_referral(app, index)
        assert referrals.forwarding_target(p, referral) is None
        with pytest.raises(ReferralError, match="is screened by the One Panel"):
            referrals.forward(p, referral, by_id=None, note="No")


# -- the rapid review run by another body ------------------------------------------------------


def test_redbridge_cspr_referral_records_the_rapid_review_outcome(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge Appendix A: the rapid review "occurs outside of the One Panel" and "The
    outcome of the Rapid Review shared at One Panel"."""
    p = app.extensions["partnership"]
    assert p.rapid_review_by().run_by == RSCP
    referral = make_referral(app, 1)  # CSPR
    referrals.record_rapid_review_outcome(
        p, referral, outcome="Local review recommended; learning on neglect.",
        on=date(2026, 3, 2), by_id=None, today=date(2026, 3, 3),
    )
    referral = Session.get(Referral, referral.id)
    assert referral.rapid_review_outcome == "Local review recommended; learning on neglect."
    assert referral.rapid_review_outcome_on == date(2026, 3, 2)
    [entry] = _audit("record_rapid_review_outcome")
    assert entry.detail == {"run_by": RSCP, "on": "2026-03-02", "replaced": False}
    assert "neglect" not in str(entry.detail)  # the outcome's words stay out of the log


def test_rapid_review_outcome_refuses_empty_text_and_future_dates(app) -> None:  # type: ignore[no-untyped-def]
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)
    today = date(2026, 3, 3)
    cases = [
        ({"outcome": "  ", "on": today}, "outcome", "Enter the outcome of the rapid review"),
        ({"outcome": "Met", "on": None}, "on", "Enter the date the outcome was shared"),
        ({"outcome": "Met", "on": today + timedelta(days=1)}, "on", "must be today or in the past"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ReferralError, match=message) as exc:
            referrals.record_rapid_review_outcome(p, referral, by_id=None, today=today, **kwargs)
        assert exc.value.field == field
    assert Session.get(Referral, referral.id).rapid_review_outcome is None


def test_rapid_review_outcome_needs_the_pathway_and_a_childs_case(app, app_factory) -> None:  # type: ignore[no-untyped-def]
    """Only a CSPR referral of a partnership whose rapid review another body runs."""
    sar = make_referral(app, 0)
    with pytest.raises(ReferralError, match="is not a Child Safeguarding Practice Review referral"):
        referrals.record_rapid_review_outcome(
            app.extensions["partnership"], sar, outcome="Met", on=date(2026, 3, 2), by_id=None
        )
    wolverhampton = load_partnership("wolverhampton")
    assert wolverhampton.rapid_review_by() is None
    cspr = make_referral(app, 1)
    with pytest.raises(ReferralError, match="does not record a rapid review run by another body"):
        referrals.record_rapid_review_outcome(
            wolverhampton, cspr, outcome="Met", on=date(2026, 3, 2), by_id=None
        )


# -- the screening deadline of a child's case ------------------------------------------------


def test_redbridge_cspr_screening_uses_the_ten_day_limit_across_christmas(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge: the rapid review "occurs outside of the One Panel" (Appendix A), so the
    panel's request is a "screening request for information to all partners, to be
    completed in 10 working days", not the rapid review's "Within 5 working days"."""
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)  # CSPR
    assert screening.time_limit_for(p, referral) == (
        10, f"screening request (the rapid review is run by {RSCP})"
    )
    [req] = screening.send_requests(
        p, referral, [screening.Recipient("nelft", "sg@nelft.nhs.uk")],
        sent_by_id=None, sent_on=date(2023, 12, 22),
    )
    # Sent Friday 22 December 2023. Bank holidays 25 and 26 December and 1 January are
    # skipped: 27, 28, 29 December (1-3), 2, 3, 4, 5 January (4-7), 8, 9, 10 January (8-10).
    assert req.deadline == date(2024, 1, 10)


def test_wolverhampton_cspr_keeps_the_five_day_rapid_review_return(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Wolverhampton's panel runs the rapid review timescale itself: "agencies return
    single-agency reports within 5 working days" (DOMAIN §3)."""
    app = app_factory(PARTNERSHIP="wolverhampton")
    p = app.extensions["partnership"]
    referral = make_referral(app, 1)  # CSPR
    assert screening.time_limit_for(p, referral) == (5, "rapid review return")
    [req] = screening.send_requests(
        p, referral, [screening.Recipient(p.agency_ids[0], "sg@example.org")],
        sent_by_id=None, sent_on=date(2023, 12, 22),
    )
    # Friday 22 December 2023: 27, 28, 29 December (1-3), 2, 3 January (4-5).
    assert req.deadline == date(2024, 1, 3)


def test_briefing_pack_claims_the_rapid_review_return_only_where_the_panel_runs_it() -> None:
    """Redbridge's pack must not claim the rapid review's 5 working days for the panel."""

    def process(slug: str) -> str:
        section = packs.criteria_section(load_partnership(slug))
        return next(b.text for b in section.blocks if getattr(b, "text", "").startswith("Process:"))

    assert "rapid review returns: 5 working days" in process("wolverhampton")
    redbridge = process("redbridge")
    assert "rapid review returns" not in redbridge
    assert f"the rapid review is run by {RSCP}, outside the panel" in redbridge
