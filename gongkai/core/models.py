"""Shared model bases, the audit trail and the working-day calendar's data.

The audit trail is one append-only table. Every state change in Gongkai writes a row here in
the same transaction as the change itself (see ``gongkai.core.audit.record_event``); each row
carries the hash of the row before it, keyed with a secret kept outside the database (HMAC,
``key_id`` names the key), so `manage.py audit verify` can find tampering.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    """Audit rows are evidence: the application never edits or deletes them."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计记录不可修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录不可删除。")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
        )


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    verb = models.CharField("操作", max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    from_status = models.CharField("原状态", max_length=32, blank=True)
    to_status = models.CharField("新状态", max_length=32, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)
    # Empty: a row written before the chain was keyed (plain SHA-256); otherwise the id of the
    # AUDIT_KEY whose HMAC-SHA256 is ``hash`` (docs/decisions/0013).
    key_id = models.CharField("签名密钥", max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录不可删除。")


class AuditChainHead(models.Model):
    """One row holding the newest hash; locking it serialises appends to the chain."""

    last_hash = models.CharField(max_length=64, blank=True)
    # The key that signed the newest row: a change of key is written into the chain first.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = "审计链头"

    def __str__(self) -> str:
        return self.last_hash[:12]


class CalendarYear(models.Model):
    """A year whose holiday notice has been loaded. A year without a row is unknown, never
    guessed: working days in it cannot be counted."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据（放假通知）", max_length=300)
    source_url = models.URLField("来源网址", blank=True, max_length=500)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    on = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("节日", max_length=40, blank=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.name}"
