"""Screening: the business unit sends requests; agencies answer through a personal link.

Agency side (no account): ``/agency/<token>`` checks the link and exchanges it for a
session scoped to that one request, then redirects, so the token leaves the address bar.
Business unit side: send requests, track every agency's status, check PDF returns beside
the source page, accept them.
"""

from __future__ import annotations

import io
from datetime import date
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
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

import forms
from extensions import limiter
from storage.db import Session
from storage.models import Referral, Role, ScreeningRequest
from views.access import public, roles_required
from views.audit import record
from workflow import referrals, screening
from workflow.screening import Recipient, ScreeningError

bp = Blueprint("screening", __name__)

FORM_ID = "screening_return"
PDF_MAGIC = b"%PDF-"


class EmptyForm(FlaskForm):
    """CSRF only."""


def _definition() -> forms.FormDefinition:
    return current_app.extensions["form_definitions"][FORM_ID]


def _partnership():  # type: ignore[no-untyped-def]
    return current_app.extensions["partnership"]


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _snapshot():  # type: ignore[no-untyped-def]
    d = _definition()
    return referrals.snapshot_definition(d.id, d.version, d.model_dump(mode="json"))


def _agency_link(req: ScreeningRequest) -> str:
    token = screening.request_token(req, _secret())
    return current_app.config["EXTERNAL_URL"].rstrip("/") + url_for("screening.open_link", token=token)


# == business unit ============================================================================


def _referral_or_404(referral_id: int) -> Referral:
    referral = Session.get(Referral, referral_id)
    if referral is None:
        record("not_found", "referral", referral_id, outcome="denied")
        abort(404)
    return referral


def _request_or_404(request_id: int) -> ScreeningRequest:
    req = Session.get(ScreeningRequest, request_id)
    if req is None:
        record("not_found", "screening_request", request_id, outcome="denied")
        abort(404)
    return req


@bp.route("/secretariat/referrals/<int:referral_id>/screening", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def send(referral_id: int) -> str | Response:
    referral = _referral_or_404(referral_id)
    partnership = _partnership()
    sent = {r.agency_id: r for r in Session.query(ScreeningRequest).filter_by(referral_id=referral.id)}
    today = screening.today()
    days, limit_name = screening.time_limit_for(partnership, referral)
    computed = screening.default_deadline(partnership, referral, today)
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = request.form.getlist("agencies")
        values = request.form.to_dict()
        recipients = [
            Recipient(agency_id=a, email=request.form.get(f"email-{a}", "")) for a in chosen
        ]
        deadline = computed
        if request.form.get("override") == "yes":
            try:
                deadline = date(
                    int(request.form.get("deadline-year", "")),
                    int(request.form.get("deadline-month", "")),
                    int(request.form.get("deadline-day", "")),
                )
            except ValueError:
                errors.append({"text": "The deadline must be a real date", "href": "#deadline-day"})
        if not errors:
            try:
                made = screening.send_requests(
                    partnership,
                    referral,
                    recipients,
                    sent_by_id=current_user.id,
                    deadline=deadline,
                    override_reason=request.form.get("override_reason"),
                    sent_on=today,
                )
            except ScreeningError as exc:
                errors.append({"text": str(exc), "href": "#agencies"})
            else:
                from views import mailing

                for req in made:
                    mailing.send_screening_request(req, _agency_link(req))
                record("send_screening", "referral", referral.id, detail={"agencies": [r.agency_id for r in made]})
                flash(f"Screening requests sent to {len(made)} agencies.", "success")
                return redirect(url_for("screening.tracking", referral_id=referral.id))
    # The address used last time for each agency, when the configuration gives none.
    last_used: dict[str, str] = {}
    for agency_id, email in Session.execute(
        select(ScreeningRequest.agency_id, ScreeningRequest.contact_email).order_by(ScreeningRequest.id)
    ):
        last_used[agency_id] = email
    return render_template(
        "screening/send.html",
        last_used=last_used,
        referral=referral,
        sent=sent,
        computed=computed,
        days=days,
        limit_name=limit_name,
        errors=errors,
        values=values,
        form=form,
    )


@bp.get("/secretariat/referrals/<int:referral_id>/screening/status")
@roles_required(Role.SECRETARIAT)
def tracking(referral_id: int) -> str:
    referral = _referral_or_404(referral_id)
    partnership = _partnership()
    by_agency = {r.agency_id: r for r in Session.query(ScreeningRequest).filter_by(referral_id=referral.id)}
    rows = [
        (agency, by_agency.get(agency.id), screening.status_of(by_agency.get(agency.id)))
        for agency in partnership.agencies
    ]
    record("view", "screening_status", referral.id)
    return render_template(
        "screening/tracking.html",
        referral=referral,
        rows=rows,
        labels=screening.STATUS_LABELS,
        form=EmptyForm(),
    )


@bp.get("/secretariat/screening/overdue")
@roles_required(Role.SECRETARIAT)
def overdue() -> str:
    rows = screening.overdue_requests()
    record("view", "screening_overdue", detail={"count": len(rows)})
    return render_template("screening/overdue.html", rows=rows, today=screening.today())


@bp.post("/secretariat/screening/<int:request_id>/revoke")
@roles_required(Role.SECRETARIAT)
def revoke(request_id: int) -> Response:
    req = _request_or_404(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    screening.revoke(req)
    record("revoke_link", "screening_request", req.id)
    flash("The agency's link no longer works.", "success")
    return redirect(url_for("screening.tracking", referral_id=req.referral_id))


@bp.post("/secretariat/screening/<int:request_id>/reissue")
@roles_required(Role.SECRETARIAT)
def reissue(request_id: int) -> Response:
    req = _request_or_404(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    screening.reissue(_partnership(), req)
    from views import mailing

    mailing.send_screening_request(req, _agency_link(req))
    record("reissue_link", "screening_request", req.id)
    flash("A new link has been sent to the agency.", "success")
    return redirect(url_for("screening.tracking", referral_id=req.referral_id))


@bp.route("/secretariat/screening/<int:request_id>", methods=["GET", "POST"])
@roles_required(Role.SECRETARIAT)
def review(request_id: int) -> str | Response:
    """The agency's return; for a PDF, each read value beside an image of its page."""
    req = _request_or_404(request_id)
    ret = req.screening_return
    if ret is None:
        abort(404)
    d = forms.definition_from_data(ret.definition_version.definition)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit() and ret.source == "pdf":
        answers = _corrected_answers(d, ret, request.form)
        screening.accept_return(ret, answers, current_user.id)
        record("accept_return", "screening_return", ret.id)
        flash("Return accepted. Its values will go into the briefing pack.", "success")
        return redirect(url_for("screening.tracking", referral_id=req.referral_id))
    record("view", "screening_return", ret.id)
    shown = ret.accepted_answers if ret.accepted_at else ret.answers
    return render_template(
        "screening/review.html",
        req=req,
        ret=ret,
        definition=d,
        sections=forms.summary(d, shown or {}),
        fields=_review_fields(d, ret),
        form=form,
    )


def _review_fields(d: forms.FormDefinition, ret: Any) -> list[dict[str, Any]]:
    """Each question with the value read, where from and how sure, for the check screen."""
    extracted = (ret.extraction or {}).get("fields", {})
    out = []
    for q in d.questions():
        if q.type in ("content", "group"):
            continue
        item = extracted.get(q.id) or {}
        value = (ret.answers or {}).get(q.id)
        out.append(
            {
                "q": q,
                "value": ", ".join(value) if isinstance(value, list) else (value or ""),
                "page": item.get("page"),
                "confidence": item.get("confidence"),
            }
        )
    return out


def _corrected_answers(d: forms.FormDefinition, ret: Any, posted: Any) -> dict[str, Any]:
    answers = dict(ret.answers or {})
    for q in d.questions():
        key = f"field-{q.id}"
        if key not in posted:
            continue
        text = posted.get(key, "").strip()
        if q.type == "checkboxes":
            valid = {o.value for o in q.choice_options}
            answers[q.id] = [v.strip() for v in text.split(",") if v.strip() in valid]
        else:
            answers[q.id] = text
    return answers


@bp.get("/secretariat/screening/<int:request_id>/page/<int:page>.png")
@roles_required(Role.SECRETARIAT)
def page_image(request_id: int, page: int) -> Response:
    req = _request_or_404(request_id)
    ret = req.screening_return
    if ret is None or ret.file is None or not (1 <= page <= (ret.page_count or 0)):
        abort(404)
    import ingest

    data = current_app.extensions["file_store"].get(ret.file.key)
    png = ingest.page_image(data, page)
    record("view", "screening_return_page", ret.id, detail={"page": page})
    return send_file(io.BytesIO(png), mimetype="image/png", max_age=0)


@bp.get("/secretariat/screening/<int:request_id>/original.pdf")
@roles_required(Role.SECRETARIAT)
def original(request_id: int) -> Response:
    req = _request_or_404(request_id)
    ret = req.screening_return
    if ret is None or ret.file is None:
        abort(404)
    data = current_app.extensions["file_store"].get(ret.file.key)
    record("download", "screening_return_file", ret.id)
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{req.referral.reference}-{req.agency_id}-return.pdf",
    )


# == agency ====================================================================================


def _agency_request() -> ScreeningRequest | None:
    req_id = session.get("agency_request_id")
    req = Session.get(ScreeningRequest, req_id) if req_id else None
    if req is None or not screening.request_is_open(req):
        return None
    return req


def _link_problem_page(problem: str) -> tuple[str, int]:
    return render_template("screening/link_problem.html", problem=problem), 404


@bp.get("/agency/<token>")
@public
@limiter.limit("60 per hour")
def open_link(token: str) -> str | Response | tuple[str, int]:
    check = screening.request_from_token(token, _secret())
    if check.request is None:
        record("agency_link_refused", "screening_request", None, outcome="denied", detail={"why": check.problem})
        return _link_problem_page(check.problem or "tampered")
    # A fresh session holding only this request: no other agency's or staff session mixes in.
    session.clear()
    session["agency_request_id"] = check.request.id
    screening.mark_opened(check.request)
    record("open_link", "screening_request", check.request.id, actor=f"agency-link:{check.request.id}")
    return redirect(url_for("screening.agency_home"))


@bp.get("/agency/request")
@public
def agency_home() -> str | tuple[str, int]:
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    partnership = _partnership()
    return render_template(
        "screening/agency_home.html",
        req=req,
        agency=partnership.agency(req.agency_id),
        form=EmptyForm(),
        definition=_definition(),
    )


@bp.route("/agency/request/page/<page_id>", methods=["GET", "POST"])
@public
def agency_page(page_id: str) -> str | Response | tuple[str, int]:
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    if req.screening_return is not None:
        return redirect(url_for("screening.agency_home"))
    d = _definition()
    answers = session.get("agency_answers", {})
    if page_id not in [p.id for p in forms.visible_pages(d, answers)]:
        abort(404)
    if not answers.get("agency_name"):
        answers["agency_name"] = _partnership().agency(req.agency_id).name
    formdata = request.form if request.method == "POST" else None
    form = forms.build_page_form(d, page_id, answers, formdata=formdata)
    if request.method == "POST":
        if forms.handle_group_action(form, request.form):
            return _render_agency_page(d, page_id, form, answers)
        if form.validate():
            answers = forms.merge_answers(d, answers, page_id, forms.page_answers(d, page_id, form))
            session["agency_answers"] = answers
            nxt = forms.next_page_id(d, page_id, answers)
            return redirect(
                url_for("screening.agency_page", page_id=nxt) if nxt else url_for("screening.agency_check")
            )
    return _render_agency_page(d, page_id, form, answers)


def _render_agency_page(d: Any, page_id: str, form: Any, answers: dict[str, Any]) -> str:
    previous = forms.previous_page_id(d, page_id, answers)
    return render_template(
        "screening/agency_page.html",
        definition=d,
        page=d.page(page_id),
        form=form,
        progress=forms.progress(d, page_id, answers),
        back_url=url_for("screening.agency_page", page_id=previous) if previous else url_for("screening.agency_home"),
    )


@bp.route("/agency/request/check", methods=["GET", "POST"])
@public
def agency_check() -> str | Response | tuple[str, int]:
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    d = _definition()
    answers = session.get("agency_answers", {})
    missing = forms.missing_answers(d, answers)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit() and not missing:
        try:
            ret = screening.submit_web_return(req, answers, _snapshot())
        except ScreeningError as exc:
            flash(str(exc), "info")
            return redirect(url_for("screening.agency_home"))
        session.pop("agency_answers", None)
        record("submit_return", "screening_return", ret.id, actor=f"agency-link:{req.id}")
        return redirect(url_for("screening.agency_done"))
    return render_template(
        "screening/agency_check.html",
        definition=d,
        sections=forms.summary(d, answers),
        missing=missing,
        form=form,
    )


@bp.post("/agency/request/nil")
@public
def agency_nil() -> str | Response | tuple[str, int]:
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ret = screening.nil_return(
            req,
            _snapshot(),
            name=request.form.get("nil_name", ""),
            role=request.form.get("nil_role", ""),
            agency_name=_partnership().agency(req.agency_id).name,
        )
    except ScreeningError as exc:
        return render_template(
            "screening/agency_home.html",
            req=req,
            agency=_partnership().agency(req.agency_id),
            form=form,
            definition=_definition(),
            nil_error=str(exc),
            nil_values=request.form,
        ), 200
    record("nil_return", "screening_return", ret.id, actor=f"agency-link:{req.id}")
    return redirect(url_for("screening.agency_done"))


@bp.post("/agency/request/upload")
@public
@limiter.limit("30 per hour")
def agency_upload() -> str | Response | tuple[str, int]:
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("return_pdf")
    error = None
    data = upload.read() if upload else b""
    if not upload or not upload.filename:
        error = "Select the PDF of your return"
    elif not data:
        error = "The selected file is empty"
    elif len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
        limit = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
        error = f"The selected file must be smaller than {limit}MB"
    elif not data.startswith(PDF_MAGIC):
        error = "The selected file must be a PDF"
    elif req.screening_return is not None:
        error = "Your agency has already sent its return for this referral"
    if error is None:
        from storage.scan import scan

        verdict = scan(current_app.extensions["scanner"], data)
        if not verdict.clean:
            error = (
                "The selected file contains a virus"
                if verdict.name
                else "The selected file could not be checked for viruses. Try again later"
            )
    extraction = None
    if error is None:
        import ingest

        try:
            result = ingest.extract(
                data,
                screening.ingest_fields(_definition()),
                max_pages=current_app.config["MAX_UPLOAD_PAGES"],
                max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            )
        except ingest.IngestError as exc:
            error = str(exc)
        else:
            extraction = screening.extraction_record(result, _definition())
    if error is not None:
        record("upload_refused", "screening_request", req.id, outcome="denied", actor=f"agency-link:{req.id}")
        return render_template(
            "screening/agency_home.html",
            req=req,
            agency=_partnership().agency(req.agency_id),
            form=form,
            definition=_definition(),
            upload_error=error,
        ), 200
    duplicate = screening.find_duplicate_upload(data)
    ret = screening.store_pdf_return(
        req,
        data,
        filename=upload.filename,
        extraction=extraction or {},
        snapshot=_snapshot(),
        store=current_app.extensions["file_store"],
    )
    record(
        "upload_return",
        "screening_return",
        ret.id,
        actor=f"agency-link:{req.id}",
        detail={"duplicate_of_file": duplicate.id if duplicate else None},
    )
    return redirect(url_for("screening.agency_done"))


@bp.get("/agency/request/done")
@public
def agency_done() -> str | tuple[str, int]:
    req_id = session.get("agency_request_id")
    req = Session.get(ScreeningRequest, req_id) if req_id else None
    if req is None or req.screening_return is None:
        return _link_problem_page("no_session")
    return render_template("screening/agency_done.html", req=req)


@bp.get("/agency/request/form.<kind>")
@public
def agency_download(kind: str) -> Response | tuple[str, int]:
    """The same questions as a Word document or a fillable PDF."""
    req = _agency_request()
    if req is None:
        return _link_problem_page("no_session")
    if kind not in ("docx", "pdf"):
        abort(404)
    from document_templates import screening_forms

    context = screening.request_document_context(_partnership(), req)
    if kind == "docx":
        data = screening_forms.request_docx(_definition(), context)
        mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        data = screening_forms.request_pdf(_definition(), context)
        mimetype = "application/pdf"
    record("download_request_form", "screening_request", req.id, actor=f"agency-link:{req.id}", detail={"kind": kind})
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"screening-request-{req.referral.reference}.{kind}",
    )
