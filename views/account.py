"""The signed-in person's own account: two-factor sign-in, and keeping a session alive."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    has_app_context,
    jsonify,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from views.access import ALL_STAFF, roles_required
from views.audit import record
from views.auth import CODE_FAILED
from workflow import totp

bp = Blueprint("account", __name__, url_prefix="/account")


def _digits(value: object) -> object:
    return "".join(value.split()) if isinstance(value, str) else value


class SetUpForm(FlaskForm):
    current_code = StringField(
        "Code from your current app",
        widget=GovTextInput(),
        validators=[Length(max=10, message=CODE_FAILED)],
        filters=[_digits],
    )
    code = StringField(
        "Code from the app you are setting up",
        widget=GovTextInput(),
        validators=[InputRequired(CODE_FAILED), Length(max=10, message=CODE_FAILED)],
        filters=[_digits],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.get("")
@roles_required(*ALL_STAFF)
def index() -> str:
    required = current_user.role in current_app.config["TWO_FACTOR_ROLES"]
    return render_template("account/index.html", required=required)


@bp.route("/two-factor", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def two_factor() -> str | Response:
    """Set up (or move to a new phone) two-factor sign-in for the signed-in person.

    Replacing an app needs a code from the current one, so a session left open on a shared
    computer cannot be used to take over the second factor.
    """
    user = current_user._get_current_object()
    secret = session.get("enrol_secret")
    if not secret:
        secret = totp.new_secret()
        session["enrol_secret"] = secret
    form = SetUpForm()
    if form.validate_on_submit():
        if user.totp_secret and not totp.verify_for_user(user, form.current_code.data or ""):
            form.current_code.errors = [CODE_FAILED]
            record("enrol_totp_failed", "user", user.id, outcome="denied")
        elif totp.enrol(user, secret, form.code.data):
            session.pop("enrol_secret", None)
            record("enrol_totp", "user", user.id)
            flash("Two-factor sign-in is set up. You will need a code each time you sign in.", "success")
            return redirect(url_for("account.index"))
        else:
            form.code.errors = [CODE_FAILED]
            record("enrol_totp_failed", "user", user.id, outcome="denied")
    return render_template(
        "account/two_factor.html",
        form=form,
        replacing=bool(user.totp_secret),
        secret=totp.grouped(secret),
        uri=totp.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"]),
    )


@bp.post("/keep-alive")
@roles_required(*ALL_STAFF)
def keep_alive() -> Response:
    """Called by the time-out warning's "Stay signed in": the request itself is the activity."""
    # The idle clock was reset by the before-request check that let this request through.
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    return jsonify({"signed_in": True, "expires_in": idle, "at": int(time.time())})


def note_denial(_mapper: Any, _connection: Any, target: Any) -> None:
    """SQLAlchemy listener: this request already wrote a refusal to the audit log.

    app.py's after-request check then does not record the same refusal a second time.
    """
    if target.outcome == "denied" and has_app_context():
        g.denial_audited = True
