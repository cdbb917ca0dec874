"""A time in the site's time zone written by the database, as W3C datetime text.

Sitemaps list a lastmod per URL: 50,000 of them in a part. ``timezone.localtime`` and
``isoformat`` per row cost about 3 µs; the database writes the same text in a fraction of
that (``local_time_sql``). The zone's offsets — one, or several for a zone with summer time
or a history of changes — are found once per process (``zone_offsets``), and the SQL picks
the offset by the time it converts, so the text is exactly what
``timezone.localtime(at).replace(microsecond=0).isoformat()`` gives, in any zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_zone
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone


def w3c(at: datetime) -> str:
    """``at`` in the current time zone, to the second (``2026-12-04T21:02:58+08:00``)."""
    return timezone.localtime(at).replace(microsecond=0).isoformat()


#: The zone's offsets are read from here on (earlier times take the first offset).
_ZONE_TABLE_START = datetime(1900, 1, 1, tzinfo=UTC)
_ZONE_PROBE = timedelta(days=7)


@lru_cache(maxsize=16)
def zone_offsets(zone: tzinfo, until_year: int) -> tuple[tuple[datetime, timedelta], ...]:
    """The offsets from UTC of ``zone`` from 1900 to the end of ``until_year``: (since,
    offset) pairs, ``since`` ascending, the first one 1900-01-01. Found by reading the offset
    a week apart and, where it changed, halving the week down to the second the change
    happened (the tz database has no offset that lasted less than a week: summer time, and
    Ramadan's pauses of it, last a month or more). About 6,700 readings, once per zone and
    year per process."""

    def offset(at: datetime) -> timedelta:
        return at.astimezone(zone).utcoffset() or timedelta(0)

    found = [(_ZONE_TABLE_START, offset(_ZONE_TABLE_START))]
    end = datetime(until_year + 1, 1, 1, tzinfo=UTC)
    at = _ZONE_TABLE_START
    while at < end:
        later = at + _ZONE_PROBE
        now_offset = offset(later)
        if now_offset != found[-1][1]:
            low, high = 0, int(_ZONE_PROBE.total_seconds())  # offset(at + high) is the new one
            while high - low > 1:
                middle = (low + high) // 2
                if offset(at + timedelta(seconds=middle)) == found[-1][1]:
                    low = middle
                else:
                    high = middle
            found.append((at + timedelta(seconds=high), now_offset))
        at = later
    return tuple(found)


def _offset_label(offset: timedelta) -> str:
    """``+08:00`` as Python's ``isoformat()`` writes the offset."""
    return datetime(2000, 1, 1, tzinfo=fixed_zone(offset)).isoformat()[19:]


def local_time_sql(column: str) -> tuple[str, list[Any]]:
    """SQL for a UTC timestamp ``column`` written as its local W3C datetime in the current
    time zone, to the second (``2026-12-04T21:02:58+08:00``): what
    ``timezone.localtime(at).replace(microsecond=0).isoformat()`` gives, in the database.
    One ``CASE`` branch per offset the zone had, the newest first (so a recent time is one
    comparison)."""
    zone = timezone.get_current_timezone()
    table = zone_offsets(zone, timezone.now().year + 1)
    adapt = connection.ops.adapt_datetimefield_value

    def shifted(offset: timedelta) -> tuple[str, list[Any]]:
        seconds = int(offset.total_seconds())
        if connection.vendor == "postgresql":
            return (
                f"to_char(({column} AT TIME ZONE 'UTC') + CAST(%s AS interval), "
                "'YYYY-MM-DD\"T\"HH24:MI:SS') || CAST(%s AS TEXT)",
                [f"{seconds} seconds", _offset_label(offset)],
            )
        # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): the seconds are cut, not rounded.
        return (
            f"strftime(%s, substr({column}, 1, 19), %s) || CAST(%s AS TEXT)",
            ["%Y-%m-%dT%H:%M:%S", f"{seconds:+d} seconds", _offset_label(offset)],
        )

    sql, params = shifted(table[0][1])
    if len(table) == 1:
        return sql, params
    branches: list[str] = []
    values: list[Any] = []
    for since, offset in reversed(table[1:]):
        expression, more = shifted(offset)
        branches.append(f"WHEN {column} >= %s THEN {expression}")
        values += [adapt(since), *more]
    return f"(CASE {' '.join(branches)} ELSE {sql} END)", [*values, *params]
