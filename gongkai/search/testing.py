"""Test helpers for search: publish a record through the real workflow, then search."""

from __future__ import annotations

from typing import Any

from gongkai.records import services as records
from gongkai.records.models import Disclosure, Record
from gongkai.testing import make_record


def publish_record(
    *,
    clerk: Any,
    document_reviewer: Any,
    disclosure_reviewer: Any,
    record: Record | None = None,
    **fields: Any,
) -> Record:
    """Create and take a record through both reviews; publish it when it is proactive.

    Runs the after-commit hooks (the search index) only when the test runs them, e.g. with
    ``django_capture_on_commit_callbacks(execute=True)``."""
    record = record or make_record(by=clerk, **fields)
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    if record.disclosure != Disclosure.PROACTIVE:
        return record
    return records.publish(record, by=clerk)


def titles(results: Any) -> list[str]:
    """Result titles as plain text (the <mark> tags removed)."""
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in results.hits]
