"""OCR's part in the publishing process and in screening (``extension`` is discovered by the
records app; the screening source is registered in ``OcrConfig.ready``).

* An uploaded PDF or image is queued for reading after its upload commits
  (``on_commit_attach``).
* While any current attachment of a record is still being read, the record can be neither
  submitted nor published (also not by the scheduled-publication job): screening must see the
  whole file first.
* Screening reads the recognised pages as an extra text source (``screening.sources``): the
  same detectors run over them, and a page read legibly no longer needs a person's look for
  its missing text layer.
* The staff record page shows each attachment's reading, with progress while it works
  (``ocr/_panel.html`` polls itself with htmx).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

from gongkai.ocr.models import PageKind, RecognisedPage, Recognition, RecognitionStatus
from gongkai.records.hooks import RecordExtension
from gongkai.records.models import Attachment, Record

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def queue_on_attach(attachment: Attachment, by: User) -> None:
    from gongkai.ocr.services import queue_recognition

    queue_recognition(attachment, by)


def _busy_message(record: Record, verb: str) -> list[str]:
    messages = []
    for reading in Recognition.objects.of_record(record).in_progress().select_related("attachment"):
        progress = (
            f"已识别{reading.pages_done}/{reading.pages_to_read}页"
            if reading.pages_to_read
            else "排队中"
        )
        messages.append(
            f"附件“{reading.attachment}”正在文字识别（{progress}），"
            f"识别完成并经过保密审查后才能{verb}，请稍候再试。"
        )
    return messages


def wait_before_submit(record: Record) -> list[str]:
    return _busy_message(record, "提交审核")


def wait_before_publish(record: Record) -> list[str]:
    return _busy_message(record, "发布")


def staff_panel(record: Record, user: Any) -> str:
    from gongkai.ocr.views import panel_context

    context = panel_context(record, user)
    if not context["readings"]:
        return ""
    return render_to_string("ocr/_panel.html", context)


def screening_parts(attachment: Attachment) -> list[Any]:
    """The recognised scan pages of an attachment, for screening (``screening.sources``)."""
    from gongkai.screening.sources import TextPart

    pages = (
        RecognisedPage.objects.filter(
            recognition__attachment=attachment,
            recognition__status=RecognitionStatus.DONE,
            kind=PageKind.SCAN,
        )
        .select_related("recognition")
        .order_by("number")
    )
    parts = []
    for page in pages:
        positioned = page.positioned()
        parts.append(
            TextPart(
                text=page.text,
                page=page.number,
                location=f"第{page.number}页（识别文字）",
                replaces_scan=page.is_legible,
                page_count=page.recognition.pages_total,
                boxes=positioned.boxes_between,
            )
        )
    return parts


extension = RecordExtension(
    name="ocr",
    submit_checks=[wait_before_submit],
    publish_checks=[wait_before_publish],
    staff_panels=[staff_panel],
    on_commit_attach=[queue_on_attach],
)


def register() -> None:
    """The record extension above is found by ``records.hooks.discover``; the screening
    source is registered here."""
    from gongkai.screening import sources

    sources.register(screening_parts)
