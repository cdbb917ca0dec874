"""Public participation: consultations on drafts, the mailbox, and events.

Split by subject: ``consultation`` (drafts, sections, comments, adoption feedback, reminders),
``mailbox`` (mailboxes, messages, transfers) and ``event``.
"""

from gongkai.consultations.models.consultation import (
    Adoption,
    Attachment,
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Moderation,
    Outcome,
    RejectionReason,
    ReminderKind,
    Section,
    SentReminder,
    Status,
)
from gongkai.consultations.models.event import Event, EventKind, EventStatus
from gongkai.consultations.models.mailbox import (
    Mailbox,
    Message,
    MessageKind,
    MessageStatus,
    Transfer,
    new_tracking_code,
    normalise_tracking_code,
)

__all__ = [
    "Adoption",
    "Attachment",
    "Channel",
    "Comment",
    "CommentStatus",
    "Consultation",
    "Event",
    "EventKind",
    "EventStatus",
    "Mailbox",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Moderation",
    "Outcome",
    "RejectionReason",
    "ReminderKind",
    "Section",
    "SentReminder",
    "Status",
    "Transfer",
    "new_tracking_code",
    "normalise_tracking_code",
]
