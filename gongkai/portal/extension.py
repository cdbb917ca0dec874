"""The portal's part in the record workflow: whatever changes on the public column, readers
see at once (the page cache is purged after commit)."""

from __future__ import annotations

from gongkai.portal import pagecache
from gongkai.records.hooks import RecordExtension

extension = RecordExtension(
    name="portal",
    on_commit_publish=[lambda record, by: pagecache.purge()],
    on_commit_withdraw=[lambda record, by: pagecache.purge()],
    on_commit_validity=[lambda record, by: pagecache.purge()],
)
