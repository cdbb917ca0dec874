"""The cache that every worker and process shares: rate limits and one-time tokens.

Django's ``default`` cache is per process on the embedded setup (fast, for data each process
may hold its own copy of: rendered fragments, counts, the reference-data generation). A count
kept there would be counted per gunicorn worker, and a spent token could be spent again in the
next worker. So counts and tokens use ``caches[SHARED]``: Redis when ``REDIS_URL`` is set, else
the database (``DatabaseCache`` below; its table is created by ``migrate``).
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now

SHARED = "shared"


def shared_cache() -> BaseCache:
    """The cache for counts and one-time tokens (``GONGKAI_SHARED_CACHE``, default "shared")."""
    return caches[settings.GONGKAI_SHARED_CACHE]


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an ``incr`` that is atomic and keeps the entry's expiry.

    The base class reads the value, adds and writes it back with a fresh timeout: two workers
    could both count from the same value, and a fixed window would slide with every hit. Here
    the row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's write lock, taken at the
    start of the transaction in IMMEDIATE mode) and only the value is updated."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or _expiry(connection, row[1]) < now():
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301 - our own rows
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value


def _expiry(connection: Any, value: Any) -> Any:
    expression = models.Expression(output_field=models.DateTimeField())
    for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    ):
        value = converter(value, expression, connection)
    return value
