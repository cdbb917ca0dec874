"""Supervision's own tables: the scoring scheme, applicability overrides, the pre-aggregated
compliance summary (so the city dashboard never scans a million records), sent digests and
annual-report drafts. Everything else it reads from the other apps and never writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation


class State(models.TextChoices):
    ON_TIME = "on_time", "按时"
    LATE = "late", "逾期发布"
    OVERDUE = "overdue", "超期未发布"
    MISSING = "missing", "缺失"
    PENDING = "pending", "未到期"
    NOT_APPLICABLE = "not_applicable", "不适用"


#: Worst first: a cell with several records shows its worst one.
SEVERITY = [
    State.OVERDUE,
    State.MISSING,
    State.LATE,
    State.PENDING,
    State.ON_TIME,
    State.NOT_APPLICABLE,
]


class ScoringScheme(TimeStampedModel):
    """Points per cell state and the indicator weights; one row, edited by supervisors."""

    on_time_points = models.PositiveSmallIntegerField("按时得分", default=100)
    late_points = models.PositiveSmallIntegerField("逾期发布基础分", default=90)
    late_deduction_per_day = models.PositiveSmallIntegerField("逾期每工作日扣分", default=2)
    late_floor = models.PositiveSmallIntegerField("逾期发布最低分", default=40)
    overdue_points = models.PositiveSmallIntegerField("超期未发布得分", default=0)
    missing_points = models.PositiveSmallIntegerField("缺失得分", default=0)
    weights = models.JSONField(
        "指标权重", default=dict, blank=True, help_text="指标名称 → 权重；未列出的指标用默认权重。"
    )
    blank_column_veto = models.PositiveSmallIntegerField(
        "空白栏目否决线", default=5, help_text="国办秘函〔2019〕19号：空白栏目超过（含）5个。"
    )
    stale_column_veto = models.PositiveSmallIntegerField(
        "不更新栏目否决线", default=5, help_text="国办秘函〔2019〕19号：未更新栏目超过（含）5个。"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "评分方案"
        verbose_name_plural = "评分方案"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(late_floor__lte=models.F("late_points")),
                name="scheme_late_floor_below_late_points",
                violation_error_message="逾期发布最低分不能高于逾期发布基础分。",
            )
        ]

    def __str__(self) -> str:
        return "评分方案"

    def cell_score(self, state: str, late_days: int = 0) -> float | None:
        if state == State.ON_TIME:
            return float(self.on_time_points)
        if state == State.LATE:
            return float(
                max(self.late_floor, self.late_points - self.late_deduction_per_day * late_days)
            )
        if state == State.OVERDUE:
            return float(self.overdue_points)
        if state == State.MISSING:
            return float(self.missing_points)
        return None


class ApplicabilityOverride(TimeStampedModel):
    """An item applies (or not) to one organisation regardless of its level, with a reason."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    item_key = models.CharField("事项标识", max_length=64)
    is_applicable = models.BooleanField("适用", default=False)
    reason = models.CharField("理由", max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "事项适用调整"
        verbose_name_plural = "事项适用调整"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item_key"], name="override_org_item_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="override_needs_reason",
                violation_error_message="调整事项适用范围须说明理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.item_key}"


class ComplianceCell(models.Model):
    """One (organisation, item, period) state of a year, as of ``computed_on``: the
    materialised summary the dashboards read. Rebuilt by ``compliance.refresh``."""

    year = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    #: The county bureau above (or the organisation itself): the city view groups by it.
    county = models.ForeignKey(Organisation, null=True, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("catalogue.Item", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8, blank=True)
    state = models.CharField(max_length=16, choices=State.choices)
    reason = models.CharField(max_length=300, blank=True)
    records = models.PositiveIntegerField(default=0)
    late_days = models.PositiveIntegerField(default=0)
    overdue_days = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True)
    computed_on = models.DateField()

    class Meta:
        verbose_name = "合规状态汇总"
        indexes = [
            models.Index(fields=["year", "county", "item"]),
            models.Index(fields=["year", "organisation"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "organisation", "item", "period"], name="cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organisation_id} {self.item_id} {self.period} {self.state}"


class MonthlyTally(models.Model):
    """Records due per month and how they went: the trend chart's summary table."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(Organisation, null=True, on_delete=models.CASCADE, related_name="+")
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "月度合规统计"
        indexes = [models.Index(fields=["year", "county"])]

    def __str__(self) -> str:
        return f"{self.year}-{self.month} {self.organisation_id}"


class Digest(models.Model):
    """A reminder digest, claimed before it is sent: the unique key makes a second run a
    no-op, whichever worker gets there first."""

    class Audience(models.TextChoices):
        UNIT = "unit", "本单位"
        SUPERVISOR = "supervisor", "监督机构"

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.CASCADE, related_name="+"
    )
    audience = models.CharField("对象", max_length=12, choices=Audience.choices)
    key = models.CharField("批次", max_length=20)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    lines = models.JSONField("条目", default=list)
    recipients = models.JSONField("收件人", default=list)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒摘要"
        verbose_name_plural = "提醒摘要"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "audience", "key"], name="digest_claim_unique"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class AnnualReport(TimeStampedModel):
    """A draft of one organisation's annual report: six sections of text and the tables."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FILED = "filed", "已提交发布审核"

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    sections = models.JSONField("正文各部分", default=dict)
    tables = models.JSONField("表格", default=dict)
    #: When the numbers (tables and the narrative quoting them) were last computed.
    computed_at = models.DateTimeField("数据计算时间", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    record = models.ForeignKey(
        "records.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="annual_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年政府信息公开工作年度报告"


class LinkCheckRun(models.Model):
    """One run of the link checker over a subtree: the broken links it found, with the
    organisation path of the page each was on (a county reads its part of a city-wide run)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)
    checked = models.PositiveIntegerField(default=0)
    broken = models.JSONField(default=list)

    class Meta:
        verbose_name = "链接检测"
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.checked_at:%Y-%m-%d}"
