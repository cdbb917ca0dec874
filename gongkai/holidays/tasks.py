"""The daily check for a missing holiday notice, run by huey (docs/decisions/0002)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="5", hour="8"))
@lock_task("holidays-reminder")
def remind_missing_notice() -> bool:
    from gongkai.holidays.reminders import send_missing_notice_reminder

    return send_missing_notice_reminder()
