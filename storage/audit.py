"""Append audit entries. Personal data never goes into ``detail``: ids and kinds only."""

from __future__ import annotations

from typing import Any

from storage.db import Session
from storage.models import AuditEvent


def record(
    *,
    actor: str,
    action: str,
    user_id: int | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    ip: str | None = None,
    route: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    commit: bool = True,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor,
        user_id=user_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=ip,
        route=route,
        outcome=outcome,
        detail=detail or {},
    )
    Session.add(event)
    if commit:
        Session.commit()
    return event
