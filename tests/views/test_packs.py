"""Briefing packs: what each recipient's edition holds, building outside the request,
failed builds keeping the previous pack, and who may download which edition."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from sqlalchemy import func, select

from partnerships.model import load_partnership
from storage.db import Session, utcnow
from storage.models import AuditEvent, Declaration, Meeting, PackBuild, StoredFile, TrackedReview
from tests.conftest import require
from tests.factories import (
    accepted_return,
    make_meeting,
    make_quorate,
    make_referral,
    make_screening_request,
)
from tests.helpers import Client
from workflow import packs


@pytest.fixture
def meeting(app, staff):  # type: ignore[no-untyped-def]
    first = make_referral(app, index=0)
    second = make_referral(app, index=2)
    accepted_return(
        app,
        make_screening_request(app, first, "nelft"),
        [
            {"date": "2026-04-10", "event": "Missed home visit", "outcome": "GP told"},
            {"date": "2026-02-01", "event": "District nurse visit", "outcome": "Dressing changed"},
        ],
    )
    accepted_return(
        app,
        make_screening_request(app, first, "mps-ea"),
        [{"date": "2026-03-15", "event": "Welfare check", "outcome": "No concerns recorded"}],
    )
    m = make_meeting(app, staff, [first.id, second.id])
    # The police member has a conflict on the second referral; the chair rules withdrawal.
    item = next(i for i in m.items if i.referral_id == second.id)
    Session.add(
        Declaration(
            meeting_id=m.id, agenda_item_id=item.id, user_id=staff["panel_member"].id,
            has_interest=True, ruling="withdraw_from_discussion_and_decision",
            ruled_by_id=staff["chair"].id, ruled_at=utcnow(),
        )
    )
    Session.commit()
    return m


def _build(app, meeting_id, converter=None):  # type: ignore[no-untyped-def]
    build = packs.request_build(Session.get(Meeting, meeting_id), None)
    return packs.build_pack(
        build.id, partnership=app.extensions["partnership"],
        store=app.extensions["file_store"], converter=converter,
    )


def _docx_text(app, file_id) -> tuple[list[str], str, str]:  # type: ignore[no-untyped-def]
    row = Session.get(StoredFile, file_id)
    doc = Document(io.BytesIO(app.extensions["file_store"].get(row.key)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    header = "\n".join(
        p.text for s in doc.sections for part in (s.header, s.first_page_header, s.footer) for p in part.paragraphs
    )
    return headings, body, header


def test_full_pack_has_every_section_in_order(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    build = _build(app, meeting.id)
    assert build.status == "ready"
    headings, body, header = _docx_text(app, build.editions["full"]["docx"])
    first, second = sorted(i.referral.reference for i in meeting.items if i.referral_id)
    expected_order = [
        "Agenda",
        "Review criteria and referral processes",
        f"{first}: referral",
        f"{first}: return from Metropolitan Police Service – East Area Basic Command Unit",
        f"{first}: return from North East London NHS Foundation Trust (NELFT)",
        f"{first}: multi-agency chronology",
        f"{second}: referral",
        "Case tracker",
        "Decision and action log",
    ]
    positions = [headings.index(h) for h in expected_order]
    assert positions == sorted(positions)
    # Only a panel whose terms of reference ask the chair to read the Think Family statement
    # (Wolverhampton's One Panel) has it in the agenda; Redbridge's One Panel does not.
    assert packs.THINK_FAMILY not in body
    wolverhampton = load_partnership("wolverhampton").default_panel
    assert wolverhampton.meetings.think_family_statement
    agenda = packs.agenda_section(meeting, list(meeting.items), wolverhampton)
    assert any(packs.THINK_FAMILY in getattr(block, "text", "") for block in agenda.blocks)
    # The process follows the panel's voting rule (Redbridge §6: one vote per partner agency
    # "regardless of the number of individual representatives": one per organisation).
    assert "with one vote per organisation" in body
    assert "In confidence, not for publication or dissemination" in header


def test_chronology_is_merged_across_agencies_in_date_order(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    build = _build(app, meeting.id)
    row = Session.get(StoredFile, build.editions["full"]["docx"])
    doc = Document(io.BytesIO(app.extensions["file_store"].get(row.key)))
    table = next(t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["Date", "Agency", "Event", "Action / outcome"])
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [(r[0], r[2]) for r in rows] == [
        ("1 February 2026", "District nurse visit"),
        ("15 March 2026", "Welfare check"),
        ("10 April 2026", "Missed home visit"),
    ]
    assert rows[1][1] == "Metropolitan Police Service – East Area Basic Command Unit"


def test_member_with_conflict_does_not_receive_item(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    build = _build(app, meeting.id)
    second = next(i for i in meeting.items if i.kind == "new_referral" and i.position == 5).referral.reference
    member_key = f"user-{staff['panel_member'].id}"
    chair_key = f"user-{staff['chair'].id}"
    member_headings, member_body, member_header = _docx_text(app, build.editions[member_key]["docx"])
    chair_headings, _, chair_header = _docx_text(app, build.editions[chair_key]["docx"])
    assert f"{second}: referral" in chair_headings
    assert f"{second}: referral" not in member_headings
    assert "Maria" not in member_body  # the withdrawn referral's subject
    assert staff["panel_member"].name in member_header
    assert staff["chair"].name in chair_header


def test_failed_build_keeps_the_previous_pack(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    good = _build(app, meeting.id)
    files_before = Session.scalar(select(func.count(StoredFile.id)))

    class Broken:
        def convert(self, *_a, **_k):  # type: ignore[no-untyped-def]
            from document_templates.pdf import ConversionError

            raise ConversionError("soffice exited 1", "")

    with pytest.raises(Exception, match="soffice"):
        _build(app, meeting.id, converter=Broken())
    failed = packs.latest_build(meeting.id)
    assert failed.status == "failed"
    assert "The previous pack is still available" in failed.message
    assert packs.current_build(meeting.id).id == good.id
    assert Session.scalar(select(func.count(StoredFile.id))) == files_before


def test_pdf_edition_with_contents_page_numbers_and_annexes(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    from pypdf import PdfReader

    from document_templates.pdf import LibreOfficeConverter, pdf_outline

    build = _build(app, meeting.id, converter=LibreOfficeConverter())
    row = Session.get(StoredFile, build.editions["full"]["pdf"])
    data = app.extensions["file_store"].get(row.key)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "In confidence, not for publication or dissemination" in text
    assert "Business unit (full pack)" in text
    assert "Review criteria and referral processes" in text
    titles = [item.title for item in pdf_outline(PdfReader(io.BytesIO(data)))]
    assert "Agenda" in titles and "Case tracker" in titles
    assert not subprocess.run(["pgrep", "-f", "soffice"], capture_output=True).stdout


def test_secretariat_builds_in_the_background_and_members_download_their_own(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    app.config["PDF_CONVERTER"] = "none"
    meeting_id = meeting.id
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get(f"/meetings/{meeting_id}/pack")
    client.post(f"/meetings/{meeting_id}/pack/build")
    app.extensions["pack_worker"].wait(timeout=120)
    page = client.get(f"/meetings/{meeting_id}/pack").get_data(as_text=True)
    assert "Current pack" in page
    build = packs.current_build(meeting_id)

    member = Client(app)
    member.sign_in(staff["panel_member"].email)
    own = f"user-{staff['panel_member'].id}"
    response = member.get(f"/meetings/{meeting_id}/pack/{build.id}/{own}.docx")
    assert response.headers["Content-Disposition"].startswith("attachment")
    # Another person's edition, or the full pack, is not theirs.
    member.get(f"/meetings/{meeting_id}/pack/{build.id}/user-{staff['chair'].id}.docx", status=404)
    member.get(f"/meetings/{meeting_id}/pack/{build.id}/full.docx", status=404)
    downloads = Session.scalars(
        select(AuditEvent).where(AuditEvent.action == "download", AuditEvent.object_type == "pack_edition")
    ).all()
    assert [(d.user_id, d.object_id) for d in downloads] == [(staff["panel_member"].id, f"{build.id}:{own}")]


def test_person_not_invited_gets_404(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    from workflow import accounts

    outsider = accounts.create_user(
        app.extensions["partnership"], email="other@example.org", name="Other Member",
        role="panel_member", password="another-long-password", agency_id="nelft",
    )
    client = Client(app)
    client.sign_in(outsider.email, "another-long-password")
    client.get(f"/meetings/{meeting.id}/papers", status=404)
    assert Session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.object_type == "meeting", AuditEvent.outcome == "denied")
    ) == 1


def test_rq_worker_builds_the_pack_from_redis(app, staff, meeting, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except RedisDown:
        require(False, "Redis is not running on 127.0.0.1:6379")
    from rq import Queue, SimpleWorker

    import worker

    connection = Redis.from_url("redis://127.0.0.1:6379/15")
    connection.flushdb()
    app.config["PDF_CONVERTER"] = "none"
    # The job makes its app from the environment; here that is the test's app.
    monkeypatch.setattr("app.create_app", lambda *a, **k: app)
    rq = worker.RQWorker("redis://127.0.0.1:6379/15")
    build = packs.request_build(Session.get(Meeting, meeting.id), None)
    rq.enqueue(build.id)
    SimpleWorker([Queue(worker.QUEUE_NAME, connection=connection)], connection=connection).work(burst=True)
    Session.expire_all()
    assert Session.get(PackBuild, build.id).status == "ready"
    connection.flushdb()


def test_two_conversions_at_once_do_not_collide_and_leave_no_soffice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    import threading

    from document_templates.pack import PackSection, Paragraph, assemble_docx
    from document_templates.pdf import LibreOfficeConverter

    cover = {
        "partnership": {"name": "P", "address": "A", "telephone": "", "email": "e@example.org"},
        "panel_name": "Panel", "pack_title": "Papers",
        "meeting": {"date": "Thursday 14 January 2027", "time": "10:00", "venue": "Room"},
        "circulated_date": "7 January 2027",
    }
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def convert(name: str) -> None:
        try:
            docx = tmp_path / name / f"{name}.docx"
            docx.parent.mkdir()
            docx.write_bytes(assemble_docx([PackSection(f"Section of {name}", 1, (Paragraph("Text"),))], cover=cover, recipient_name=name))
            results[name] = LibreOfficeConverter(timeout_s=180).convert([docx], tmp_path / name / "out", update_toc=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for name in ("first", "second"):
        [pdf] = results[name]
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        assert f"Section of {name}" in text
    assert not subprocess.run(["pgrep", "-f", "soffice"], capture_output=True).stdout


def test_conflicted_member_fetching_the_withdrawn_item_directly_gets_nothing(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    """Threat: a member withdrawn from an item for a conflict of interest tries every
    address that could show it — other editions, the referral, the decision page."""
    build = _build(app, meeting.id)
    item = next(i for i in meeting.items if i.kind == "new_referral" and i.position == 5)
    referral_id = item.referral_id
    member = Client(app)
    member.sign_in(staff["panel_member"].email)
    denied_before = Session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied"))
    for path in (
        f"/meetings/{meeting.id}/pack/{build.id}/full.docx",
        f"/meetings/{meeting.id}/pack/{build.id}/user-{staff['chair'].id}.docx",
        f"/meetings/{meeting.id}/pack/{build.id + 1}/user-{staff['panel_member'].id}.docx",
    ):
        member.get(path, status=404)
    for path in (
        f"/secretariat/referrals/{referral_id}",
        f"/meetings/{meeting.id}/items/{item.id}/decision",
        f"/meetings/{meeting.id}/declarations",
    ):
        assert member.get(path, status=None).status_code in (403, 404), path
    denied = Session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")) - denied_before
    assert denied == 6
    # What the member may open never names the withdrawn referral's subject.
    for path in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/papers", "/panel/"):
        page = member.get(path).get_data(as_text=True)
        assert "Maria" not in page, path
    own = member.get(f"/meetings/{meeting.id}/pack/{build.id}/user-{staff['panel_member'].id}.docx")
    assert b"Maria" not in own.data  # a .docx is a zip: check the text too
    _, body, _ = _docx_text(app, build.editions[f"user-{staff['panel_member'].id}"]["docx"])
    assert "Maria" not in body


def test_pack_tracker_shows_the_stage_reached_notifications_and_action_evidence(app, staff, meeting) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from workflow import meetings as domain

    partnership = app.extensions["partnership"]
    dhr_referral = make_referral(app, index=2)  # considered for a DHR
    m = Session.get(Meeting, meeting.id)
    item = domain.add_referral(m, dhr_referral, partnership)
    make_quorate(partnership, m)  # a decision is recorded only at a quorate meeting
    decision = domain.record_decision(
        m, item, tool_answers={}, recommendation="statutory_dhr", lead_process=None, methodology=None,
        rationale="Criteria met.", recorded_by_id=None, partnership=partnership,
    )
    review = Session.scalar(select(TrackedReview).where(TrackedReview.decision_id == decision.id))
    domain.update_review(review, reviewer="A. Reviewer", commissioned_on=date(2026, 1, 5),
                         terms_of_reference_on=date(2026, 2, 2))
    late = domain.add_action(meeting=m, referral=dhr_referral, description="Share the learning brief",
                             owner="Business unit", due=date.today() - timedelta(days=3))
    done = domain.add_action(meeting=m, referral=dhr_referral, description="Write to the family",
                             owner="Police", due=date.today() + timedelta(days=3))
    domain.complete_action(done, evidence="Letter sent 1 March")
    assert late.status == "open"
    build = _build(app, meeting.id)
    row = Session.get(StoredFile, build.editions["full"]["docx"])
    doc = Document(io.BytesIO(app.extensions["file_store"].get(row.key)))
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    tracked = next(r for r in cells if r[0] == dhr_referral.reference and "A. Reviewer" in r)
    assert tracked[1] == "Statutory Domestic Abuse Related Death Review (formerly DHR)"
    assert tracked[3] == "terms of reference agreed, 2 February 2026"
    assert tracked[4] == "Notification to the Home Office: not done"
    assert ["Share the learning brief", "Business unit", late.due.strftime("%-d %B %Y"), "Overdue", ""] in cells
    assert next(r for r in cells if r[0] == "Write to the family")[3:] == ["Done", "Letter sent 1 March"]
