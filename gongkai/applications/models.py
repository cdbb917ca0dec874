"""依申请公开: applications, their event rows, replies, remedies and reminders.

Privacy by structure: the applicant's personal data lives in ``Applicant`` (one row per
application) and nowhere else — not in ``Application.__str__`` (which the audit trail copies),
not in event notes, not in reminders. Only staff handling the application read it
(``permissions.can_handle``); the applicant reads their own application with the tracking code.

The clock is a pure function of the ``ApplicationEvent`` rows (``clock.compute_clock``);
``Application.due_on`` and friends are a cache of it for queries, refreshed by every service
that writes an event.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from gongkai.applications import categories

# The clock's enums are declared once, with their labels, where the clock reads them.
from gongkai.applications.clock import Channel
from gongkai.applications.clock import Kind as EventKind
from gongkai.applications.clock import State as ClockState
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation


class Status(models.TextChoices):
    """第四十五条: 登记、审核、办理、答复、归档."""

    REGISTERED = "registered", "已登记（待审核）"
    CORRECTION_REQUESTED = "correction_requested", "待申请人补正"
    CORRECTED = "corrected", "已补正（待审核）"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已答复"
    ARCHIVED = "archived", "已归档"
    VOID = "void", "登记作废"


OPEN_STATUSES = (
    Status.REGISTERED,
    Status.CORRECTION_REQUESTED,
    Status.CORRECTED,
    Status.IN_PROGRESS,
)
CLOSED_STATUSES = (Status.REPLIED, Status.ARCHIVED)


class ApplicantKind(models.TextChoices):
    """The columns of 年报表三: 自然人; 法人或其他组织 in five kinds."""

    NATURAL_PERSON = "natural", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_WELFARE = "welfare", "社会公益组织"
    LEGAL_SERVICE = "legal", "法律服务机构"
    OTHER = "other", "其他组织"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN = "permit", "港澳台居民往来内地（大陆）通行证或居住证"
    USCC = "uscc", "统一社会信用代码"
    OTHER = "other", "其他证件"


class DeliveryForm(models.TextChoices):
    """第二十九条第（三）项: the form and the way the applicant wants the information."""

    PAPER = "paper", "纸质文本"
    ELECTRONIC = "electronic", "电子文本"


class DeliveryMethod(models.TextChoices):
    POST = "post", "邮寄"
    EMAIL = "email", "电子邮件"
    COLLECT = "collect", "自行领取"
    ONLINE = "online", "在本平台查看"


class InformationCluster(TimeStampedModel):
    """第四十四条: several applicants asked one agency for the same information."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机关", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("信息名称", max_length=200)
    record = models.ForeignKey(
        "records.Record",
        verbose_name="已纳入主动公开的信息",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "多人申请的相同信息"
        verbose_name_plural = "多人申请的相同信息"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ApplicationQuerySet(models.QuerySet["Application"]):
    def counted(self) -> ApplicationQuerySet:
        """Applications that exist for the statistics (a voided registration never did)."""
        return self.exclude(status=Status.VOID)

    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def in_organisations(self, orgs: Any) -> ApplicationQuerySet:
        return self.filter(organisation__in=orgs)

    def overdue(self, today: date) -> ApplicationQuerySet:
        return self.open().filter(due_on__lt=today)

    def due_soon(self, today: date, until: date) -> ApplicationQuerySet:
        return self.open().filter(due_on__gte=today, due_on__lte=until)

    def correction_notice_due(self, today: date, until: date) -> ApplicationQuerySet:
        """Still unexamined, and the 7-working-day window for a correction notice (第三十条)
        closes by ``until``."""
        return self.filter(
            status=Status.REGISTERED,
            correction_notice_by__isnull=False,
            correction_notice_by__gte=today,
            correction_notice_by__lte=until,
        )

    def correction_lapsed(self, today: date) -> ApplicationQuerySet:
        return self.filter(status=Status.CORRECTION_REQUESTED, correction_deadline__lt=today)

    def fee_lapsed(self, today: date) -> ApplicationQuerySet:
        return self.open().filter(clock_state=ClockState.AWAITING_FEE, fee_deadline__lt=today)

    def paused(self) -> ApplicationQuerySet:
        return self.open().filter(
            clock_state__in=[
                ClockState.AWAITING_CORRECTION,
                ClockState.AWAITING_FEE,
                ClockState.CONSULTING,
            ]
        )


class Application(TimeStampedModel):
    reference = models.CharField("申请编号", max_length=40, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="受理机关", on_delete=models.PROTECT, related_name="+"
    )
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=ApplicantKind.choices)
    #: A keyed hash of the applicant's identity document: counts one applicant's requests
    #: in a month (fees, 第三十五条) without putting the number in an index.
    applicant_key = models.CharField(max_length=64, db_index=True)
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    signed_for_on = models.DateField("签收日期", null=True, blank=True)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    received_on = models.DateField("收到日期", db_index=True)
    description = models.TextField(
        "所需信息", help_text="所需信息的名称、文号或者便于查询的其他特征性描述。"
    )
    document_number = models.CharField("文号", max_length=60, blank=True)
    delivery_form = models.CharField(
        "提供形式", max_length=12, choices=DeliveryForm.choices, default=DeliveryForm.ELECTRONIC
    )
    delivery_method = models.CharField(
        "获取方式", max_length=12, choices=DeliveryMethod.choices, default=DeliveryMethod.ONLINE
    )
    status = models.CharField(
        "状态", max_length=24, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    void_reason = models.TextField("作废原因", blank=True)

    # The applicant's keys: only hashes are stored, so a copy of the database does not
    # open anyone's application.
    tracking_hash = models.CharField(max_length=64, unique=True)
    check_hash = models.CharField(max_length=64)

    # 第四十四条
    tokens = models.TextField("分词", blank=True, editable=False)
    cluster = models.ForeignKey(
        InformationCluster,
        verbose_name="相同信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )

    # The clock's cache (see clock.compute_clock); rebuilt from the events on every change.
    clock_state = models.CharField(
        "计时状态", max_length=24, choices=ClockState.choices, default=ClockState.RUNNING
    )
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    correction_notice_by = models.DateField("补正告知期限", null=True, blank=True)
    correction_deadline = models.DateField("补正期限", null=True, blank=True)
    fee_deadline = models.DateField("缴费期限", null=True, blank=True)
    clock_explanation = models.TextField("期限说明", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True, db_index=True)
    late_by = models.PositiveSmallIntegerField("逾期工作日", default=0)
    reply_category = models.CharField(
        "答复类型", max_length=32, blank=True, choices=categories.CHOICES
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "依申请公开申请"
        verbose_name_plural = "依申请公开申请"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["organisation", "received_on"]),
            models.Index(fields=["applicant_key", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["replied", "archived"])
                | ~models.Q(reply_category=""),
                name="application_closed_has_category",
            ),
        ]

    def __str__(self) -> str:
        # Never the applicant's name: this string is copied into the audit trail.
        return f"依申请公开 {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def annual_report_row(self) -> str:
        return categories.row_for(self.reply_category) if self.reply_category else ""


class Applicant(models.Model):
    """第二十九条第（一）项: who applies. Personal data: staff handling only."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="applicant"
    )
    name = models.CharField("姓名或名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=40)
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postal_code = models.CharField("邮政编码", max_length=6, blank=True)

    class Meta:
        verbose_name = "申请人"
        verbose_name_plural = "申请人"

    def __str__(self) -> str:
        return f"申请人（{self.application.reference}）"


class ApplicationEvent(models.Model):
    """One thing that happened to an application; the clock is computed from these rows.

    A mistaken row is withdrawn (with a reason), never deleted: the clock then ignores it,
    and the history still shows it.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    on = models.DateField("日期")
    days = models.PositiveSmallIntegerField("工作日数", default=0)
    until_on = models.DateField("期限", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("记录时间", default=timezone.now)
    is_withdrawn = models.BooleanField("已撤销", default=False)
    withdrawn_reason = models.TextField("撤销原因", blank=True)

    class Meta:
        verbose_name = "办理事项"
        verbose_name_plural = "办理事项"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["application", "is_withdrawn"])]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class Reply(TimeStampedModel):
    """The decision (one per application). ``letter_text`` is frozen when it is sent, so a
    later change to the template never changes a letter already given."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="reply")
    category = models.CharField("答复类型", max_length=32, choices=categories.CHOICES)
    body = models.TextField("答复意见")
    letter_title = models.CharField("文书标题", max_length=60, blank=True)
    letter_text = models.TextField("答复书全文", blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField("答复日期", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"

    def __str__(self) -> str:
        return f"答复（{self.application.reference}）"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def annual_report_row(self) -> str:
        return categories.row_for(self.category)


def release_path(instance: ReleasedDocument, filename: str) -> str:
    # Random names outside any public path: served only by views that check access.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"applications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ReleasedDocument(models.Model):
    """A document released with a reply; screened for personal data and classified markings
    before the reply can be sent."""

    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField("文件", upload_to=release_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    findings = models.JSONField("检查发现", default=list, blank=True)
    screened_with = models.CharField("检查方式", max_length=60, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_note = models.TextField("核对说明", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField("随答复提供", default=True)

    class Meta:
        verbose_name = "提供的信息"
        verbose_name_plural = "提供的信息"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def needs_clearance(self) -> bool:
        return bool(self.findings) and self.cleared_by_id is None


class ReplyTemplate(TimeStampedModel):
    """The reply letter of one organisation; without one, ``letters.DEFAULT_BODY`` is used."""

    organisation = models.OneToOneField(
        Organisation, verbose_name="机关", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("文书标题", max_length=60, default="政府信息公开申请答复书")
    body = models.TextField("正文模板")
    review_body = models.CharField(
        "行政复议机关",
        max_length=100,
        help_text="如“某某县人民政府”。答复书据此告知申请行政复议的机关。",
    )
    court = models.CharField(
        "管辖法院", max_length=100, help_text="如“某某县人民法院”。告知提起行政诉讼的法院。"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "答复书模板"
        verbose_name_plural = "答复书模板"

    def __str__(self) -> str:
        return f"{self.organisation} 答复书模板"


class RemedyKind(models.TextChoices):
    """年报表四 column groups."""

    REVIEW = "review", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER_REVIEW = "litigation_after_review", "行政诉讼（复议后起诉）"


class RemedyOutcome(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


class Remedy(TimeStampedModel):
    """A review or lawsuit about an application (年报表四)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField("类型", max_length=24, choices=RemedyKind.choices)
    filed_on = models.DateField("申请复议或起诉日期")
    outcome = models.CharField(
        "结果", max_length=12, choices=RemedyOutcome.choices, default=RemedyOutcome.PENDING
    )
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "行政复议、行政诉讼"
        verbose_name_plural = "行政复议、行政诉讼"
        ordering = ["filed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="pending", decided_on__isnull=True)
                | (~models.Q(outcome="pending") & models.Q(decided_on__isnull=False)),
                name="remedy_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.application.reference}）"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "答复即将到期"
    OVERDUE = "overdue", "答复已超期"
    CORRECTION_NOTICE = "correction_notice", "补正告知即将到期"
    CORRECTION_LAPSED = "correction_lapsed", "补正期限已过"
    FEE_LAPSED = "fee_lapsed", "缴费期限已过"
    CONSULTATION_LAPSED = "consultation_lapsed", "征求意见期限已过"


class SentReminder(models.Model):
    """A reminder that went out. The unique constraint makes "each reminder once" hold even
    if two job runners run the task at the same moment: the second insert fails."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField("提醒", max_length=24, choices=ReminderKind.choices)
    concerning_on = models.DateField("相关期限")
    recipients = models.PositiveSmallIntegerField("收件人数", default=0)
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "已发提醒"
        verbose_name_plural = "已发提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "concerning_on"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.concerning_on}"


class ApplicationSequence(models.Model):
    """The last serial used for an organisation's applications in a year; never reused."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "申请编号序列"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="application_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


class ApplicantNotice(models.Model):
    """An e-mail to the applicant about one event (补正告知, 延期告知, 收费通知, 答复). The
    one-to-one event is the claim: inserted before the mail goes out, it makes each notice go
    out once, however the sending is retried. The address itself is not copied here."""

    event = models.OneToOneField(
        ApplicationEvent, verbose_name="办理事项", on_delete=models.PROTECT, related_name="notice"
    )
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    error = models.CharField("发送失败原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "申请人通知"
        verbose_name_plural = "申请人通知"

    def __str__(self) -> str:
        return f"申请人通知（{self.event}）"
