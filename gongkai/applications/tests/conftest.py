from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from gongkai.core.cache import shared_cache

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def travel():
    """``travel(2025, 10, 9)``: move the clock to that day (10:00 Beijing time)."""
    travellers = []

    def go(year: int, month: int, day: int) -> None:
        if travellers:
            travellers.pop().stop()
        t = time_machine.travel(at(year, month, day), tick=False)
        t.start()
        travellers.append(t)

    yield go
    for t in travellers:
        t.stop()


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # The tracking form's throttle counts wrong entries in the cache; each test starts clean.
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
