"""Administrators upload new versions of the Word templates: check, preview, make live."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from storage.db import Session
from storage.models import Role, TemplateVersion
from views.access import roles_required
from views.audit import record
from workflow import template_versions as tv

bp = Blueprint("templates_admin", __name__, url_prefix="/admin/templates")


class EmptyForm(FlaskForm):
    """CSRF only."""


def _version_or_404(version_id: int) -> TemplateVersion:
    version = Session.get(TemplateVersion, version_id)
    if version is None:
        abort(404)
    return version


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index() -> str | Response:
    form = EmptyForm()
    error = None
    problems: list = []
    chosen = request.form.get("name", "")
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("template")
        data = upload.read() if upload else b""
        if chosen not in tv.TITLES:
            error = "Select which template this file replaces"
        elif not upload or not upload.filename:
            error = "Select a Word document (.docx)"
        else:
            try:
                version = tv.upload(chosen, data, store=current_app.extensions["file_store"], user_id=current_user.id)
            except tv.TemplateUploadError as exc:
                error, problems = str(exc), exc.problems
            except Exception as exc:  # noqa: BLE001 - a template that fails to render with demo data
                error = f"The template could not be rendered with the demo data: {exc}"
            else:
                record("upload_template", "template_version", version.id, detail={"name": chosen})
                flash(f"Version {version.version} checked. Preview it, then make it live.", "success")
                return redirect(url_for("templates_admin.index"))
        record("upload_template_refused", "template_version", None, outcome="denied", detail={"name": chosen})
    return render_template(
        "admin/templates.html", summaries=tv.summaries(), form=form, error=error, problems=problems,
        chosen=chosen,
    ), (200 if error is None else 200)


@bp.get("/versions/<int:version_id>/preview.docx")
@roles_required(Role.ADMIN)
def preview(version_id: int) -> Response:
    version = _version_or_404(version_id)
    data = tv.preview(version, current_app.extensions["file_store"])
    record("preview_template", "template_version", version.id)
    return send_file(
        io.BytesIO(data), mimetype=tv.DOCX_TYPE, as_attachment=True,
        download_name=f"preview-{version.name.removesuffix('.docx')}-v{version.version}.docx", max_age=0,
    )


@bp.post("/versions/<int:version_id>/live")
@roles_required(Role.ADMIN)
def make_live(version_id: int) -> Response:
    version = _version_or_404(version_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    tv.make_live(version)
    record("make_template_live", "template_version", version.id, detail={"name": version.name})
    flash(f"Version {version.version} of “{tv.TITLES[version.name]}” is now used for new documents.", "success")
    return redirect(url_for("templates_admin.index"))
