"""Reminders to the staff handling applications: due soon, overdue, correction notice due.

Each reminder goes out once per (application, kind, date): the ``SentReminder`` row is
inserted first, and its unique constraint makes a second run — or a second job runner at the
same moment — skip it. The mail carries the reference and the dates, never the applicant.
"""

from __future__ import annotations

from datetime import date

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongkai.accounts.models import RoleGrant
from gongkai.applications import conf
from gongkai.applications.models import Application, ReminderKind, SentReminder
from gongkai.applications.permissions import HANDLER_ROLES
from gongkai.applications.rules import current_rules
from gongkai.core.calendar import CalendarNotLoaded, add_working_days, fmt, provisional_mark
from gongkai.notifications.models import Kind as NotificationKind
from gongkai.notifications.services import notify, people_holding

SUBJECTS: dict[str, str] = {
    ReminderKind.DUE_SOON: "依申请公开答复即将到期：{reference}（{on}）",
    ReminderKind.OVERDUE: "依申请公开答复已超期：{reference}（期限 {on}）",
    ReminderKind.CORRECTION_NOTICE: "补正告知即将到期：{reference}（{on} 前告知）",
}


def recipients(application: Application) -> list[str]:
    """Handlers on the receiving organisation or above it, with an e-mail address."""
    path = application.organisation.path
    grants = RoleGrant.objects.active().filter(role__in=HANDLER_ROLES, user__is_active=True)
    return sorted(
        {
            g.user.email
            for g in grants.select_related("organisation", "user")
            if path.startswith(g.organisation.path) and g.user.email
        }
    )


def due_reminders(today: date) -> list[tuple[Application, str, date]]:
    try:
        soon = add_working_days(today, current_rules().due_soon_days).due_on
    except CalendarNotLoaded:
        soon = today
    base = Application.objects.select_related("organisation")
    found: list[tuple[Application, str, date]] = []
    for a in base.overdue(today):
        found.append((a, ReminderKind.OVERDUE, a.due_on))  # type: ignore[arg-type]
    for a in base.due_soon(today, soon):
        found.append((a, ReminderKind.DUE_SOON, a.due_on))  # type: ignore[arg-type]
    for a in base.correction_notice_due(today, soon):
        found.append((a, ReminderKind.CORRECTION_NOTICE, a.correction_notice_by))  # type: ignore[arg-type]
    return found


def send_reminders(today: date) -> int:
    """Send every reminder due today that has not gone out; return how many were sent."""
    sent = 0
    for application, kind, on in due_reminders(today):
        to = recipients(application)
        try:
            with transaction.atomic():
                claim = SentReminder.objects.create(
                    application=application, kind=kind, concerning_on=on, recipients=len(to)
                )
                # The inbox of every handler; the mail below is the e-mail.
                notify(
                    people_holding(HANDLER_ROLES, application.organisation),
                    kind=NotificationKind.DEADLINE,
                    subject=SUBJECTS[kind].format(reference=application.reference, on=fmt(on)),
                    body=f"受理机关：{application.organisation.name}",
                    url=reverse("applications:detail", args=[application.pk]),
                    key=f"application-reminder:{claim.pk}",
                    email=False,
                )
        except IntegrityError:
            continue  # already sent
        if to:
            subject = SUBJECTS[kind].format(
                reference=application.reference, on=fmt(on) + provisional_mark(on)
            )
            link = conf.site_url() + reverse("applications:detail", args=[application.pk])
            body = f"{subject}\n受理机关：{application.organisation.name}\n办理页面：{link}\n"
            send_mail(subject, body, conf.reminder_sender(), to)
        sent += 1
    return sent
