"""Telling staff what needs them: ``notify`` is the one way in, for every app.

``notify(users, kind=…, subject=…, body=…, url=…, key=…)`` writes one ``Notification`` per
person in the caller's transaction, so a notification exists exactly when the change it
announces does; e-mail goes out after commit, from the job runner. ``key`` names the event
(an audit row, a reminder claim, a deadline and its date): a person is told about an event
once, however often the caller runs. Each person chooses e-mail at once, a daily digest, or
none (``Preference``); the inbox on the site always has everything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gongkai.accounts.models import RoleGrant, User
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.notifications.models import EmailMode, Kind, Mail, Notification, Preference
from gongkai.organisations.models import Organisation

log = logging.getLogger(__name__)

__all__ = [
    "Kind",
    "mark_all_read",
    "mark_read",
    "notify",
    "people_holding",
    "resolve",
    "send_digests",
    "send_pending_mail",
    "set_email_mode",
]


def people_holding(roles: str | Iterable[str], organisation: Organisation) -> QuerySet[User]:
    """Active users holding one of ``roles`` on ``organisation`` or an organisation above it
    (a role covers its subtree)."""
    wanted = [roles] if isinstance(roles, str) else list(roles)
    paths = [o.path for o in organisation.ancestors()] + [organisation.path]
    grants = RoleGrant.objects.active().filter(role__in=wanted, organisation__path__in=paths)
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True)


def _mode(user: User) -> str:
    pref = getattr(user, "notification_preference", None)
    return pref.email if pref is not None else EmailMode.IMMEDIATE


def notify(
    users: Iterable[User],
    *,
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    key: str,
    email: bool = True,
) -> list[Notification]:
    """Tell each of ``users`` (inactive ones are skipped) about one event, once.

    ``kind`` is a ``notifications.models.Kind`` value; ``url`` a path on this site (the page
    to act on); ``key`` identifies the event — a second call with the same key tells nobody
    twice. ``email=False`` when the caller mails its own message (deadline reminders do).
    Returns the notifications created by this call.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not key:
        raise ValueError("a notification needs the key of its event")
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if not people:
        return []
    with transaction.atomic():
        told = set(
            Notification.objects.filter(key=key[:200], user_id__in=people).values_list(
                "user_id", flat=True
            )
        )
        modes = dict(Preference.objects.filter(user_id__in=people).values_list("user_id", "email"))
        fresh = [
            Notification(
                user_id=pk,
                kind=kind,
                subject=subject[:200],
                body=body,
                url=url[:500],
                key=key[:200],
                mail=Mail.PENDING
                if email and user.email and modes.get(pk, EmailMode.IMMEDIATE) != EmailMode.NONE
                else Mail.SKIPPED,
            )
            for pk, user in people.items()
            if pk not in told
        ]
        if not fresh:
            return []
        # Two callers telling the same person at once: the unique (user, key) keeps one.
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(key=key[:200], user_id__in=[n.user_id for n in fresh])
        )
        immediate = [
            n.pk
            for n in created
            if n.mail == Mail.PENDING
            and modes.get(n.user_id, EmailMode.IMMEDIATE) == EmailMode.IMMEDIATE
        ]
        if immediate:
            transaction.on_commit(lambda: _queue_mail(immediate))
    return created


def _queue_mail(ids: list[int]) -> None:
    from gongkai.notifications.tasks import deliver_notifications

    deliver_notifications(ids)


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def send_pending_mail(ids: Iterable[int] | None = None) -> int:
    """Mail each pending notification of a person who wants mail at once; return how many
    went out. Each is claimed (pending → sent) before its mail is sent, so two runners never
    both send it; a failed send puts it back for the next run."""
    pending = Notification.objects.mail_pending().select_related(
        "user", "user__notification_preference"
    )
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    pending = pending.exclude(user__notification_preference__email=EmailMode.DIGEST)
    sent = 0
    for notification in pending:
        user = notification.user
        if _mode(user) == EmailMode.NONE or not user.email:
            Notification.objects.filter(pk=notification.pk, mail=Mail.PENDING).update(
                mail=Mail.SKIPPED
            )
            continue
        claimed = Notification.objects.filter(pk=notification.pk, mail=Mail.PENDING).update(
            mail=Mail.SENT, mailed_at=timezone.now()
        )
        if not claimed:
            continue
        text = notification.body.strip()
        link = _absolute(notification.url) if notification.url else ""
        try:
            send_mail(
                f"【{settings.GONGKAI_SITE['name']}】{notification.subject}",
                "\n\n".join(
                    part
                    for part in (
                        text,
                        f"请登录工作台处理：{link}" if link else "",
                        "（您可以在工作台的“通知”页面改为每日汇总或不发邮件。）",
                    )
                    if part
                ),
                None,
                [user.email],
            )
        except OSError:
            log.exception("notification %s not mailed; it will be retried", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(
                mail=Mail.PENDING, mailed_at=None
            )
            continue
        sent += 1
    return sent


def send_digests(today: date | None = None) -> int:
    """One e-mail per person who chose the daily digest and has pending notifications; the
    day is claimed on their preference first, so a rerun sends nothing twice."""
    today = today or timezone.localdate()
    sent = 0
    waiting = Preference.objects.filter(
        email=EmailMode.DIGEST,
        user__is_active=True,
        user__notifications__mail=Mail.PENDING,
    ).filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
    for pref in waiting.select_related("user").distinct():
        claimed = (
            Preference.objects.filter(pk=pref.pk)
            .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
            .update(digest_sent_on=today)
        )
        if not claimed:
            continue
        items = list(Notification.objects.filter(user=pref.user).mail_pending().order_by("id"))
        if not items or not pref.user.email:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(mail=Mail.SKIPPED)
            continue
        lines = [
            f"· [{n.get_kind_display()}] {n.subject}" + (f"\n  {_absolute(n.url)}" if n.url else "")
            for n in items
        ]
        try:
            send_mail(
                f"【{settings.GONGKAI_SITE['name']}】今日通知汇总（{len(items)} 条）",
                "\n".join(
                    [
                        f"{pref.user.display_name}：",
                        "",
                        *lines,
                        "",
                        "（您可以在工作台的“通知”页面改为即时发送或不发邮件。）",
                    ]
                ),
                None,
                [pref.user.email],
            )
        except OSError:
            log.exception("digest for user %s not mailed; it will be retried", pref.user_id)
            Preference.objects.filter(pk=pref.pk).update(digest_sent_on=None)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items], mail=Mail.PENDING).update(
            mail=Mail.DIGESTED, mailed_at=timezone.now()
        )
        sent += 1
    return sent


def resolve(*, url: str, kind: str) -> int:
    """The thing a notification asked for is done (a review was taken by someone): mark the
    unread ones of that kind about that page read, so nobody is sent to work that is gone."""
    return Notification.objects.unread().filter(url=url, kind=kind).update(read_at=timezone.now())


def mark_read(notification: Notification, *, by: User) -> Notification:
    if notification.user_id != by.pk:
        raise ValidationError("只能处理自己的通知。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, by: User) -> int:
    return Notification.objects.for_user(by).unread().update(read_at=timezone.now())


def set_email_mode(*, by: User, email: str) -> Preference:
    if email not in EmailMode.values:
        raise ValidationError("请选择邮件通知方式。")
    with transaction.atomic():
        pref, _ = Preference.objects.select_for_update().get_or_create(user=by)
        previous = pref.email
        if previous != email:
            pref.email = email
            pref.save(update_fields=["email"])
            record_event(
                Verb.NOTIFICATIONS_EMAIL_MODE,
                actor=by,
                target=pref,
                data={"from": previous, "to": email},
            )
    return pref


def unread_count(request: HttpRequest) -> int:
    """The signed-in person's unread notifications, counted once per request (the staff
    shell's badge and the workbench both show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_gk_unread", None)
    if cached is None:
        cached = Notification.objects.for_user(user).unread().count()
        request._gk_unread = cached  # type: ignore[attr-defined]
    return int(cached)
