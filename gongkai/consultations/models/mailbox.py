"""The mailbox (留言咨询, e.g. 局长信箱): messages from the public that get answered on time.

Each message gets a tracking code (查询码) the writer uses to see the reply. The reply is due
within the mailbox's number of working days, counted on the State Council calendar from the
day after receipt. The national website inspection (国办秘函〔2019〕19号) fails a site with
valid messages unanswered for more than three months; ``unanswered_beyond`` finds them.

Transfers (转办) between organisations keep the clock running from receipt: the writer should
not wait longer because the message reached the wrong desk first, and the inspection counts
from the message, not from the desk. A mailbox can be configured to restart the clock on the
day of transfer instead (``restart_clock_on_transfer``) where local rules say so.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gongkai.consultations import conf
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation

#: Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits: not guessable, and lookups are rate limited as well


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_tracking_code(text: str) -> str:
    value = unicodedata.normalize("NFKC", text or "").upper()
    value = value.translate(str.maketrans("OIL", "011"))
    return "".join(c for c in value if c in CODE_ALPHABET)


class Mailbox(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("信箱名称", max_length=60, help_text="例如“局长信箱”“校长信箱”。")
    description = models.TextField("受理范围和说明", blank=True)
    reply_working_days = models.PositiveSmallIntegerField(
        "答复时限（工作日）",
        default=conf.default_reply_working_days,
        help_text="自收到留言次日起计算的工作日数；须远少于检查指标的 3 个月。",
    )
    restart_clock_on_transfer = models.BooleanField(
        "转办后重新计时",
        default=False,
        help_text="默认不重新计时：办理时限始终从收到留言之日起算。",
    )
    is_active = models.BooleanField("开放受理", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "信箱"
        verbose_name_plural = "信箱"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="mailbox_name_unique"),
            models.CheckConstraint(
                condition=models.Q(reply_working_days__gte=1, reply_working_days__lte=60),
                name="mailbox_reply_days_sensible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.display_name}{self.name}"


class MessageKind(models.TextChoices):
    CONSULT = "consult", "咨询"
    SUGGEST = "suggest", "建议"
    COMPLAIN = "complain", "投诉"
    OTHER = "other", "其他"


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "办理中"
    ANSWERED = "answered", "已答复"
    REJECTED = "rejected", "不予受理"


class MessageQuerySet(models.QuerySet["Message"]):
    def valid(self) -> MessageQuerySet:
        """Messages the inspection counts as 有效留言 (not refused as spam or out of scope)."""
        return self.exclude(status=MessageStatus.REJECTED)

    def open(self) -> MessageQuerySet:
        return self.filter(status=MessageStatus.RECEIVED)

    def overdue(self, today: date | None = None) -> MessageQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def due_within(self, start: date, end: date) -> MessageQuerySet:
        return self.open().filter(due_on__gte=start, due_on__lte=end)

    def unanswered_beyond(self, days: int, *, today: date | None = None) -> MessageQuerySet:
        """Valid messages still unanswered more than ``days`` natural days after receipt.

        For the national inspection's single-veto rule ("超过 3 个月未回应有效留言"), the
        supervision engine passes the length of three months in days (e.g. 90)."""
        today = today or timezone.localdate()
        return self.open().filter(received_on__lt=today - timedelta(days=days))

    def answered_later_than(self, days: int) -> MessageQuerySet:
        """Answered, but more than ``days`` natural days after receipt."""
        return self.filter(
            status=MessageStatus.ANSWERED,
            replied_on__gt=models.F("received_on") + timedelta(days=days),
        )

    def in_subtree(self, root: Organisation) -> MessageQuerySet:
        return self.filter(organisation__path__under=root.path)

    def received_between(self, start: date, end: date) -> MessageQuerySet:
        return self.filter(received_on__gte=start, received_on__lte=end)

    def reply_rates(self, start: date, end: date, *, today: date | None = None) -> Any:
        """Per handling organisation, valid messages received in [start, end]: how many were
        received, answered, answered by their due date, and are open past it.

        Rows are dicts ``{"organisation": id, "received": n, "answered": n,
        "on_time": n, "overdue": n}``; the on-time rate is
        ``on_time / received``. For supervision."""
        today = today or timezone.localdate()
        answered = models.Q(status=MessageStatus.ANSWERED)
        return (
            self.valid()
            .received_between(start, end)
            .order_by()
            .values("organisation")
            .annotate(
                received=models.Count("pk"),
                answered=models.Count("pk", filter=answered),
                on_time=models.Count(
                    "pk", filter=answered & models.Q(replied_on__lte=models.F("due_on"))
                ),
                overdue=models.Count(
                    "pk", filter=models.Q(status=MessageStatus.RECEIVED, due_on__lt=today)
                ),
            )
            .order_by("organisation")
        )

    def monthly(self) -> Any:
        """Per month of receipt: received, answered, answered on time (the public statistics)."""
        answered = models.Q(status=MessageStatus.ANSWERED)
        return (
            self.valid()
            .annotate(month=TruncMonth("received_on"))
            .order_by()
            .values("month")
            .annotate(
                received=models.Count("pk"),
                answered=models.Count("pk", filter=answered),
                on_time=models.Count(
                    "pk", filter=answered & models.Q(replied_on__lte=models.F("due_on"))
                ),
            )
            .order_by("-month")
        )

    def published(self) -> MessageQuerySet:
        """Q&A on the public page: answered, and the writer agreed to publication."""
        return self.filter(
            status=MessageStatus.ANSWERED, is_published=True, allows_publication=True
        )


class Message(models.Model):
    mailbox = models.ForeignKey(
        Mailbox, verbose_name="信箱", on_delete=models.PROTECT, related_name="messages"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="当前负责答复的单位；转办后为接收单位。",
    )
    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    kind = models.CharField(
        "留言类型", max_length=10, choices=MessageKind.choices, default=MessageKind.CONSULT
    )
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("留言内容（原文，仅工作人员可见）")
    author_name = models.CharField("姓名", max_length=60, blank=True)
    contact = models.CharField("联系方式（不公开）", max_length=100, blank=True)
    allows_publication = models.BooleanField(
        "留言人同意公开", default=False, help_text="同意将留言和答复（不含姓名、联系方式）公开。"
    )
    personal_data = models.JSONField("检出的个人信息类型", default=list, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=MessageStatus.choices,
        default=MessageStatus.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    received_on = models.DateField("收到日期", db_index=True)
    clock_started_on = models.DateField(
        "计时起点", help_text="收到之日；若信箱设置为转办后重新计时，则为最近一次转办之日。"
    )
    due_on = models.DateField(
        "答复截止日期",
        null=True,
        blank=True,
        db_index=True,
        help_text="为空表示尚未导入相应年份的节假日安排，无法计算。",
    )
    reply_body = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply_organisation = models.ForeignKey(
        Organisation,
        verbose_name="答复单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    rejected_reason = models.TextField("不予受理理由", blank=True)
    is_published = models.BooleanField("作为问答公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "留言"
        verbose_name_plural = "留言"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["status", "received_on"]),
        ]
        constraints = [
            # Publication needs the writer's consent (个人信息保护: they decide).
            models.CheckConstraint(
                condition=~models.Q(is_published=True) | models.Q(allows_publication=True),
                name="message_published_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        # Audit rows copy this: never the writer's words or name.
        return f"留言 {self.pk}"

    @property
    def public_body(self) -> str:
        from gongkai.consultations.privacy import masked

        return masked(self.body)

    @property
    def public_reply(self) -> str:
        from gongkai.consultations.privacy import masked

        return masked(self.reply_body)

    @property
    def formatted_code(self) -> str:
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == MessageStatus.RECEIVED:
            return self.due_on is not None and self.due_on < today
        return False

    @property
    def answered_on_time(self) -> bool | None:
        if self.replied_on is None or self.due_on is None:
            return None
        return self.replied_on <= self.due_on


class Transfer(models.Model):
    """转办: the message moves to another organisation; the old one can still read it."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey(
        Organisation, verbose_name="转出单位", on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(
        Organisation, verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("转办说明")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("转办时间", default=timezone.now)

    class Meta:
        verbose_name = "转办记录"
        verbose_name_plural = "转办记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_organisation} → {self.to_organisation}"
