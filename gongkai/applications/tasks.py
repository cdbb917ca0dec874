"""Background jobs for applications, run by huey (see docs/decisions/0002-background-jobs.md)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.applications.reminders import send_reminders
from gongkai.applications.services import close_lapsed


@db_periodic_task(crontab(minute="10", hour="7"))
@lock_task("applications-daily")
def daily_applications() -> dict[str, object]:
    # Every morning: close applications whose correction or fee period ran out yesterday
    # (第三十条; 其他处理 1/2), then remind handlers. Reminders are sent once (SentReminder).
    today = timezone.localdate()
    closed = close_lapsed(today)
    return {"closed": closed, "reminders": send_reminders(today)}
