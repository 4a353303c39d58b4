"""The schema: every table zhibu needs, one module per area, all re-exported here.

Why one package imported as a whole: members, study progress, answers, meetings and deliveries reference
each other, and Alembic and ``SQLModel.metadata`` must see every table at once — importing
``storage.models`` registers them all, so callers keep writing ``from storage.models import Member``.
The areas: ``organisation`` (branches, members, 党小组, audit), ``study`` (materials, snippets, reading),
``quiz`` (questions, answers, review cards, polls, sessions), ``meetings`` (series, meetings, RSVPs,
attendance, 补学) and ``delivery`` (the outbox).  Conventions:

* every row has ``branch_id`` (one deployment, several branches; queries are always scoped);
* timestamps are ``UTCDateTime`` (aware UTC in and out, shown in the branch's timezone elsewhere);
* enumerations are stored as short strings (``StrEnum`` values) so PostgreSQL needs no enum types;
* idempotency lives in unique constraints: a redelivered update or a double tap inserts nothing twice.
"""


from storage.models.delivery import (
    Delivery,
    DeliveryState,
    FlowState,
)
from storage.models.meetings import (
    CAME,
    Attendance,
    AttendanceStatus,
    Audience,
    CheckinMiss,
    LeaveStatus,
    Makeup,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Origin,
    Rsvp,
)
from storage.models.organisation import (
    ON_COMMITTEE,
    ROLE_RANK,
    AuditEntry,
    Branch,
    Member,
    MemberStatus,
    PartyGroup,
    Role,
    Standing,
    joined_before,
)
from storage.models.quiz import (
    PollMap,
    Question,
    QuestionRevision,
    QuestionStatus,
    QuizAnswer,
    QuizSession,
    QuizSessionState,
    ReviewItem,
)
from storage.models.study import (
    Material,
    StudyProgress,
    StudyUnit,
)

__all__ = [
    "CAME", "ON_COMMITTEE", "ROLE_RANK", "Attendance", "AttendanceStatus", "Audience", "AuditEntry", "Branch",
    "CheckinMiss",
    "Delivery", "DeliveryState", "FlowState", "LeaveStatus", "Makeup", "Material", "Meeting", "MeetingKind",
    "MeetingSeries", "MeetingStatus", "Member", "MemberStatus", "Origin", "PartyGroup", "PollMap", "Question",
    "QuestionRevision", "QuestionStatus", "QuizAnswer", "QuizSession", "QuizSessionState", "ReviewItem", "Role",
    "Rsvp", "Standing", "StudyProgress", "StudyUnit", "joined_before",
]
