"""Reference data that every public page reads, kept in each process's memory.

The current catalogue (34 items) and the organisation directory (a few thousand rows) change
a few times a year, yet the record page and every listing need an item, a section and
publisher names. Reading them per request cost more than the record itself (joins that
PostgreSQL must plan, model instances Django must build). Django keeps ``Site`` and
``ContentType`` objects per process for the same reason; this does the same, with three ways
for a copy to be rebuilt:

1. a change saved through the ORM (``post_save``/``post_delete`` of the models named by a
   ``Reference``) marks this process's copy stale at once and moves a generation counter in
   the cache once the transaction commits; every process that shares the cache (all of them
   with Redis; only this one with the embedded locmem cache) reads that counter at most once
   a second, and rebuilds when it moved;
2. a copy older than ``GONGKAI_REFDATA_SECONDS`` (30 s) is rebuilt anyway — the bound on how
   stale a name can be after a change that bypassed signals (``QuerySet.update``, raw SQL) or
   was made in another process on the locmem cache;
3. a lookup that misses (a row created elsewhere seconds ago) reads the database.

Records themselves are never held here: they are always read live.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

#: How often the shared generation is read: a change made by another process is seen within
#: this many seconds (with Redis); one made in this process at once.
CHECK_SECONDS = 1.0

_registry: list[Reference[Any]] = []

#: Called with a reference's name once a change to it is committed (or announced by an
#: importer) in this process: the portal drops cached pages that show names.
listeners: list[Callable[[str], None]] = []


class Reference(Generic[T]):
    """A value built by ``build()`` from rows of ``models``, shared by a process's requests."""

    def __init__(self, name: str, build: Callable[[], T], models: Iterable[type[models.Model]]):
        self.name = name
        self.key = f"refdata:{name}:generation"
        self._build = build
        self._models = tuple(models)
        self._lock = threading.Lock()
        self._value: T | None = None
        self._generation: object = None
        self._built_at = 0.0
        self._checked_at = 0.0
        for model in self._models:
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        _registry.append(self)

    def get(self) -> T:
        now = time.monotonic()
        value = self._value
        fresh = now - self._built_at < settings.GONGKAI_REFDATA_SECONDS
        if value is not None and fresh and now - self._checked_at < CHECK_SECONDS:
            return value  # the shared generation was read less than a second ago
        generation = cache.get(self.key)  # with Redis, a round trip: at most once a second
        self._checked_at = now
        if value is not None and fresh and generation == self._generation:
            return value
        with self._lock:
            value = self._build()
            self._value, self._generation, self._built_at = value, generation, time.monotonic()
        return value

    def stale(self) -> None:
        """Rebuild on next use (a lookup missed: the copy is behind the database)."""
        self._built_at = 0.0

    def _changed(self, **kwargs: Any) -> None:
        self._built_at = 0.0  # this process: at once (its own uncommitted change included)
        transaction.on_commit(self.changed)  # the others: once the change can be read

    def changed(self) -> None:
        """Tell every process sharing the cache (and this one) to rebuild. Importers that
        write with bulk operations, which send no signals, call this when they finish."""
        cache.set(self.key, time.time_ns(), None)
        self._built_at = 0.0
        for listener in listeners:
            listener(self.name)


def reset_all() -> None:
    """Forget every copy (tests: a rolled-back transaction sends no signal)."""
    for reference in _registry:
        reference._value = None
        reference._built_at = 0.0
