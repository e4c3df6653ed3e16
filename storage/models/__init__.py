"""All models, imported here so that Alembic and the session see one metadata."""

from storage.models.accounts import Role, User
from storage.models.audit import AuditEvent
from storage.models.files import StoredFile
from storage.models.meetings import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    Meeting,
    PackBuild,
    TrackedReview,
    VirtualRatification,
    VoteRecord,
)
from storage.models.referrals import (
    ClockReminder,
    FormDefinitionVersion,
    InformationRequest,
    ReferenceCounter,
    Referral,
    ReferralDraft,
)
from storage.models.screening import ScreeningRequest, ScreeningReturn
from storage.models.templates import TemplateVersion

__all__ = [
    "Action",
    "AgendaItem",
    "Attendance",
    "Declaration",
    "Decision",
    "Meeting",
    "PackBuild",
    "ScreeningRequest",
    "ScreeningReturn",
    "TemplateVersion",
    "TrackedReview",
    "VirtualRatification",
    "VoteRecord",
    "AuditEvent",
    "ClockReminder",
    "FormDefinitionVersion",
    "InformationRequest",
    "ReferenceCounter",
    "Referral",
    "ReferralDraft",
    "Role",
    "StoredFile",
    "User",
]
