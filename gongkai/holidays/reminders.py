"""The reminder to load next year's notice: from 1 November while it is missing (the State
Council usually publishes it in November or December), and for the current year if it is
still missing. The text is plain so the workbench, this app's page, mail and the system check
can all show it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from gongkai.accounts.models import Role, RoleGrant
from gongkai.core import calendar
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEvent
from gongkai.holidays.permissions import can_load_calendar

#: From this month on, next year's notice is expected (it has come out between late October
#: and mid-December since 2008).
REMIND_FROM_MONTH = 11
#: The daily task mails the administrators at most this often while the notice is missing.
MAIL_EVERY_DAYS = 7
VERB = "calendar.reminder_sent"


def missing_notice_reminder(today: date | None = None) -> str | None:
    """The reminder text, or None when nothing is missing."""
    today = today or timezone.localdate()
    if not calendar.is_loaded(today.year):
        year = today.year
        return (
            f"尚未导入 {year} 年的节假日安排：{year} 年的期限目前都按《全国年节及纪念日放假办法》"
            "暂定计算（标为“暂定”）。请在“节假日安排”页面粘贴国务院办公厅"
            f"《关于{year}年部分节假日安排的通知》全文并导入。"
        )
    if today.month >= REMIND_FROM_MONTH and not calendar.is_loaded(today.year + 1):
        year = today.year + 1
        return (
            f"尚未导入 {year} 年的节假日安排。国务院办公厅通常在 11—12 月发布"
            f"《关于{year}年部分节假日安排的通知》；导入前，跨入 {year} 年的期限按放假办法暂定"
            "计算（标为“暂定”）。通知发布后请在“节假日安排”页面粘贴全文并导入。"
        )
    return None


def reminder_for(user: Any, today: date | None = None) -> str | None:
    """The reminder for ``user``'s workbench: only the administrators who can load it."""
    if not getattr(user, "is_authenticated", False) or not can_load_calendar(user):
        return None
    return missing_notice_reminder(today)


def administrators() -> list[str]:
    grants = RoleGrant.objects.active().filter(
        role=Role.SYSTEM_ADMIN,
        organisation__parent__isnull=True,
        user__is_active=True,
    )
    return sorted({g.user.email for g in grants.select_related("user") if g.user.email})


def send_missing_notice_reminder(today: date | None = None) -> bool:
    """The daily check: mail the root's system administrators while a notice is missing, at
    most once every ``MAIL_EVERY_DAYS`` days (the audit trail remembers when)."""
    today = today or timezone.localdate()
    text = missing_notice_reminder(today)
    if text is None:
        return False
    since = timezone.now() - timedelta(days=MAIL_EVERY_DAYS)
    if AuditEvent.objects.filter(verb=VERB, at__gte=since).exists():
        return False
    to = administrators()
    record_event(VERB, note=text, data={"to": to, "on": today.isoformat()})
    if to:
        site = settings.SITE_URL.rstrip("/")
        body = f"{text}\n\n节假日安排页面：{site}{reverse('holidays:calendar')}\n"
        send_mail("请导入节假日安排", body, settings.DEFAULT_FROM_EMAIL, to)
    return True
