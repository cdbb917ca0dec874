from __future__ import annotations

import pytest
import time_machine

from gongkai.testing import SHANGHAI, at

__all__ = ["SHANGHAI", "at"]


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
def _empty_cache(empty_caches):
    """The tracking form's throttle counts wrong entries in the cache: each test starts clean."""
