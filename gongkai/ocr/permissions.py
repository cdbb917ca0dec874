"""Who may see what OCR read, and who may black it out.

The recognised text and the page previews are the attachment's content: whoever may see the
record on the staff side (``records.permissions.can_view``). Redaction replaces an attachment,
an edit of the draft: the clerk's, as for screening's "replace attachment".
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from gongkai.records import permissions as records_can
from gongkai.records.models import Attachment, Record, Status


def can_redact(user: Any, record: Record) -> bool:
    return record.status == Status.DRAFT and records_can.can_edit(user, record)


def can_queue(user: Any, record: Record) -> bool:
    """Start (or restart) a reading: the record's writers, while it is being prepared."""
    return record.status == Status.DRAFT and records_can.can_edit(user, record)


def get_attachment_for(user: Any, pk: int, predicate: Any = records_can.can_view) -> Attachment:
    """Fetch and authorise through the record: 404 outside the user's organisations, 403
    when visible but the action is not theirs."""
    attachment = get_object_or_404(Attachment.objects.select_related("record"), pk=pk)
    records_can.get_record_for(user, attachment.record_id, predicate)
    return attachment
