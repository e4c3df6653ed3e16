"""The secretariat (business unit): referral log, referral detail, requests to referrers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

import forms
from storage.db import Session
from storage.models import Referral, Role
from views import mailing
from views.access import roles_required
from views.audit import record
from workflow import referrals
from workflow.referrals import STATUSES, ReferralError

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")


class InformationRequestForm(FlaskForm):
    question = TextAreaField(
        "What do you need the referrer to tell you?",
        description="The referrer gets an e-mail with a link to this request. Do not put "
        "personal details in it: the e-mail itself only carries the reference.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter what you need the referrer to tell you"),
            Length(max=5000, message="The request must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    status = SelectField("Status", widget=GovSelect(), choices=list(STATUSES.items()))
    submit = SubmitField("Update status", widget=GovSubmitInput())


def _referral_or_404(referral_id: int) -> Referral:
    referral = Session.get(Referral, referral_id)
    if referral is None:
        record("not_found", "referral", referral_id, outcome="denied")
        abort(404)
    return referral


@bp.get("/")
@roles_required(Role.SECRETARIAT)
def index() -> str:
    """The referral log: every referral, also those that never progress."""
    status = request.args.get("status")
    query = select(Referral).order_by(Referral.received_at.desc(), Referral.id.desc())
    if status in STATUSES:
        query = query.where(Referral.status == status)
    rows = Session.scalars(query).all()
    record("view", "referral_log", detail={"count": len(rows)})
    return render_template(
        "secretariat/index.html", referrals=rows, statuses=STATUSES, status=status
    )


@bp.get("/referrals/<int:referral_id>")
@roles_required(Role.SECRETARIAT)
def referral(referral_id: int) -> str:
    ref = _referral_or_404(referral_id)
    definition = forms.definition_from_data(ref.definition_version.definition)
    record("view", "referral", ref.id)
    status_form = StatusForm(status=ref.status)
    return render_template(
        "secretariat/referral.html",
        referral=ref,
        sections=forms.summary(definition, ref.answers),
        info_form=InformationRequestForm(),
        status_form=status_form,
        statuses=STATUSES,
    )


@bp.post("/referrals/<int:referral_id>/information")
@roles_required(Role.SECRETARIAT)
def request_information(referral_id: int) -> str | Response:
    ref = _referral_or_404(referral_id)
    form = InformationRequestForm()
    if form.validate_on_submit():
        try:
            req = referrals.request_information(ref, form.question.data, current_user.id)
        except ReferralError as exc:
            form.question.errors = [str(exc)]
        else:
            token = referrals.information_token(req, current_app.config["SECRET_KEY"])
            link = current_app.config["EXTERNAL_URL"].rstrip("/") + url_for(
                "refer.information", token=token
            )
            mailing.send_information_request(req, link)
            record("request_information", "referral", ref.id)
            flash("Request sent to the referrer.", "success")
            return redirect(url_for("secretariat.referral", referral_id=ref.id))
    definition = forms.definition_from_data(ref.definition_version.definition)
    return render_template(
        "secretariat/referral.html",
        referral=ref,
        sections=forms.summary(definition, ref.answers),
        info_form=form,
        status_form=StatusForm(status=ref.status),
        statuses=STATUSES,
    ), 200


@bp.post("/referrals/<int:referral_id>/status")
@roles_required(Role.SECRETARIAT)
def update_status(referral_id: int) -> Response:
    ref = _referral_or_404(referral_id)
    form = StatusForm()
    if form.validate_on_submit():
        ref.status = form.status.data
        Session.commit()
        record("change", "referral", ref.id, detail={"status": ref.status})
        flash(f"Status changed to {STATUSES[ref.status].lower()}.", "success")
    return redirect(url_for("secretariat.referral", referral_id=ref.id))


@bp.get("/partnership")
@roles_required(Role.SECRETARIAT, Role.CHAIR, Role.ADMIN)
def partnership() -> str:
    """The partnership's rules as configured: agencies, quorum, boards, time limits."""
    return render_template("secretariat/partnership.html")
