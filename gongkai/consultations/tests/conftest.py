import pytest


@pytest.fixture(autouse=True)
def _empty_cache(empty_caches):
    """Rate-limit counters and spent challenges live in the cache: each test starts clean."""
