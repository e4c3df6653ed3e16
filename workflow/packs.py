"""Briefing packs: what goes in a meeting's pack, for whom, and building it.

A pack is one document per recipient (DOMAIN §7–§9): cover page, agenda with the standing
items (and the Think Family statement where the panel's terms of reference ask for it), the
review criteria and referral processes (the Wolverhampton terms of reference want them in
every pack), then for each referral on the agenda its summary, each agency's accepted
return and one multi-agency chronology in date order, then the case tracker and the
decision and action log. A member whom the chair ruled must withdraw from an item
(discussion and decision) gets an edition without it.

Building runs outside the web request (see ``worker.py``). A failed build
leaves the previous pack as it was: the current pack is always the newest *ready* build.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

import forms
from document_templates.pack import (
    KeyValue,
    PackSection,
    Paragraph,
    Table,
    assemble_docx,
    pdf_with_annexes,
)
from document_templates.pdf import PdfConverter
from partnerships import Partnership
from partnerships.model import Panel
from storage.db import Session, utcnow
from storage.files import FileStore, save_file
from storage.models import (
    Action,
    AgendaItem,
    Meeting,
    PackBuild,
    Referral,
    ScreeningRequest,
    TrackedReview,
)
from workflow.letterhead import letterhead
from workflow.meetings.schedule import meeting_panel

THINK_FAMILY = (
    "As a One Panel we are committed to enhancing a Think Family approach in our practice "
    "by utilising and embedding our learning using a whole family approach"
)
CONFIDENTIAL = "In confidence, not for publication or dissemination"
FULL_EDITION = "full"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PackError(Exception):
    """A pack cannot be built; the message says why in words the business unit can act on."""


# -- what a pack holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One recipient's pack: ``key`` is "full" (the business unit) or "user-<id>"."""

    key: str
    recipient_name: str
    user_id: int | None
    withdrawn_items: frozenset[int]


@dataclass(frozen=True)
class PartOfPack:
    """A section and the agenda item it belongs to (None: part of every edition)."""

    item_id: int | None
    section: PackSection


def _date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def editions_for(meeting: Meeting) -> list[Edition]:
    """The business unit's full pack and one edition per invited person with an account."""
    from workflow.meetings.declarations import withdrawn_items

    out = [Edition(FULL_EDITION, "Business unit (full pack)", None, frozenset())]
    seen: set[int] = set()
    for attendee in meeting.attendees:
        if attendee.user_id is None or attendee.user_id in seen:
            continue
        seen.add(attendee.user_id)
        out.append(
            Edition(
                key=f"user-{attendee.user_id}",
                recipient_name=attendee.name,
                user_id=attendee.user_id,
                withdrawn_items=frozenset(withdrawn_items(meeting, attendee.user)),
            )
        )
    return out


def criteria_section(partnership: Partnership, panel: Panel | None = None) -> PackSection:
    """The review criteria and the process, with the voting rule of ``panel`` (the
    partnership's first panel when not given)."""
    sar, cspr, dhr = (partnership.review_label(k) for k in ("sar", "cspr", "dhr"))
    votes_per = (panel or partnership.default_panel).decisions.votes_per
    return PackSection(
        "Review criteria and referral processes",
        1,
        (
            Paragraph(
                f"{sar} (Care Act 2014, section 44). The Safeguarding Adults Board must "
                "arrange a review when an adult with needs for care and support (whether or "
                "not those needs are met by the local authority) has died and the Board "
                "knows or suspects that the death resulted from abuse or neglect, or is "
                "alive and the Board knows or suspects that they have experienced serious "
                "abuse or neglect — and there is reasonable cause for concern about how "
                "the Board, its members or others worked together to safeguard the adult. "
                "Otherwise the Board may arrange a discretionary review."
            ),
            Paragraph(
                f"{cspr} (Working Together to Safeguard Children, chapter 4). Abuse or "
                "neglect of a child is known or suspected and the child has died or been "
                "seriously harmed: a notifiable incident, reported to the Child "
                "Safeguarding Practice Review Panel within 5 working days, followed by a "
                "rapid review. A local review is considered where it would highlight "
                "improvements, recurring themes or concerns about how agencies worked together."
            ),
            Paragraph(
                f"{dhr} (Domestic Violence, Crime and Victims Act 2004, section 9). The "
                "death of a person aged 16 or over that has, or appears to have, resulted "
                "from violence, abuse or neglect by a relative, a current or former intimate "
                "partner, or a member of the same household; including suicide where the "
                "circumstances give rise to concern. A review is held even if no one is "
                "charged, or is charged and acquitted. The Community Safety Partnership "
                "informs the Home Office of its decision either way."
            ),
            Paragraph(
                "Process: the business unit logs every referral and asks partner agencies "
                f"for screening information (adults: {partnership.time_limits.screening_return_adult} "
                + (
                    "working days; rapid review returns: "
                    f"{partnership.time_limits.rapid_review_return} working days"
                    if (rapid := partnership.rapid_review_by()) is None
                    else f"working days; the rapid review is run by {rapid.run_by}, outside "
                    "the panel, which records its outcome"
                )
                + "); the returns are "
                "collated into this pack; the panel considers each referral against the "
                f"criteria, with one vote per {votes_per}, and recommends a review (if any) and "
                "its methodology; the recommendation goes to the relevant board for ratification."
            ),
        ),
    )


def agenda_section(
    meeting: Meeting, items: Sequence[AgendaItem], panel: Panel | None = None
) -> PackSection:
    """The agenda; the Think Family statement only where the panel's terms of reference ask
    the chair to read it (Wolverhampton's One Panel), as on the agenda document."""
    rows = [(str(n), item.title) for n, item in enumerate(items, start=1)]
    think_family = (
        (Paragraph(f"Think Family statement, read by the chair: “{THINK_FAMILY}”."),)
        if panel is not None and panel.meetings.think_family_statement
        else ()
    )
    return PackSection("Agenda", 1, (*think_family, Table(("Item", "Business"), rows)))


def referral_sections(
    item: AgendaItem, referral: Referral, partnership: Partnership
) -> tuple[list[PackSection], list[tuple[str, int]]]:
    """The sections for one referral, and the (title, stored file id) of PDF returns to annex."""
    definition = forms.definition_from_data(referral.definition_version.definition)
    sections = [
        PackSection(
            f"{referral.reference}: referral",
            1,
            (
                KeyValue(
                    (
                        ("Reference", referral.reference),
                        ("Received", _date(referral.received_at)),
                        (
                            "Review type considered",
                            ", ".join(partnership.review_label(t) if t in ("sar", "cspr", "dhr") else t.replace("_", " ") for t in referral.review_types),
                        ),
                        ("Referring agency", referral.referring_agency or ""),
                    )
                ),
            ),
        )
    ]
    for part in forms.summary(definition, referral.answers):
        sections.append(
            PackSection(
                f"{referral.reference}: {part.title}",
                2,
                (KeyValue([(row.label, row.value_text) for row in part.rows]),),
            )
        )
    annexes: list[tuple[str, int]] = []
    chronology: list[tuple[str, str, str, str]] = []
    requests = Session.scalars(
        select(ScreeningRequest)
        .where(ScreeningRequest.referral_id == referral.id)
        .order_by(ScreeningRequest.agency_id)
    ).all()
    for req in requests:
        agency = partnership.agency(req.agency_id).name
        ret = req.screening_return
        if ret is None or ret.accepted_at is None:
            continue
        answers = ret.accepted_answers or {}
        ret_definition = forms.definition_from_data(ret.definition_version.definition)
        rows: list[tuple[str, str]] = []
        for part in forms.summary(ret_definition, answers):
            for row in part.rows:
                if row.question_id != "chronology":
                    rows.append((row.label, row.value_text))
        source = {"web": "web form", "pdf": "PDF (checked by the business unit)", "nil": "nil return"}
        sections.append(
            PackSection(
                f"{referral.reference}: return from {agency}",
                2,
                (Paragraph(f"Returned by {source.get(ret.source, ret.source)}."), KeyValue(rows)),
            )
        )
        for entry in answers.get("chronology") or []:
            chronology.append(
                (
                    entry.get("date") or "",
                    agency,
                    entry.get("event") or "",
                    entry.get("outcome") or "",
                )
            )
        if ret.file_id is not None:
            annexes.append((f"{referral.reference}: original return from {agency}", ret.file_id))
    # One chronology across agencies in date order; undated entries last, by agency.
    chronology.sort(key=lambda e: (e[0] == "", e[0], e[1]))
    sections.append(
        PackSection(
            f"{referral.reference}: multi-agency chronology",
            2,
            (
                Table(
                    ("Date", "Agency", "Event", "Action / outcome"),
                    [(_date(d) or "Date not given", a, ev, out) for d, a, ev, out in chronology],
                )
                if chronology
                else Paragraph("No agency has returned dated entries yet."),
            ),
        )
    )
    return sections, annexes


def tracker_section(partnership: Partnership | None = None) -> PackSection:
    """Every tracked review with the last stage it reached, declined reviews with their
    rationale, and the notifications each decision still needs."""
    from workflow.decision_tools import recommendation_options
    from workflow.meetings.ratification import notification_status
    from workflow.meetings.tracker import DATED_STAGES, decision_flags

    labels = recommendation_options(partnership)

    reviews = Session.scalars(select(TrackedReview).order_by(TrackedReview.id)).all()
    rows = []
    for r in reviews:
        reached = [(name, getattr(r, key)) for key, name in DATED_STAGES if getattr(r, key)]
        if r.declined_on:
            stage = f"declined {_date(r.declined_on)}: {r.declined_rationale or ''}".strip()
        elif reached:
            stage = f"{reached[-1][0]}, {_date(reached[-1][1])}"
        else:
            stage = "not yet commissioned"
        notices = "; ".join(
            f"{n.title}: {_date(on) if on else 'not done'}" for n, on in notification_status(r.decision)
        ) or "None needed"
        kind = labels.get(r.review_kind, r.review_kind.replace("_", " "))
        if r.decision is not None and (
            r.decision.inquorate or r.decision.escalated or r.decision.ratification in ("changed", "referred_back")
        ):
            # Marked wherever the decision appears: taken when not quorate, escalated, or
            # changed (or referred back) by the board.
            kind = f"{kind} ({decision_flags(r.decision, labels)})"
        rows.append((r.referral.reference, kind, r.reviewer or "", stage, notices))
    return PackSection(
        "Case tracker",
        1,
        (
            Table(("Referral", "Review", "Reviewer", "Stage reached", "Notifications"), rows)
            if rows
            else Paragraph("No review is being tracked."),
        ),
    )


def action_log_section(today: date | None = None) -> PackSection:
    from workflow.meetings.tracker import is_overdue

    today = today or date.today()
    actions = Session.scalars(select(Action).order_by(Action.status.desc(), Action.due, Action.id)).all()
    rows = [
        (
            a.description,
            a.owner,
            _date(a.due),
            "Done" if a.status == "done" else ("Overdue" if is_overdue(a, today) else "Open"),
            a.evidence or "",
        )
        for a in actions
    ]
    return PackSection(
        "Decision and action log",
        1,
        (Table(("Action", "Owner", "Due", "Status", "Evidence"), rows) if rows else Paragraph("No actions."),),
    )


def pack_parts(meeting: Meeting, partnership: Partnership) -> tuple[list[PartOfPack], dict[int | None, list[tuple[str, int]]]]:
    """Every section of the full pack with its agenda item, and the annexes per item."""
    items = list(meeting.items)
    parts = [
        PartOfPack(None, agenda_section(meeting, items, meeting_panel(partnership, meeting))),
        PartOfPack(None, criteria_section(partnership, meeting_panel(partnership, meeting))),
    ]
    annexes: dict[int | None, list[tuple[str, int]]] = {}
    for item in items:
        if item.referral_id is None:
            continue
        referral = Session.get(Referral, item.referral_id)
        sections, item_annexes = referral_sections(item, referral, partnership)
        parts += [PartOfPack(item.id, s) for s in sections]
        annexes[item.id] = item_annexes
    parts += [PartOfPack(None, tracker_section(partnership)), PartOfPack(None, action_log_section())]
    return parts, annexes


def cover_context(meeting: Meeting, partnership: Partnership) -> dict[str, Any]:
    when = meeting.start_time.strftime("%H:%M") if meeting.start_time else ""
    return {
        **letterhead(partnership, meeting_panel(partnership, meeting).name),
        "pack_title": "Meeting papers",
        "meeting": {
            "date": f"{meeting.date:%A} {meeting.date.day} {meeting.date:%B %Y}",
            "time": when,
            "venue": meeting.location or "",
        },
        "circulated_date": _date(utcnow()),
    }


# -- building ---------------------------------------------------------------------------------


def current_build(meeting_id: int) -> PackBuild | None:
    """The newest pack that built successfully (what members download)."""
    return Session.scalar(
        select(PackBuild)
        .where(PackBuild.meeting_id == meeting_id, PackBuild.status == "ready")
        .order_by(PackBuild.id.desc())
    )


def latest_build(meeting_id: int) -> PackBuild | None:
    return Session.scalar(
        select(PackBuild).where(PackBuild.meeting_id == meeting_id).order_by(PackBuild.id.desc())
    )


def request_build(meeting: Meeting, requested_by_id: int | None) -> PackBuild:
    """Queue a build; a build already queued or running for the meeting is returned instead."""
    running = Session.scalar(
        select(PackBuild).where(
            PackBuild.meeting_id == meeting.id, PackBuild.status.in_(("queued", "building"))
        )
    )
    if running is not None:
        return running
    build = PackBuild(meeting_id=meeting.id, status="queued", requested_by_id=requested_by_id)
    Session.add(build)
    Session.commit()
    return build


def _progress(build: PackBuild, percent: int, message: str) -> None:
    build.progress = percent
    build.message = message
    Session.commit()


def build_pack(
    build_id: int,
    *,
    partnership: Partnership,
    store: FileStore,
    converter: PdfConverter | None,
    on_progress: Callable[[int, str], None] | None = None,
) -> PackBuild:
    """Build every edition of a meeting's pack (.docx, and PDF when a converter is given).

    All files are written before the build is marked ready; if anything fails, the files
    this build wrote are removed, the build is marked failed with the reason, and the
    previous ready build stays current.
    """
    build = Session.get(PackBuild, build_id)
    if build is None:
        raise PackError(f"no pack build {build_id}")
    build.status = "building"
    _progress(build, 2, "Collecting the papers")
    written: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="onepanel-pack-"))
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        meeting = Session.get(Meeting, build.meeting_id)
        parts, annexes_by_item = pack_parts(meeting, partnership)
        editions = editions_for(meeting)
        cover = cover_context(meeting, partnership)
        from workflow.template_versions import template_bytes

        master = template_bytes("pack_master.docx", store)
        timings["collect_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        docx_paths: dict[str, Path] = {}
        for n, edition in enumerate(editions, start=1):
            sections = [p.section for p in parts if p.item_id not in edition.withdrawn_items]
            data = assemble_docx(sections, cover=cover, recipient_name=edition.recipient_name, master=master)
            path = workdir / f"{edition.key}.docx"
            path.write_bytes(data)
            docx_paths[edition.key] = path
            _progress(build, 5 + int(40 * n / len(editions)), f"Assembled {n} of {len(editions)} editions")
        timings["docx_s"] = round(time.perf_counter() - started, 3)

        pdf_paths: dict[str, Path] = {}
        if converter is not None:
            started = time.perf_counter()
            _progress(build, 50, "Converting to PDF")
            outputs = converter.convert(list(docx_paths.values()), workdir / "pdf", update_toc=True)
            pdf_paths = {p.stem: p for p in outputs}
            timings["pdf_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        _progress(build, 85, "Adding the agencies' PDF returns and saving")
        result: dict[str, Any] = {}
        from storage.models import StoredFile

        for edition in editions:
            entry: dict[str, Any] = {"recipient": edition.recipient_name, "user_id": edition.user_id}
            docx_row = save_file(
                Session,
                store,
                docx_paths[edition.key].read_bytes(),
                kind="pack_docx",
                content_type=DOCX_TYPE,
                original_name=f"pack-{edition.key}.docx",
                created_by="system",
            )
            written.append(docx_row.key)
            Session.flush()
            entry["docx"] = docx_row.id
            if edition.key in pdf_paths:
                annexes = []
                for item_id, item_annexes in annexes_by_item.items():
                    if item_id in edition.withdrawn_items:
                        continue
                    for title, file_id in item_annexes:
                        annexes.append((title, store.get(Session.get(StoredFile, file_id).key)))
                pdf = pdf_with_annexes(pdf_paths[edition.key], annexes)
                pdf_row = save_file(
                    Session,
                    store,
                    pdf,
                    kind="pack_pdf",
                    content_type="application/pdf",
                    original_name=f"pack-{edition.key}.pdf",
                    created_by="system",
                )
                written.append(pdf_row.key)
                Session.flush()
                entry["pdf"] = pdf_row.id
            result[edition.key] = entry
        timings["save_s"] = round(time.perf_counter() - started, 3)
        build.editions = result
        build.timings = timings
        build.status = "ready"
        build.progress = 100
        build.message = f"Ready: {len(result)} editions"
        build.finished_at = utcnow()
        Session.commit()
        return build
    except Exception as exc:
        Session.rollback()
        for key in written:
            store.delete(key)
        build = Session.get(PackBuild, build_id)
        build.status = "failed"
        build.message = _failure_message(exc)
        build.finished_at = utcnow()
        Session.commit()
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _failure_message(exc: Exception) -> str:
    from document_templates.pack import AnnexError
    from document_templates.pdf import ConversionError

    if isinstance(exc, ConversionError):
        return "The PDF edition could not be made (LibreOffice failed). The previous pack is still available."
    if isinstance(exc, AnnexError):
        return f"An agency's PDF return could not be appended: {exc}. The previous pack is still available."
    if isinstance(exc, PackError):
        return str(exc)
    return "The pack could not be built because of an unexpected error. The previous pack is still available."
