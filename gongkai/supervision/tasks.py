"""Periodic supervision jobs, run by huey (docs/decisions/0002-background-jobs.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from gongkai.organisations.models import Organisation


@db_periodic_task(crontab(minute="30", hour="1"))
@lock_task("supervision-refresh")
def refresh_compliance_summary() -> int:
    # Nightly: the dashboards read the summary, never the records table.
    from django.utils import timezone

    from gongkai.supervision import compliance

    today = timezone.localdate()
    roots = Organisation.objects.filter(parent__isnull=True, is_active=True)
    for root in roots:
        compliance.refresh(root, today.year, today=today)
    return len(roots)


@db_periodic_task(crontab(minute="0", hour="8"))
@lock_task("supervision-digests")
def send_reminder_digests() -> int:
    # Each digest is claimed by a unique row first: a rerun after a crash sends nothing twice.
    from gongkai.supervision.reminders import send_digests

    return len(send_digests())


@db_periodic_task(crontab(minute="0", hour="3", day_of_week="0"))
@lock_task("supervision-links")
def check_links_weekly() -> int:
    # Weekly, one request at a time with a per-host delay: polite to the sites we link to.
    from gongkai.supervision.inspection import run_link_check

    runs = [run_link_check(root) for root in Organisation.objects.filter(parent__isnull=True)]
    return sum(len(run.broken) for run in runs)
