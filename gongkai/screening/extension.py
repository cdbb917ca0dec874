"""Screening's part in the publishing process (found by ``records.hooks.discover``).

* On submission the record is screened and its findings stored; submission goes ahead so the
  reviewers see them (a scanned PDF, for one, can only be cleared by a person).
* Just before publication (by hand, and when a scheduled record comes due) it is screened
  again, and any open finding refuses the publication with a message naming them. Every way
  to publication passes here, including the one-reviewer fast path for concern responses.
* The staff record page shows the findings with a link to resolve them.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from gongkai.core.models import AuditEvent
from gongkai.records.hooks import RecordExtension
from gongkai.records.models import Record
from gongkai.screening import permissions as can
from gongkai.screening.models import Finding, FindingStatus
from gongkai.screening.services import blocking_message, screen_record


def screen_on_submit(record: Record) -> list[str]:
    screen_record(record, stage="submit")
    return []


def block_open_findings(record: Record) -> list[str]:
    still_open = screen_record(record, stage="publish")
    return [blocking_message(still_open)] if still_open else []


def staff_panel(record: Record, user: Any) -> str:
    findings = list(
        Finding.objects.filter(record=record)
        .exclude(status=FindingStatus.RESOLVED)
        .select_related("attachment", "dismissed_by")
    )
    if not findings and not can.can_rescan(user, record):
        return ""
    return render_to_string(
        "screening/_panel.html",
        {
            "record": record,
            "findings": findings,
            "open_count": sum(f.status == FindingStatus.OPEN for f in findings),
            "screened": bool(findings)
            or AuditEvent.objects.for_object(record).filter(verb="screening.screen").exists(),
        },
    )


extension = RecordExtension(
    name="screening",
    submit_checks=[screen_on_submit],
    publish_checks=[block_open_findings],
    staff_panels=[staff_panel],
)
