"""Background jobs for concerns, run by huey (see docs/decisions/0002-background-jobs.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.concerns.services import send_due_reminders


@db_periodic_task(crontab(minute="*"))
def send_concern_reminders() -> int:
    # Every minute, so "剩余1小时" arrives within a minute of the hour. No task lock on
    # purpose: exactly-once comes from the unique (concern, clock, point) claim, which holds
    # across several consumers and after a crash half way.
    return len(send_due_reminders())
