"""The job runner keeps the search index up to date (docs/decisions/0018).

When the consumer starts, one thread runs ``services.follow``: it applies what is queued
(recovery after a crash), then every queued change within a fraction of a second of the
publishing process's wake-up call. The minute sweep below catches anything else, e.g. a
follower thread that died.
"""

from __future__ import annotations

import threading

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, on_startup

from gongkai.search import services

_follower: threading.Thread | None = None
_follower_lock = threading.Lock()


@on_startup()
def start_search_follower() -> None:
    """Called once per consumer worker; one follower thread per consumer process."""
    global _follower
    with _follower_lock:
        if _follower is None or not _follower.is_alive():
            _follower = threading.Thread(
                target=services.follow, name="search-follower", daemon=True
            )
            _follower.start()


@db_periodic_task(crontab(minute="*"))
def apply_queued_search_changes() -> None:
    services.apply_pending(wait=5)
