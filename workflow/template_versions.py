"""New versions of the Word templates, uploaded by an administrator.

A new version is checked against the data the product gives that template (an unknown
variable or a syntax error is refused, naming it and the part of the document it is in),
previewed with demo data, and only then made live. Old versions are kept; the file that
ships with the product is version 0 and is used until a version is made live.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from sqlalchemy import func, select

from document_templates.contexts import CONTRACTS, DEMO_CONTEXTS
from document_templates.render import TemplateProblem, check_template, render_docx
from storage.db import Session, utcnow
from storage.files import FileStore, save_file
from storage.models import TemplateVersion

SHIPPED = Path(__file__).resolve().parents[1] / "document_templates" / "templates"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

TITLES = {
    "outcome_referrer.docx": "Outcome letter to the referrer",
    "outcome_board_chair.docx": "Letter to the board chair",
    "home_office_dhr_notification.docx": "Notification to the Home Office",
    "national_panel_cspr_notification.docx": "Notification to the National Panel",
    "screening_request_letter.docx": "Screening request letter",
    "agenda.docx": "Meeting agenda",
    "minutes.docx": "Draft minutes",
    "pack_master.docx": "Briefing pack (cover, contents, headers)",
    "annual_review.docx": "Annual review of referrals",
}


class TemplateUploadError(ValueError):
    """The upload cannot be used; ``problems`` says where and what."""

    def __init__(self, message: str, problems: list[TemplateProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def live_version(name: str) -> TemplateVersion | None:
    return Session.scalar(
        select(TemplateVersion).where(TemplateVersion.name == name, TemplateVersion.status == "live")
    )


def template_bytes(name: str, store: FileStore) -> bytes:
    """The template to use now: the live uploaded version, or the shipped file."""
    if name not in CONTRACTS:
        raise KeyError(name)
    live = live_version(name)
    if live is not None:
        return store.get(live.file.key)
    return (SHIPPED / name).read_bytes()


def check_upload(name: str, data: bytes) -> list[TemplateProblem]:
    """Problems with a proposed template (empty when it can be used)."""
    if name not in CONTRACTS:
        raise TemplateUploadError(f"'{name}' is not one of the product's templates")
    if not data:
        raise TemplateUploadError("The selected file is empty")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateUploadError("The selected file must be smaller than 5MB")
    if not zipfile.is_zipfile(BytesIO(data)):
        raise TemplateUploadError("The selected file must be a Word document (.docx)")
    with zipfile.ZipFile(BytesIO(data)) as z:
        if "word/document.xml" not in z.namelist():
            raise TemplateUploadError("The selected file must be a Word document (.docx)")
    return check_template(data, CONTRACTS[name])


def upload(name: str, data: bytes, *, store: FileStore, user_id: int | None) -> TemplateVersion:
    """Keep a checked upload as a draft version; raises with the problems if any."""
    problems = check_upload(name, data)
    if problems:
        raise TemplateUploadError("The template cannot be used", problems)
    # Rendering with the demo data proves it renders before anyone previews it.
    render_docx(data, DEMO_CONTEXTS[name])
    number = (Session.scalar(select(func.max(TemplateVersion.version)).where(TemplateVersion.name == name)) or 0) + 1
    row = save_file(
        Session, store, data, kind="template", content_type=DOCX_TYPE,
        original_name=f"{name.removesuffix('.docx')}-v{number}.docx", created_by=f"user:{user_id}",
    )
    version = TemplateVersion(
        name=name, version=number, file=row, status="draft", uploaded_by_id=user_id,
        notes={"sha256": hashlib.sha256(data).hexdigest()},
    )
    Session.add(version)
    Session.commit()
    return version


def preview(version: TemplateVersion, store: FileStore) -> bytes:
    return render_docx(store.get(version.file.key), DEMO_CONTEXTS[version.name])


def make_live(version: TemplateVersion) -> None:
    """Use this version for new documents; the previous live version is retired (kept)."""
    current = live_version(version.name)
    if current is not None and current.id != version.id:
        current.status = "retired"
    version.status = "live"
    version.made_live_at = utcnow()
    Session.commit()


def revert_to_shipped(name: str) -> None:
    current = live_version(name)
    if current is not None:
        current.status = "retired"
        Session.commit()


@dataclass(frozen=True)
class TemplateSummary:
    name: str
    title: str
    live: TemplateVersion | None
    versions: list[TemplateVersion]


def summaries() -> list[TemplateSummary]:
    rows = Session.scalars(select(TemplateVersion).order_by(TemplateVersion.name, TemplateVersion.version.desc())).all()
    out = []
    for name in CONTRACTS:
        versions = [r for r in rows if r.name == name]
        live = next((r for r in versions if r.status == "live"), None)
        out.append(TemplateSummary(name, TITLES.get(name, name), live, versions))
    return out
