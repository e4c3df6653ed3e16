"""Sign-in and sign-out for staff (secretariat, chair, panel members, admins)."""

from __future__ import annotations

import time
from typing import Any
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
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from extensions import limiter
from storage.db import Session
from storage.models import User
from views.access import ALL_STAFF, public, roles_required
from views.audit import record
from workflow import accounts, totp

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct e-mail address and password"
CODE_FAILED = "Enter the 6-digit code shown in your authenticator app"


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


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code shown in your authenticator app.",
        widget=GovTextInput(),
        validators=[InputRequired(CODE_FAILED), Length(max=10, message=CODE_FAILED)],
        filters=[lambda v: "".join(v.split()) if isinstance(v, str) else v],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


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


def _finish_sign_in(user: User, next_url: str | None, *, second_factor: bool) -> Response:
    """All factors checked: a fresh session holding only the sign-in (no fixation)."""
    accounts.complete_sign_in(user)
    session.clear()
    session.permanent = True
    login_user(user, remember=False)
    now = time.time()
    session["signed_in_at"] = now
    session["last_seen"] = now
    record("sign_in", "user", user.id, detail={"second_factor": "totp" if second_factor else None})
    return redirect(next_url or home_for(user))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def sign_in() -> str | Response | tuple[str, int]:
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
        user = result.user
        next_url = _safe_next(request.args.get("next"))
        # Nothing set before the password survives it, whatever comes next.
        session.clear()
        if accounts.needs_second_factor(user, current_app.config["TWO_FACTOR_ROLES"]):
            # Not signed in yet: the session only says whose code to ask for, until when.
            session["pending_2fa"] = {
                "user": user.id,
                "version": user.session_version,
                "at": time.time(),
                "next": next_url,
            }
            record("sign_in_password_ok", "user", user.id)
            endpoint = "auth.two_factor" if user.totp_secret else "auth.two_factor_setup"
            return redirect(url_for(endpoint))
        return _finish_sign_in(user, next_url, second_factor=False)
    return render_template("auth/sign_in.html", form=form)


def _pending() -> tuple[User | None, dict[str, Any]]:
    """The account whose password was just given, while the code may still be entered."""
    pending = session.get("pending_2fa")
    if not isinstance(pending, dict):
        return None, {}
    limit = current_app.config["TWO_FACTOR_PENDING_MINUTES"] * 60
    if time.time() - float(pending.get("at", 0)) > limit:
        session.pop("pending_2fa", None)
        return None, {}
    user = Session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        session.pop("pending_2fa", None)
        return None, {}
    return user, pending


def _start_again() -> Response:
    flash("Sign in again: the time to enter your code ran out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def two_factor() -> str | Response | tuple[str, int]:
    """Second step: the code from the authenticator app."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if not user.totp_secret:
        return redirect(url_for("auth.two_factor_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if not accounts.is_locked(user) and totp.verify_for_user(user, form.code.data):
            return _finish_sign_in(user, pending.get("next"), second_factor=True)
        locked = accounts.is_locked(user) or accounts.record_failure(user)
        record("sign_in_failed", "user", user.id, outcome="denied", detail={"factor": "totp", "locked": locked})
        form.code.errors = [CODE_FAILED]
        return render_template("auth/code.html", form=form), 200
    return render_template("auth/code.html", form=form)


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def two_factor_setup() -> str | Response | tuple[str, int]:
    """First sign-in of a role that needs a second factor: add the service to an app."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if user.totp_secret:
        return redirect(url_for("auth.two_factor"))
    secret = pending.get("secret")
    if not secret:
        secret = totp.new_secret()
        session["pending_2fa"] = {**pending, "secret": secret}
    form = CodeForm()
    if form.validate_on_submit():
        if not accounts.is_locked(user) and totp.enrol(user, secret, form.code.data):
            record("enrol_totp", "user", user.id)
            return _finish_sign_in(user, pending.get("next"), second_factor=True)
        record("enrol_totp_failed", "user", user.id, outcome="denied")
        form.code.errors = [CODE_FAILED]
    return render_template(
        "auth/set_up.html",
        form=form,
        secret=totp.grouped(secret),
        uri=totp.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"]),
    )


@bp.post("/sign-out")
@roles_required(*ALL_STAFF)
def sign_out() -> Response:
    user = current_user._get_current_object()
    idle = request.form.get("reason") == "idle"
    record("sign_out", "user", user.id, detail={"reason": "idle"} if idle else None)
    accounts.end_all_sessions(user)
    logout_user()
    session.clear()
    if idle:
        minutes = current_app.config["SESSION_IDLE_MINUTES"]
        flash(f"You have been signed out because you had not used the service for {minutes} minutes.", "info")
    else:
        flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
