"""Meetings of the panel: agenda, attendance, declarations, decisions, votes, actions."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, utcnow


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str | None] = mapped_column(String(200))
    # ordinary | extraordinary
    kind: Mapped[str] = mapped_column(String(20), default="ordinary")
    # scheduled | held | cancelled
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    # The partnership's panel that meets (partnership.yaml ``panels[].id``); None: the
    # partnership's first panel (meetings recorded before panels were named).
    panel_id: Mapped[str | None] = mapped_column(String(40))
    # reschedule | continue | virtual_ratification, when the meeting was not quorate
    not_quorate_choice: Mapped[str | None] = mapped_column(String(30))
    papers_circulated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendees: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", order_by="Attendance.id", cascade="all, delete-orphan"
    )
    declarations: Mapped[list[Declaration]] = relationship(
        back_populates="meeting", order_by="Declaration.id", cascade="all, delete-orphan"
    )


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # standing | new_referral | tracked_case | panel_business
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    referral = relationship("Referral")


class Attendance(Base):
    """Who was invited, for which agency, and whether they came (member or deputy)."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(String(60))
    # member | deputy | chair | other
    role: Mapped[str] = mapped_column(String(20), default="member")
    # present | apologies | absent; None until recorded
    status: Mapped[str | None] = mapped_column(String(20))

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user = relationship("User")


class Declaration(Base):
    """A declaration of interest and the chair's ruling on it (minuted)."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    has_interest: Mapped[bool] = mapped_column(default=False)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # no_action | withdraw_from_decision | withdraw_from_discussion_and_decision
    ruling: Mapped[str | None] = mapped_column(String(40))
    ruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ruled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ruling_note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="declarations")
    agenda_item = relationship("AgendaItem")
    user = relationship("User", foreign_keys=[user_id])


class Decision(Base):
    """The panel's recommendation on a referral, with the tool answers behind it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    # {tool id: {question id: yes|no|unknown}} and the outcome each suggested
    tool_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tool_outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recommendation: Mapped[str] = mapped_column(String(40))
    lead_process: Mapped[str | None] = mapped_column(String(40))
    methodology: Mapped[str | None] = mapped_column(String(60))
    rationale: Mapped[str] = mapped_column(Text)
    # consensus | majority | casting_vote | tied
    method: Mapped[str] = mapped_column(String(20), default="consensus")
    vote_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_to: Mapped[str | None] = mapped_column(String(200))
    escalation_resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the body the disagreement went to decided (a recommendation id), who decided,
    # on what date and why. The decision's recommendation becomes theirs; the panel's own
    # recommendation is kept in ``panel_recommendation``.
    escalation_outcome: Mapped[str | None] = mapped_column(String(40))
    escalation_decided_by: Mapped[str | None] = mapped_column(String(200))
    escalation_decided_on: Mapped[date | None] = mapped_column(Date)
    escalation_note: Mapped[str | None] = mapped_column(Text)
    panel_recommendation: Mapped[str | None] = mapped_column(String(40))
    # Recorded at a meeting that was not quorate, after the chair chose to continue (or to
    # have the decision virtually ratified) as the panel's own document allows. None for
    # decisions recorded before quoracy was checked at the decision (not known).
    inquorate: Mapped[bool | None] = mapped_column(default=False)
    not_quorate_choice: Mapped[str | None] = mapped_column(String(30))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Ratification by the board: ratified | changed | referred_back. When the board changed
    # the recommendation, what it decided instead (a recommendation id) is
    # ``ratified_recommendation`` and becomes ``recommendation``; the panel's own is kept in
    # ``panel_recommendation``.
    ratification: Mapped[str | None] = mapped_column(String(20))
    ratified_recommendation: Mapped[str | None] = mapped_column(String(40))
    ratified_by: Mapped[str | None] = mapped_column(String(200))
    ratified_at: Mapped[date | None] = mapped_column(Date)
    ratification_note: Mapped[str | None] = mapped_column(Text)
    # When the notification went: to the Home Office for any decision on a referral
    # considered for a DHR (and for a statutory DHR), to the National Panel (copies to the
    # DfE and Ofsted) for any decision on a referral considered for a CSPR (and for a
    # statutory CSPR). None: not done.
    home_office_notified_on: Mapped[date | None] = mapped_column(Date)
    national_panel_notified_on: Mapped[date | None] = mapped_column(Date)

    referral = relationship("Referral")
    meeting = relationship("Meeting")
    votes: Mapped[list[VoteRecord]] = relationship(
        back_populates="decision", order_by="VoteRecord.id", cascade="all, delete-orphan"
    )


class VoteRecord(Base):
    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(String(60))
    person: Mapped[str] = mapped_column(String(200))
    choice: Mapped[str] = mapped_column(String(40))
    # A dissenting agency's rationale, sent via its agency lead to the chair.
    dissent_rationale: Mapped[str | None] = mapped_column(Text)

    decision: Mapped[Decision] = relationship(back_populates="votes")


class VirtualRatification(Base):
    """A missing member's ratification of a decision taken when not quorate."""

    __tablename__ = "virtual_ratifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(String(60))
    member_name: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ratified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Action(Base):
    """An entry in the decision and action log (owner, due date, status)."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date | None] = mapped_column(Date)
    # open | done
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What shows the action was done (a document, a date, a note of the outcome).
    evidence: Mapped[str | None] = mapped_column(Text)


class TrackedReview(Base):
    """An agreed review in the case tracker: commissioned to publication."""

    __tablename__ = "tracked_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="SET NULL"))
    review_kind: Mapped[str] = mapped_column(String(40))
    reviewer: Mapped[str | None] = mapped_column(String(200))
    commissioned_on: Mapped[date | None] = mapped_column(Date)
    terms_of_reference_on: Mapped[date | None] = mapped_column(Date)
    draft_to_panel_on: Mapped[date | None] = mapped_column(Date)
    final_draft_on: Mapped[date | None] = mapped_column(Date)
    signed_off_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # A single agency review the agency declined, and the rationale the panel asked for.
    declined_on: Mapped[date | None] = mapped_column(Date)
    declined_rationale: Mapped[str | None] = mapped_column(Text)

    referral = relationship("Referral")
    decision = relationship("Decision")


class PackBuild(Base):
    """A build of a meeting's briefing pack; a failed build leaves the last good one."""

    __tablename__ = "pack_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # queued | building | ready | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # {recipient key: {"docx": stored file id, "pdf": stored file id}}
    editions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
