"""Panel meetings: scheduling, agenda, attendance and quoracy, declarations of interest,
decisions and votes, ratification, the case tracker and the decision and action log.

Who may do what (checked here, per object): the business unit manages everything; the
chair records attendance, the choice when not quorate, rulings on declarations and
decisions; panel members see only the meetings they are invited to and declare their own
interests. Anyone else asking for a meeting gets "not found" (and an audit entry).
"""

from __future__ import annotations

import io
import re
from datetime import date, time
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
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

import forms
from forms.fields import GovDateField
from notify import Message
from partnerships.rules import source_text
from storage.db import Session
from storage.models import (
    Action,
    AgendaItem,
    Decision,
    Declaration,
    Meeting,
    Referral,
    Role,
    TrackedReview,
    VirtualRatification,
)
from views.access import roles_required
from views.audit import record
from views.filters import govuk_date
from workflow import clocks
from workflow import meetings as domain
from workflow.meetings import MeetingError
from workflow.referrals import STATUSES

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

STAFF = (Role.SECRETARIAT, Role.CHAIR, Role.PANEL_MEMBER)
MANAGERS = (Role.SECRETARIAT, Role.CHAIR)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _date_required(message: str):  # type: ignore[no-untyped-def]
    def check(_form: Any, field: Any) -> None:
        if field.data is None:
            raise ValidationError(message)

    return check


def _real_date(message: str):  # type: ignore[no-untyped-def]
    def check(_form: Any, field: Any) -> None:
        if field.parts and any(field.parts) and field.data is None:
            raise ValidationError(message)

    return check


# -- forms ----------------------------------------------------------------------------------


class EmptyForm(FlaskForm):
    """CSRF only."""


class ScheduleForm(FlaskForm):
    when = GovDateField(
        "Date of the meeting",
        description="For example, 14 1 2027",
        validators=[_date_required("Enter the date of the meeting")],
    )
    start_time = StringField(
        "Start time",
        description="Use the 24-hour clock, for example 10:00",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter the start time, for example 10:00")],
    )
    location = StringField(
        "Where the meeting is held",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=200, message="The place must be 200 characters or fewer")],
    )
    kind = RadioField(
        "Type of meeting",
        widget=GovRadioInput(),
        choices=list(domain.MEETING_KINDS.items()),
        default="ordinary",
        validators=[InputRequired("Select whether this is an ordinary or an extraordinary meeting")],
    )
    panel = RadioField(
        "Which panel meets?",
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    submit = SubmitField("Schedule the meeting", widget=GovSubmitInput())

    def validate_when(self, field: Any) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError("The date of the meeting must be today or in the future")

    def validate_start_time(self, field: Any) -> None:
        if field.data and _parse_time(field.data) is None:
            raise ValidationError("Enter the start time using the 24-hour clock, for example 10:00")


def _parse_time(text: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", (text or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return time(hour, minute) if hour < 24 and minute < 60 else None


class AddReferralForm(FlaskForm):
    referral_id = SelectField(
        "Referral",
        widget=GovSelect(),
        validators=[InputRequired("Select the referral to add to the agenda")],
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class AddItemForm(FlaskForm):
    kind = RadioField(
        "What kind of item is it?",
        widget=GovRadioInput(),
        choices=[("tracked_case", "A tracked case"), ("panel_business", "Panel business")],
        validators=[InputRequired("Select what kind of item it is")],
    )
    title = StringField(
        "Title of the item",
        description="Do not include names: use the referral reference.",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=300, message="The title must be 300 characters or fewer")],
    )
    referral_id = SelectField("Referral (for a tracked case)", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Add the item", widget=GovSubmitInput())


class EscalationOutcomeForm(FlaskForm):
    outcome = RadioField(
        "What was decided?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select what was decided")],
    )
    decided_by = StringField(
        "Who decided",
        description="For example, the statutory safeguarding partners, or the chair of the Executive Group",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter who decided"),
            Length(max=200, message="Who decided must be 200 characters or fewer"),
        ],
    )
    decided_on = GovDateField(
        "Date of their decision",
        description="For example, 14 1 2027",
        validators=[_date_required("Enter the date of their decision")],
    )
    note = TextAreaField(
        "Their reasons (optional)",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=4000, message="The reasons must be 4,000 characters or fewer")],
    )
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())

    def validate_decided_on(self, field: Any) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("The date of their decision must be today or in the past")


class NotQuorateForm(FlaskForm):
    choice = RadioField(
        "The meeting is not quorate. What has the chair decided?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select what the chair has decided")],
    )
    submit = SubmitField("Record the chair's decision", widget=GovSubmitInput())


class RulingForm(FlaskForm):
    ruling = RadioField(
        "How is the interest to be managed?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select how the interest is to be managed")],
    )
    note = TextAreaField(
        "Note for the minutes (optional)",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=2000, message="The note must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Record the ruling", widget=GovSubmitInput())


class RatificationForm(FlaskForm):
    outcome = RadioField(
        "What did the board decide?",
        widget=GovRadioInput(),
        choices=list(domain.RATIFICATIONS.items()),
        validators=[InputRequired("Select whether the board ratified, changed or referred back the recommendation")],
    )
    # Shown under "Changed" (GOV.UK conditional reveal; without JavaScript it is always
    # shown). Which recommendations may be chosen, and that one is chosen at all when the
    # board changed it, is checked by ``ratify``.
    changed_to = SelectField(
        "What did the board decide instead?",
        widget=GovSelect(),
        validate_choice=False,
    )
    by = StringField(
        "Who decided for the board",
        description="Name and title, for example the board's independent chair",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter who decided for the board"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    on = GovDateField(
        "Date of the board's decision",
        description="For example, 27 3 2027",
        validators=[_date_required("Enter the date of the board's decision")],
    )
    note = TextAreaField(
        "What changed, or why it was referred back (optional)",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=5000, message="The note must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record the board's decision", widget=GovSubmitInput())

    def validate_on(self, field: Any) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError("The date of the board's decision must be today or in the past")

    def validate_changed_to(self, field: Any) -> None:
        if self.outcome.data == "changed" and not field.data:
            raise ValidationError("Select what the board decided instead")


class ActionForm(FlaskForm):
    description = TextAreaField(
        "Action",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            InputRequired("Enter the action"),
            Length(max=2000, message="The action must be 2,000 characters or fewer"),
        ],
    )
    owner = StringField(
        "Owner",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[InputRequired("Enter who owns the action"), Length(max=200)],
    )
    due = GovDateField(
        "Due date (optional)",
        description="For example, 28 3 2027",
        validators=[_real_date("Enter a real due date")],
    )
    referral_id = SelectField("Referral it belongs to (optional)", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Add the action", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    reviewer = StringField(
        "Reviewer",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[Length(max=200, message="The reviewer must be 200 characters or fewer")],
    )
    commissioned_on = GovDateField("Commissioned", validators=[_real_date("Enter a real date for when the review was commissioned")])
    terms_of_reference_on = GovDateField(
        "Terms of reference agreed", validators=[_real_date("Enter a real date for the terms of reference")]
    )
    draft_to_panel_on = GovDateField(
        "Draft report to the panel", validators=[_real_date("Enter a real date for the draft to the panel")]
    )
    final_draft_on = GovDateField("Final draft back to the panel", validators=[_real_date("Enter a real date for the final draft")])
    signed_off_on = GovDateField("Signed off", validators=[_real_date("Enter a real date for the sign-off")])
    published_on = GovDateField("Published", validators=[_real_date("Enter a real date for the publication")])
    notes = TextAreaField(
        "Notes",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=5000, message="The notes must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save the review's progress", widget=GovSubmitInput())


class NotificationForm(FlaskForm):
    on = GovDateField(
        "Date the notification was sent",
        description="For example, 27 3 2027",
        validators=[
            _real_date("Enter a real date for the notification"),
            _date_required("Enter the date the notification was sent"),
        ],
    )
    submit = SubmitField("Record the date", widget=GovSubmitInput())


class ClockDatesForm(FlaskForm):
    """The dates of a child's case its statutory clocks run on (``workflow.clocks``); the
    fields a case's clocks do not use are removed (``_clock_form``)."""

    la_aware_on = GovDateField(
        "Date the local authority became aware of the incident",
        description="The statutory clocks start from this day. For example, 27 3 2027",
        validators=[_real_date("Enter a real date for when the local authority became aware of the incident")],
    )
    serious_incident_notified_on = GovDateField(
        "Date the serious incident was notified to the National Panel",
        validators=[_real_date("Enter a real date for the notification of the serious incident")],
    )
    rapid_review_meeting_on = GovDateField(
        "Date the rapid review meeting was held",
        validators=[_real_date("Enter a real date for the rapid review meeting")],
    )
    rapid_review_submitted_on = GovDateField(
        "Date the rapid review was sent to the National Panel",
        validators=[_real_date("Enter a real date for when the rapid review was sent")],
    )
    submit = SubmitField("Save the dates", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    evidence = TextAreaField(
        "Evidence",
        description="What shows the action was done, for example the document or the outcome",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[Length(max=domain.EVIDENCE_MAX, message="The evidence must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save the evidence", widget=GovSubmitInput())


class DeclineForm(FlaskForm):
    on = GovDateField(
        "Date the agency declined",
        description="For example, 27 3 2027",
        validators=[
            _real_date("Enter a real date for when the agency declined"),
            _date_required("Enter the date the agency declined the review"),
        ],
    )
    rationale = TextAreaField(
        "The agency's rationale for declining",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            InputRequired("Enter the agency's rationale for declining the review"),
            Length(max=5000, message="The rationale must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Record that the agency declined", widget=GovSubmitInput())


def _date_errors(form: FlaskForm) -> dict[str, Any]:
    """The error summary for a form, linking a date field's message to its day box."""
    errors = []
    for name, messages in form.errors.items():
        field = form[name]
        href = f"#{field.id}-day" if isinstance(field, GovDateField) else f"#{field.id}"
        errors.append({"text": messages[0], "href": href})
    return {"titleText": "There is a problem", "errorList": errors}


# -- per-object access ----------------------------------------------------------------------


def _partnership():  # type: ignore[no-untyped-def]
    return current_app.extensions["partnership"]


def _not_found(object_type: str, object_id: Any) -> None:
    record("not_found", object_type, object_id, outcome="denied")
    abort(404)


def _meeting(meeting_id: int) -> Meeting:
    """The meeting, if this user may see it: the business unit, or someone invited."""
    meeting = Session.get(Meeting, meeting_id)
    if meeting is not None and (
        current_user.role == Role.SECRETARIAT or domain.is_invited(meeting, current_user.id)
    ):
        return meeting
    _not_found("meeting", meeting_id)
    raise AssertionError  # not reached


def _child(model: Any, object_id: int, meeting: Meeting, object_type: str) -> Any:
    obj = Session.get(model, object_id)
    if obj is None or getattr(obj, "meeting_id", None) != meeting.id:
        _not_found(object_type, object_id)
    return obj


def _is_manager() -> bool:
    return current_user.role in (Role.SECRETARIAT, Role.CHAIR)


def _referral_label(r: Referral) -> str:
    types = ", ".join(_partnership().review_label(t) if t in ("sar", "cspr", "dhr") else t.replace("_", " ") for t in r.review_types or [])
    return f"{r.reference} ({types or 'type not given'}) – {STATUSES.get(r.status, r.status)}"


def _meeting_page(meeting: Meeting, **forms_given: Any) -> str:
    p = _partnership()
    today = date.today()
    result = domain.quoracy(p, meeting)
    add_referral = forms_given.get("add_referral") or AddReferralForm(prefix="agenda")
    add_referral.referral_id.choices = [("", "Select a referral")] + [
        (str(r.id), _referral_label(r)) for r in domain.referrals_ready_for_agenda(p, domain.meeting_panel(p, meeting))
    ]
    add_item = forms_given.get("add_item") or AddItemForm(prefix="item")
    add_item.referral_id.choices = [("", "None")] + [(str(r.id), r.reference) for r in domain.tracked_referrals()]
    not_quorate = forms_given.get("not_quorate") or NotQuorateForm(prefix="quorum")
    not_quorate.choice.choices = list(domain.not_quorate_options(p, meeting).items())
    panel = domain.meeting_panel(p, meeting)
    action_form = forms_given.get("action_form") or ActionForm(prefix="action")
    action_form.referral_id.choices = [("", "None")] + [
        (str(i.referral_id), i.referral.reference) for i in meeting.items if i.referral_id
    ]
    own = domain.declarations_for(meeting, current_user) if current_user.role != Role.SECRETARIAT else []
    errors = [f for f in (add_referral, add_item, not_quorate, action_form) if f.errors]
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        items=domain.ordered_items(meeting),
        numbers=domain.agenda_numbers(meeting),
        deadlines=domain.deadlines(p, meeting.date, panel),
        panel=panel,
        today=today,
        quorum=result,
        attendance_recorded=domain.attendance_recorded(meeting),
        ratifications=domain.ratifications(meeting),
        declarations=domain.declarations_for(meeting) if _is_manager() else own,
        decisions=domain.decisions_for(meeting),
        actions=list(Session.scalars(select(Action).where(Action.meeting_id == meeting.id).order_by(Action.id))),
        recommendations=domain.recommendations(),
        rulings=domain.ruling_labels(),
        not_quorate_choices=domain.NOT_QUORATE_CHOICES,
        statuses=domain.ATTENDANCE_STATUSES,
        roles=domain.ATTENDANCE_ROLES,
        add_referral=add_referral,
        add_item=add_item,
        not_quorate=not_quorate,
        action_form=action_form,
        empty_form=EmptyForm(),
        error_forms=errors,
        is_manager=_is_manager(),
        is_secretariat=current_user.role == Role.SECRETARIAT,
        non_attendance=domain.non_attendance(p, meeting) if _is_manager() else [],
        decided_items={d.agenda_item_id for d in domain.decisions_for(meeting)},
        is_overdue=domain.is_overdue,
        evidence_forms={},
    )


# -- meetings -------------------------------------------------------------------------------


@bp.get("/")
@roles_required(*STAFF)
def index() -> str:
    query = select(Meeting).order_by(Meeting.date.desc(), Meeting.id.desc())
    rows = Session.scalars(query).all()
    if current_user.role != Role.SECRETARIAT:
        rows = [m for m in rows if domain.is_invited(m, current_user.id)]
    record("view", "meeting_list", detail={"count": len(rows)})
    return render_template("meetings/index.html", meetings=rows, today=date.today(), kinds=domain.MEETING_KINDS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def new() -> str | Response:
    p = _partnership()
    form = ScheduleForm()
    form.panel.choices = [(panel.id, panel.name) for panel in p.panels]
    chosen = request.values.get("panel") or p.default_panel.id
    panel = p.panel(chosen) if chosen in {x.id for x in p.panels} else p.default_panel
    suggestions = domain.suggest_dates(
        p, today=date.today(), last=domain.last_meeting_date(p, panel.id), panel=panel
    )
    if request.method == "GET":
        form.panel.data = panel.id
        if suggestions:
            form.when.data = suggestions[0]
            form.start_time.data = "10:00"
    if len(p.panels) > 1 and request.method == "POST" and form.panel.data not in {x.id for x in p.panels}:
        form.panel.errors = ["Select which panel meets"]
    elif form.validate_on_submit():
        try:
            meeting = domain.schedule_meeting(
                when=form.when.data,
                start_time=_parse_time(form.start_time.data),
                location=form.location.data,
                kind=form.kind.data,
                invitees=domain.panel_invitees(p, panel),
                panel=panel,
            )
        except MeetingError as exc:
            form.kind.errors = [str(exc)]
        else:
            record("create", "meeting", meeting.id)
            flash(f"Meeting on {govuk_date(meeting.date)} scheduled. Panel members and the chair are invited.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/new.html", form=form, suggestions=suggestions, panel=panel,
        frequency=domain.FREQUENCY_WORDS[panel.meetings.frequency], several_panels=len(p.panels) > 1,
    )


@bp.get("/<int:meeting_id>")
@roles_required(*STAFF)
def meeting(meeting_id: int) -> str:
    m = _meeting(meeting_id)
    record("view", "meeting", m.id)
    return _meeting_page(m)


@bp.post("/<int:meeting_id>/agenda/referrals")
@roles_required(Role.SECRETARIAT)
def add_referral(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    form = AddReferralForm(prefix="agenda")
    form.referral_id.choices = [("", "Select a referral")] + [
        # Every waiting referral is a valid choice here, so that one the panel does not screen
        # is refused with the reason (which panel or body it goes to), not "not a valid choice".
        (str(r.id), r.reference) for r in domain.referrals_ready_for_agenda()
    ]
    if form.validate_on_submit():
        referral = Session.get(Referral, int(form.referral_id.data))
        try:
            item = domain.add_referral(m, referral, _partnership())
        except MeetingError as exc:
            form.referral_id.errors = [str(exc)]
        else:
            record("add_agenda_item", "meeting", m.id, detail={"item": item.id, "referral": referral.id})
            flash(f"Referral {referral.reference} added to the agenda.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#agenda")
    return _meeting_page(m, add_referral=form), 400  # type: ignore[return-value]


@bp.post("/<int:meeting_id>/agenda/items")
@roles_required(Role.SECRETARIAT)
def add_item(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    form = AddItemForm(prefix="item")
    form.referral_id.choices = [("", "None")] + [(str(r.id), r.reference) for r in domain.tracked_referrals()]
    if form.validate_on_submit():
        referral = Session.get(Referral, int(form.referral_id.data)) if form.referral_id.data else None
        try:
            item = domain.add_item(m, form.kind.data, form.title.data, referral)
        except MeetingError as exc:
            form.title.errors = [str(exc)]
        else:
            record("add_agenda_item", "meeting", m.id, detail={"item": item.id})
            flash("Item added to the agenda.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#agenda")
    return _meeting_page(m, add_item=form), 400  # type: ignore[return-value]


@bp.get("/<int:meeting_id>/agenda.docx")
@roles_required(*STAFF)
def agenda_docx(meeting_id: int) -> Response:
    m = _meeting(meeting_id)
    data = domain.render_agenda(_partnership(), m, current_app.extensions["file_store"])
    record("download", "meeting_agenda", m.id)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"agenda-{m.date.isoformat()}.docx", max_age=0)


@bp.get("/<int:meeting_id>/minutes.docx")
@roles_required(*MANAGERS)
def minutes_docx(meeting_id: int) -> Response:
    m = _meeting(meeting_id)
    data = domain.render_minutes(_partnership(), m, current_app.extensions["file_store"])
    record("download", "meeting_minutes", m.id)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"draft-minutes-{m.date.isoformat()}.docx", max_age=0)


# -- attendance and quoracy -----------------------------------------------------------------


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def attendance(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        changes: dict[int, tuple[str | None, str | None]] = {}
        for a in m.attendees:
            status = request.form.get(f"status-{a.id}") or None
            role = request.form.get(f"role-{a.id}") or None
            if status not in (None, *domain.ATTENDANCE_STATUSES) :
                errors.append({"text": f"Select whether {a.name} was present, sent apologies or was absent", "href": f"#status-{a.id}"})
            if role not in (None, *domain.ATTENDANCE_ROLES):
                errors.append({"text": f"Select how {a.name} attended", "href": f"#role-{a.id}"})
            changes[a.id] = (status, role)
        if not errors:
            try:
                domain.record_attendance(m, changes, _partnership())
            except MeetingError as exc:
                errors.append({"text": str(exc), "href": "#attendance"})
            else:
                record("record_attendance", "meeting", m.id)
                flash("Attendance recorded.", "success")
                return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#quoracy")
    else:
        record("view", "meeting_attendance", m.id)
    return render_template(
        "meetings/attendance.html",
        meeting=m,
        panel=domain.meeting_panel(_partnership(), m),
        form=EmptyForm(),
        errors=errors,
        statuses=domain.ATTENDANCE_STATUSES,
        roles=domain.ATTENDANCE_ROLES,
    ), (400 if errors else 200)


@bp.post("/<int:meeting_id>/quorum")
@roles_required(*MANAGERS)
def not_quorate(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    p = _partnership()
    form = NotQuorateForm(prefix="quorum")
    form.choice.choices = list(domain.not_quorate_options(p, m).items())
    if form.validate_on_submit():
        try:
            made = domain.choose_when_not_quorate(p, m, form.choice.data)
        except MeetingError as exc:
            form.choice.errors = [str(exc)]
        else:
            record("not_quorate_choice", "meeting", m.id, detail={"choice": form.choice.data, "ratifications": len(made)})
            flash(f"Recorded: {domain.NOT_QUORATE_CHOICES[form.choice.data].lower()}.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#quoracy")
    return _meeting_page(m, not_quorate=form), 400  # type: ignore[return-value]


@bp.post("/<int:meeting_id>/ratifications/<int:ratification_id>")
@roles_required(Role.SECRETARIAT)
def mark_ratified(meeting_id: int, ratification_id: int) -> Response:
    m = _meeting(meeting_id)
    row = _child(VirtualRatification, ratification_id, m, "virtual_ratification")
    if not EmptyForm().validate_on_submit():
        abort(400)
    domain.mark_ratified(row)
    record("virtual_ratification", "meeting", m.id, detail={"ratification": row.id})
    flash(f"{row.member_name} has ratified the decisions.", "success")
    return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#quoracy")


@bp.post("/<int:meeting_id>/circulate")
@roles_required(Role.SECRETARIAT)
def circulate(meeting_id: int) -> Response:
    m = _meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    p = _partnership()
    done = domain.circulate_papers(p, m)
    link = current_app.config["EXTERNAL_URL"].rstrip("/") + url_for("packs.papers", meeting_id=m.id)
    when = govuk_date(m.date)
    panel_name = domain.meeting_panel(p, m).name
    for email in done.recipients:
        # A link only: the papers never travel by e-mail, and the e-mail names no one.
        current_app.extensions["mailer"].send(
            Message(
                to=[email],
                subject=f"Papers for the {panel_name} meeting on {when}",
                body=(
                    f"The papers for the {panel_name} meeting on {when} are ready.\n\n"
                    f"Sign in to read them:\n\n{link}\n\n"
                    "The papers are confidential: do not download them to a personal device "
                    "or pass them on. If you have an interest in a case on the agenda, declare "
                    "it before the meeting.\n\n"
                    f"{p.short_name} business unit\n{p.name}\n{p.secretariat_email}\n"
                ),
                reply_to=str(p.secretariat_email),
            )
        )
    record("circulate_papers", "meeting", m.id, detail={"recipients": len(done.recipients), "late": done.late})
    message = f"Papers circulated to {len(done.recipients)} people."
    if done.late:
        message += f" They went out after the papers deadline of {govuk_date(done.deadline)}."
    flash(message, "success" if not done.late else "info")
    return redirect(url_for("meetings.meeting", meeting_id=m.id))


# -- declarations of interest ---------------------------------------------------------------


def _declaration_definition() -> forms.FormDefinition:
    return current_app.extensions["form_definitions"]["declaration_of_interest"]


@bp.route("/<int:meeting_id>/declare", methods=["GET", "POST"])
@roles_required(Role.CHAIR, Role.PANEL_MEMBER)
def declare(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    d = _declaration_definition()
    choices = {"agenda_items": domain.agenda_item_choices(m)}
    prefill: dict[str, Any] = {"date_declared": date.today().isoformat()}
    if request.args.get("item"):
        prefill["agenda_item"] = request.args["item"]
    formdata = request.form if request.method == "POST" else None
    form = forms.build_page_form(d, "declaration", prefill, formdata=formdata, choices=choices)
    if request.method == "POST" and form.validate():
        answers = forms.page_answers(d, "declaration", form)
        try:
            decl = domain.declare_interest(m, current_user, answers)
        except MeetingError as exc:
            form["agenda_item"].errors = [str(exc)]
        else:
            record("declare_interest", "declaration", decl.id, detail={"meeting": m.id, "has_interest": decl.has_interest})
            flash("Your declaration has been recorded. The chair will rule on any interest." if decl.has_interest
                  else "Your declaration has been recorded.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#declarations")
    return render_template(
        "meetings/declare.html", meeting=m, form=form, definition=d, page=d.page("declaration"),
        own=domain.declarations_for(m, current_user), numbers=domain.agenda_numbers(m),
        rulings=domain.ruling_labels(),
    ), (400 if form.errors else 200)


@bp.get("/<int:meeting_id>/declarations")
@roles_required(*MANAGERS)
def declarations(meeting_id: int) -> str:
    m = _meeting(meeting_id)
    record("view", "meeting_declarations", m.id)
    return _declarations_page(m)


def _ruling_form(decl: Declaration, formdata: Any = None) -> RulingForm:
    form = RulingForm(formdata=formdata, prefix=f"d{decl.id}", data={"ruling": decl.ruling, "note": decl.ruling_note})
    form.ruling.choices = list(domain.ruling_labels(_partnership(), decl.meeting).items())
    return form


def _declarations_page(m: Meeting, failed: tuple[int, RulingForm] | None = None) -> str:
    rows = domain.declarations_for(m)
    forms_by_id = {d.id: _ruling_form(d) for d in rows if d.has_interest}
    if failed:
        forms_by_id[failed[0]] = failed[1]
    return render_template(
        "meetings/declarations.html", meeting=m, declarations=rows, ruling_forms=forms_by_id,
        numbers=domain.agenda_numbers(m), rulings=domain.ruling_labels(),
        attendance={a.user_id: a for a in m.attendees if a.user_id},
        failed=failed[1] if failed else None,
    )


@bp.post("/<int:meeting_id>/declarations/<int:declaration_id>")
@roles_required(*MANAGERS)
def rule(meeting_id: int, declaration_id: int) -> str | Response:
    m = _meeting(meeting_id)
    decl = _child(Declaration, declaration_id, m, "declaration")
    form = _ruling_form(decl, request.form)
    if form.validate_on_submit():
        try:
            domain.rule_on_declaration(
                decl, form.ruling.data, form.note.data, current_user.id, partnership=_partnership()
            )
        except MeetingError as exc:
            form.ruling.errors = [str(exc)]
        else:
            record("rule_on_declaration", "declaration", decl.id, detail={"meeting": m.id, "ruling": decl.ruling})
            flash(f"Ruling recorded for {decl.user.name}.", "success")
            return redirect(url_for("meetings.declarations", meeting_id=m.id))
    return _declarations_page(m, (decl.id, form)), 400  # type: ignore[return-value]


# -- decisions and votes ----------------------------------------------------------------------


def _tool_answers_from(formdata: Any, tool_ids: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for tool_id in tool_ids:
        answers: dict[str, str] = {}
        # Only questions shown by the answers so far count; answers to hidden ones drop.
        for _ in range(10):
            visible = domain.visible_questions(tool_id, answers)
            new = {q.id: formdata.get(f"{tool_id}-{q.id}") for q in visible if formdata.get(f"{tool_id}-{q.id}")}
            if new == answers:
                break
            answers = new
        out[tool_id] = answers
    return out


@bp.route("/<int:meeting_id>/items/<int:item_id>/decision", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def decision(meeting_id: int, item_id: int) -> str | Response:
    m = _meeting(meeting_id)
    item = _child(AgendaItem, item_id, m, "agenda_item")
    if item.referral is None:
        _not_found("agenda_item", item_id)
    referral = item.referral
    p = _partnership()
    # The tools for the review types ticked, and those the subject's age calls for.
    routing = domain.tool_routing(referral, p)
    tool_ids = routing.tools
    formdata = request.form if request.method == "POST" else {}
    tool_answers = _tool_answers_from(formdata, tool_ids)
    outcomes = domain.evaluate_tools(tool_answers)
    lead = domain.lead_suggestion(outcomes, tool_answers, routing.age, p)
    errors: list[dict[str, str]] = []
    values = {k: formdata.get(k, "") for k in ("recommendation", "lead_process", "methodology", "rationale", "how")}
    try:
        gate = domain.decision_gate(p, m, item, current_user.id)
        blocked = None
    except MeetingError as exc:
        gate, blocked = None, str(exc)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if request.form.get("action") != "update":
            for tool_id in tool_ids:
                for qid in outcomes[tool_id]["missing"]:
                    errors.append({"text": f"Answer: {_question_text(tool_id, qid)}", "href": f"#{tool_id}-{qid}"})
            if values["recommendation"] not in domain.recommendations():
                errors.append({"text": "Select the panel's recommendation", "href": "#recommendation"})
            if not values["rationale"].strip():
                errors.append({"text": "Enter the rationale for the decision", "href": "#rationale"})
            elif len(values["rationale"]) > 10000:
                errors.append({"text": "The rationale must be 10,000 characters or fewer", "href": "#rationale"})
            if values["how"] not in ("consensus", "vote"):
                errors.append({"text": "Select whether the panel agreed by consensus or voted", "href": "#how"})
            if blocked:
                errors.insert(0, {"text": blocked, "href": "#quorum"})
            if not errors:
                dec = domain.record_decision(
                    m, item, tool_answers=tool_answers, recommendation=values["recommendation"],
                    lead_process=values["lead_process"] or (lead.process if lead else None),
                    methodology=values["methodology"], rationale=values["rationale"], recorded_by_id=current_user.id,
                    partnership=p,
                )
                record(
                    "record_decision", "decision", dec.id,
                    detail={"meeting": m.id, "referral": referral.id, "inquorate": dec.inquorate},
                )
                if values["how"] == "vote":
                    return redirect(url_for("meetings.votes", meeting_id=m.id, decision_id=dec.id))
                flash(f"Decision recorded for {referral.reference}.", "success")
                return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#decisions")
    else:
        record("view", "referral_decision", referral.id, detail={"meeting": m.id})
    from workflow.decision_tools import TOOLS

    return render_template(
        "meetings/decision.html", meeting=m, item=item, referral=referral, number=domain.agenda_numbers(m)[item.id],
        panel=domain.meeting_panel(p, m),
        tools=[(t, TOOLS[t], domain.visible_questions(t, tool_answers[t])) for t in tool_ids],
        tool_answers=tool_answers, outcomes=outcomes, routing=routing,
        suggested_lead=lead.process if lead else None, lead_reason=lead.reason if lead else None,
        recommendations=domain.recommendations(), methodologies=domain.methodology_options(),
        values=values, errors=errors, form=EmptyForm(),
        answer_options=_answer_options(), blocked=blocked, gate=gate,
    ), (400 if errors else 200)


def _answer_options() -> list[tuple[str, str]]:
    from workflow import decision_tools

    options = getattr(decision_tools, "ANSWERS", None)
    if isinstance(options, dict):
        return list(options.items())
    return [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]


def _question_text(tool_id: str, question_id: str) -> str:
    from workflow.decision_tools import TOOLS

    for q in TOOLS[tool_id].questions:
        if q.id == question_id:
            return q.text
    return question_id


def _decision(decision_id: int, meeting: Meeting) -> Decision:
    return _child(Decision, decision_id, meeting, "decision")


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/votes", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def votes(meeting_id: int, decision_id: int) -> str | Response:
    m = _meeting(meeting_id)
    dec = _decision(decision_id, m)
    p = _partnership()
    item = Session.get(AgendaItem, dec.agenda_item_id) if dec.agenda_item_id else None
    if item is None:
        _not_found("decision", decision_id)
    roll = domain.voting_roll(p, m, item)
    recs = domain.recommendations()
    errors: list[dict[str, str]] = []
    chosen = {v.agency_id: v.choice for v in dec.votes}
    dissent = {v.agency_id: v.dissent_rationale or "" for v in dec.votes}
    chair_choice = ""
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        chosen = {v.agency_id: request.form.get(f"vote-{v.agency_id}", "") for v in roll.voters}
        dissent = {v.agency_id: request.form.get(f"dissent-{v.agency_id}", "").strip() for v in roll.voters}
        chair_choice = request.form.get("chair_choice", "")
        chair_refers = request.form.get("chair_refers") == "yes"
        for v in roll.voters:
            if chosen[v.agency_id] not in recs:
                errors.append({"text": f"Select the vote of {v.agency_name}", "href": f"#vote-{v.agency_id}"})
        if chair_choice and chair_choice not in recs:
            errors.append({"text": "Select the chair's casting vote", "href": "#chair_choice"})
        if not roll.voters:
            errors.append({"text": "No agency present may vote: record attendance first", "href": "#votes"})
        if not errors:
            try:
                result = domain.record_votes(
                    p, dec, [(v.agency_id, v.person, chosen[v.agency_id]) for v in roll.voters],
                    dissent=dissent, chair_choice=chair_choice or None, chair_refers=chair_refers,
                    withdrawn_agencies=roll.withdrawn_agencies, withdrawn_people=roll.withdrawn_people,
                    recorded_by_id=current_user.id,
                )
            except MeetingError as exc:
                errors.append({"text": str(exc), "href": "#votes"})
            else:
                record("record_votes", "decision", dec.id, detail={"meeting": m.id, "method": dec.method})
                flash(result.explanation, "success")
                return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#decisions")
    else:
        record("view", "decision_votes", dec.id, detail={"meeting": m.id})
    return render_template(
        "meetings/votes.html", meeting=m, decision=dec, roll=roll, recommendations=recs, chosen=chosen,
        dissent=dissent, chair_choice=chair_choice, errors=errors, form=EmptyForm(),
        rules=domain.meeting_panel(p, m).decisions, panel=domain.meeting_panel(p, m),
        number=domain.agenda_numbers(m).get(item.id, ""),
    ), (400 if errors else 200)


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/escalation", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def resolve_escalation(meeting_id: int, decision_id: int) -> str | Response:
    """Record what the body a disagreement was escalated to decided; it becomes the decision."""
    m = _meeting(meeting_id)
    dec = _decision(decision_id, m)
    if not dec.escalated or dec.escalation_resolved_at:
        flash("There is no open escalation for this decision.", "info")
        return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#decisions")
    form = EscalationOutcomeForm()
    form.outcome.choices = list(domain.recommendations().items())
    if request.method == "GET":
        form.decided_by.data = dec.escalated_to
        form.outcome.data = dec.recommendation
        record("view", "decision_escalation", dec.id, detail={"meeting": m.id})
    if form.validate_on_submit():
        try:
            domain.resolve_escalation(
                dec, outcome=form.outcome.data, decided_by=form.decided_by.data,
                decided_on=form.decided_on.data, note=form.note.data,
            )
        except MeetingError as exc:
            form.outcome.errors = [str(exc)]
        else:
            record(
                "resolve_escalation", "decision", dec.id,
                detail={"meeting": m.id, "outcome": dec.escalation_outcome, "panel": dec.panel_recommendation},
            )
            flash(f"The outcome of the escalation is recorded: {domain.recommendations()[dec.recommendation]}.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#decisions")
    return render_template(
        "meetings/escalation.html", meeting=m, decision=dec, form=form,
        recommendations=domain.recommendations(),
    ), (400 if form.errors else 200)


@bp.post("/<int:meeting_id>/actions")
@roles_required(*MANAGERS)
def add_action(meeting_id: int) -> str | Response:
    m = _meeting(meeting_id)
    form = ActionForm(prefix="action")
    form.referral_id.choices = [("", "None")] + [(str(i.referral_id), i.referral.reference) for i in m.items if i.referral_id]
    if form.validate_on_submit():
        referral = Session.get(Referral, int(form.referral_id.data)) if form.referral_id.data else None
        action = domain.add_action(meeting=m, referral=referral, description=form.description.data,
                                   owner=form.owner.data, due=form.due.data)
        record("add_action", "action", action.id, detail={"meeting": m.id})
        flash("Action added to the decision and action log.", "success")
        return redirect(url_for("meetings.meeting", meeting_id=m.id) + "#actions")
    return _meeting_page(m, action_form=form), 400  # type: ignore[return-value]


# -- ratification, case tracker, action log ----------------------------------------------------


@bp.route("/decisions/<int:decision_id>/ratification", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def ratification(decision_id: int) -> str | Response:
    """The board's answer to the recommendation; a change it made becomes the decision."""
    dec = Session.get(Decision, decision_id)
    if dec is None:
        _not_found("decision", decision_id)
    board = domain.board_for(_partnership(), dec)
    labels = domain.recommendations()
    put = domain.put_to_board(dec)
    form = RatificationForm()
    form.changed_to.choices = [("", "Select what the board decided")] + [
        (k, v) for k, v in labels.items() if k != put
    ]
    if request.method == "GET":
        form.outcome.data = dec.ratification
        form.changed_to.data = dec.ratified_recommendation or ""
        form.by.data = dec.ratified_by or f"{board.chair_title}, {board.name}"
        form.on.data = dec.ratified_at
        form.note.data = dec.ratification_note
        record("view", "decision", dec.id)
    if form.validate_on_submit():
        try:
            domain.ratify(
                dec, form.outcome.data, by=form.by.data, on=form.on.data, note=form.note.data,
                changed_to=form.changed_to.data or None if form.outcome.data == "changed" else None,
            )
        except MeetingError as exc:
            field = form[exc.field] if exc.field in form else form.outcome
            field.errors = [*field.errors, str(exc)]
        else:
            detail = {"outcome": dec.ratification}
            if dec.ratification == "changed":
                detail |= {"changed_to": dec.recommendation, "panel": put}
            record("ratify", "decision", dec.id, detail=detail)
            if dec.ratification == "changed":
                flash(f"{board.name}: changed to {labels[dec.recommendation]}. The tracker, notifications "
                      "and letters now follow the board's decision.", "success")
            else:
                flash(f"{board.name}: {domain.RATIFICATIONS[dec.ratification].lower()}.", "success")
            return redirect(url_for("meetings.tracker"))
    return render_template(
        "meetings/ratification.html", decision=dec, board=board, form=form,
        recommendations=labels, put_to_board=put, error_summary=_date_errors(form) if form.errors else None,
    ), (400 if form.errors else 200)


def _notification_form(decision: Decision, key: str, formdata: Any = None) -> NotificationForm:
    return NotificationForm(
        formdata=formdata, prefix=f"n{decision.id}-{key}", data={"on": getattr(decision, domain.NOTIFICATIONS[key].column)}
    )


def _clock_form(referral: Referral, fields: list[str], formdata: Any = None) -> ClockDatesForm:
    """The form for the dates ``fields`` of a child's case (``clocks.date_fields``)."""
    form = ClockDatesForm(
        formdata=formdata, prefix=f"c{referral.id}", data={f: getattr(referral, f) for f in fields}
    )
    for name in clocks.DATE_WORDS:
        if name not in fields:
            del form[name]
    return form


def _evidence_form(action: Action, formdata: Any = None) -> EvidenceForm:
    return EvidenceForm(formdata=formdata, prefix=f"a{action.id}", data={"evidence": action.evidence})


def _tracker_page(failed: tuple[Any, FlaskForm] | None = None, *, audit: bool = False) -> tuple[str, int]:
    """The tracker; ``failed`` is (key, form) of a form on it that did not validate."""
    today = date.today()
    p = _partnership()
    rows = domain.tracker(today, p)
    if audit:
        record("view", "case_tracker", detail={"count": len(rows)})
    is_secretariat = current_user.role == Role.SECRETARIAT
    notification_forms: dict[tuple[int, str], NotificationForm] = {}
    clock_forms: dict[int, ClockDatesForm] = {}
    evidence_forms: dict[int, EvidenceForm] = {}
    if is_secretariat:
        for r in rows:
            for n, _on in r.notifications:
                notification_forms[(r.decision.id, n.key)] = _notification_form(r.decision, n.key)
            fields = clocks.date_fields(p, r.referral, r.decision)
            if fields:
                clock_forms[r.referral.id] = _clock_form(r.referral, fields)
            for a in r.actions:
                evidence_forms[a.id] = _evidence_form(a)
        for a in domain.panel_actions():
            evidence_forms[a.id] = _evidence_form(a)
    if failed:
        key, form = failed
        if isinstance(form, NotificationForm):
            notification_forms[key] = form
        elif isinstance(form, ClockDatesForm):
            clock_forms[key] = form
        else:
            evidence_forms[key] = form
    return render_template(
        "meetings/tracker.html", rows=rows, today=today, statuses=STATUSES,
        recommendations=domain.recommendations(), ratifications=domain.RATIFICATIONS,
        panel_actions=domain.panel_actions(), is_overdue=domain.is_overdue, form=EmptyForm(),
        is_secretariat=is_secretariat, notification_forms=notification_forms,
        clock_forms=clock_forms, clock_source=lambda c: source_text(p, c.source),
        overdue_clocks=sum(len(r.overdue_clocks(today)) for r in rows if r.referral.status not in clocks.FINISHED_STATUSES),
        decision_flags=domain.decision_flags,
        evidence_forms=evidence_forms, failed=failed[1] if failed else None,
        error_summary=_date_errors(failed[1]) if failed else None,
    ), (400 if failed else 200)


@bp.get("/tracker")
@roles_required(*MANAGERS)
def tracker() -> tuple[str, int]:
    return _tracker_page(audit=True)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(data: bytes, mimetype: str, extension: str) -> Response:
    name = f"case-tracker-{date.today().isoformat()}.{extension}"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response


@bp.get("/tracker.csv")
@roles_required(*MANAGERS)
def tracker_csv() -> Response:
    data = domain.tracker_csv(_partnership(), date.today())
    record("export", "case_tracker", detail={"format": "csv"})
    return _export(data, "text/csv", "csv")


@bp.get("/tracker.xlsx")
@roles_required(*MANAGERS)
def tracker_xlsx() -> Response:
    data = domain.tracker_xlsx(_partnership(), date.today())
    record("export", "case_tracker", detail={"format": "xlsx"})
    return _export(data, XLSX, "xlsx")


@bp.post("/decisions/<int:decision_id>/notifications/<notice>")
@roles_required(Role.SECRETARIAT)
def notification(decision_id: int, notice: str) -> str | Response | tuple[str, int]:
    dec = Session.get(Decision, decision_id)
    if dec is None:
        _not_found("decision", decision_id)
    if notice not in {n.key for n in domain.notifications_for(dec)}:
        _not_found("notification", f"{decision_id}/{notice}")
    form = _notification_form(dec, notice, request.form)
    if form.validate_on_submit():
        try:
            n = domain.record_notification(dec, notice, form.on.data)
        except MeetingError as exc:
            form.on.errors = [str(exc)]
        else:
            record("record_notification", "decision", dec.id, detail={"notification": notice, "on": form.on.data.isoformat()})
            flash(f"{n.title} for {dec.referral.reference}: sent on {govuk_date(form.on.data)}.", "success")
            return redirect(url_for("meetings.tracker") + f"#referral-{dec.referral_id}")
    return _tracker_page(((dec.id, notice), form))


@bp.post("/tracker/referrals/<int:referral_id>/clocks")
@roles_required(Role.SECRETARIAT)
def clock_dates(referral_id: int) -> str | Response | tuple[str, int]:
    """Record the day the local authority became aware of a child's serious incident and
    the day each statutory step was done (the statutory clocks on the tracker)."""
    ref = Session.get(Referral, referral_id)
    if ref is None:
        _not_found("referral", referral_id)
    p = _partnership()
    decision = clocks.latest_decision(ref)
    fields = clocks.date_fields(p, ref, decision)
    if not fields:
        _not_found("referral_clocks", referral_id)
    form = _clock_form(ref, fields, request.form)
    if form.validate_on_submit():
        try:
            changed = clocks.record_dates(p, ref, {f: form[f].data for f in fields}, decision=decision)
        except clocks.ClockError as exc:
            form[exc.field or "la_aware_on"].errors = [str(exc)]
        else:
            record("record_clock_dates", "referral", ref.id, detail={"changed": changed})
            flash(f"Statutory dates saved for {ref.reference}.", "success")
            return redirect(url_for("meetings.tracker") + f"#referral-{ref.id}")
    elif form.csrf_token.errors:
        abort(400)
    return _tracker_page((ref.id, form))


@bp.route("/tracker/reviews/<int:review_id>", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def review(review_id: int) -> str | Response:
    row = Session.get(TrackedReview, review_id)
    if row is None:
        _not_found("tracked_review", review_id)
    form = ReviewForm(obj=row if request.method == "GET" else None)
    if request.method == "GET":
        record("view", "tracked_review", row.id)
    if form.validate_on_submit():
        try:
            domain.update_review(
                row, **{k: form[k].data for k in domain.REVIEW_STAGES},
            )
        except MeetingError as exc:
            form[exc.field or "published_on"].errors = [str(exc)]
        else:
            record("change", "tracked_review", row.id)
            flash(f"Progress saved for {row.referral.reference}.", "success")
            return redirect(url_for("meetings.tracker"))
    return _review_page(row, form, _decline_form(row) if domain.can_decline(row) else None)


def _decline_form(row: TrackedReview, formdata: Any = None) -> DeclineForm:
    return DeclineForm(formdata=formdata, prefix="declined",
                       data={"on": row.declined_on, "rationale": row.declined_rationale})


def _review_page(row: TrackedReview, form: ReviewForm, decline: DeclineForm | None) -> tuple[str, int]:
    failed = form if form.errors else decline if decline is not None and decline.errors else None
    return render_template(
        "meetings/review.html", review=row, form=form, decline=decline, recommendations=domain.recommendations(),
        error_summary=_date_errors(failed) if failed else None,
    ), (400 if failed else 200)


@bp.post("/tracker/reviews/<int:review_id>/declined")
@roles_required(Role.SECRETARIAT)
def review_declined(review_id: int) -> str | Response | tuple[str, int]:
    row = Session.get(TrackedReview, review_id)
    if row is None or not domain.can_decline(row):
        _not_found("tracked_review", review_id)
    decline = _decline_form(row, request.form)
    if decline.validate_on_submit():
        try:
            domain.decline_review(row, on=decline.on.data, rationale=decline.rationale.data)
        except MeetingError as exc:
            decline[exc.field or "rationale"].errors = [str(exc)]
        else:
            record("decline_review", "tracked_review", row.id)
            flash(f"Recorded that the agency declined the single agency review of {row.referral.reference}.", "success")
            return redirect(url_for("meetings.tracker") + f"#referral-{row.referral_id}")
    return _review_page(row, ReviewForm(formdata=None, obj=row), decline)


def _action(action_id: int) -> Action:
    action = Session.get(Action, action_id)
    if action is None:
        _not_found("action", action_id)
    return action


@bp.post("/tracker/actions/<int:action_id>/done")
@roles_required(Role.SECRETARIAT)
def action_done(action_id: int) -> str | Response | tuple[str, int]:
    action = _action(action_id)
    form = _evidence_form(action, request.form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _tracker_page((action.id, form))
    domain.complete_action(action, evidence=form.evidence.data)
    record("change", "action", action.id, detail={"status": "done", "evidence": bool(action.evidence)})
    flash("Action marked as done.", "success")
    if request.form.get("return_to") == "meeting" and action.meeting_id:
        return redirect(url_for("meetings.meeting", meeting_id=action.meeting_id) + "#actions")
    return redirect(url_for("meetings.tracker") + "#actions")


@bp.post("/tracker/actions/<int:action_id>/evidence")
@roles_required(Role.SECRETARIAT)
def action_evidence(action_id: int) -> str | Response | tuple[str, int]:
    action = _action(action_id)
    form = _evidence_form(action, request.form)
    if form.validate_on_submit():
        try:
            domain.add_evidence(action, form.evidence.data)
        except MeetingError as exc:
            form.evidence.errors = [str(exc)]
        else:
            record("change", "action", action.id, detail={"evidence": True})
            flash("Evidence saved.", "success")
            return redirect(url_for("meetings.tracker") + "#actions")
    elif form.csrf_token.errors:
        abort(400)
    return _tracker_page((action.id, form))
