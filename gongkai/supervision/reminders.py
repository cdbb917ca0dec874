"""Reminder digests: each unit gets its items due soon and overdue; each supervising
organisation gets its worst offenders. By e-mail and on the 提醒 page.

Exactly once: a digest row is claimed (unique organisation × audience × day) in its own
transaction before anything is sent; a second run, or a second worker, finds the claim and
sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from gongkai.accounts.models import Role, RoleGrant
from gongkai.core.calendar import CalendarNotLoaded, add_working_days, provisional_mark
from gongkai.organisations.models import Organisation
from gongkai.records import notices
from gongkai.records.models import Record
from gongkai.supervision import conf
from gongkai.supervision.models import Digest

UNIT_ROLES = (Role.CLERK, Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER)


def _due_soon_end(today: date) -> date:
    try:
        return add_working_days(today, conf.digest_days_ahead()).due_on
    except CalendarNotLoaded:
        return today + timedelta(days=7)


def _recipients(org_ids: list[int], roles: tuple[str, ...]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for org_id, email in (
        RoleGrant.objects.active()
        .filter(organisation_id__in=org_ids, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "user__email")
        .distinct()
    ):
        out[org_id].append(email)
    return out


def _claim(org: Organisation, audience: str, key: str, subject: str, lines: list[str],
           recipients: list[str]) -> Digest | None:  # fmt: skip
    try:
        with transaction.atomic():
            return Digest.objects.create(
                organisation=org,
                audience=audience,
                key=key,
                subject=subject,
                body="\n".join(lines),
                lines=lines,
                recipients=recipients,
            )
    except IntegrityError:
        return None


def _send(digest: Digest) -> None:
    if digest.recipients:
        send_mail(
            digest.subject,
            digest.body + "\n\n详见工作台“监督评估—提醒”。",
            settings.DEFAULT_FROM_EMAIL,
            digest.recipients,
        )
    digest.sent_at = timezone.now()
    digest.save(update_fields=["sent_at"])


def send_digests(*, today: date | None = None) -> list[Digest]:
    """Build, claim and send today's digests. Returns the digests this run sent."""
    today = today or timezone.localdate()
    key = today.isoformat()
    until = _due_soon_end(today)
    lines: dict[int, list[str]] = defaultdict(list)
    pending = Record.objects.awaiting_publication().select_related("item", "organisation", "author")
    for record in pending.filter(due_on__lt=today):
        lines[record.organisation_id].append(
            f"已超期：{record.item.code}《{record.title}》应于 "
            f"{record.due_on:%Y-%m-%d}{provisional_mark(record.due_on)} 前公开"
        )
        notices.remind_deadline(record, today=today)
    for record in pending.filter(due_on__gte=today, due_on__lte=until):
        lines[record.organisation_id].append(
            f"即将到期：{record.item.code}《{record.title}》请于 "
            f"{record.due_on:%Y-%m-%d}{provisional_mark(record.due_on)} 前公开"
        )
        notices.remind_deadline(record, today=today)
    orgs = Organisation.objects.in_bulk(list(lines))
    unit_to = _recipients(list(lines), UNIT_ROLES)
    sent = []
    for org_id, org_lines in lines.items():
        org = orgs[org_id]
        to = sorted({*unit_to.get(org_id, []), *([org.email] if org.email else [])})
        subject = f"{org.display_name}：政务公开事项提醒（{key}）"
        digest = _claim(org, Digest.Audience.UNIT, key, subject, org_lines, to)
        if digest is not None:
            _send(digest)
            sent.append(digest)
    sent.extend(_supervisor_digests(today, key))
    return sent


def _supervisor_digests(today: date, key: str) -> list[Digest]:
    overdue = dict(
        Record.objects.overdue(today)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    if not overdue:
        return []
    paths = dict(Organisation.objects.filter(pk__in=overdue).values_list("pk", "path"))
    names = dict(Organisation.objects.filter(pk__in=overdue).values_list("pk", "name"))
    supervising = Organisation.objects.filter(
        pk__in=RoleGrant.objects.active().filter(role=Role.SUPERVISOR).values("organisation_id")
    )
    to = _recipients([o.pk for o in supervising], (Role.SUPERVISOR,))
    sent = []
    for org in supervising:
        below = [(n, names[pk]) for pk, n in overdue.items() if paths[pk].startswith(org.path)]
        if not below:
            continue
        below.sort(key=lambda pair: (-pair[0], pair[1]))
        lines = [f"{name}：超期未公开 {n} 条" for n, name in below[: conf.worst_offenders()]]
        subject = f"{org.display_name}：超期未公开最多的单位（{key}）"
        digest = _claim(org, Digest.Audience.SUPERVISOR, key, subject, lines, to.get(org.pk, []))
        if digest is not None:
            _send(digest)
            sent.append(digest)
    return sent
