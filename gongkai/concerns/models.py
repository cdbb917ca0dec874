"""舆情 (public concerns) and the responses that answer them.

A ``Concern`` is collected, assessed (研判), handled and responded to against hour clocks that
start when it was discovered (see ``clocks.py``). Responses are ordinary ``Record``s of kind
``response`` with a ``Response`` row naming the concern they answer: they go through the same
screening, review and versioning as every record (docs/decisions/0004-record-extensions.md).
``Reminder`` rows make reminders exactly-once: each (concern, clock, point) is claimed once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation
from gongkai.records.models import Record


class Source(models.TextChoices):
    MEDIA = "media", "新闻媒体"
    ONLINE = "online", "网络平台"
    HOTLINE = "hotline", "12345热线"
    PETITION = "petition", "信访"
    STAFF = "staff", "工作人员报告"


class Level(models.TextChoices):
    ESPECIALLY_SERIOUS = "especially_serious", "特别重大"
    SERIOUS = "serious", "重大"
    MAJOR = "major", "较大"
    GENERAL = "general", "一般"


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSESSED = "assessed", "已研判"
    HANDLING = "handling", "处置中"
    RESPONDED = "responded", "已回应"
    FOLLOWING_UP = "following_up", "持续发布"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤销"


OPEN_STATUSES = (
    Status.REGISTERED,
    Status.ASSESSED,
    Status.HANDLING,
    Status.RESPONDED,
    Status.FOLLOWING_UP,
)


@dataclass(frozen=True)
class ClockStats:
    """On-time counts of one clock for one organisation and level."""

    organisation: Organisation
    level: str
    clock: str
    met: int = 0
    late: int = 0
    open_overdue: int = 0
    open_running: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Share met on time among the clocks already decided (met, late or overdue)."""
        decided = self.met + self.late + self.open_overdue
        return self.met / decided if decided else None


class ConcernQuerySet(models.QuerySet["Concern"]):
    def open(self) -> ConcernQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def in_organisations(self, orgs: Any) -> ConcernQuerySet:
        return self.filter(responsible_organisation__in=orgs)

    def with_published_responses(self) -> ConcernQuerySet:
        return self.prefetch_related(
            models.Prefetch(
                "responses",
                queryset=Response.objects.filter(
                    record__first_published_at__isnull=False
                ).select_related("record"),
                to_attr="published_responses",
            )
        )

    def on_time_stats(
        self,
        organisations: Iterable[Organisation] | models.QuerySet[Organisation],
        start: datetime,
        end: datetime,
        *,
        now: datetime | None = None,
    ) -> list[ClockStats]:
        """Clocks of concerns discovered in [start, end) whose responsible organisation is in
        ``organisations``: per (organisation, level, clock) how many were met on time, met
        late, are open and overdue, or are open and still running at ``now``. Withdrawn
        concerns (registered in error) are not counted."""
        now = now or timezone.now()
        concerns = (
            self.filter(
                responsible_organisation__in=organisations,
                discovered_at__gte=start,
                discovered_at__lt=end,
            )
            .exclude(status=Status.WITHDRAWN)
            .select_related("responsible_organisation")
            .with_published_responses()
        )
        counts: dict[tuple[int, str, str], dict[str, int]] = defaultdict(
            lambda: {"met": 0, "late": 0, "open_overdue": 0, "open_running": 0}
        )
        orgs: dict[int, Organisation] = {}
        for concern in concerns:
            orgs[concern.responsible_organisation_id] = concern.responsible_organisation
            for clock in concern.clocks(now=now):
                key = (concern.responsible_organisation_id, concern.level, clock.name)
                state = clock.state
                bucket = {"on_time": "met", "late": "late", "overdue": "open_overdue"}.get(
                    state, "open_running"
                )
                counts[key][bucket] += 1
        return [
            ClockStats(organisation=orgs[org_id], level=level, clock=clock, **values)
            for (org_id, level, clock), values in sorted(
                counts.items(), key=lambda pair: (orgs[pair[0][0]].path, pair[0][1], pair[0][2])
            )
        ]


class Concern(TimeStampedModel):
    subject = models.CharField(
        "关切事项（公开）",
        max_length=200,
        help_text="在“回应关切”栏目中与回应一同公开，只写公众关切的问题，不写内部研判内容。",
    )
    summary = models.TextField("舆情摘要（内部）")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    discovered_at = models.DateTimeField("发现时间", db_index=True)
    links = models.TextField("链接", blank=True, help_text="每行一个网址。")
    level = models.CharField("级别", max_length=24, choices=Level.choices, default=Level.GENERAL)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="涉及单位",
        on_delete=models.PROTECT,
        related_name="concerns_about",
    )
    item = models.ForeignKey(
        Item, verbose_name="相关目录事项", on_delete=models.PROTECT, related_name="concerns"
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="concerns",
        help_text="属地管理、分级负责、谁主管谁负责。",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    plan = models.TextField("回应方案（内部）", blank=True)
    notes = models.TextField("处置记录（内部）", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField("研判时间", null=True, blank=True)
    handling_at = models.DateTimeField("开始处置时间", null=True, blank=True)
    responded_at = models.DateTimeField("首次回应时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revision = models.PositiveIntegerField("修改计数", default=1)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = "舆情"
        verbose_name_plural = "舆情"
        ordering = ["-discovered_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def published_times(self) -> list[tuple[str, datetime]]:
        responses = getattr(self, "published_responses", None)
        if responses is None:
            responses = self.responses.filter(
                record__first_published_at__isnull=False
            ).select_related("record")
        return [
            (r.kind, r.record.first_published_at)
            for r in responses
            if r.record.first_published_at is not None
        ]

    def clocks(self, *, now: datetime | None = None) -> list[Any]:
        from gongkai.concerns.clocks import compute_clocks

        return compute_clocks(
            discovered_at=self.discovered_at,
            level=self.level,
            published=self.published_times(),
            now=now or timezone.now(),
        )


class ResponseKind(models.TextChoices):
    STATEMENT = "statement", "情况说明"
    PRESS_RELEASE = "press_release", "新闻通稿"
    PRESS_CONFERENCE = "press_conference", "新闻发布会（含答问）"
    UPDATE = "update", "进展通报"


class Response(models.Model):
    """The concern a response record answers."""

    record = models.OneToOneField(
        Record, verbose_name="信息", on_delete=models.PROTECT, related_name="concern_response"
    )
    concern = models.ForeignKey(
        Concern, verbose_name="舆情", on_delete=models.PROTECT, related_name="responses"
    )
    kind = models.CharField("回应形式", max_length=20, choices=ResponseKind.choices)

    class Meta:
        verbose_name = "回应"
        verbose_name_plural = "回应"
        ordering = ["-record__first_published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.record.title}"


class Reminder(models.Model):
    """One reminder (or escalation) sent for one point of one clock. The unique constraint is
    the claim: whichever job run inserts the row first sends; every other run fails to insert
    and sends nothing, however many workers run at once."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="reminders")
    clock = models.CharField("时限", max_length=24)
    point = models.CharField("提醒节点", max_length=24)
    due_at = models.DateTimeField("应提醒时间")
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    escalated = models.BooleanField("上报监督人员", default=False)
    recipients = models.JSONField("收件人", default=list)
    message = models.CharField("内容", max_length=300)

    class Meta:
        verbose_name = "时限提醒"
        verbose_name_plural = "时限提醒"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "clock", "point"], name="concern_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return self.message


def screenshot_path(instance: Screenshot, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"concerns/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Screenshot(models.Model):
    """Evidence of what was said where; internal, never on the portal."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="screenshots")
    file = models.FileField("截图", upload_to=screenshot_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "截图"
        verbose_name_plural = "截图"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
