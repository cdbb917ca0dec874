"""Consultations on drafts (意见征集): the draft, its sections, comments and the feedback.

《重大行政决策程序暂行条例》第十五条: the draft and its explanation are published with how and
until when to comment; the period is generally at least 30 days and a shorter one is explained
when the consultation opens. After it closes, how the comments were adopted is explained
(采纳情况反馈) on the same page.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.consultations import conf
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "征集中"
    CLOSED = "closed", "征集结束，待反馈"
    FEEDBACK_PUBLISHED = "feedback_published", "已反馈采纳情况"
    WITHDRAWN = "withdrawn", "已撤回"


class Moderation(models.TextChoices):
    PRE = "pre", "先审后发（审核通过后公开）"
    POST = "post", "先发后审（提交即公开，含个人信息的先审核）"


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def public(self) -> ConsultationQuerySet:
        """Everything that has been opened: withdrawn ones keep their page with a notice."""
        return self.exclude(status=Status.DRAFT)

    def accepting(self, now: datetime | None = None) -> ConsultationQuerySet:
        now = now or timezone.now()
        return self.filter(status=Status.OPEN, opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now: datetime | None = None) -> ConsultationQuerySet:
        return self.filter(status=Status.OPEN, opens_at__gt=now or timezone.now())

    def ended(self, now: datetime | None = None) -> ConsultationQuerySet:
        """Closed by the clock (even before the job runner has moved them) or with feedback."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status__in=[Status.CLOSED, Status.FEEDBACK_PUBLISHED])
            | models.Q(status=Status.OPEN, closes_at__lte=now)
        )

    def awaiting_feedback(self, now: datetime | None = None) -> ConsultationQuerySet:
        now = now or timezone.now()
        return self.filter(
            models.Q(status=Status.CLOSED) | models.Q(status=Status.OPEN, closes_at__lte=now)
        )

    def feedback_overdue(self, today: date | None = None) -> ConsultationQuerySet:
        today = today or timezone.localdate()
        return self.awaiting_feedback().filter(feedback_due_on__lt=today)

    def in_subtree(self, root: Organisation) -> ConsultationQuerySet:
        return self.filter(organisation__path__under=root.path)

    def feedback_rates(self, start: date, end: date) -> models.QuerySet[Any]:
        """Per organisation, consultations whose period ended in [start, end]: how many ended,
        how many have published their adoption feedback, and how many did so by the due date.

        Rows are dicts ``{"organisation": id, "ended": n, "with_feedback": n,
        "feedback_on_time": n}``; the rate is ``with_feedback / ended``. For supervision."""
        ended = self.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]).filter(
            closes_at__date__gte=start, closes_at__date__lte=end
        )
        published = models.Q(status=Status.FEEDBACK_PUBLISHED)
        return (
            ended.order_by()
            .values("organisation")
            .annotate(
                ended=models.Count("pk"),
                with_feedback=models.Count("pk", filter=published),
                feedback_on_time=models.Count(
                    "pk",
                    filter=published
                    & models.Q(feedback_published_at__date__lte=models.F("feedback_due_on")),
                ),
            )
            .order_by("organisation")
        )


def upload_path(instance: Any, filename: str) -> str:
    # Random names: an uploaded file's own name never becomes a path on disk.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"consultations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Consultation(TimeStampedModel):
    title = models.CharField("标题", max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name="征集单位", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        Item, verbose_name="目录事项", on_delete=models.PROTECT, related_name="consultations"
    )
    summary = models.TextField("内容概述", blank=True)
    draft_body = models.TextField("征求意见稿", blank=True)
    explanation = models.TextField(
        "起草说明", help_text="起草背景、依据、主要内容和需要重点听取意见的问题。"
    )
    how_to_comment = models.TextField(
        "意见反馈方式",
        blank=True,
        help_text="除网上提交外的方式，例如电子邮箱、通信地址、联系电话。网上提交方式会自动列出。",
    )
    opens_at = models.DateTimeField("征集开始时间")
    closes_at = models.DateTimeField("征集截止时间")
    short_period_reason = models.TextField(
        "征集期少于法定期限的理由",
        blank=True,
        help_text="《重大行政决策程序暂行条例》第十五条：征求意见期限一般不少于30日，"
        "缩短期限的应当说明理由。理由会在公开页面显示。",
    )
    moderation = models.CharField(
        "意见审核方式", max_length=8, choices=Moderation.choices, default=Moderation.PRE
    )
    name_required = models.BooleanField("提交意见须填写姓名", default=False)
    contact_required = models.BooleanField("提交意见须填写联系方式", default=False)
    max_comment_length = models.PositiveIntegerField(
        "单条意见字数上限", default=conf.default_comment_max_length
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    opened_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_early_reason = models.TextField(
        "提前结束原因", blank=True, help_text="在截止时间前结束征集时必填，公开页面显示。"
    )
    feedback_due_on = models.DateField("反馈截止日期", null=True, blank=True, db_index=True)
    feedback_summary = models.TextField(
        "采纳情况总体说明",
        blank=True,
        help_text="收到意见的总体情况、采纳的主要意见和未采纳的主要理由。",
    )
    feedback_published_at = models.DateTimeField("反馈发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["status", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_comment_length__gte=50),
                name="consultation_comment_length_sensible",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> timedelta:
        return self.closes_at - self.opens_at

    @property
    def period_days(self) -> int:
        return self.period.days

    @property
    def is_short(self) -> bool:
        return self.period < timedelta(days=conf.min_consultation_days())

    @property
    def closed_early(self) -> bool:
        """Ended by its unit before the announced closing time."""
        return self.closed_at is not None and self.closed_at < self.closes_at

    def is_accepting(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == Status.OPEN and self.opens_at <= now < self.closes_at

    def phase(self, now: datetime | None = None) -> str:
        """What the public page says: 尚未开始 / 征集中 / 征集结束 / 已反馈 / 已撤回."""
        now = now or timezone.now()
        if self.status == Status.OPEN:
            if now < self.opens_at:
                return "尚未开始"
            return "征集中" if now < self.closes_at else "征集结束"
        return {
            Status.CLOSED: "提前结束" if self.closed_early else "征集结束",
            Status.FEEDBACK_PUBLISHED: "已反馈",
            Status.WITHDRAWN: "已撤回",
        }.get(Status(self.status), "草稿")

    def expected_feedback_on(self) -> date:
        return timezone.localdate(self.closes_at) + timedelta(days=conf.feedback_days())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.opens_at and self.closes_at:
            if self.closes_at <= self.opens_at:
                errors["closes_at"] = "征集截止时间须晚于开始时间。"
            elif self.is_short and not self.short_period_reason.strip():
                errors["short_period_reason"] = (
                    f"征集期为 {self.period_days} 日，少于 {conf.min_consultation_days()} 日。"
                    "《重大行政决策程序暂行条例》第十五条：缩短期限须说明理由，请填写理由"
                    "（将在公开页面显示），或延长征集期。"
                )
        if errors:
            raise ValidationError(errors)


class Section(models.Model):
    """An article or part of the draft (第一条…, 一、…) that comments can target."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="sections"
    )
    number = models.PositiveSmallIntegerField("序号")
    chapter = models.CharField("所在章节", max_length=100, blank=True)
    heading = models.CharField("条款", max_length=100)
    body = models.TextField("条款内容", blank=True)
    is_current = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "条款"
        verbose_name_plural = "条款"
        ordering = ["consultation", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"],
                condition=models.Q(is_current=True),
                name="section_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.heading


class Attachment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=upload_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    is_current = models.BooleanField(
        "随征集公开", default=True, help_text="移除的附件保留存档（不公开），供审计查阅。"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "征集附件"
        verbose_name_plural = "征集附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已公开"
    REJECTED = "rejected", "未公开"


class RejectionReason(models.TextChoices):
    """What the public is told, in general terms; the moderator's own note stays internal."""

    OFF_TOPIC = "off_topic", "与征集内容无关"
    ABUSIVE = "abusive", "含有辱骂、人身攻击等不文明内容"
    UNLAWFUL = "unlawful", "含有违法或不良信息"
    ADVERTISING = "advertising", "广告或垃圾信息"
    DUPLICATE = "duplicate", "重复提交"
    PRIVACY = "privacy", "涉及他人隐私"
    OTHER = "other", "其他原因"


class Channel(models.TextChoices):
    ONLINE = "online", "网上提交"
    EMAIL = "email", "电子邮件"
    LETTER = "letter", "信函"
    PHONE = "phone", "电话"
    MEETING = "meeting", "座谈会、听证会等"


class CommentQuerySet(models.QuerySet["Comment"]):
    def published(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.PUBLISHED)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.PENDING)

    def unassigned(self) -> CommentQuerySet:
        """Published comments not yet covered by an adoption entry."""
        return self.published().filter(adoption__isnull=True)


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="针对条款",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    body = models.TextField("意见内容（原文，仅工作人员可见）")
    public_body = models.TextField("公开内容（已脱敏）", blank=True)
    author_name = models.CharField("姓名", max_length=60, blank=True)
    contact = models.CharField("联系方式（不公开）", max_length=100, blank=True)
    show_name = models.BooleanField("公开显示姓名", default=False)
    channel = models.CharField(
        "提交方式", max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    personal_data = models.JSONField(
        "检出的个人信息类型", default=list, blank=True, help_text="只记录类型，不重复保存号码。"
    )
    rejection_reason = models.CharField(
        "不公开原因", max_length=16, choices=RejectionReason.choices, blank=True
    )
    moderation_note = models.TextField("审核备注（内部）", blank=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="通过信函、电话等收到、由工作人员录入的意见。",
    )
    adoption = models.ForeignKey(
        "Adoption",
        verbose_name="采纳情况",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "意见"
        verbose_name_plural = "意见"
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["consultation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="comment_rejection_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        # Audit rows copy this: never the text or the name, which may be personal data.
        return f"意见 {self.reference}"

    @property
    def reference(self) -> str:
        return f"{self.consultation_id}-{self.pk}"

    @property
    def public_name(self) -> str:
        return self.author_name if self.show_name and self.author_name else "网友"

    @property
    def is_held_for_personal_data(self) -> bool:
        return bool(self.personal_data)


class Outcome(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    def current(self) -> AdoptionQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Adoption(models.Model):
    """How one comment, or a group of similar comments, was handled, and why."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="adoptions"
    )
    summary = models.TextField(
        "意见归纳", blank=True, help_text="多条意见合并处理时，概括这组意见的内容。"
    )
    outcome = models.CharField("采纳情况", max_length=12, choices=Outcome.choices)
    reason = models.TextField("理由或说明")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = "采纳情况"
        verbose_name_plural = "采纳情况"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"采纳情况 {self.pk}（{self.get_outcome_display()}）"


class ReminderKind(models.TextChoices):
    FEEDBACK_OVERDUE = "feedback_overdue", "采纳情况反馈逾期"
    REPLY_DUE_SOON = "reply_due_soon", "留言即将到期"
    REPLY_OVERDUE = "reply_overdue", "留言答复逾期"


class SentReminder(models.Model):
    """One row per reminder ever sent: the unique constraints make each one go out once,
    however often the job runs and however many workers run it."""

    kind = models.CharField("提醒类型", max_length=20, choices=ReminderKind.choices)
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="提醒单位", on_delete=models.PROTECT, related_name="+"
    )
    recipients = models.JSONField("收件人", default=list, blank=True)
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "已发送提醒"
        verbose_name_plural = "已发送提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "kind"],
                condition=models.Q(consultation__isnull=False),
                name="reminder_once_per_consultation",
            ),
            # A transferred message reminds the unit now handling it, once.
            models.UniqueConstraint(
                fields=["message", "kind", "organisation"],
                condition=models.Q(message__isnull=False),
                name="reminder_once_per_message_and_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(consultation__isnull=True, message__isnull=False)
                | models.Q(consultation__isnull=False, message__isnull=True),
                name="reminder_about_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_at:%Y-%m-%d}"
