"""Referral drafts, e-mail codes, resume links, reference numbers and expiry."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from partnerships import load_partnership
from storage import db
from storage.models import Referral, ReferralDraft
from workflow import referrals
from workflow.referrals import ReferralError, ReferralFacts

SECRET = "test-secret"
FACTS = ReferralFacts(review_types=["sar"], referrer_name="R. Worker", referring_agency="NELFT")


@pytest.fixture
def redbridge():  # type: ignore[no-untyped-def]
    return load_partnership("redbridge")


def _verified_draft(redbridge, app):  # type: ignore[no-untyped-def]
    new = referrals.start_draft(
        redbridge, "r.worker@nelft.nhs.uk", form_id="referral", secret_key=SECRET, retention_days=28
    )
    referrals.verify_code(new.draft, new.code, SECRET)
    return new.draft


def test_a_partner_agency_referrer_must_use_an_allowed_domain(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReferralError) as exc:
        referrals.start_draft(
            redbridge, "someone@gmail.com", form_id="referral", secret_key=SECRET, retention_days=28
        )
    assert str(exc.value) == (
        "Use your work e-mail address at a partner agency, like name@redbridge.gov.uk, or "
        "choose \u2018A volunteer\u2019 if that is who you are. If neither fits, contact the "
        "business unit at RedbridgeOnePanel@redbridge.gov.uk"
    )
    assert exc.value.field == "email"
    assert db.Session.scalar(select(func.count(ReferralDraft.id))) == 0


def test_wrong_code_counts_attempts_and_locks_after_five(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    new = referrals.start_draft(
        redbridge, "a@nelft.nhs.uk", form_id="referral", secret_key=SECRET, retention_days=28
    )
    wrong = "000000" if new.code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ReferralError, match="not correct"):
            referrals.verify_code(new.draft, wrong, SECRET)
    with pytest.raises(ReferralError, match="too many times"):
        referrals.verify_code(new.draft, new.code, SECRET)
    assert new.draft.email_verified_at is None


def test_expired_code_is_refused(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    new = referrals.start_draft(
        redbridge, "a@nelft.nhs.uk", form_id="referral", secret_key=SECRET, retention_days=28
    )
    new.draft.code_expires_at = db.utcnow() - timedelta(seconds=1)
    with pytest.raises(ReferralError, match="expired"):
        referrals.verify_code(new.draft, new.code, SECRET)


def test_resume_link_works_until_a_new_one_is_made(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    draft = _verified_draft(redbridge, app)
    first = referrals.resume_token(draft, SECRET)
    assert referrals.draft_from_resume_token(first, SECRET).id == draft.id
    second = referrals.resume_token(draft, SECRET)
    assert referrals.draft_from_resume_token(first, SECRET) is None
    assert referrals.draft_from_resume_token(second, SECRET).id == draft.id
    assert referrals.draft_from_resume_token(second + "x", SECRET) is None
    assert referrals.draft_from_resume_token(second, "another-secret") is None


def test_expired_drafts_are_deleted_with_their_answers(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    old = _verified_draft(redbridge, app)
    referrals.save_answers(old, {"subject_first_name": "Jane"}, retention_days=28)
    fresh = _verified_draft(redbridge, app)
    old.expires_at = db.utcnow() - timedelta(minutes=1)
    db.Session.commit()
    assert referrals.live_draft(old.id) is None
    assert referrals.purge_expired_drafts() == 1
    db.Session.expire_all()
    assert db.Session.get(ReferralDraft, old.id) is None
    assert db.Session.get(ReferralDraft, fresh.id) is not None


def test_submitting_twice_makes_one_referral(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    draft = _verified_draft(redbridge, app)
    referrals.save_answers(draft, {"summary": "x"}, retention_days=28)
    snap = referrals.snapshot_definition("referral", 1, {"id": "referral", "version": 1})
    first, created = referrals.submit_draft(redbridge, draft.id, facts=FACTS, snapshot=snap)
    again, created_again = referrals.submit_draft(redbridge, draft.id, facts=FACTS, snapshot=snap)
    assert created and not created_again
    assert first.id == again.id
    assert first.reference == f"RED-{db.utcnow().year}-0001"
    assert db.Session.scalar(select(func.count(Referral.id))) == 1


def test_unverified_draft_cannot_be_submitted(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    new = referrals.start_draft(
        redbridge, "a@nelft.nhs.uk", form_id="referral", secret_key=SECRET, retention_days=28
    )
    snap = referrals.snapshot_definition("referral", 1, {"id": "referral"})
    with pytest.raises(ReferralError, match="Confirm your e-mail address"):
        referrals.submit_draft(redbridge, new.draft.id, facts=FACTS, snapshot=snap)


def test_references_are_unique_when_submitted_at_the_same_instant(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    snap = referrals.snapshot_definition("referral", 1, {"id": "referral"})
    db.Session.commit()
    snap_id = snap.id
    drafts = [_verified_draft(redbridge, app).id for _ in range(8)]
    db.Session.remove()
    barrier = threading.Barrier(len(drafts))
    results: list[str] = []
    errors: list[BaseException] = []

    def submit(draft_id: str) -> None:
        try:
            barrier.wait()
            from storage.models import FormDefinitionVersion

            snapshot = db.Session.get(FormDefinitionVersion, snap_id)
            referral, _ = referrals.submit_draft(redbridge, draft_id, facts=FACTS, snapshot=snapshot)
            results.append(referral.reference)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.Session.remove()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = db.utcnow().year
    assert sorted(results) == [f"RED-{year}-{n:04d}" for n in range(1, 9)]


def test_definition_snapshot_is_reused_and_changes_make_a_new_one(app) -> None:  # type: ignore[no-untyped-def]
    a = referrals.snapshot_definition("referral", 1, {"id": "referral", "pages": [1]})
    b = referrals.snapshot_definition("referral", 1, {"id": "referral", "pages": [1]})
    c = referrals.snapshot_definition("referral", 1, {"id": "referral", "pages": [1, 2]})
    assert a.id == b.id and c.id != a.id


# -- who may refer ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("  Rita.Worker@NELFT.nhs.uk ", "rita.worker@nelft.nhs.uk"),
        ("val.unteer@gmail.com", "val.unteer@gmail.com"),
    ],
)
def test_one_address_is_read_in_lower_case(text: str, expected: str) -> None:
    assert referrals.one_address(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("attacker@evil.example, victim@nhs.net", "Enter one e-mail address only"),
        ("victim@nhs.net,attacker@evil.example", "Enter one e-mail address only"),
        ("Victim <victim@nhs.net>", "Enter one e-mail address only"),
        ("victim@nhs.net\r\nBcc: attacker@evil.example", "Enter one e-mail address only"),
        ("victim@@nhs.net", "Enter one e-mail address only"),
        ('"victim"@nhs.net', "Enter an e-mail address in the correct format"),
        ("victim@[10.0.0.1]", "Enter an e-mail address in the correct format"),
        ("victim@nhs", "Enter an e-mail address in the correct format"),
        ("", "Enter your e-mail address"),
    ],
)
def test_anything_but_one_address_is_refused(text: str, message: str) -> None:
    with pytest.raises(ReferralError, match=message) as exc:
        referrals.one_address(text)
    assert exc.value.field == "email"


def test_a_list_of_addresses_cannot_borrow_a_partner_domain(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    """``email_domain_allowed`` reads the text after the last "@": "attacker@evil.example,
    victim@nhs.net" would pass it, so the address is parsed as one address first."""
    assert redbridge.email_domain_allowed("attacker@evil.example, victim@nhs.net")
    with pytest.raises(ReferralError, match="Enter one e-mail address only"):
        referrals.start_draft(
            redbridge, "attacker@evil.example, victim@nhs.net", form_id="referral",
            secret_key=SECRET, retention_days=28, kind="partner",
        )
    assert db.Session.scalar(select(func.count(ReferralDraft.id))) == 0


def test_a_volunteers_referral_waits_for_confirmation_and_is_confirmed_once(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    new = referrals.start_draft(
        redbridge, "val.unteer@gmail.com", form_id="referral", secret_key=SECRET,
        retention_days=28, kind="volunteer",
    )
    assert new.draft.referrer_kind == "volunteer"
    referrals.verify_code(new.draft, new.code, SECRET)
    snap = referrals.snapshot_definition("referral", 2, {"id": "referral", "version": 2})
    referral, _ = referrals.submit_draft(redbridge, new.draft.id, facts=FACTS, snapshot=snap)
    assert (referral.referrer_kind, referral.needs_confirmation) == ("volunteer", True)
    assert referral.awaiting_confirmation
    assert referrals.referred_by(referral) == "a volunteer"
    referrals.confirm_referral(referral, by_id=None)  # type: ignore[arg-type]
    assert referral.confirmed_at is not None and not referral.awaiting_confirmation
    with pytest.raises(ReferralError, match="was confirmed already"):
        referrals.confirm_referral(referral, by_id=None)  # type: ignore[arg-type]


def test_a_partners_referral_needs_no_confirmation(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    draft = _verified_draft(redbridge, app)
    assert draft.referrer_kind == "partner"
    snap = referrals.snapshot_definition("referral", 2, {"id": "referral", "version": 2})
    referral, _ = referrals.submit_draft(redbridge, draft.id, facts=FACTS, snapshot=snap)
    assert (referral.referrer_kind, referral.needs_confirmation) == ("partner", False)
    assert referrals.referred_by(referral) is None
    with pytest.raises(ReferralError, match="needs no confirmation"):
        referrals.confirm_referral(referral, by_id=None)  # type: ignore[arg-type]


def test_a_volunteer_may_use_a_partner_agency_address_and_still_says_who_they_are(app, redbridge) -> None:  # type: ignore[no-untyped-def]
    """The answer to "Who are you?" is kept: a hospital volunteer with an nhs.net address is
    a volunteer, and the business unit confirms the referral."""
    new = referrals.start_draft(
        redbridge, "v.helper@nhs.net", form_id="referral", secret_key=SECRET,
        retention_days=28, kind="volunteer",
    )
    assert new.draft.referrer_kind == "volunteer"
