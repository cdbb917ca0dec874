"""``{% recognised_text attachment as text %}``: the text OCR read from a published scan, for
the public page's text alternative (``ocr/_text_alternative.html``). Empty for files with their
own text layer: those are readable as they are."""

from __future__ import annotations

from django import template

from gongkai.ocr.models import Recognition, RecognitionStatus
from gongkai.records.models import Attachment

register = template.Library()


@register.simple_tag
def recognised_text(attachment: Attachment) -> str:
    if not attachment.text:
        return ""
    has_scans = Recognition.objects.filter(
        attachment=attachment, status=RecognitionStatus.DONE, pages_to_read__gt=0
    ).exists()
    return attachment.text if has_scans else ""
