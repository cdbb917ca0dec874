"""Notifications: one row per (person, event). The unique ``key`` is what makes each event
reach each person once, however many times the service or job that tells them runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    REVIEW = "review", "待审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过"
    PUBLISHED = "published", "已发布"
    DEADLINE = "deadline", "时限提醒"
    NOTICE = "notice", "通知"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "每条通知即时发送邮件"
    DIGEST = "digest", "每天汇总发送一封邮件"
    NONE = "none", "不发送邮件（只在站内查看）"


class Mail(models.TextChoices):
    """Where the e-mail of a notification stands."""

    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    DIGESTED = "digested", "已汇总发送"
    #: Not mailed by this app: the person has no address or wants none, or the job that
    #: raised it (a deadline reminder) mails its own message.
    SKIPPED = "skipped", "不发送"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_user(self, user: Any) -> NotificationQuerySet:
        return self.filter(user=user)

    def mail_pending(self) -> NotificationQuerySet:
        return self.filter(mail=Mail.PENDING)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    key = models.CharField("事件标识", max_length=200, help_text="同一事件对同一人只通知一次。")
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    mail = models.CharField("邮件", max_length=12, choices=Mail.choices, default=Mail.PENDING)
    mailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.subject


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.CharField(
        "邮件通知", max_length=12, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    #: The last day a digest went out: claimed before sending, so a day's digest goes once.
    digest_sent_on = models.DateField("最近汇总日期", null=True, blank=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"

    def __str__(self) -> str:
        return f"{self.user} · {self.get_email_display()}"
