from __future__ import annotations

from gongkai.concerns import services
from gongkai.concerns.models import ResponseKind
from gongkai.records import services as records


def publish_response(concern, *, clerk, reviewer, kind=ResponseKind.STATEMENT, body=None):
    """Draft → submit → one-reviewer fast approval → publish, as the staff pages do."""
    record = services.draft_response(
        concern,
        by=clerk,
        kind=kind,
        title=f"关于{concern.subject}的{ResponseKind(kind).label}",
        body=body or "<p>经核查，学校午餐按标准供应，现将有关情况说明如下。</p>",
    )
    record = records.submit(record, by=clerk)
    record = records.approve_fast(record, by=reviewer)
    return records.publish(record, by=clerk)
