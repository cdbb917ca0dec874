"""Search's part in the record workflow: after commit, the index follows publications, new
versions, withdrawals and validity changes once they are durable (a rolled-back publication
never indexes)."""

from __future__ import annotations

from gongkai.records.hooks import RecordExtension
from gongkai.records.models import Record
from gongkai.search import services


def index(record: Record, by: object) -> None:
    services.index_record(record)


extension = RecordExtension(
    name="search",
    on_commit_publish=[index],
    on_commit_withdraw=[lambda record, by: services.remove_record(record.pk)],
    on_commit_validity=[lambda record, by: services.update_validity(record)],
)
