"""The referral journey, for referrers without an account (entry: /refer).

start → who you are and your e-mail address → security code → the form, page by page
(save and return at any point) → check your answers and declaration → confirmation with
the reference. "Who are you?" offers the kinds of referrer the partnership accepts
(partnership.yaml ``referrers``); a referral from anyone but a partner agency's
professional arrives marked for the business unit to confirm.
The business unit can use the same journey to key in a referral sent by e-mail.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

import forms
from extensions import limiter
from forms.validators import message
from storage.db import Session
from storage.models import Role
from views import mailing as referral_mail
from views.access import public, roles_required
from views.audit import record
from workflow import referrals
from workflow.referrals import ReferralError

bp = Blueprint("refer", __name__, url_prefix="/refer")

FORM_ID = "referral"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class EmailForm(FlaskForm):
    # The kinds the partnership accepts are set per request (``_email_form``); the
    # question is shown only when there is more than one. No answer means a partner
    # agency's professional: their work address says so.
    kind = RadioField(
        "Who are you?",
        description="If you work at a partner agency and give your work e-mail address, you "
        "can leave this.",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
    )
    email = EmailField(
        "Your e-mail address",
        description="We will send a security code to this address. If you work at a partner "
        "agency, use your work address.",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter your e-mail address"),
            Length(max=254, message="E-mail address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Send the code", widget=GovSubmitInput())


def _email_form() -> EmailForm:
    form = EmailForm()
    kinds = referrals.referrer_kinds(_partnership())
    form.kind.choices = list(kinds.items())
    if len(kinds) == 1:
        # Only partner agencies' professionals may refer: ask for the work address alone.
        del form["kind"]
        form.email.label.text = "Your work e-mail address"
        form.email.description = (
            "We will send a security code to this address. Use the address of your agency."
        )
    return form


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code we sent. It works for 15 minutes.",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the security code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class DeclarationForm(FlaskForm):
    declaration = BooleanField(
        "I confirm that the information in this referral is accurate to the best of my "
        "knowledge, and that my manager is aware of this referral",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm the declaration to send the referral")],
    )
    submit = SubmitField("Send referral", widget=GovSubmitInput())


class InformationForm(FlaskForm):
    answer = TextAreaField(
        "Your answer",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            InputRequired("Enter the information the business unit asked for"),
            Length(max=10000, message="Your answer must be 10,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send information", widget=GovSubmitInput())


# -- helpers ----------------------------------------------------------------------------


def definition() -> forms.FormDefinition:
    return current_app.extensions["form_definitions"][FORM_ID]


def _partnership():  # type: ignore[no-untyped-def]
    return current_app.extensions["partnership"]


def _retention() -> int:
    return int(current_app.config["DRAFT_RETENTION_DAYS"])


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _draft_or_start():  # type: ignore[no-untyped-def]
    """The draft this browser is working on, or None (the view then sends to the start)."""
    draft = referrals.live_draft(session.get("draft_id"))
    if draft is None or draft.email_verified_at is None:
        return None
    return draft


def _on_behalf() -> bool:
    return bool(
        session.get("on_behalf")
        and current_user.is_authenticated
        and current_user.role == Role.SECRETARIAT
    )


# A professional at a partner agency names their agency and the manager who quality
# assures the referral (Redbridge One Panel guidance, Appendix E); the form leaves both
# optional for volunteers and family members, so they are asked for here.
PARTNER_ANSWERS = ("referrer_agency", "quality_assurance_manager")


def _missing(d: forms.FormDefinition, draft: Any) -> list[tuple[str, str, str]]:
    """What stops the referral being sent: the form's missing answers, and for a partner
    agency's professional their agency and manager."""
    missing = forms.missing_answers(d, draft.answers)
    if draft.referrer_kind != "partner":
        return missing
    for question_id in PARTNER_ANSWERS:
        try:
            q = d.question(question_id)
        except KeyError:
            continue
        if not draft.answers.get(question_id):
            missing.append((d.page_of(question_id).id, question_id, message(q, "required")))
    # In page order, as the form's own list is.
    order = {p.id: n for n, p in enumerate(d.pages)}
    return sorted(missing, key=lambda m: order.get(m[0], 0))


def _facts(answers: dict[str, Any]) -> referrals.ReferralFacts:
    return referrals.ReferralFacts(
        review_types=list(answers.get("review_types") or []),
        referrer_name=answers.get("referrer_name"),
        referring_agency=answers.get("referrer_agency"),
    )


# -- the journey ------------------------------------------------------------------------


@bp.get("")
@public
def start() -> str:
    return render_template("refer/start.html", definition=definition())


@bp.route("/email", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def email() -> str | Response:
    form = _email_form()
    if form.validate_on_submit():
        kind = form.kind.data if "kind" in form else None
        try:
            new = referrals.start_draft(
                _partnership(),
                form.email.data,
                form_id=FORM_ID,
                secret_key=_secret(),
                retention_days=_retention(),
                kind=kind or None,
            )
        except ReferralError as exc:
            target = form.kind if exc.field == "kind" and "kind" in form else form.email
            target.errors = [str(exc)]
            record("start_refused", "referral_draft", None, outcome="denied",
                   detail={"kind": kind, "reason": exc.field})
        else:
            session["pending_draft_id"] = new.draft.id
            session.pop("draft_id", None)
            referral_mail.send_code(new.draft.email, new.code)
            record(
                "start", "referral_draft", new.draft.id, actor=f"referrer:{new.draft.id}",
                detail={"referrer_kind": new.draft.referrer_kind},
            )
            return redirect(url_for("refer.confirm"))
    return render_template("refer/email.html", form=form)


@bp.route("/confirm", methods=["GET", "POST"])
@public
def confirm() -> str | Response:
    draft = referrals.live_draft(session.get("pending_draft_id"))
    if draft is None:
        return redirect(url_for("refer.email"))
    form = CodeForm()
    if request.method == "POST" and request.form.get("resend"):
        referral_mail.send_code(draft.email, referrals.new_code(draft, _secret()))
        flash(f"We have sent a new code to {draft.email}.", "success")
        return redirect(url_for("refer.confirm"))
    if form.validate_on_submit():
        try:
            referrals.verify_code(draft, form.code.data, _secret())
        except ReferralError as exc:
            form.code.errors = [str(exc)]
        else:
            session.pop("pending_draft_id", None)
            session["draft_id"] = draft.id
            if not draft.answers.get("referrer_email"):
                # The confirmed address is the referrer's: fill it in for them.
                referrals.save_answers(draft, {**draft.answers, "referrer_email": draft.email}, _retention())
            record("verify_email", "referral_draft", draft.id, actor=f"referrer:{draft.id}")
            first = forms.first_page_id(definition(), draft.answers)
            return redirect(url_for("refer.page", page_id=first))
    return render_template("refer/confirm.html", form=form, email=draft.email)


@bp.route("/page/<page_id>", methods=["GET", "POST"])
@public
def page(page_id: str) -> str | Response:
    draft = _draft_or_start()
    if draft is None:
        return redirect(url_for("refer.start"))
    d = definition()
    visible = [p.id for p in forms.visible_pages(d, draft.answers)]
    if page_id not in visible:
        abort(404)
    formdata = request.form if request.method == "POST" else None
    form = forms.build_page_form(d, page_id, draft.answers, formdata=formdata)
    if request.method == "POST":
        if forms.handle_group_action(form, request.form):
            return render_template("refer/page.html", **_page_context(d, page_id, form, draft))
        saving = bool(request.form.get("save_and_return"))
        if form.validate():
            new = forms.page_answers(d, page_id, form)
            answers = forms.merge_answers(d, draft.answers, page_id, new)
            referrals.save_answers(draft, answers, _retention())
            record("change", "referral_draft", draft.id)
            if saving:
                return _save_and_return(draft)
            if request.args.get("return") == "check":
                return redirect(url_for("refer.check"))
            nxt = forms.next_page_id(d, page_id, answers)
            return redirect(url_for("refer.page", page_id=nxt) if nxt else url_for("refer.check"))
        if saving:
            # Save what is valid is not possible page by page: say so on the page.
            flash("Correct the answers shown before you save.", "info")
    return render_template("refer/page.html", **_page_context(d, page_id, form, draft))


def _page_context(d: forms.FormDefinition, page_id: str, form: Any, draft: Any) -> dict[str, Any]:
    previous = forms.previous_page_id(d, page_id, draft.answers)
    n, total = forms.progress(d, page_id, draft.answers)
    return {
        "definition": d,
        "page": d.page(page_id),
        "form": form,
        "back_url": url_for("refer.page", page_id=previous) if previous else url_for("refer.start"),
        "progress": (n, total),
        "on_behalf": _on_behalf(),
    }


def _save_and_return(draft: Any) -> Response:
    if _on_behalf():
        flash("The referral has been saved.", "success")
        return redirect(url_for("refer.check"))
    token = referrals.resume_token(draft, _secret())
    link = current_app.config["EXTERNAL_URL"].rstrip("/") + url_for("refer.resume", token=token)
    referral_mail.send_resume_link(draft.email, link, draft.expires_at)
    record("save_for_later", "referral_draft", draft.id)
    session.pop("draft_id", None)
    session["saved_email"] = draft.email
    return redirect(url_for("refer.saved"))


@bp.get("/saved")
@public
def saved() -> str:
    return render_template(
        "refer/saved.html", email=session.get("saved_email"), days=_retention()
    )


@bp.get("/resume/<token>")
@public
def resume(token: str) -> str | Response:
    draft = referrals.draft_from_resume_token(token, _secret())
    if draft is None:
        record("resume_refused", "referral_draft", None, outcome="denied")
        return render_template("refer/link_expired.html", days=_retention()), 404
    session.clear()
    session["draft_id"] = draft.id
    record("resume", "referral_draft", draft.id, actor=f"referrer:{draft.id}")
    # The link is exchanged for the session: the token leaves the address bar now.
    missing = _missing(definition(), draft)
    if missing:
        # Back to the first page with something still to answer.
        return redirect(url_for("refer.page", page_id=missing[0][0]))
    return redirect(url_for("refer.check"))


@bp.route("/check", methods=["GET", "POST"])
@public
def check() -> str | Response:
    draft = _draft_or_start()
    if draft is None:
        return redirect(url_for("refer.start"))
    d = definition()
    missing = _missing(d, draft)
    form = DeclarationForm()
    if draft.referrer_kind not in (None, "partner"):
        # A volunteer or a family member has no manager who quality assures the referral.
        form.declaration.label.text = (
            "I confirm that the information in this referral is accurate to the best of my "
            "knowledge"
        )
    if form.validate_on_submit() and not missing:
        snapshot = referrals.snapshot_definition(d.id, d.version, d.model_dump(mode="json"))
        try:
            referral, created = referrals.submit_draft(
                _partnership(), draft.id, facts=_facts(draft.answers), snapshot=snapshot
            )
        except ReferralError as exc:
            form.declaration.errors = [str(exc)]
        else:
            if created:
                if _on_behalf():
                    referral.source = "on_behalf"
                    referral.recorded_by_id = current_user.id
                    Session.commit()
                record("submit", "referral", referral.id)
                referral_mail.send_acknowledgement(referral)
                referral_mail.notify_secretariat(referral)
            session.pop("draft_id", None)
            session["submitted_reference"] = referral.reference
            session["submitted_to_confirm"] = referral.needs_confirmation
            if _on_behalf():
                session.pop("on_behalf", None)
                flash(f"Referral {referral.reference} recorded.", "success")
                return redirect(url_for("secretariat.referral", referral_id=referral.id))
            return redirect(url_for("refer.done"))
    return render_template(
        "refer/check.html",
        definition=d,
        sections=forms.summary(d, draft.answers),
        missing=missing,
        form=form,
    )


@bp.get("/done")
@public
def done() -> str | Response:
    reference = session.get("submitted_reference")
    if not reference:
        return redirect(url_for("refer.start"))
    return render_template(
        "refer/done.html", reference=reference, to_confirm=session.get("submitted_to_confirm")
    )


@bp.route("/information/<token>", methods=["GET", "POST"])
@public
def information(token: str) -> str | Response:
    req = referrals.information_request_from_token(token, _secret())
    if req is None:
        record("information_link_refused", "information_request", None, outcome="denied")
        return render_template("refer/link_expired.html", days=None), 404
    form = InformationForm()
    if form.validate_on_submit():
        try:
            referrals.answer_information_request(req, form.answer.data)
        except ReferralError as exc:
            form.answer.errors = [str(exc)]
        else:
            record("answer", "information_request", req.id, actor=f"referrer-link:{req.id}")
            referral_mail.notify_secretariat_information(req)
            return render_template("refer/information_sent.html", reference=req.referral.reference)
    return render_template(
        "refer/information.html", form=form, req=req, reference=req.referral.reference
    )


# -- the business unit keys in a referral sent by e-mail ---------------------------------


class OnBehalfForm(FlaskForm):
    email = EmailField(
        "Referrer's e-mail address",
        description="The acknowledgement and any request for more information go here.",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter the referrer's e-mail address"),
            Length(max=254, message="E-mail address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


@bp.route("/on-behalf", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def on_behalf() -> str | Response:
    form = OnBehalfForm()
    if form.validate_on_submit():
        try:
            address = referrals.one_address(form.email.data)
        except ReferralError as exc:
            form.email.errors = [str(exc)]
        else:
            draft = referrals.start_staff_draft(
                address, form_id=FORM_ID, retention_days=_retention()
            )
            session["draft_id"] = draft.id
            session["on_behalf"] = True
            record("start_on_behalf", "referral_draft", draft.id)
            return redirect(url_for("refer.page", page_id=forms.first_page_id(definition(), {})))
    return render_template("refer/on_behalf.html", form=form)
