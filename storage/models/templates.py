"""Versions of the Word templates uploaded by administrators (the shipped files are version 0)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, utcnow


class TemplateVersion(Base):
    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The template's file name, e.g. "outcome_referrer.docx".
    name: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    # draft (checked, not yet used) | live (used for new documents) | retired (kept)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_live_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    file = relationship("StoredFile")
