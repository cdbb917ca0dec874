"""Concerns' part in the record workflow: a response goes out through the record workflow;
publishing it meets the concern's clocks and moves the concern on, in the same transaction."""

from __future__ import annotations

from gongkai.concerns import panels, services
from gongkai.records.hooks import RecordExtension

extension = RecordExtension(
    name="concerns",
    submit_checks=[services.response_checks],
    publish_checks=[services.response_checks],
    after_publish=[services.on_response_published],
    snapshot=panels.snapshot,
    public_panels=[panels.public_panel],
    staff_panels=[panels.staff_panel],
    public_text=[panels.public_text],
)
