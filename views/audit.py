"""Writing audit entries from a request: who (user or link), where from, which route."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request, session
from flask_login import current_user

from storage import audit


def current_actor() -> tuple[str, int | None]:
    if has_request_context() and current_user and current_user.is_authenticated:
        return f"user:{current_user.id}", current_user.id
    if has_request_context():
        if session.get("agency_request_id"):
            return f"agency-link:{session['agency_request_id']}", None
        if session.get("draft_id"):
            return f"referrer:{session['draft_id']}", None
        return "anonymous", None
    return "system", None


def record(
    action: str,
    object_type: str | None = None,
    object_id: Any = None,
    *,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
    commit: bool = True,
) -> None:
    """Add an audit entry for the current request (and commit it unless told not to)."""
    who, user_id = current_actor()
    audit.record(
        actor=actor or who,
        user_id=user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip=request.remote_addr if has_request_context() else None,
        route=(request.endpoint if has_request_context() else None),
        outcome=outcome,
        detail=detail,
        commit=commit,
    )
