"""Helpers for tests (and demo data) in other apps whose records carry scans or images.

A scanned page or an image cannot be read by machine, so publication waits for a reviewer's
written dismissal; tests that publish such a record take that step like a reviewer would.
"""

from __future__ import annotations

from typing import Any

from gongkai.records.models import Record
from gongkai.screening.models import Finding
from gongkai.screening.services import dismiss_finding


def dismiss_open_findings(record: Record, *, by: Any, reason: str) -> list[Finding]:
    """Dismiss every open finding of ``record`` as reviewer ``by`` (audited like any other)."""
    return [
        dismiss_finding(finding, by=by, reason=reason)
        for finding in Finding.objects.open().filter(record=record)
    ]
