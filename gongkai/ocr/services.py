"""Writes for OCR: queue and run the reading of an attachment, redact a scan.

* ``queue_recognition``: an uploaded PDF or image gets a ``Recognition`` (queued) and a job
  (``tasks.recognise_attachment``), after the upload commits. Records call it through the
  ``on_commit_attach`` hook of their extension registry.
* ``recognise``: the job's body. Page by page, each page committed on its own so the record's
  page shows progress; at the end the attachment's text (``Attachment.text``, what search
  indexes and the public page offers as 识别文字) is filled in and the record is screened
  again, now with the recognised text.
* ``redact_attachment``: black out regions (findings and what the clerk drew), keep the
  original on file, not public, and put the cleaned file in its place; it is recognised and
  screened again before the record can go out.
* ``resume_stalled``: requeue readings whose worker died (run every few minutes).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.ocr import documents, redaction
from gongkai.ocr.engine import Box, EngineUnavailable, PageText, engine
from gongkai.ocr.layout import PositionedText, from_page, join_pages
from gongkai.ocr.models import (
    PageKind,
    RecognisedPage,
    Recognition,
    RecognitionStatus,
)
from gongkai.records.models import Attachment, Status

if TYPE_CHECKING:
    from gongkai.accounts.models import User

logger = logging.getLogger(__name__)

#: Content types worth reading (what records' uploads accept as PDF or image).
READABLE_TYPES = ("application/pdf", "image/")


def dpi() -> int:
    return int(settings.GONGKAI_OCR_DPI)


def min_confidence() -> float:
    return float(settings.GONGKAI_OCR_MIN_CONFIDENCE)


def max_pages() -> int:
    return int(settings.GONGKAI_OCR_MAX_PAGES)


def is_readable(attachment: Attachment) -> bool:
    return attachment.content_type.startswith(READABLE_TYPES)


# --- Queueing ------------------------------------------------------------------------------


def queue_recognition(attachment: Attachment, by: User | None = None) -> Recognition | None:
    """Create (or reset) the attachment's reading and queue the job after commit."""
    if not is_readable(attachment) or not settings.GONGKAI_OCR_ENABLED:
        return None
    with transaction.atomic():
        recognition, _ = Recognition.objects.select_for_update().get_or_create(
            attachment=attachment
        )
        recognition.status = RecognitionStatus.QUEUED
        recognition.queued_at = timezone.now()
        recognition.pages_done = recognition.pages_to_read = 0
        recognition.started_at = recognition.heartbeat_at = recognition.finished_at = None
        recognition.error = ""
        recognition.save()
        transaction.on_commit(lambda: _enqueue(attachment.pk))
    return recognition


def _enqueue(attachment_id: int) -> None:
    from gongkai.ocr.tasks import recognise_attachment

    recognise_attachment(attachment_id)


def resume_stalled() -> list[int]:
    """Queue again every reading that stopped showing progress (its worker died, or the
    queue lost the job). Harmless when the old worker is merely slow: ``recognise`` claims
    the row, and a second run only repeats the work."""
    ids = list(Recognition.objects.stalled().values_list("attachment_id", flat=True))
    for attachment in Attachment.objects.filter(pk__in=ids):
        queue_recognition(attachment)
    return ids


# --- Reading -------------------------------------------------------------------------------


def engine_name() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"PP-OCRv4（rapidocr-onnxruntime {version('rapidocr-onnxruntime')}）"
    except PackageNotFoundError:
        return ""


def _claim(attachment_id: int) -> Recognition | None:
    with transaction.atomic():
        recognition = (
            Recognition.objects.select_for_update()
            .select_related("attachment")
            .filter(attachment_id=attachment_id)
            .first()
        )
        if recognition is None or recognition.status == RecognitionStatus.DONE:
            return None
        if recognition.status == RecognitionStatus.RUNNING and not recognition.is_stalled:
            return None  # another worker is on it
        now = timezone.now()
        recognition.status = RecognitionStatus.RUNNING
        recognition.started_at = recognition.heartbeat_at = now
        recognition.pages_done = 0
        recognition.error = ""
        recognition.engine = engine_name()
        recognition.save()
        recognition.pages.all().delete()
    return recognition


def _fail(recognition: Recognition, reason: str) -> Recognition:
    recognition.status = RecognitionStatus.FAILED
    recognition.error = reason
    recognition.finished_at = timezone.now()
    recognition.save(update_fields=["status", "error", "finished_at"])
    return recognition


@dataclass(frozen=True, slots=True)
class _Read:
    info: documents.PageInfo
    text: PositionedText
    confidence: float
    is_legible: bool


def _read_scan(info: documents.PageInfo, image: Any) -> _Read:
    page: PageText = engine().read(image)
    text = from_page(page)
    confidence = page.confidence
    legible = bool(text.text.strip()) and confidence >= min_confidence()
    return _Read(info, text, confidence, legible)


def _pages(document: documents.Document, limit: int) -> Iterator[documents.PageInfo]:
    for number in range(1, min(document.page_count, limit) + 1):
        yield document.info(number)


def _read_all(document: documents.Document, infos: list[documents.PageInfo]) -> Iterator[_Read]:
    """Pages in order. Scans are read by ``GONGKAI_OCR_THREADS`` workers at once (ONNX Runtime
    releases the GIL); PDFium is not thread-safe, so rendering stays on this thread."""
    workers = max(1, int(settings.GONGKAI_OCR_THREADS))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        pending: list[Future[_Read] | _Read] = []
        for info in infos:
            if info.kind == documents.TEXT:
                pending.append(_Read(info, document.text_layer(info.number), 1.0, True))
            else:
                pending.append(pool.submit(_read_scan, info, document.render(info.number)))
            while len(pending) > workers or (pending and not isinstance(pending[0], Future)):
                yield _result(pending.pop(0))
        for item in pending:
            yield _result(item)


def _result(item: Future[_Read] | _Read) -> _Read:
    return item.result() if isinstance(item, Future) else item


def recognise(attachment_id: int) -> Recognition | None:
    """Read every page of the attachment; store text and positions; screen the record again."""
    recognition = _claim(attachment_id)
    if recognition is None:
        return None
    attachment = recognition.attachment
    started = time.monotonic()
    try:
        engine().load()
        with attachment.file.open("rb") as handle:
            data = handle.read()
        with documents.open_document(data, attachment.original_name, dpi=dpi()) as document:
            infos = list(_pages(document, max_pages()))
            recognition.pages_total = document.page_count
            recognition.pages_to_read = sum(i.kind == documents.SCAN for i in infos)
            recognition.save(update_fields=["pages_total", "pages_to_read"])
            texts: list[str] = []
            for read in _read_all(document, infos):
                _store(recognition, read)
                texts.append(read.text.text)
    except EngineUnavailable as exc:
        return _finish_failed(recognition, f"{exc}扫描件需要人工查看。")
    except documents.Unreadable as exc:
        return _finish_failed(recognition, exc.reason)
    except Exception as exc:
        logger.exception("OCR of attachment %s failed", attachment_id)
        return _finish_failed(
            recognition, f"识别时出错（{type(exc).__name__}），扫描件需要人工查看。"
        )
    with transaction.atomic():
        recognition.status = RecognitionStatus.DONE
        recognition.finished_at = timezone.now()
        recognition.seconds = round(time.monotonic() - started, 2)
        recognition.save()
        if recognition.pages_to_read:
            # Search and the public page's text alternative read Attachment.text.
            Attachment.objects.filter(pk=attachment.pk).update(text=join_pages(texts))
        record_event(
            Verb.OCR_RECOGNISE,
            target=attachment.record,
            data={
                "attachment": attachment.pk,
                "pages": recognition.pages_total,
                "read": recognition.pages_to_read,
                "illegible": list(
                    recognition.pages.filter(kind=PageKind.SCAN, is_legible=False).values_list(
                        "number", flat=True
                    )
                ),
                "seconds": recognition.seconds,
            },
        )
        _screen_again(attachment)
    return recognition


def _store(recognition: Recognition, read: _Read) -> None:
    scan = read.info.kind == documents.SCAN
    with transaction.atomic():
        RecognisedPage.objects.create(
            recognition=recognition,
            number=read.info.number,
            kind=PageKind.SCAN if scan else PageKind.TEXT,
            width=read.info.width,
            height=read.info.height,
            scale=read.info.scale,
            text=read.text.text,
            boxes=read.text.as_json() if scan else [],
            confidence=round(read.confidence, 4),
            is_legible=read.is_legible,
        )
        if scan:
            recognition.pages_done += 1
        recognition.heartbeat_at = timezone.now()
        recognition.save(update_fields=["pages_done", "heartbeat_at"])


def _finish_failed(recognition: Recognition, reason: str) -> Recognition:
    with transaction.atomic():
        _fail(recognition, reason)
        record_event(
            Verb.OCR_RECOGNISE,
            target=recognition.attachment.record,
            note=reason,
            data={"attachment": recognition.attachment_id, "failed": True},
        )
    return recognition


def _screen_again(attachment: Attachment) -> None:
    """The record's findings now include what OCR read (screening asks the registered text
    sources, ``ocr.extension.screening_parts``). Only while findings can still be acted on."""
    from gongkai.screening.services import screen_record

    record = attachment.record
    if (
        attachment.is_current
        and record.status != Status.WITHDRAWN
        and (record.status != Status.PUBLISHED)
    ):
        screen_record(record, stage="ocr")


# --- Findings on the pages -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """Something screening's detectors find on a page, with where it is."""

    key: str  # "3-0": page 3, first hit (stable for the same file)
    page: int
    kind: str
    label: str
    excerpt: str  # masked for personal data
    boxes: tuple[Box, ...]
    fingerprint: str
    is_personal: bool

    @property
    def rects(self) -> list[tuple[int, int, int, int]]:
        """x, y, width, height: what SVG draws."""
        return [(b[0], b[1], b[2] - b[0], b[3] - b[1]) for b in self.boxes]


def page_text(page: RecognisedPage, document: documents.Document | None = None) -> PositionedText:
    """The page's text with a box per character: stored for scans, read from the PDF for a
    page with a text layer."""
    if page.kind == PageKind.SCAN:
        return page.positioned()
    if document is None:
        return PositionedText(page.text, (None,) * len(page.text))
    return document.text_layer(page.number)


def hits(
    recognition: Recognition, *, terms: Iterable[str] | None = None, pad: int | None = None
) -> list[Hit]:
    """Every finding of the detectors on every page, with boxes (the same detectors as for
    text: ``screening.scan.scan_text``)."""
    from gongkai.screening.masking import mask_number
    from gongkai.screening.scan import KIND_LABELS, active_terms, scan_text
    from gongkai.screening.services import fingerprint

    terms = active_terms() if terms is None else list(terms)
    pages = list(recognition.pages.order_by("number"))
    needs_pdf = any(p.kind == PageKind.TEXT for p in pages)
    found: list[Hit] = []
    document = _open(recognition.attachment) if needs_pdf else None
    try:
        for page in pages:
            text = page_text(page, document)
            spacing = pad if pad is not None else max(2, round(page.width / 600))
            for index, f in enumerate(scan_text(text.text, terms=terms)):
                boxes = text.boxes_between(f.start or 0, f.end or 0, pad=spacing)
                found.append(
                    Hit(
                        key=f"{page.number}-{index}",
                        page=page.number,
                        kind=f.kind,
                        label=KIND_LABELS.get(f.kind, f.kind),
                        excerpt=mask_number(f.kind, f.text).replace("\u200b", ""),
                        boxes=tuple(boxes),
                        fingerprint=fingerprint(f.kind, f.text),
                        is_personal=f.is_maskable,
                    )
                )
    finally:
        if document is not None:
            document.close()
    return found


def _open(attachment: Attachment) -> documents.Document:
    with attachment.file.open("rb") as handle:
        data = handle.read()
    return documents.open_document(data, attachment.original_name, dpi=dpi())


# --- Redaction -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    page: int
    box: Box  # page pixels


def redact_attachment(
    attachment: Attachment, *, regions: Iterable[Region], by: User, reason: str = ""
) -> Attachment:
    """Black out ``regions`` and put the cleaned file in the attachment's place.

    Every page with a region is rasterised (text layer, annotations and all: nothing is left
    under the black), the other pages of a PDF are kept as they were, and the file's metadata
    is not carried over. The original stays on file, not current and never public (screening's
    ``replace_attachment``), with an audit row naming both files; the cleaned file is then
    recognised and screened again, and the record cannot be submitted or published until that
    is done."""
    from gongkai.screening.services import replace_attachment

    regions = [r for r in regions if r.box[2] > r.box[0] and r.box[3] > r.box[1]]
    if not regions:
        raise ValidationError("请至少选择一处需要涂黑的内容，或在页面上框选区域。")
    recognition = Recognition.objects.filter(attachment=attachment).first()
    if recognition is None or recognition.status != RecognitionStatus.DONE:
        raise ValidationError("该附件尚未完成文字识别，请稍后再试。")
    sizes = {p.number: (p.width, p.height) for p in recognition.pages.all()}
    by_page: dict[int, list[Box]] = {}
    for region in regions:
        if region.page not in sizes:
            raise ValidationError(f"附件没有第{region.page}页。")
        width, height = sizes[region.page]
        x0, y0, x1, y1 = region.box
        box = (max(0, x0), max(0, y0), min(width, x1), min(height, y1))
        by_page.setdefault(region.page, []).append(box)
    with attachment.file.open("rb") as handle:
        data = handle.read()
    try:
        cleaned = redaction.redact(data, attachment.original_name, by_page, dpi=dpi())
    except documents.Unreadable as exc:
        raise ValidationError(exc.reason) from exc
    with transaction.atomic():
        replacement = replace_attachment(attachment, BytesIO(cleaned.data), cleaned.name, by=by)
        record_event(
            Verb.OCR_REDACT,
            actor=by,
            target=attachment.record,
            note=reason,
            data={
                "original": attachment.pk,
                "cleaned": replacement.pk,
                "pages": sorted(by_page),
                "regions": sum(len(b) for b in by_page.values()),
                "rasterised": cleaned.rasterised,
            },
        )
    return replacement


def cleaned_name(name: str, suffix: str | None = None) -> str:
    path = PurePosixPath(name)
    return f"{path.stem}（已脱敏）{suffix or path.suffix.lower()}"
