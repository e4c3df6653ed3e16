"""Admins upload new template versions: checked, previewed, only then live; old ones kept."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import func, select

from storage.db import Session
from storage.models import Decision, StoredFile, TemplateVersion
from tests.factories import make_referral
from tests.helpers import Client
from workflow import letters
from workflow.template_versions import SHIPPED


def _edited(extra: str) -> bytes:
    doc = Document(str(SHIPPED / "outcome_referrer.docx"))
    doc.add_paragraph(extra)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client: Client, data: bytes, name: str = "outcome_referrer.docx", status: int = 302):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/templates",
        {"name": name, "template": (io.BytesIO(data), "letter.docx")},
        content_type="multipart/form-data",
        status=status,
    )


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_unknown_variable_is_refused_naming_it_and_where(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["admin"].email)
    client.get("/admin/templates")
    page = _upload(client, _edited("Dear {{ subject_nhs_number }}"), status=200).get_data(as_text=True)
    assert "The template cannot be used" in page
    assert "subject_nhs_number" in page and "body" in page.lower()
    assert Session.scalar(select(func.count(TemplateVersion.id))) == 0
    assert Session.scalar(select(func.count(StoredFile.id))) == 0


def test_syntax_error_and_a_file_that_is_not_word_are_refused(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["admin"].email)
    client.get("/admin/templates")
    page = _upload(client, _edited("{% if reference %} never closed"), status=200).get_data(as_text=True)
    assert "The template cannot be used" in page
    page = _upload(client, b"%PDF-1.7 not a docx", status=200).get_data(as_text=True)
    assert "must be a Word document (.docx)" in page
    assert Session.scalar(select(func.count(TemplateVersion.id))) == 0


def test_new_version_is_previewed_then_made_live_and_the_old_kept(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    decision = Decision(referral_id=referral.id, recommendation="statutory_sar", rationale="Met.")
    Session.add(decision)
    Session.commit()
    decision_id = decision.id
    store = app.extensions["file_store"]
    partnership = app.extensions["partnership"]

    client = Client(app)
    client.sign_in(staff["admin"].email)
    client.get("/admin/templates")
    _upload(client, _edited("Version one line, reference {{ reference }}"))
    first = Session.scalar(select(TemplateVersion))
    assert (first.version, first.status) == (1, "draft")
    preview = client.get(f"/admin/templates/versions/{first.id}/preview.docx")
    assert "Version one line, reference OP-2025-0042" in _docx_text(preview.data)

    def letter() -> str:
        d = Session.get(Decision, decision_id)
        return _docx_text(letters.render_letter("referrer", d, d.referral, partnership, sender_name="S", store=store))

    assert "Version one line" not in letter()  # a draft is not used
    client.post(f"/admin/templates/versions/{first.id}/live")
    assert "Version one line" in letter()

    _upload(client, _edited("Version two line"))
    second = Session.scalar(select(TemplateVersion).where(TemplateVersion.version == 2))
    client.post(f"/admin/templates/versions/{second.id}/live")
    assert "Version two line" in letter()
    Session.expire_all()
    statuses = {v.version: v.status for v in Session.scalars(select(TemplateVersion))}
    assert statuses == {1: "retired", 2: "live"}


def test_only_admins_upload_templates(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get("/admin/templates", status=403)
