"""Administrators: staff accounts, the audit log (and its export), subject access."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from storage.db import Session
from storage.models import AuditEvent, Role, User
from views.access import roles_required
from views.audit import record
from workflow import accounts, subject_access, totp

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


class NewUserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=200)],
    )
    email = EmailField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's e-mail address"), Length(max=254)],
    )
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[(r.value, r.label) for r in Role],
        validators=[InputRequired("Select a role")],
    )
    agency_id = SelectField("Agency (panel members)", widget=GovSelect(), choices=[])
    password = StringField(
        "Temporary password",
        description="At least 12 characters. Give it to the person by a different route.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a temporary password")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EmptyForm(FlaskForm):
    """CSRF token only, for buttons that change state."""


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users() -> str | Response:
    partnership = current_app.extensions["partnership"]
    form = NewUserForm()
    form.agency_id.choices = [("", "Not a panel member")] + [
        (a.id, a.name) for a in partnership.agencies
    ]
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                partnership,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                agency_id=form.agency_id.data or None,
            )
        except accounts.AccountError as exc:
            message = str(exc)
            field = form.password if "password" in message else form.email
            if "agency" in message:
                field = form.agency_id
            field.errors = [message[0].upper() + message[1:]]
        else:
            record("create", "user", user.id)
            flash("Account created.", "success")
            return redirect(url_for("admin.users"))
    rows = Session.scalars(select(User).order_by(User.role, User.name)).all()
    record("view", "user_list")
    return render_template("admin/users.html", form=form, users=rows, toggle=EmptyForm())


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def toggle_active(user_id: int) -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = Session.get(User, user_id)
    if user is None:
        abort(404)
    accounts.set_active(user, not user.active)
    record("change", "user", user.id, detail={"active": user.active})
    flash("Account enabled." if user.active else "Account disabled.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/two-factor/reset")
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int) -> Response:
    """A lost phone: the person sets up two-factor sign-in again at their next sign-in."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = Session.get(User, user_id)
    if user is None:
        abort(404)
    totp.remove(user)
    record("reset_totp", "user", user.id)
    flash("Two-factor sign-in reset. The person will set it up again when they next sign in.", "success")
    return redirect(url_for("admin.users"))


def _day(name: str) -> tuple[date | None, str | None]:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, "Enter a real date, for example 2027-01-31"


def _audit_range() -> tuple[Any, dict[str, str], dict[str, str]]:
    """The audit query for the ?from= and ?to= dates (inclusive), and any errors."""
    query = select(AuditEvent)
    values = {k: request.args.get(k, "") for k in ("from", "to")}
    errors: dict[str, str] = {}
    start, err = _day("from")
    if err:
        errors["from"] = err
    end, err = _day("to")
    if err:
        errors["to"] = err
    if start and end and end < start:
        errors["to"] = "The end date must be the same as or after the start date"
    if not errors:
        if start:
            query = query.where(AuditEvent.at >= datetime.combine(start, time.min, UTC))
        if end:
            query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    return query, values, errors


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit() -> str | tuple[str, int]:
    page = max(request.args.get("page", 1, type=int), 1)
    query, values, errors = _audit_range()
    if errors:
        return render_template(
            "admin/audit.html", events=[], page=1, pages=1, values=values, errors=errors
        ), 400
    total = Session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = Session.scalars(
        query.order_by(AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE)
        .offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    record("view", "audit_log")
    return render_template(
        "admin/audit.html",
        events=events,
        page=page,
        pages=max(1, -(-total // AUDIT_PAGE_SIZE)),
        values=values,
        errors={},
    )


AUDIT_COLUMNS = ("id", "at", "actor", "user_id", "action", "object_type", "object_id", "outcome", "ip", "route", "detail")


def _cell(value: Any) -> str:
    text = "" if value is None else (value.isoformat() if isinstance(value, datetime) else str(value))
    # A cell a spreadsheet would run as a formula is kept as text (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


@bp.get("/audit/export.csv")
@roles_required(Role.ADMIN)
def audit_export() -> Response | tuple[str, int]:
    """The audit log between two dates as CSV, streamed row by row; the export is audited."""
    query, values, errors = _audit_range()
    if errors:
        return render_template(
            "admin/audit.html", events=[], page=1, pages=1, values=values, errors=errors
        ), 400
    record("export", "audit_log", detail={"from": values["from"] or None, "to": values["to"] or None})
    query = query.order_by(AuditEvent.id).execution_options(yield_per=500)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_COLUMNS)
        for event in Session.scalars(query):
            writer.writerow(
                [_cell(getattr(event, c)) if c != "detail" else _cell(json.dumps(event.detail, sort_keys=True))
                 for c in AUDIT_COLUMNS]
            )
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = "audit-log" + (f"-from-{values['from']}" if values["from"] else "") + (
        f"-to-{values['to']}" if values["to"] else ""
    )
    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


class SubjectAccessForm(FlaskForm):
    name = StringField(
        "Full name of the person",
        description="Every word you enter must be in the name held, in any order. Case does not matter.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's name"), Length(max=200)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    date_of_birth = StringField(
        "Date of birth (optional)",
        description="For example 1948-02-14. Leaves out records with a different date of birth.",
        widget=GovTextInput(),
        validators=[Length(max=10)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


def _subject_query(form: SubjectAccessForm) -> date | None | bool:
    """The date of birth given (None when blank); False when it is not a date."""
    if not form.date_of_birth.data:
        return None
    try:
        return date.fromisoformat(form.date_of_birth.data)
    except ValueError:
        form.date_of_birth.errors = ["Enter the date of birth as year-month-day, for example 1948-02-14"]
        return False


@bp.route("/subject-access", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def subject_access_search() -> str:
    """Find everything held about a named person, then download it as one archive."""
    form = SubjectAccessForm()
    result = None
    if form.validate_on_submit():
        dob = _subject_query(form)
        if dob is not False:
            result = subject_access.find(form.name.data, dob)
            # Ids only: the name searched for is personal data and stays out of the log.
            record("search", "subject_access", detail={"referral_ids": result.referral_ids, "drafts": len(result.drafts)})
    return render_template("admin/subject_access.html", form=form, result=result)


@bp.post("/subject-access/archive")
@roles_required(Role.ADMIN)
def subject_access_archive() -> Response | str | tuple[str, int]:
    form = SubjectAccessForm()
    if not form.validate_on_submit():
        return render_template("admin/subject_access.html", form=form, result=None), 400
    dob = _subject_query(form)
    if dob is False:
        return render_template("admin/subject_access.html", form=form, result=None), 400
    result = subject_access.find(form.name.data, dob)
    from storage import audit as audit_store

    entry = audit_store.record(
        actor=f"user:{current_user.id}",
        user_id=current_user.id,
        action="export",
        object_type="subject_access",
        ip=request.remote_addr,
        route=request.endpoint,
        detail={"referral_ids": result.referral_ids, "drafts": len(result.drafts)},
    )
    data = subject_access.build_archive(result, current_app.extensions["file_store"], audit_id=entry.id)
    return send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"subject-access-{date.today().isoformat()}-{entry.id}.zip",
    )
