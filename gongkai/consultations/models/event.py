"""Events where the public takes part (政府开放日, 列席会议, 电视问政 …): 标准 四(五) asks that
政民互动 widen beyond the website. Each event is announced with date, place and how to take
part, and afterwards its public record (活动纪实) is published on the same page."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from gongkai.consultations.models.consultation import Consultation
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation


class EventKind(models.TextChoices):
    OPEN_DAY = "open_day", "政府开放日"
    ATTEND_MEETING = "attend_meeting", "列席会议"
    TV_FORUM = "tv_forum", "电视问政"
    ONLINE_INTERVIEW = "interview", "在线访谈"
    FORUM = "forum", "座谈会"
    HEARING = "hearing", "听证会"
    OTHER = "other", "其他"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ANNOUNCED = "announced", "已发布预告"
    RECORDED = "recorded", "已发布活动记录"
    CANCELLED = "cancelled", "已取消"


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> EventQuerySet:
        return self.exclude(status=EventStatus.DRAFT)

    def upcoming(self, now: datetime | None = None) -> EventQuerySet:
        return self.filter(status=EventStatus.ANNOUNCED, starts_at__gte=now or timezone.now())

    def past(self, now: datetime | None = None) -> EventQuerySet:
        now = now or timezone.now()
        return self.public().filter(
            models.Q(status=EventStatus.RECORDED)
            | models.Q(status__in=[EventStatus.ANNOUNCED, EventStatus.CANCELLED], starts_at__lt=now)
        )

    def in_subtree(self, root: Organisation) -> EventQuerySet:
        return self.filter(organisation__path__under=root.path)


class Event(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name="主办单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("活动形式", max_length=16, choices=EventKind.choices)
    title = models.CharField("活动名称", max_length=200)
    description = models.TextField("活动内容", blank=True)
    starts_at = models.DateTimeField("开始时间", db_index=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, help_text="线上活动填写平台或频道。")
    how_to_take_part = models.TextField(
        "参与方式", help_text="报名方式、名额、截止时间、联系电话等。"
    )
    consultation = models.ForeignKey(
        Consultation,
        verbose_name="相关意见征集",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    status = models.CharField(
        "状态", max_length=12, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    announced_at = models.DateTimeField("预告发布时间", null=True, blank=True)
    record_body = models.TextField(
        "活动记录", blank=True, help_text="活动概况、公众提出的问题和回应、后续落实情况。"
    )
    participants = models.PositiveIntegerField("参加人数", null=True, blank=True)
    recorded_at = models.DateTimeField("记录发布时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancelled_reason = models.TextField("取消原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "公众参与活动"
        verbose_name_plural = "公众参与活动"
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def has_taken_place(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())
