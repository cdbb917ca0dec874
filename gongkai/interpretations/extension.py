"""Interpretations' part in the record workflow (docs/decisions/0004, 0005): a policy that
needs an interpretation cannot be submitted without its plan and risk assessment, nor
published without an approved interpretation, which goes out in the same transaction."""

from __future__ import annotations

from gongkai.interpretations.publishing import (
    NAME,
    after_publish,
    after_schedule,
    after_withdraw,
    public_panel,
    public_paths,
    public_text,
    publish_checks,
    publishes_alone,
    snapshot,
    staff_panel,
    submit_checks,
)
from gongkai.records.hooks import RecordExtension
from gongkai.records.models import Kind

extension = RecordExtension(
    name=NAME,
    submit_checks=[submit_checks],
    publish_checks=[publish_checks],
    after_publish=[after_publish],
    after_schedule=[after_schedule],
    after_withdraw=[after_withdraw],
    snapshot=snapshot,
    publishes_alone=publishes_alone,
    public_panels=[public_panel],
    public_paths=[public_paths],
    staff_panels=[staff_panel],
    public_text=[public_text],
    public_form=Kind.INTERPRETATION,
)
