"""Search's part in the record workflow. In the transaction that changes what the public sees
of a record (publication, a new version, withdrawal, validity, reclassification) the update is
queued, as durable as the change; after commit it is applied (a rolled-back change never
indexes, and a draft is never read). See services."""

from __future__ import annotations

from gongkai.records.hooks import RecordExtension
from gongkai.search import services

extension = RecordExtension(
    name="search",
    on_public_change=[services.queue_change],
    on_commit_public=[services.apply_soon],
)
