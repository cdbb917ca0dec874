"""What OCR read in an attachment, page by page, with positions.

A ``Recognition`` is the reading of one attachment (attachments never change once uploaded,
so one is enough; a rerun replaces its pages). It carries the progress the clerk sees while it
works (``pages_done`` of ``pages_to_read``). A ``RecognisedPage`` holds one page's text and,
for pages read by OCR, a box per character in page pixels (``ocr.documents``), from which the
preview highlights findings and redaction blacks them out. Pages with a text layer store their
text only: their boxes come from the PDF itself when needed.

The text is the attachment's content, as private as the file it came from: staff pages show
it only to those who may see the record, and the public sees it only through
``Attachment.text`` of a published attachment (search, and the 识别文字 under the link).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gongkai.ocr.layout import PositionedText

if TYPE_CHECKING:
    from gongkai.records.models import Record


class RecognitionStatus(models.TextChoices):
    QUEUED = "queued", "排队等待识别"
    RUNNING = "running", "正在识别"
    DONE = "done", "识别完成"
    FAILED = "failed", "未能识别"


IN_PROGRESS = (RecognitionStatus.QUEUED, RecognitionStatus.RUNNING)


def stale_after() -> timedelta:
    return timedelta(seconds=int(settings.GONGKAI_OCR_STALE_SECONDS))


class RecognitionQuerySet(models.QuerySet["Recognition"]):
    def in_progress(self) -> RecognitionQuerySet:
        return self.filter(status__in=IN_PROGRESS)

    def of_record(self, record: Record) -> RecognitionQuerySet:
        """The recognitions of a record's current attachments."""
        return self.filter(attachment__record=record, attachment__is_current=True)

    def stalled(self, now: datetime | None = None) -> RecognitionQuerySet:
        """Queued or running with no sign of life for ``GONGKAI_OCR_STALE_SECONDS``: the worker died
        or the queue lost the job."""
        cutoff = (now or timezone.now()) - stale_after()
        return self.filter(
            Q(status=RecognitionStatus.RUNNING, heartbeat_at__lt=cutoff)
            | Q(status=RecognitionStatus.QUEUED, queued_at__lt=cutoff)
        )


class Recognition(models.Model):
    attachment = models.OneToOneField(
        "records.Attachment",
        verbose_name="附件",
        on_delete=models.PROTECT,
        related_name="recognition",
    )
    status = models.CharField(
        "状态",
        max_length=12,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.QUEUED,
        db_index=True,
    )
    pages_total = models.PositiveIntegerField("总页数", default=0)
    pages_to_read = models.PositiveIntegerField(
        "需识别页数", default=0, help_text="没有文字层、需要识别的页数。"
    )
    pages_done = models.PositiveIntegerField("已识别页数", default=0)
    queued_at = models.DateTimeField("排队时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)
    error = models.TextField("未能识别的原因", blank=True)
    engine = models.CharField("识别引擎", max_length=100, blank=True)

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = "文字识别"
        verbose_name_plural = "文字识别"
        constraints = [
            models.CheckConstraint(
                condition=Q(pages_done__lte=models.F("pages_to_read")),
                name="ocr_pages_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attachment} {self.get_status_display()}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def percent(self) -> int:
        if not self.pages_to_read:
            return 0 if self.is_in_progress else 100
        return round(100 * self.pages_done / self.pages_to_read)

    @property
    def is_stalled(self) -> bool:
        since = self.heartbeat_at if self.status == RecognitionStatus.RUNNING else self.queued_at
        return self.is_in_progress and since is not None and since < timezone.now() - stale_after()


class PageKind(models.TextChoices):
    SCAN = "scan", "扫描页（文字识别）"
    TEXT = "text", "文字层"


class RecognisedPage(models.Model):
    recognition = models.ForeignKey(
        Recognition, on_delete=models.CASCADE, related_name="pages", verbose_name="文字识别"
    )
    number = models.PositiveIntegerField("页码")
    kind = models.CharField("页面类型", max_length=8, choices=PageKind.choices)
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    scale = models.FloatField("每单位像素数", default=1.0)
    text = models.TextField("文字", blank=True)
    boxes = models.JSONField(
        "字符位置", default=list, blank=True, help_text="每个字符一个框（像素），仅识别页。"
    )
    confidence = models.FloatField("平均置信度", default=0.0)
    is_legible = models.BooleanField(
        "可自动检查",
        default=False,
        help_text="识别出文字且置信度足够：可代替人工查看该页有无个人信息。",
    )

    class Meta:
        verbose_name = "识别页"
        verbose_name_plural = "识别页"
        ordering = ("recognition", "number")
        constraints = [
            models.UniqueConstraint(fields=["recognition", "number"], name="ocr_page_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.recognition.attachment} 第{self.number}页"

    @property
    def is_scan(self) -> bool:
        return self.kind == PageKind.SCAN

    def positioned(self) -> PositionedText:
        return PositionedText.from_json(self.text, self.boxes)
