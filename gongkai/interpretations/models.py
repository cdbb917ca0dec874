"""Policy interpretation (政策解读): structured detail for records of kind ``interpretation``.

An interpretation *is* a ``records.Record`` (decision 0004): it is screened, reviewed twice,
versioned, audited and published like any record. This app adds what the Record cannot hold:
the form of the interpretation (问答、图解、视频、新闻发布会……), the policies it explains, its
stage in a staged interpretation, and its structured content. Uploaded media are immutable
rows: a revision under review never changes what the public page (which renders the version
snapshot) shows, and removed content stays archived for the audit.

For the policy side, standard 四(三) — 谁起草、谁预判、谁解读 — asks for an interpretation plan
and a public-opinion risk assessment, submitted and reviewed with the document.
"""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gongkai.core.models import TimeStampedModel
from gongkai.records.models import Record


class Form(models.TextChoices):
    ARTICLE = "article", "文字解读"
    QA = "qa", "问答"
    GRAPHIC = "graphic", "图解"
    VIDEO = "video", "视频解读"
    PRESS_CONFERENCE = "press_conference", "新闻发布会（吹风会）"
    EXPERT_ARTICLE = "expert_article", "专家解读"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class MediaKind(models.TextChoices):
    IMAGE = "image", "图片"
    VIDEO = "video", "视频"
    CAPTIONS = "captions", "字幕"


#: Office numbers only (0635-1234567, 12345 hotlines): the page is public, so the field is for
#: the interpreting office's phone, never a person's mobile number.
PHONE = re.compile(r"^[0-9０-９\-－—()（）转 ]{5,30}$")

IMAGE_TEXT_REQUIRED = (
    "图片必须有替代文字和文字说明：替代文字简要说明图片内容（读屏软件会朗读），"
    "文字说明完整转述图中的信息，看不见图片的读者才能读到解读内容。"
)


def validate_phone(value: str) -> None:
    if value and not PHONE.match(value):
        raise ValidationError("联系电话只能包含数字、连字符、括号和“转”，如“0635-8241234”。")


def media_path(instance: MediaFile, filename: str) -> str:
    # Random names: an uploaded file's own name never becomes a path on disk.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"interpretations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class InterpretationQuerySet(models.QuerySet["Interpretation"]):
    def of_policy(self, policy: Record) -> InterpretationQuerySet:
        return self.filter(policies=policy)

    def published(self) -> InterpretationQuerySet:
        """Interpretations with a live public page (published, proactive, not withdrawn)."""
        return self.filter(record__in=Record.objects.published())

    def timeline(self) -> InterpretationQuerySet:
        """The order of a staged interpretation: 解读 1 发布时, 解读 2 实施三个月后 …"""
        return self.order_by("stage_order", "record__first_published_at", "record_id")


class Interpretation(TimeStampedModel):
    record = models.OneToOneField(
        Record,
        verbose_name="解读信息",
        on_delete=models.PROTECT,
        related_name="interpretation",
    )
    form = models.CharField("解读形式", max_length=24, choices=Form.choices)
    policies = models.ManyToManyField(
        Record,
        verbose_name="解读对象",
        related_name="interpretations",
        blank=True,
        help_text="所解读的政策文件；可以同时解读几份文件。",
    )
    stage = models.CharField(
        "解读阶段",
        max_length=40,
        default="发布时",
        help_text="如“发布时”“实施三个月后”：政策执行中的后续解读按阶段排在时间线上。",
    )
    stage_order = models.PositiveSmallIntegerField("阶段顺序", default=1)
    interpreter_name = models.CharField("解读人", max_length=60, blank=True)
    interpreter_title = models.CharField("职务", max_length=100, blank=True)
    contact_phone = models.CharField(
        "联系电话", max_length=40, blank=True, validators=[validate_phone]
    )
    transcript = models.TextField(
        "文字实录",
        blank=True,
        help_text="视频解读、新闻发布会的文字实录；不便观看视频的读者读它。",
    )
    video = models.ForeignKey(
        "MediaFile",
        verbose_name="视频文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    video_url = models.URLField(
        "视频链接", blank=True, help_text="已在融媒体平台等处发布的视频地址（https://…）。"
    )
    captions = models.ForeignKey(
        "MediaFile",
        verbose_name="字幕文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = InterpretationQuerySet.as_manager()

    class Meta:
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"
        ordering = ["stage_order", "record_id"]

    def __str__(self) -> str:
        return f"{self.get_form_display()}：{self.record.title}"

    @property
    def interpreter(self) -> str:
        return "，".join(p for p in (self.interpreter_title, self.interpreter_name) if p)


class MediaFile(models.Model):
    """An uploaded image, video or captions file. Never changed or deleted: published
    versions refer to it by id."""

    interpretation = models.ForeignKey(
        Interpretation, on_delete=models.PROTECT, related_name="media"
    )
    kind = models.CharField("类型", max_length=12, choices=MediaKind.choices)
    file = models.FileField("文件", upload_to=media_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    text = models.TextField("文字内容", blank=True, help_text="字幕文件的文字，用于保密审查。")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "解读媒体文件"
        verbose_name_plural = "解读媒体文件"

    def __str__(self) -> str:
        return self.original_name


_M = TypeVar("_M", bound=models.Model)


class CurrentQuerySet(models.QuerySet[_M]):
    """Removed entries stay in the table (deletes are withdrawals); ``current()`` hides them."""

    def current(self) -> CurrentQuerySet[_M]:
        return self.filter(is_current=True).order_by("order", "pk")


class QAEntryQuerySet(CurrentQuerySet["QAEntry"]):
    pass


class QAEntry(models.Model):
    """One question and its answer: a Q&A interpretation, or a reporter's question at a press
    conference (then ``asked_by`` names the reporter's outlet)."""

    interpretation = models.ForeignKey(
        Interpretation, on_delete=models.PROTECT, related_name="qa_entries"
    )
    question = models.TextField("问题")
    answer = models.TextField("回答")
    answerer = models.CharField("答复人", max_length=100, blank=True)
    asked_by = models.CharField(
        "提问人", max_length=100, blank=True, help_text="新闻发布会上提问的记者及其单位。"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_current = models.BooleanField("有效", default=True)

    objects = QAEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "问答"
        verbose_name_plural = "问答"
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(question="") & ~models.Q(answer=""),
                name="qa_entry_has_question_and_answer",
            )
        ]

    def __str__(self) -> str:
        return self.question[:40]

    def clean(self) -> None:
        errors = {}
        if not (self.question or "").strip():
            errors["question"] = "请填写问题。"
        if not (self.answer or "").strip():
            errors["answer"] = "请填写回答。"
        if errors:
            raise ValidationError(errors)


class GraphicImageQuerySet(CurrentQuerySet["GraphicImage"]):
    pass


class GraphicImage(models.Model):
    """An image of a 图解 with its text alternative: the short alt text read out by screen
    readers and the full description that carries everything the image says."""

    interpretation = models.ForeignKey(
        Interpretation, on_delete=models.PROTECT, related_name="images"
    )
    media = models.ForeignKey(MediaFile, on_delete=models.PROTECT, related_name="+")
    alt_text = models.CharField(
        "替代文字", max_length=200, help_text="一句话说明图片内容，如“课后服务收费标准一览图”。"
    )
    description = models.TextField(
        "文字说明", help_text="完整转述图中的文字和数据，看不见图片的读者读它。"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_current = models.BooleanField("有效", default=True)

    objects = GraphicImageQuerySet.as_manager()

    class Meta:
        verbose_name = "图解图片"
        verbose_name_plural = "图解图片"
        ordering = ["order", "pk"]
        constraints = [
            # Graphics are never without text, even if someone bypasses the forms.
            models.CheckConstraint(
                condition=~models.Q(alt_text="") & ~models.Q(description=""),
                name="graphic_image_has_text_alternative",
            )
        ]

    def __str__(self) -> str:
        return self.alt_text

    def clean(self) -> None:
        check_text_alternative(self.alt_text, self.description)


def check_text_alternative(alt_text: str, description: str) -> None:
    errors = {}
    if not (alt_text or "").strip():
        errors["alt_text"] = IMAGE_TEXT_REQUIRED
    if not (description or "").strip():
        errors["description"] = IMAGE_TEXT_REQUIRED
    if errors:
        raise ValidationError(errors)


class SpeakerQuerySet(CurrentQuerySet["Speaker"]):
    pass


class Speaker(models.Model):
    """A speaker at a press conference or briefing (发布人)."""

    interpretation = models.ForeignKey(
        Interpretation, on_delete=models.PROTECT, related_name="speakers"
    )
    name = models.CharField("姓名", max_length=60)
    title = models.CharField("职务", max_length=100)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_current = models.BooleanField("有效", default=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = "发布人"
        verbose_name_plural = "发布人"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class InterpretationPlan(TimeStampedModel):
    """解读方案, submitted with the policy (国办发〔2016〕80号: 同步组织、同步审签、同步部署)."""

    policy = models.OneToOneField(
        Record,
        verbose_name="政策文件",
        on_delete=models.PROTECT,
        related_name="interpretation_plan",
    )
    forms = models.JSONField("解读形式", default=list, blank=True)
    timing = models.TextField(
        "解读时间安排", blank=True, help_text="如“与文件同步发布；实施三个月后再次解读”。"
    )
    speakers = models.TextField("解读人", blank=True, help_text="谁起草、谁解读：姓名和职务。")

    REQUIRED = {"forms": "解读形式", "timing": "解读时间安排", "speakers": "解读人"}

    class Meta:
        verbose_name = "解读方案"
        verbose_name_plural = "解读方案"

    def __str__(self) -> str:
        return f"解读方案：{self.policy_id}"

    def missing(self) -> list[str]:
        return [label for name, label in self.REQUIRED.items() if not _filled(getattr(self, name))]

    def form_labels(self) -> list[str]:
        return [Form(f).label for f in self.forms if f in Form.values]


class RiskAssessment(TimeStampedModel):
    """舆情风险评估: 谁起草、谁预判 — the drafter foresees the concerns and prepares answers."""

    policy = models.OneToOneField(
        Record,
        verbose_name="政策文件",
        on_delete=models.PROTECT,
        related_name="risk_assessment",
    )
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    expected_concerns = models.TextField("预判的社会关注点", blank=True)
    prepared_answers = models.TextField("回应口径", blank=True)
    monitoring_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="舆情监测责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    REQUIRED = {
        "level": "风险等级",
        "expected_concerns": "预判的社会关注点",
        "prepared_answers": "回应口径",
        "monitoring_owner_id": "舆情监测责任人",
    }

    class Meta:
        verbose_name = "舆情风险评估"
        verbose_name_plural = "舆情风险评估"

    def __str__(self) -> str:
        return f"舆情风险评估：{self.policy_id}"

    def missing(self) -> list[str]:
        return [label for name, label in self.REQUIRED.items() if not _filled(getattr(self, name))]


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)
