"""Referrals and their drafts, and the form definition each was made with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, utcnow


class FormDefinitionVersion(Base):
    """A snapshot of a form definition as it was when something was submitted with it.

    A submission points at its snapshot, so changing the YAML never changes how an old
    submission is shown.
    """

    __tablename__ = "form_definition_versions"
    __table_args__ = (UniqueConstraint("form_id", "version", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferralDraft(Base):
    """A referral being filled in by a referrer who has no account.

    The referrer proves their work e-mail with a one-time code; the draft is then kept
    and can be resumed through an e-mailed link until it expires.
    """

    __tablename__ = "referral_drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str | None] = mapped_column(String(128))
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resume_nonce: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    form_id: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Who the referrer said they are at the start ("partner", "volunteer", "family",
    # "other": partnership.yaml ``referrers``); None for a draft the business unit keys in.
    referrer_kind: Mapped[str | None] = mapped_column(String(20))
    # Set once submitted: a second submit of the same draft returns this referral.
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="SET NULL"), unique=True
    )


class ReferenceCounter(Base):
    """The last sequence number used for a partnership's references in a year."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("form_definition_versions.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    review_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    referrer_email: Mapped[str] = mapped_column(String(254))
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referring_agency: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30), default="received", index=True)
    # "web", or "on_behalf" when the business unit keyed in a referral sent by e-mail.
    source: Mapped[str] = mapped_column(String(20), default="web")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # A referral for a review type no panel of the partnership screens, sent on to the body
    # that does (partnership.yaml ``forwarded``, e.g. a DARDR to the Community Safety
    # Partnership): to whom, when, by whom and with what note.
    forwarded_to: Mapped[str | None] = mapped_column(String(200))
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    forwarded_note: Mapped[str | None] = mapped_column(Text)
    # A step run by another body (partnership.yaml ``pathways``, e.g. Redbridge's rapid
    # review by the children's partnership): the outcome the panel received, and when.
    rapid_review_outcome: Mapped[str | None] = mapped_column(Text)
    rapid_review_outcome_on: Mapped[date | None] = mapped_column(Date)
    # The statutory clocks of a child's case (Working Together to Safeguard Children 2023,
    # ch. 5): the day the local authority became aware of the serious incident, and the day
    # each step was done (serious incident notified to the National Panel, rapid review
    # meeting held, rapid review sent to the National Panel).
    la_aware_on: Mapped[date | None] = mapped_column(Date)
    serious_incident_notified_on: Mapped[date | None] = mapped_column(Date)
    rapid_review_meeting_on: Mapped[date | None] = mapped_column(Date)
    rapid_review_submitted_on: Mapped[date | None] = mapped_column(Date)
    # Who referred: "partner" (an address at a partner agency's domain), "volunteer",
    # "family", "other"; a referral from outside the partner agencies' domains waits for
    # the business unit to confirm it (who, when).
    referrer_kind: Mapped[str | None] = mapped_column(String(20))
    needs_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    definition_version: Mapped[FormDefinitionVersion] = relationship()

    @property
    def awaiting_confirmation(self) -> bool:
        """Referred from outside the partner agencies and not yet confirmed by the business
        unit: the referral is read and screened as any other, with this flag shown."""
        return bool(self.needs_confirmation) and self.confirmed_at is None

    information_requests: Mapped[list[InformationRequest]] = relationship(
        back_populates="referral", order_by="InformationRequest.id", cascade="all, delete-orphan"
    )


class InformationRequest(Base):
    """The business unit asks the referrer for more; the referrer answers through a link."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    nonce: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    referral: Mapped[Referral] = relationship(back_populates="information_requests")


class ClockReminder(Base):
    """A reminder the business unit was sent about a statutory clock of a referral
    (``workflow.clocks``): each clock is reminded at most once in each state ("due_soon",
    "overdue") for the same due date."""

    __tablename__ = "clock_reminders"
    __table_args__ = (UniqueConstraint("referral_id", "clock", "state", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    # The clock's key (``workflow.clocks.CLOCKS``) and its state when the reminder went.
    clock: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
