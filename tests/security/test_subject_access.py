"""Subject access: everything held about a named person, as one ZIP archive, audited."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from storage.db import Session
from storage.files import save_file
from storage.models import AuditEvent
from tests.factories import accepted_return, make_referral, make_screening_request
from tests.helpers import Client
from workflow import subject_access


def _with_pdf_return(app, referral):  # type: ignore[no-untyped-def]
    req = make_screening_request(app, referral)
    ret = accepted_return(app, req, [{"date": "2026-01-01", "event": "Seen"}])
    stored = save_file(
        Session, app.extensions["file_store"], b"%PDF-1.7 original return",
        kind="screening_return", content_type="application/pdf", original_name="../../etc/passwd.pdf",
    )
    Session.flush()
    ret.file_id = stored.id
    Session.commit()
    return req, ret


def test_names_match_case_insensitively_in_any_order() -> None:
    assert subject_access.name_matches("arthur ELLIS", "Arthur Ellis")
    assert subject_access.name_matches("Ellis Arthur", "Arthur James Ellis")
    assert not subject_access.name_matches("Arthur Elliot", "Arthur Ellis")
    assert not subject_access.name_matches("", "Arthur Ellis")


def test_subject_and_other_persons_are_found_and_dob_narrows(app) -> None:  # type: ignore[no-untyped-def]
    first = make_referral(app, 0)  # Arthur Ellis, daughter Karen Ellis
    make_referral(app, 0, subject_first_name="Someone", subject_last_name="Else", next_of_kin_name=None)
    assert [r.id for r, _ in subject_access.find("arthur ellis").referrals] == [first.id]
    karen = subject_access.find("KAREN ELLIS")
    assert [r.id for r, _ in karen.referrals] == [first.id]
    assert karen.referrals[0][1][0].role == "other_person"
    from datetime import date

    assert subject_access.find("Arthur Ellis", date(1948, 2, 14)).referral_ids == [first.id]
    assert subject_access.find("Arthur Ellis", date(1950, 1, 1)).referral_ids == []


def test_admin_downloads_one_archive_with_json_files_and_readme(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app, 0)
    make_referral(app, 0, subject_first_name="Someone", subject_last_name="Else", next_of_kin_name=None)
    req, ret = _with_pdf_return(app, referral)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get(f"/secretariat/referrals/{referral.id}")  # an audit entry about the referral
    admin = Client(app)
    admin.sign_in(staff["admin"].email)
    admin.get("/admin/subject-access")
    page = admin.post("/admin/subject-access", {"name": "arthur ellis", "date_of_birth": ""}, status=200)
    assert referral.reference in page.get_data(as_text=True)
    response = admin.post("/admin/subject-access/archive", {"name": "arthur ellis", "date_of_birth": "1948-02-14"}, status=200)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    pdf_name = f"files/{referral.reference}/screening-return-{ret.id}.pdf"
    assert names == {"README.txt", "subject-access.json", pdf_name}
    assert archive.read(pdf_name) == b"%PDF-1.7 original return"
    assert "redact" in archive.read("README.txt").decode()
    data = json.loads(archive.read("subject-access.json"))
    [held] = data["referrals"]
    assert held["reference"] == referral.reference and held["answers"]["subject_last_name"] == "Ellis"
    assert held["matched_as"] == [{"role": "subject", "name": "Arthur Ellis"}]
    [screening] = held["screening"]
    assert screening["id"] == req.id and "link_nonce" not in screening
    assert screening["return"]["file"]["original_name"] == "../../etc/passwd.pdf"
    assert screening["return"]["file"]["in_archive"] == pdf_name
    about = {(e["action"], e["object_type"], e["object_id"]) for e in data["audit_entries"]}
    assert ("view", "referral", str(referral.id)) in about
    export = Session.scalars(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_type == "subject_access")).one()
    assert export.detail == {"referral_ids": [referral.id], "drafts": 0}
    assert export.user_id == staff["admin"].id
    # The name searched for stays out of the audit log.
    assert "ellis" not in json.dumps([e.detail for e in Session.scalars(select(AuditEvent))]).lower()


def test_subject_access_is_for_admins_only(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get("/admin/subject-access", status=403)
    client.post("/admin/subject-access/archive", {"name": "Arthur Ellis"}, status=403)
    assert Session.scalars(select(AuditEvent).where(AuditEvent.object_type == "subject_access")).all() == []
