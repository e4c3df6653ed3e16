"""Sign-in and sign-out for staff (secretariat, chair, panel members, admins)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from app import limiter
from views.access import ALL_STAFF, public, roles_required
from views.audit import record
from workflow import accounts

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct e-mail address and password"


class SignInForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your e-mail address"), Length(max=254)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _safe_next(target: str | None) -> str | None:
    # Only same-site paths: never an open redirect to another host.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user) -> str:  # type: ignore[no-untyped-def]
    return {
        "secretariat": url_for("secretariat.index"),
        "chair": url_for("panel.index"),
        "panel_member": url_for("panel.index"),
        "admin": url_for("admin.users"),
    }[user.role]


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data)
        if result.user is None:
            record("sign_in_failed", outcome="denied", detail={"locked": result.locked})
            # Same words whether the address is unknown, the password wrong or the
            # account locked, so the page does not reveal which accounts exist.
            form.email.errors = [SIGN_IN_FAILED]
            form.password.errors = [SIGN_IN_FAILED]
            return render_template("auth/sign_in.html", form=form), 200
        next_url = _safe_next(request.args.get("next"))
        # A fresh session at sign-in: nothing set before it survives (no fixation).
        session.clear()
        session.permanent = True
        login_user(result.user, remember=False)
        record("sign_in", "user", result.user.id)
        return redirect(next_url or home_for(result.user))
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@roles_required(*ALL_STAFF)
def sign_out() -> Response:
    user = current_user._get_current_object()
    record("sign_out", "user", user.id)
    accounts.end_all_sessions(user)
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
