"""Reading the published history of a structured record from its versions.

Each publication froze the structured content into ``RecordVersion.metadata["disclosures"]``
(see extension.py), so the history needs no table of its own and cannot be edited after the fact:
an update is a version, and a version is immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gongkai.records.models import Record

#: The parts of a reform's content that make a version a progress update.
PROGRESS_KEYS = ("progress", "progress_on", "progress_text")


@dataclass(frozen=True)
class ProgressUpdate:
    version: int
    published_at: datetime
    progress: int | None
    progress_on: str | None
    text: str
    change_note: str
    steps_done: int
    steps_total: int


def progress_updates(record: Record) -> list[ProgressUpdate]:
    """Every published progress update of ``record``, oldest first. A version that changed
    no progress field (say, a corrected typo in the measures) is not a new update."""
    updates: list[ProgressUpdate] = []
    previous: tuple[Any, ...] | None = None
    for version in record.versions.order_by("number"):
        data = version.metadata.get("disclosures") or {}
        key = tuple(data.get(k) for k in PROGRESS_KEYS)
        if key == previous or not any(v not in (None, "") for v in key):
            continue
        previous = key
        steps = data.get("steps") or []
        updates.append(
            ProgressUpdate(
                version=version.number,
                published_at=version.published_at,
                progress=data.get("progress"),
                progress_on=data.get("progress_on"),
                text=data.get("progress_text") or "",
                change_note=version.change_note,
                steps_done=sum(1 for s in steps if s.get("state") == "done"),
                steps_total=len(steps),
            )
        )
    return updates
