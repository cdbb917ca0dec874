"""The portal's part in the record workflow: after commit, the page cache purges only the
pages a change to what the public sees affects (the record, its listings, the home, feeds,
the sitemap part), not on submit, approve or draft edits."""

from __future__ import annotations

from gongkai.portal import invalidation
from gongkai.records.hooks import RecordExtension

extension = RecordExtension(name="portal", on_commit_public=[invalidation.purge_for])
