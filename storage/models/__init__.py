"""All models, imported here so that Alembic and the session see one metadata."""

from storage.models.accounts import Role, User
from storage.models.audit import AuditEvent
from storage.models.files import StoredFile
from storage.models.referrals import (
    FormDefinitionVersion,
    InformationRequest,
    ReferenceCounter,
    Referral,
    ReferralDraft,
)

__all__ = [
    "AuditEvent",
    "FormDefinitionVersion",
    "InformationRequest",
    "ReferenceCounter",
    "Referral",
    "ReferralDraft",
    "Role",
    "StoredFile",
    "User",
]
