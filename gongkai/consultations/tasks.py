"""Background jobs for public participation, run by huey (docs/decisions/0002-background-jobs.md).

Each job is idempotent on the data: closing goes through the state machine (a second close is
refused), and reminders are keyed by SentReminder's unique constraints, so they go out once.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.consultations.services.consultation import close_due, send_feedback_reminders
from gongkai.consultations.services.mailbox import (
    send_reply_due_soon_reminders,
    send_reply_reminders,
)


@db_periodic_task(crontab(minute="*"))
@lock_task("consultations-close-due")
def close_ended_consultations() -> list[int]:
    return close_due()


@db_periodic_task(crontab(minute="0", hour="8"))
@lock_task("consultations-reminders")
def send_reminders() -> dict[str, list[int]]:
    # Once a day at 08:00, the start of the working day.
    return {
        "feedback": send_feedback_reminders(),
        "replies": send_reply_reminders(),
        "replies_due_soon": send_reply_due_soon_reminders(),
    }
