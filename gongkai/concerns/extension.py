"""Concerns' part in the record workflow: a response goes out through the record workflow;
publishing it meets the concern's clocks and moves the concern on, in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from gongkai.concerns import panels, services
from gongkai.records.hooks import RecordExtension

if TYPE_CHECKING:
    from gongkai.records.public import PublicChange


def _listing_paths(change: PublicChange) -> list[str]:
    """The responses listing shows the published title: purge it when that changes."""
    if any(fact.kind == "response" for fact in change.facts):
        return [reverse("concerns:responses")]
    return []


extension = RecordExtension(
    name="concerns",
    submit_checks=[services.response_checks],
    publish_checks=[services.response_checks],
    after_publish=[services.on_response_published],
    snapshot=panels.snapshot,
    public_panels=[panels.public_panel],
    staff_panels=[panels.staff_panel],
    public_text=[panels.public_text],
    public_paths=[_listing_paths],
)
