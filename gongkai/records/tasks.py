"""Background jobs for records, run by huey (see docs/decisions/0002-background-jobs.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.records.services import publish_due


@db_periodic_task(crontab(minute="*"))
def publish_scheduled_records() -> list[int]:
    # Every minute: a record scheduled for 09:00 is out by 09:01. No huey task lock: a lock
    # held by a worker that is killed is never released (SQLite storage has no TTL), and
    # scheduled publication would stop for good. The row lock in publish_due is what makes it
    # exactly-once, also when two workers run it at once or a run is repeated after a crash
    # (core/tests/test_faults.py kills a real consumer mid-publication).
    return publish_due()
