"""SQLAlchemy models. Import from here so Alembic and the app see every table."""

from bka.models.analysis import (
    Analysis,
    AnalysisAuthor,
    ChecklistRevision,
    Membership,
    StepAnswer,
)
from bka.models.api_token import ApiRateWindow, ApiToken
from bka.models.audit import AuditDenial, AuditEvent, AuditHead
from bka.models.entries import (
    Alternative,
    ChildGroup,
    Consultation,
    EvidenceSource,
    Impact,
    Indicator,
    Measure,
)
from bka.models.follow_up import (
    Checkpoint,
    ChildFeedback,
    FollowUpEvent,
    MeasureUpdate,
    ObservedEffect,
    Reading,
    ReminderSent,
    Trigger,
    TriggerHit,
)
from bka.models.history import EditLog, Revision, RevisionRedaction
from bka.models.notification import Notification
from bka.models.organisation_profile import OrganisationProfile
from bka.models.overview import OverviewState, OverviewTally
from bka.models.reuse import AnalysisOrigin
from bka.models.review import (
    ArchivedReport,
    Comment,
    DecisionRecord,
    ReviewRound,
    SignOff,
    VersionLink,
)
from bka.models.unsaved import UnsavedStep
from bka.models.user import LoginThrottle, Organisation, RecoveryCode, User
from bka.models.user_session import UserSession

__all__ = [
    "Alternative",
    "Analysis",
    "ApiRateWindow",
    "ApiToken",
    "AnalysisAuthor",
    "AnalysisOrigin",
    "ArchivedReport",
    "AuditDenial",
    "AuditEvent",
    "AuditHead",
    "ChecklistRevision",
    "Checkpoint",
    "ChildFeedback",
    "ChildGroup",
    "Comment",
    "Consultation",
    "DecisionRecord",
    "EditLog",
    "EvidenceSource",
    "FollowUpEvent",
    "Impact",
    "Indicator",
    "LoginThrottle",
    "Measure",
    "MeasureUpdate",
    "Membership",
    "Notification",
    "ObservedEffect",
    "Organisation",
    "OrganisationProfile",
    "OverviewState",
    "OverviewTally",
    "Reading",
    "RecoveryCode",
    "ReminderSent",
    "ReviewRound",
    "Revision",
    "RevisionRedaction",
    "SignOff",
    "StepAnswer",
    "Trigger",
    "TriggerHit",
    "UnsavedStep",
    "User",
    "UserSession",
    "VersionLink",
]
