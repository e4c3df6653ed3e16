"""Administrators: staff accounts and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
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
from workflow import accounts

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


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit() -> str:
    page = max(request.args.get("page", 1, type=int), 1)
    total = Session.scalar(select(func.count(AuditEvent.id))) or 0
    events = Session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE)
        .offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    record("view", "audit_log")
    return render_template(
        "admin/audit.html", events=events, page=page, pages=max(1, -(-total // AUDIT_PAGE_SIZE))
    )
