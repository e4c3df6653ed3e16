"""The secretariat (business unit): referral log, referral detail, requests to referrers."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

import forms
from forms.fields import GovDateField
from partnerships.model import LOCAL_LABEL
from partnerships.rules import rule_lines, source_text
from storage.db import Session
from storage.models import Referral, Role, User
from views import mailing
from views.access import roles_required
from views.audit import record
from views.filters import govuk_datetime
from workflow import clocks, referrals
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


class ConfirmReferralForm(FlaskForm):
    """The business unit confirms a referral made from outside the partner agencies."""

    submit = SubmitField("Confirm this referral", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    status = SelectField("Status", widget=GovSelect(), choices=list(STATUSES.items()))
    submit = SubmitField("Update status", widget=GovSubmitInput())


def _status_form(ref: Referral, **kwargs: object) -> StatusForm:
    """The status drop-down; "forwarded" is offered only to a referral already forwarded
    (forwarding itself records to whom, when and by whom: the "Forward" form)."""
    form = StatusForm(**kwargs)
    form.status.choices = [
        (k, v) for k, v in STATUSES.items() if k != "forwarded" or ref.status == "forwarded"
    ]
    return form


class ForwardForm(FlaskForm):
    note = TextAreaField(
        "Note",
        description="How and to whom the referral was sent, for example by secure e-mail "
        "to the partnership's review co-ordinator.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter how and to whom the referral was sent"),
            Length(max=5000, message="The note must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Forward", widget=GovSubmitInput())


def _date_given(_form: object, field: GovDateField) -> None:
    if field.data is None:
        if field.parts and any(field.parts):
            raise ValidationError("The date the outcome was shared must be a real date")
        raise ValidationError("Enter the date the outcome was shared with the panel")


class RapidReviewOutcomeForm(FlaskForm):
    outcome = TextAreaField(
        "Outcome of the rapid review",
        description="What the rapid review decided and recommended, as shared with the panel.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the outcome of the rapid review"),
            Length(max=10000, message="The outcome must be 10,000 characters or fewer"),
        ],
    )
    on = GovDateField(
        "Date the outcome was shared with the panel",
        description="For example, 27 3 2027",
        validators=[_date_given],
    )
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())


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
    partnership = current_app.extensions["partnership"]
    today = date.today()
    # The open cases' clocks are read once for both lists.
    case_clocks = clocks.open_clocks(partnership)
    without_start = clocks.clocks_without_start(partnership, case_clocks)
    return render_template(
        "secretariat/index.html", referrals=rows, statuses=STATUSES, status=status,
        overdue_clocks=clocks.overdue_clocks(partnership, today, case_clocks), today=today,
        # Each case once: its clocks cannot run until the day they start from is recorded.
        without_start=list({cc.referral.id: cc.referral for cc in without_start}.values()),
        referred_by=referrals.referred_by,
    )


def _referral_page(
    ref: Referral,
    *,
    info_form: InformationRequestForm | None = None,
    forward_form: ForwardForm | None = None,
    rapid_form: RapidReviewOutcomeForm | None = None,
    status_form: StatusForm | None = None,
) -> str:
    """The referral page; a form that failed is passed in to show its errors."""
    partnership = current_app.extensions["partnership"]
    definition = forms.definition_from_data(ref.definition_version.definition)
    forwarding = None if ref.forwarded_at else referrals.forwarding_target(partnership, ref)
    rapid = partnership.rapid_review_by() if "cspr" in (ref.review_types or []) else None
    cspr_panel = partnership.panel_for("cspr")
    # The forms not being submitted are built without the request's form data.
    if rapid_form is None:
        rapid_form = RapidReviewOutcomeForm(
            formdata=None,
            data={"outcome": ref.rapid_review_outcome, "on": ref.rapid_review_outcome_on},
        )
    return render_template(
        "secretariat/referral.html",
        referral=ref,
        sections=forms.summary(definition, ref.answers),
        info_form=info_form or InformationRequestForm(formdata=None),
        status_form=status_form or _status_form(ref, formdata=None, status=ref.status),
        statuses=STATUSES,
        forwarding=forwarding,
        forwarding_source=source_text(partnership, forwarding.source) if forwarding else None,
        forward_form=forward_form or ForwardForm(formdata=None),
        forwarded_by=Session.get(User, ref.forwarded_by_id) if ref.forwarded_by_id else None,
        rapid=rapid,
        rapid_outside=cspr_panel.name if cspr_panel else partnership.screening_body,
        rapid_source=source_text(partnership, rapid.source) if rapid else None,
        rapid_form=rapid_form,
        referred_by=referrals.referred_by(ref),
        referred_by_row=_referred_by_row(ref),
        confirm_form=ConfirmReferralForm(formdata=None),
    )


def _referred_by_row(ref: Referral) -> str:
    """Who referred, and for a referral from outside the partner agencies whether and by
    whom the business unit confirmed it."""
    if ref.referrer_kind is None:
        return "Not recorded"
    by = referrals.referred_by(ref)
    if by is None:
        return "A professional at a partner agency (work e-mail address)"
    text = by[:1].upper() + by[1:]
    if not ref.needs_confirmation:
        return text
    if ref.confirmed_at is None:
        return f"{text}: not confirmed yet"
    who = Session.get(User, ref.confirmed_by_id) if ref.confirmed_by_id else None
    when = govuk_datetime(ref.confirmed_at)
    return f"{text}: confirmed by {who.name if who else 'the business unit'} on {when}"


@bp.get("/referrals/<int:referral_id>")
@roles_required(Role.SECRETARIAT)
def referral(referral_id: int) -> str:
    ref = _referral_or_404(referral_id)
    record("view", "referral", ref.id)
    return _referral_page(ref)


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
    return _referral_page(ref, info_form=form), 200


@bp.post("/referrals/<int:referral_id>/forward")
@roles_required(Role.SECRETARIAT)
def forward_referral(referral_id: int) -> str | Response | tuple[str, int]:
    """Send a referral no panel screens on to the body that does (partnership.yaml
    ``forwarded``); the referral's status becomes "forwarded"."""
    ref = _referral_or_404(referral_id)
    form = ForwardForm()
    if form.validate_on_submit():
        try:
            referrals.forward(
                current_app.extensions["partnership"], ref, by_id=current_user.id,
                note=form.note.data, ip=request.remote_addr, route=request.endpoint,
            )
        except ReferralError as exc:
            if exc.field is None:  # the referral cannot be forwarded: nothing to correct
                flash(str(exc), "error")
                return redirect(url_for("secretariat.referral", referral_id=ref.id))
            form.note.errors = [str(exc)]
        else:
            flash(f"Referral {ref.reference} recorded as forwarded to {ref.forwarded_to}.", "success")
            return redirect(url_for("secretariat.referral", referral_id=ref.id))
    return _referral_page(ref, forward_form=form), 400


@bp.post("/referrals/<int:referral_id>/rapid-review")
@roles_required(Role.SECRETARIAT)
def record_rapid_review(referral_id: int) -> str | Response | tuple[str, int]:
    """Record the outcome of a child's rapid review run by another body (partnership.yaml
    ``pathways``, e.g. Redbridge's children's partnership)."""
    ref = _referral_or_404(referral_id)
    form = RapidReviewOutcomeForm()
    if form.validate_on_submit():
        try:
            referrals.record_rapid_review_outcome(
                current_app.extensions["partnership"], ref, outcome=form.outcome.data,
                on=form.on.data, by_id=current_user.id, ip=request.remote_addr,
                route=request.endpoint,
            )
        except ReferralError as exc:
            if exc.field is None:  # no rapid review run elsewhere for this referral
                flash(str(exc), "error")
                return redirect(url_for("secretariat.referral", referral_id=ref.id))
            getattr(form, exc.field).errors = [str(exc)]
        else:
            flash("Outcome of the rapid review recorded.", "success")
            return redirect(url_for("secretariat.referral", referral_id=ref.id))
    return _referral_page(ref, rapid_form=form), 400


@bp.post("/referrals/<int:referral_id>/confirm")
@roles_required(Role.SECRETARIAT)
def confirm_referral(referral_id: int) -> Response:
    """Confirm a referral made by a volunteer, a family member or someone else outside the
    partner agencies (after checking with them who they are): who and when are kept."""
    ref = _referral_or_404(referral_id)
    form = ConfirmReferralForm()
    if form.validate_on_submit():
        try:
            referrals.confirm_referral(
                ref, by_id=current_user.id, ip=request.remote_addr, route=request.endpoint
            )
        except ReferralError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Referral {ref.reference} confirmed.", "success")
    return redirect(url_for("secretariat.referral", referral_id=ref.id))


@bp.post("/referrals/<int:referral_id>/status")
@roles_required(Role.SECRETARIAT)
def update_status(referral_id: int) -> Response | tuple[str, int]:
    ref = _referral_or_404(referral_id)
    form = _status_form(ref)
    if form.validate_on_submit():
        try:
            referrals.set_status(current_app.extensions["partnership"], ref, form.status.data)
        except ReferralError as exc:
            # Closing a case with a statutory step outstanding: the page says which.
            record("change", "referral", ref.id, outcome="refused", detail={"status": form.status.data})
            form.status.errors = [str(exc)]
            return _referral_page(ref, status_form=form), 400
        record("change", "referral", ref.id, detail={"status": ref.status})
        flash(f"Status changed to {STATUSES[ref.status].lower()}.", "success")
    return redirect(url_for("secretariat.referral", referral_id=ref.id))


@bp.get("/partnership")
@roles_required(Role.SECRETARIAT, Role.CHAIR, Role.ADMIN)
def partnership() -> str:
    """The partnership's rules as configured, each with its source: organisations, each
    panel's rules, forwarded review types, pathways, decision-makers and time limits."""
    return render_template(
        "secretariat/partnership.html",
        rules=rule_lines(current_app.extensions["partnership"]),
        local_label=LOCAL_LABEL,
    )
