"""All models, imported here so that Alembic and the session see one metadata."""

from storage.models.accounts import Role, User
from storage.models.audit import AuditEvent
from storage.models.files import StoredFile

__all__ = ["AuditEvent", "Role", "StoredFile", "User"]
