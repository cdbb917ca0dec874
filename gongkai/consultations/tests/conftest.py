import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and spent challenges live in the cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()
