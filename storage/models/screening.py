"""Screening requests to partner agencies and the returns they send back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, utcnow


class ScreeningRequest(Base):
    """One agency asked, for one referral, what it knew (DOMAIN §5)."""

    __tablename__ = "screening_requests"
    __table_args__ = (UniqueConstraint("referral_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(String(60))
    contact_email: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline: Mapped[date] = mapped_column(Date)
    # Set when the business unit changed the computed deadline, with why.
    deadline_override_reason: Mapped[str | None] = mapped_column(Text)
    # The link stops working after this; the nonce changes when the link is revoked.
    link_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    link_nonce: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # sent | returned | nil_return | accepted
    status: Mapped[str] = mapped_column(String(20), default="sent")
    # When each reminder went, so that a reminder is never sent twice.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_notice_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    referral = relationship("Referral")
    screening_return: Mapped[ScreeningReturn | None] = relationship(
        back_populates="request", uselist=False, cascade="all, delete-orphan"
    )


class ScreeningReturn(Base):
    """An agency's answer: typed on the web, or read from a PDF and checked by a person."""

    __tablename__ = "screening_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("screening_requests.id", ondelete="CASCADE"), unique=True
    )
    # web | pdf | nil
    source: Mapped[str] = mapped_column(String(10))
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("form_definition_versions.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # For a PDF: the original file, what was read from it, and how.
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    extraction_kind: Mapped[str | None] = mapped_column(String(20))
    extraction: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    needs_manual_entry: Mapped[bool] = mapped_column(default=False)
    # Only accepted answers feed the pack.
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    page_count: Mapped[int | None] = mapped_column(Integer)

    request: Mapped[ScreeningRequest] = relationship(back_populates="screening_return")
    file = relationship("StoredFile")
    definition_version = relationship("FormDefinitionVersion")
