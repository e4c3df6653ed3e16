"""The audit log: who did what to which record, when and from where.

Append-only from the application's side: updating or deleting an entry through the ORM
raises. Details never hold personal data, only ids and kinds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # "user:12", "referrer:<draft id>", "agency-link:<request id>", "system".
    actor: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(AuditEvent, "before_update")
def _no_update(*_args: Any) -> None:
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _no_delete(*_args: Any) -> None:
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")
