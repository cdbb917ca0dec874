"""Background jobs for notifications, run by huey (docs/decisions/0002-background-jobs.md)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from gongkai.notifications.services import send_digests, send_pending_mail


@db_task()
def deliver_notifications(ids: list[int]) -> int:
    # Queued after the commit that created them; each is claimed before it is mailed.
    return send_pending_mail(ids)


@db_periodic_task(crontab(minute="*/5"))
def deliver_pending_notifications() -> int:
    # Whatever the queued delivery missed (a runner restarted, the mail server was down).
    return send_pending_mail()


_hour, _minute = settings.GONGKAI_NOTIFICATION_DIGEST_AT.split(":")


@db_periodic_task(crontab(minute=str(int(_minute)), hour=str(int(_hour))))
@lock_task("notifications-digest")
def send_notification_digests() -> int:
    # After the morning reminder jobs (07:10, 08:00), so the day's deadlines are in it.
    return send_digests()
