import pytest
from django.core.cache import cache

from gongkai.core.cache import shared_cache


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # Rate-limit counters and spent challenges live in the cache; each test starts clean.
    # The shared cache is a database table: only tests with database access can touch it.
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    cache.clear()
    if uses_db:
        shared_cache().clear()
    yield
    cache.clear()
    if uses_db:
        shared_cache().clear()
