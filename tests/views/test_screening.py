"""Screening requests: sending, the agency's personal link, returns, reminders."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Session, utcnow
from storage.models import AuditEvent, ScreeningRequest, ScreeningReturn, StoredFile
from tests.factories import make_referral, make_screening_request
from tests.helpers import Client
from tests.views.test_refer import body, outbox
from workflow import screening
from workflow.working_days import add_working_days


def _link_path(app) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"http://localhost(/agency/\S+)", body(outbox(app)[-1])).group(1)


def test_secretariat_sends_requests_with_a_working_day_deadline(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)  # an adult's case: 10 working days in Redbridge
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = client.get(f"/secretariat/referrals/{referral.id}/screening").get_data(as_text=True)
    expected = add_working_days(screening.today(), 10)
    assert "10 working days" in page
    client.post(
        f"/secretariat/referrals/{referral.id}/screening",
        {"agencies": ["nelft", "mps-ea"], "email-nelft": "sg@nelft.nhs.uk", "email-mps-ea": "sg@met.police.uk", "override": "no"},
    )
    reqs = Session.scalars(select(ScreeningRequest).order_by(ScreeningRequest.agency_id)).all()
    assert [(r.agency_id, r.deadline) for r in reqs] == [("mps-ea", expected), ("nelft", expected)]
    mails = {m["To"]: m for m in outbox(app)}
    assert set(mails) == {"sg@nelft.nhs.uk", "sg@met.police.uk"}
    text = body(mails["sg@nelft.nhs.uk"])
    assert referral.reference in text and "/agency/" in text
    assert "Arthur" not in text and "Ellis" not in text
    assert Session.get(type(referral), referral.id).status == "screening"


def test_a_childs_case_in_redbridge_gets_the_screening_time_limit(app) -> None:  # type: ignore[no-untyped-def]
    """Redbridge's rapid review "occurs outside of the One Panel" (Appendix A): the panel's
    request is not the rapid review's 5-day return (Wolverhampton's is: test_forwarding)."""
    referral = make_referral(app, index=1)  # CSPR
    req = make_screening_request(app, referral)
    assert req.deadline == add_working_days(screening.today(), 10)


def test_deadline_override_needs_a_reason(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get(f"/secretariat/referrals/{referral.id}/screening")
    later = screening.today() + timedelta(days=30)
    data = {"agencies": ["nelft"], "email-nelft": "sg@nelft.nhs.uk", "override": "yes",
            "deadline-day": str(later.day), "deadline-month": str(later.month), "deadline-year": str(later.year)}
    page = client.post(f"/secretariat/referrals/{referral.id}/screening", data, status=200).get_data(as_text=True)
    assert "Enter why the deadline is different from the time limit" in page
    assert Session.scalar(select(func.count(ScreeningRequest.id))) == 0
    client.post(f"/secretariat/referrals/{referral.id}/screening", {**data, "override_reason": "Christmas closure"})
    req = Session.scalar(select(ScreeningRequest))
    assert req.deadline == later and req.deadline_override_reason == "Christmas closure"


def test_agency_link_is_exchanged_for_a_session_and_leaves_the_address_bar(app) -> None:  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    reference, req_id = req.referral.reference, req.id
    token = screening.request_token(req, app.config["SECRET_KEY"])
    agency = Client(app)
    response = agency.get(f"/agency/{token}", status=302)
    assert response.location == "/agency/request"
    page = agency.get("/agency/request").get_data(as_text=True)
    assert reference in page and "North East London NHS Foundation Trust" in page
    assert token not in page
    assert Session.get(ScreeningRequest, req_id).first_opened_at is not None


@pytest.mark.parametrize("problem", ["tampered", "revoked", "expired", "wrong_referral"])
def test_bad_agency_links_explain_and_write_nothing(app, problem) -> None:  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    secret = app.config["SECRET_KEY"]
    token = screening.request_token(req, secret)
    if problem == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif problem == "revoked":
        screening.revoke(req)
    elif problem == "expired":
        req.link_expires_at = utcnow() - timedelta(seconds=1)
        Session.commit()
    elif problem == "wrong_referral":
        from itsdangerous import URLSafeSerializer

        other = make_referral(app, index=2)
        token = URLSafeSerializer(secret, salt=screening.TOKEN_SALT).dumps(
            {"q": req.id, "r": other.id, "a": req.agency_id, "n": req.link_nonce}
        )
    returns_before = Session.scalar(select(func.count(ScreeningReturn.id)))
    page = Client(app).get(f"/agency/{token}", status=404).get_data(as_text=True)
    expected = {
        "tampered": "This link is not valid",
        "wrong_referral": "This link is not valid",
        "revoked": "This link has been replaced or withdrawn",
        "expired": "This link has expired",
    }[problem]
    assert expected in page
    assert Session.scalar(select(func.count(ScreeningReturn.id))) == returns_before
    assert Session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "agency_link_refused")) == 1


def test_revoking_ends_a_session_already_opened(app, staff) -> None:  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    screening.revoke(Session.get(ScreeningRequest, req.id))
    assert "Open the link in your e-mail again" in agency.get("/agency/request", status=404).get_data(as_text=True)


def test_agency_sends_a_nil_return_in_one_click(app) -> None:  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    req_id = req.id
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    response = agency.post("/agency/request/nil", {"nil_name": "Pat Lead", "nil_role": "Named nurse"})
    assert response.location == "/agency/request/done"
    ret = Session.scalar(select(ScreeningReturn))
    assert ret.source == "nil" and ret.accepted_answers["subject_known"] == "not_known"
    assert screening.status_of(Session.get(ScreeningRequest, req_id)) == "nil_return"
    # A second return for the same request is refused.
    page = agency.post("/agency/request/nil", {"nil_name": "X", "nil_role": "Y"}, status=200).get_data(as_text=True)
    assert "already sent its return" in page
    assert Session.scalar(select(func.count(ScreeningReturn.id))) == 1


def test_agency_answers_on_the_web(app, staff) -> None:  # type: ignore[no-untyped-def]
    from tests.views.test_refer import page_post_data

    req = make_screening_request(app)
    referral_id = req.referral_id
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    d = app.extensions["form_definitions"]["screening_return"]
    answers = {
        "agency_name": "NELFT", "completed_by_name": "Pat Lead", "completed_by_role": "Named nurse",
        "subject_known": "known",
        "others_known": [{"person_name": "Karen Ellis", "known": "no"}],
        "status": ["adult_safeguarding"],
        "chronology": [
            {"date": "2026-03-02", "event": "District nurse visit", "outcome": "Leg ulcer dressed"},
            {"date": "2026-04-10", "event": "Missed visit", "outcome": "No access; GP told"},
        ],
        "analysis": "Missed visits were not escalated because…",
        "internal_review": "no",
    }
    url = "/agency/request/page/agency"
    while url.startswith("/agency/request/page/"):
        page_id = url.rsplit("/", 1)[-1]
        agency.get(url)
        url = agency.post(url, page_post_data(d, page_id, answers)).location
    assert url == "/agency/request/check"
    agency.get(url)
    assert agency.post(url, {}).location == "/agency/request/done"
    ret = Session.scalar(select(ScreeningReturn))
    assert ret.source == "web"
    assert [c["event"] for c in ret.accepted_answers["chronology"]] == ["District nurse visit", "Missed visit"]

    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    page = secretariat.get(f"/secretariat/referrals/{referral_id}/screening/status").get_data(as_text=True)
    assert "Returned (web)" in page


def test_request_forms_download_as_word_and_fillable_pdf(app) -> None:  # type: ignore[no-untyped-def]
    import io

    from docx import Document
    from pypdf import PdfReader

    req = make_screening_request(app)
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    docx = agency.get("/agency/request/form.docx")
    assert docx.headers["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    d = app.extensions["form_definitions"]["screening_return"]
    for q in d.questions():
        if q.type not in ("content", "group"):
            assert q.label in text
    pdf = agency.get("/agency/request/form.pdf")
    fields = PdfReader(io.BytesIO(pdf.data)).get_fields()
    assert {"agency_name", "subject_known", "analysis", "chronology_1_date", "status__dols"} <= set(fields)


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.pdf", b"", "The selected file is empty"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "The selected file must be a PDF"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(app, name, data, message) -> None:  # type: ignore[no-untyped-def]
    import io

    req = make_screening_request(app)
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    page = agency.post(
        "/agency/request/upload",
        {"return_pdf": (io.BytesIO(data), name)},
        status=200,
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert message in page
    assert Session.scalar(select(func.count(ScreeningReturn.id))) == 0
    assert Session.scalar(select(func.count(StoredFile.id))) == 0
    files = [p for p in (app.extensions["file_store"].root).rglob("*") if p.is_file()]
    assert files == []


def test_reminders_are_sent_once_before_the_deadline_and_once_when_overdue(app) -> None:  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    req_id = req.id
    partnership = app.extensions["partnership"]
    runner = app.test_cli_runner()
    # Far from the deadline: nothing.
    assert screening.due_reminders(partnership, on=screening.today()) == []
    near = add_working_days(req.deadline, -1)
    assert [r.kind for r in screening.due_reminders(partnership, on=near)] == ["before_deadline"]
    req = Session.get(ScreeningRequest, req_id)
    req.deadline = add_working_days(screening.today(), 1)
    Session.commit()
    before = len(outbox(app))
    assert "Sent 1 reminder." in runner.invoke(args=["send-reminders"]).output
    assert "Sent 0 reminders." in runner.invoke(args=["send-reminders"]).output
    mail = outbox(app)[before]
    assert mail["Subject"].startswith("Reminder: screening request")
    req = Session.get(ScreeningRequest, req_id)
    req.deadline = screening.today() - timedelta(days=1)
    Session.commit()
    assert "Sent 1 reminder." in runner.invoke(args=["send-reminders"]).output
    assert "Sent 0 reminders." in runner.invoke(args=["send-reminders"]).output
    assert outbox(app)[-1]["Subject"].startswith("Overdue: screening request")


def test_overdue_page_lists_every_overdue_return(app, staff) -> None:  # type: ignore[no-untyped-def]
    late = make_screening_request(app, agency_id="nelft")
    on_time = make_screening_request(app, make_referral(app, index=2), agency_id="barts")
    late.deadline = date(2026, 1, 5)
    Session.commit()
    late_ref, on_time_ref = late.referral.reference, on_time.referral.reference
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    page = client.get("/secretariat/screening/overdue").get_data(as_text=True)
    assert late_ref in page
    assert on_time_ref not in page


def test_agency_uploads_a_pdf_and_the_secretariat_checks_and_accepts_it(app, staff) -> None:  # type: ignore[no-untyped-def]
    import io
    from pathlib import Path

    data = (Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "word_saved_as_pdf.pdf").read_bytes()
    req = make_screening_request(app)
    req_id, referral_id = req.id, req.referral_id
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    response = agency.post(
        "/agency/request/upload", {"return_pdf": (io.BytesIO(data), "our return.pdf")},
        content_type="multipart/form-data",
    )
    assert response.location == "/agency/request/done"
    ret = Session.scalar(select(ScreeningReturn))
    assert (ret.source, ret.extraction_kind, ret.page_count) == ("pdf", "flat", 2)
    stored = Session.get(StoredFile, ret.file_id)
    assert stored.original_name == "our return.pdf" and stored.size == len(data)
    assert "return" not in stored.key
    assert screening.status_of(Session.get(ScreeningRequest, req_id)) == "returned_pdf"

    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    page = secretariat.get(f"/secretariat/screening/{req_id}").get_data(as_text=True)
    assert 'value="Barts Health NHS Trust"' in page
    assert "Read from page 1, confidence 90%" in page
    assert f'src="/secretariat/screening/{req_id}/page/1.png"' in page
    image = secretariat.get(f"/secretariat/screening/{req_id}/page/1.png")
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    # The business unit corrects a value read wrongly, then accepts.
    secretariat.post(
        f"/secretariat/screening/{req_id}",
        {"field-completed_by_name": "Sam Nurse (corrected)", "field-status": "dols, marac"},
    )
    ret = Session.get(ScreeningReturn, ret.id)
    assert ret.accepted_answers["completed_by_name"] == "Sam Nurse (corrected)"
    assert ret.accepted_answers["status"] == ["dols", "marac"]
    assert ret.accepted_answers["chronology"][0]["event"] == "Outpatient appointment"
    assert screening.status_of(Session.get(ScreeningRequest, req_id)) == "accepted"
    original = secretariat.get(f"/secretariat/screening/{req_id}/original.pdf")
    assert original.data == data and original.headers["Content-Disposition"].startswith("attachment")
    status_page = secretariat.get(f"/secretariat/referrals/{referral_id}/screening/status").get_data(as_text=True)
    assert "Accepted" in status_page


def test_a_damaged_pdf_upload_says_why_and_stores_nothing(app) -> None:  # type: ignore[no-untyped-def]
    import io
    from pathlib import Path

    data = (Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "no_eof_marker.pdf").read_bytes()
    req = make_screening_request(app)
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    page = agency.post(
        "/agency/request/upload", {"return_pdf": (io.BytesIO(data), "return.pdf")},
        content_type="multipart/form-data", status=200,
    ).get_data(as_text=True)
    assert "The PDF is damaged or incomplete" in page
    assert Session.scalar(select(func.count(ScreeningReturn.id))) == 0
    assert Session.scalar(select(func.count(StoredFile.id))) == 0


def test_reused_agency_link_cannot_send_a_second_return_or_change_the_first(app) -> None:  # type: ignore[no-untyped-def]
    """Threat: the e-mailed link is used again (forwarded, or from browser history) after
    the agency has answered."""
    import io

    req = make_screening_request(app)
    token = screening.request_token(req, app.config["SECRET_KEY"])
    first = Client(app)
    first.get(f"/agency/{token}", status=302)
    first.get("/agency/request")
    first.post("/agency/request/nil", {"nil_name": "Pat Lead", "nil_role": "Named nurse"})
    original = Session.scalar(select(ScreeningReturn))
    original_id, original_answers = original.id, dict(original.accepted_answers)
    files_before = Session.scalar(select(func.count(StoredFile.id)))

    again = Client(app)
    again.get(f"/agency/{token}", status=302)
    home = again.get("/agency/request").get_data(as_text=True)
    assert "Your agency sent its return on" in home and "Start the return" not in home
    page = again.post("/agency/request/nil", {"nil_name": "Someone Else", "nil_role": "Unknown"}, status=200)
    assert "already sent its return" in page.get_data(as_text=True)
    pdf = (Path(__file__).resolve().parents[1] / "fixtures" / "pdf" / "word_saved_as_pdf.pdf").read_bytes()
    page = again.post(
        "/agency/request/upload", {"return_pdf": (io.BytesIO(pdf), "second.pdf")},
        content_type="multipart/form-data", status=200,
    )
    assert "already sent its return" in page.get_data(as_text=True)
    assert again.get("/agency/request/page/known", status=302).location == "/agency/request"
    assert Session.scalar(select(func.count(ScreeningReturn.id))) == 1
    assert Session.scalar(select(func.count(StoredFile.id))) == files_before
    kept = Session.get(ScreeningReturn, original_id)
    assert kept.accepted_answers == original_answers
