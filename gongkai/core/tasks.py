"""Background jobs of the ground floor, run by huey (docs/decisions/0002-background-jobs.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongkai.core.audit import anchor_head


@db_periodic_task(crontab(hour="0", minute="17"))
def anchor_audit_head() -> int | None:
    # Daily: the signed head goes to the log and to AUDIT_ANCHOR_FILE, outside the database,
    # so removing the newest rows and moving the head back is found by `audit verify`
    # (docs/decisions/0013). Ship the log or the file off the machine to make it count.
    anchor = anchor_head()
    return anchor.event_id if anchor else None
