"""The sensitive-term list the city bureau maintains (敏感词).

Terms are matched literally (longest match wins) by ``detectors.find_terms``; the records
workflow passes ``scan.active_terms()`` to every scan. Findings themselves are not stored
here: the records workflow owns them, next to the record they block.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

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
