"""Background jobs for records, run by huey (see docs/decisions/0002-background-jobs.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.records.services import publish_due


@db_periodic_task(crontab(minute="*"))
@lock_task("records-publish-due")
def publish_scheduled_records() -> list[int]:
    # Every minute: a record scheduled for 09:00 is out by 09:01. The lock keeps two
    # consumers from running it at once; the row lock in publish_due makes it exactly-once
    # even if a worker dies half way and the job runs again after a restart.
    return publish_due()
