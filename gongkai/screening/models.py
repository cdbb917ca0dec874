"""The sensitive-term list the city bureau maintains (敏感词), and the findings of screening.

Terms are matched literally (longest match wins) by ``detectors.find_terms``; every scan uses
``scan.active_terms()``.

A ``Finding`` is one distinct thing found in a record's body or in one of its attachments
(the same number written three times is one finding with three locations). It is identified
across rescans by ``fingerprint``, a keyed hash of kind and text, so an edit above it does not
resurrect a dismissed finding. The text itself is stored safely: personal data only in its
masked form (``371502********1234``) and the fingerprint is an HMAC under SECRET_KEY, because
an unkeyed hash of an ID number can be reversed by trying every birth date. The findings
table must never become a second copy of what screening keeps off the portal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gongkai.screening.masking import masked_personal_data
from gongkai.screening.scan import KIND_LABELS

#: One character would match half the corpus; two is the shortest useful Chinese term.
MIN_TERM_LENGTH = 2


class SensitiveTermQuerySet(models.QuerySet["SensitiveTerm"]):
    def active(self) -> SensitiveTermQuerySet:
        return self.filter(is_active=True)


class SensitiveTerm(models.Model):
    term = models.CharField("敏感词", max_length=100, unique=True)
    note = models.CharField(
        "说明", max_length=300, blank=True, help_text="为什么列入，依据哪份文件。"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SensitiveTermQuerySet.as_manager()

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ("term",)
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="screening_term_not_blank"),
        ]

    def __str__(self) -> str:
        return self.term

    def clean(self) -> None:
        self.term = self.term.strip()
        if len(self.term) < MIN_TERM_LENGTH:
            raise ValidationError(
                {"term": f"敏感词至少{MIN_TERM_LENGTH}个字符，否则会误报大量正文。"}
            )


class FindingStatus(models.TextChoices):
    OPEN = "open", "待处理"
    DISMISSED = "dismissed", "已排除"
    RESOLVED = "resolved", "已解决"


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(status=FindingStatus.OPEN)

    def in_body(self) -> FindingQuerySet:
        return self.filter(attachment__isnull=True)


class Finding(models.Model):
    record = models.ForeignKey(
        "records.Record",
        verbose_name="政府信息",
        on_delete=models.PROTECT,
        related_name="screening_findings",
    )
    attachment = models.ForeignKey(
        "records.Attachment",
        verbose_name="附件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screening_findings",
        help_text="为空表示在正文中。",
    )
    kind = models.CharField("类型", max_length=32, choices=list(KIND_LABELS.items()))
    excerpt = models.CharField("发现内容", max_length=300, help_text="个人信息只保存脱敏后的形式。")
    fingerprint = models.CharField("指纹", max_length=64, editable=False)
    location = models.CharField("位置", max_length=300, blank=True)
    occurrences = models.PositiveIntegerField("出现次数", default=1)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    found_at = models.DateTimeField("发现时间", default=timezone.now)
    last_seen_at = models.DateTimeField("最近检查时间", default=timezone.now)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    dismissal_reason = models.TextField("排除理由", blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dismissed_at = models.DateTimeField("排除时间", null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "保密审查发现"
        verbose_name_plural = "保密审查发现"
        ordering = ("record", "attachment", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismissal_reason=""),
                name="screening_dismissal_needs_reason",
            ),
            models.UniqueConstraint(
                fields=["record", "fingerprint"],
                condition=Q(attachment__isnull=True),
                name="screening_body_finding_unique",
            ),
            models.UniqueConstraint(
                fields=["record", "attachment", "fingerprint"],
                condition=Q(attachment__isnull=False),
                name="screening_attachment_finding_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.excerpt}"

    @property
    def source(self) -> str:
        """What holds it: an attachment, or the record itself, whose locations name the
        field (标题, 内容概述, 正文第3段, 正文第1个链接地址 …). Findings stored before
        locations named their field say 第N行 of the body."""
        if self.attachment_id:
            return f"附件“{masked_personal_data(str(self.attachment))}”"
        return "正文" if not self.location or self.location.startswith("第") else ""

    def describe(self) -> str:
        where = f"{self.source}{self.location}" if self.location else self.source
        return f"{self.get_kind_display()}“{self.excerpt}”（{where}）"
