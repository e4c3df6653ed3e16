"""Who may use which view, checked on the server for every request.

Every endpoint is either ``@public`` or ``@roles_required(...)``; a test walks the URL map
and fails on any endpoint that is neither. A refused request is answered 403 (signed in,
wrong role) or sent to sign-in, and recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from storage.models import Role
from views.audit import record

F = TypeVar("F", bound=Callable[..., Any])

ALL_STAFF = (Role.SECRETARIAT, Role.CHAIR, Role.PANEL_MEMBER, Role.ADMIN)


def public(view: F) -> F:
    """Mark a view as open to anyone (the referral form, the home page, sign-in)."""
    view._access = "public"  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow only signed-in, active users holding one of ``roles``."""
    allowed = frozenset(str(r) for r in roles)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                record("forbidden", outcome="denied", detail={"endpoint": request.endpoint})
                abort(403)
            return view(*args, **kwargs)

        wrapped._access = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
