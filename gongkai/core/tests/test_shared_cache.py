"""Rate limits and one-time tokens are counted once for every worker (core/cache.py).

With Django's default per-process cache each gunicorn worker kept its own counts: a limit of
five was five per worker, and a challenge spent in one worker could be spent again in the
next. The shared cache is the database on the embedded default and Redis with REDIS_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from gongkai.core import antispam
from gongkai.core.cache import SHARED, shared_cache

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
LIMIT = (3, 600)


def test_counts_and_tokens_are_not_kept_per_process():
    backend = settings.CACHES[SHARED]["BACKEND"]
    assert "locmem" not in str(backend).lower()
    assert backend == "gongkai.core.cache.DatabaseCache" or "redis" in str(backend).lower()
    assert shared_cache() is caches[SHARED]


def test_two_cache_clients_share_one_count():
    """Two clients built from the settings, as two workers build theirs."""
    first, second = caches.create_connection(SHARED), caches.create_connection(SHARED)
    assert first is not second
    assert first.add("gk:test:hits", 0, timeout=600)
    assert first.incr("gk:test:hits") == 1
    assert second.incr("gk:test:hits") == 2
    assert first.get("gk:test:hits") == 2
    assert not second.add("gk:test:hits", 0, timeout=600)  # add() is one-time for both


def test_counting_does_not_move_the_end_of_the_window():
    cache = shared_cache()
    cache.add("gk:test:window", 0, timeout=600)
    table = connection.ops.quote_name(settings.CACHES[SHARED]["LOCATION"])

    def expires() -> object:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT expires FROM {table} WHERE cache_key LIKE %s", ["%gk:test:window"]
            )
            return cursor.fetchone()[0]

    before = expires()
    for _ in range(3):
        cache.incr("gk:test:window")
    assert expires() == before
    assert cache.get("gk:test:window") == 3


def test_an_expired_count_starts_a_new_window():
    cache = shared_cache()
    cache.set("gk:test:old", 7, timeout=-1)
    with pytest.raises(ValueError):
        cache.incr("gk:test:old")
    assert antispam.count_hit("test", "198.51.100.7", LIMIT) == 1


WORKER = """
import sys
import django
django.setup()
from gongkai.core import antispam
print(antispam.count_hit("burst", "203.0.113.9", (3, 600)))
try:
    antispam.check_rate("burst", "203.0.113.9", (3, 600))
    print("allowed")
except antispam.RateLimited:
    print("refused")
"""


@pytest.mark.slow
def test_two_worker_processes_share_the_rate_limit(tmp_path):
    """Real processes, each with its own memory, on the embedded default's settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "shared-cache-test-only",
        "AUDIT_KEY": "shared-cache-test-only-audit-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "GONGKAI_VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )

    def worker() -> list[str]:
        done = subprocess.run(  # noqa: S603 - our own code, our own interpreter
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return done.stdout.split()

    assert [worker() for _ in range(3)] == [
        ["1", "allowed"],
        ["2", "allowed"],
        ["3", "refused"],
    ]
