"""Structured content of the five disclosures (标准 四(一)).

A service guide, a power-list entry, a supervision matter and a tracked reform are each a
``records.Record`` of the matching kind; the models here hold the structured detail one-to-one
with that record. The working copy lives here and is edited only while the record is a draft;
each publication freezes it into the record's version (``extension.snapshot``), so the history
of a guide or of a reform's progress is the record's list of versions.

Fields are blank-able on purpose: a clerk may save a half-finished draft. Completeness is a
submit and publish check (``elements.missing_elements``), because the national inspection
indicators (国办秘函〔2019〕19号, 单项否决 6) fail a site whose guides miss key elements.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from gongkai.records.models import Record


class FeeKind(models.TextChoices):
    # "不收费" is a value a clerk must choose; an empty fee is a missing element, never "free".
    FREE = "free", "不收费"
    CHARGED = "charged", "收费"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    BOTH = "both", "原件和复印件"
    ELECTRONIC = "electronic", "电子材料"


class PowerKind(models.TextChoices):
    LICENCE = "licence", "行政许可"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    CONFIRMATION = "confirmation", "行政确认"
    REWARD = "reward", "行政奖励"
    OTHER = "other", "其他"


class ReformKind(models.TextChoices):
    REFORM = "reform", "重点改革"
    POLICY = "policy", "重要政策"
    PROJECT = "project", "重大项目"


class StepState(models.TextChoices):
    PLANNED = "planned", "未开始"
    UNDERWAY = "underway", "进行中"
    DONE = "done", "已完成"
    DELAYED = "delayed", "已延期"


class ServiceGuide(models.Model):
    """办事指南: the elements the standard and the inspection indicators name. The 事项名称
    is the record's title."""

    record = models.OneToOneField(
        Record, on_delete=models.PROTECT, related_name="service_guide", verbose_name="信息"
    )
    responsible_body = models.CharField("实施主体（责任单位）", max_length=200, blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    conditions = models.TextField("申请条件", blank=True)
    fee_kind = models.CharField(
        "是否收费", max_length=10, choices=FeeKind.choices, blank=True, default=""
    )
    fee_standard = models.TextField("收费标准及依据", blank=True)
    promised_days = models.PositiveSmallIntegerField(
        "承诺时限（工作日）", null=True, blank=True, help_text="0 表示当场办结。"
    )
    statutory_days = models.PositiveSmallIntegerField(
        "法定时限（工作日）", null=True, blank=True, help_text="0 表示当场办结。"
    )
    statutory_unspecified = models.BooleanField(
        "法律法规未规定法定时限",
        default=False,
        help_text="没有法定时限的事项勾选此项，页面显示“法律法规未作规定”。",
    )
    location = models.CharField("办理地点", max_length=300, blank=True)
    hours = models.CharField("办理时间", max_length=300, blank=True)
    enquiry = models.CharField("咨询电话（咨询渠道）", max_length=300, blank=True)
    complaint = models.CharField("监督投诉渠道", max_length=300, blank=True)
    online_url = models.URLField("网上办理地址", blank=True)
    notes = models.TextField("其他说明", blank=True)

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__isnull=True)
                | models.Q(statutory_days__isnull=True)
                | models.Q(promised_days__lte=models.F("statutory_days")),
                name="guide_promise_within_statutory_limit",
                violation_error_message="承诺时限不能长于法定时限。",
            )
        ]

    def __str__(self) -> str:
        return self.record.title


class GuideStep(models.Model):
    guide = models.ForeignKey(ServiceGuide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("环节", max_length=100)
    description = models.TextField("办理内容", blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class GuideMaterial(models.Model):
    guide = models.ForeignKey(ServiceGuide, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=200)
    form = models.CharField("材料形式", max_length=12, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField(
        "份数", default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    note = models.CharField("说明（来源、要求）", max_length=300, blank=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["guide", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class PowerItem(models.Model):
    """行政权力事项 in the body's power list (权责清单)."""

    record = models.OneToOneField(
        Record, on_delete=models.PROTECT, related_name="power_item", verbose_name="信息"
    )
    power_kind = models.CharField("权力类型", max_length=16, choices=PowerKind.choices, blank=True)
    code = models.CharField("事项编码", max_length=60, blank=True)
    legal_basis = models.TextField("设定依据", blank=True)
    responsible_body = models.CharField("实施主体", max_length=200, blank=True)
    method = models.TextField(
        "行使方式（办理流程）", blank=True, help_text="如何行使：受理、审查、决定、送达等。"
    )
    responsibilities = models.TextField("责任事项", blank=True)
    accountability = models.TextField("追责情形", blank=True)

    class Meta:
        verbose_name = "行政权力事项"
        verbose_name_plural = "行政权力事项"

    def __str__(self) -> str:
        return self.record.title


class SupervisionMatter(models.Model):
    """监管事项: name (the record's title), basis, body, method, and results over time."""

    record = models.OneToOneField(
        Record, on_delete=models.PROTECT, related_name="supervision_matter", verbose_name="信息"
    )
    power_kind = models.CharField(
        "监管类别", max_length=16, choices=PowerKind.choices, blank=True, default="inspection"
    )
    legal_basis = models.TextField("监管依据", blank=True)
    responsible_body = models.CharField("监管主体", max_length=200, blank=True)
    targets = models.CharField("监管对象", max_length=300, blank=True)
    method = models.TextField(
        "监管方式", blank=True, help_text="如：“双随机、一公开”抽查、年度检查、日常巡查、专项检查。"
    )
    frequency = models.CharField("检查频次", max_length=100, blank=True)

    class Meta:
        verbose_name = "监管事项"
        verbose_name_plural = "监管事项"

    def __str__(self) -> str:
        return self.record.title


class SupervisionResult(models.Model):
    """One dated result. A new result is added in a revision of the matter's record, so it is
    reviewed and frozen into a version like any other change (docs/decisions/0006)."""

    matter = models.ForeignKey(SupervisionMatter, on_delete=models.CASCADE, related_name="results")
    checked_on = models.DateField("检查（结果）日期")
    summary = models.TextField("监管结果")

    class Meta:
        verbose_name = "监管结果"
        verbose_name_plural = "监管结果"
        ordering = ["matter", "-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.checked_on} {self.summary[:20]}"


class Reform(models.Model):
    """执行公开: a key reform, policy or project, its measures, steps and progress. Each
    published version is one progress update; the history is the record's versions."""

    record = models.OneToOneField(
        Record, on_delete=models.PROTECT, related_name="reform", verbose_name="信息"
    )
    reform_kind = models.CharField(
        "类型", max_length=10, choices=ReformKind.choices, default=ReformKind.REFORM
    )
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("计划完成日期", null=True, blank=True)
    measures = models.TextField("工作措施", blank=True)
    responsible_units = models.CharField("责任单位", max_length=300, blank=True)
    supervision_method = models.TextField("监督方式", blank=True)
    progress = models.PositiveSmallIntegerField(
        "完成进度（%）",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    progress_on = models.DateField(
        "进展日期", null=True, blank=True, help_text="本次进展截至的日期。"
    )
    progress_text = models.TextField("进展和成效", blank=True, help_text="本次更新的进展、成效。")

    class Meta:
        verbose_name = "执行落实事项"
        verbose_name_plural = "执行落实事项"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="reform_progress_at_most_100",
                violation_error_message="完成进度不能超过100%。",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="reform_starts_before_it_ends",
                violation_error_message="开始日期不能晚于计划完成日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.record.title


class ReformStep(models.Model):
    reform = models.ForeignKey(Reform, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("步骤", max_length=200)
    due_on = models.DateField("计划完成日期", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=StepState.choices, default=StepState.PLANNED
    )
    done_on = models.DateField("实际完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "实施步骤"
        verbose_name_plural = "实施步骤"
        ordering = ["reform", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="done") | models.Q(done_on__isnull=False),
                name="reform_step_done_has_date",
                violation_error_message="已完成的步骤须填写实际完成日期。",
            )
        ]

    def __str__(self) -> str:
        return self.name
