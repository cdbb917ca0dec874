"""Sitemaps: an index of parts, each small, cached, and purged only when it changes.

``/sitemap.xml`` lists the parts; each lastmod comes from a kept tally (``PublicTally``),
never from reading the records. The record pages are split by id into parts of
``records.public.PART_SIZE`` (50,000, the protocol's limit; ``/sitemap-records-<n>.xml``,
the first part keeps the address all of them had before, ``/sitemap-records.xml``): a part
reads one range of the primary key, its URLs' lastmod is the row's ``changed_at``, and a
change to a record purges only its own part (``portal.invalidation``). The other parts list
every public section of the site (the column's pages, the catalogue, the organisations,
public participation).

The index and the record parts grow with the data, so each of their lines costs next to
nothing: the database writes it (one escaped prefix, the number, the local time of the
change in W3C form), and Python only joins the lines — no ``reverse()``, escape, time-zone
conversion or model instance per line (about a microsecond a URL instead of ten). The
local time is the zone's (``TIME_ZONE``) offset at that instant, from a table of the zone's
offsets kept per process, so a zone with summer time is right too.

All of them are plain paths without a query string, so the page cache stores them and nginx
serves them. Addresses are absolute on ``SITE_URL``, the site's one public address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from datetime import timezone as fixed_zone
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET

from gongkai.catalogue import reference
from gongkai.catalogue.models import FiveDisclosure
from gongkai.core.context_processors import public_links
from gongkai.organisations.models import Organisation
from gongkai.records import public
from gongkai.records.models import PublicRecord, PublicTally

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Parts besides the record parts, in the index's order.
PARTS = ("pages", "catalogue", "organisations", "participation")
#: Public pages that are not reached by a search engine's crawl of the column's links.
NOT_LISTED = ("search:search",)
#: The largest record id a database integer holds: a part number past it is no part.
MAX_RECORD_ID = 2**63 - 1
_SENTINEL = 987654321


def _lastmod(at: datetime | None) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at).replace(microsecond=0)
    return f"<lastmod>{local.isoformat()}</lastmod>"


def _absolute(path: str) -> str:
    return str(escape(settings.SITE_URL + path))


def _xml(body: Iterable[str], root: str) -> HttpResponse:
    content = "".join(
        [
            f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{XMLNS}">\n',
            *body,
            f"</{root}>\n",
        ]
    )
    return HttpResponse(content, content_type="application/xml; charset=utf-8")


def _urls(entries: Iterable[tuple[str, datetime | None]]) -> HttpResponse:
    return _xml(
        (f"<url><loc>{_absolute(path)}</loc>{_lastmod(at)}</url>\n" for path, at in entries),
        "urlset",
    )


def _lines(lines: list[str], root: str) -> HttpResponse:
    """A sitemap of lines the database wrote (each a whole ``<url>`` or ``<sitemap>``)."""
    return _xml([f"{line}\n" for line in lines], root)


def _around_number(name: str) -> tuple[str, str]:
    """The absolute, escaped address of route ``name`` (one ``int`` argument) split around
    the number: reversed and escaped once per request, not once per line."""
    path = reverse(name, args=[_SENTINEL])
    head, tail = path.split(str(_SENTINEL))
    return _absolute(head), str(escape(tail))


# --- Local time in the database -------------------------------------------------------------

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


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _tallies(keys: Iterable[str]) -> dict[str, PublicTally]:
    """The tallies of these keys: lookups of the primary key, a thousand at a time."""
    wanted = list(keys)
    found: dict[str, PublicTally] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        found.update(
            (t.key, t)
            for t in PublicTally.objects.filter(key__in=chunk).only("count", "changed_at")
        )
    return found


# --- The index and the record parts ---------------------------------------------------------


def _part_keys_sql(column: str) -> str:
    """The part tallies' keys (``part|*|*|*|<n>``): a range of the primary key's index.
    SQLite compares bytes, so a range is exactly the prefix; PostgreSQL's collation may
    not, and its ``LIKE`` on a constant prefix walks the key's pattern index."""
    prefix = public.key("part")
    if connection.vendor == "postgresql":
        return f"{column} LIKE '{prefix}%%'"
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return f"{column} >= '{prefix}' AND {column} < '{after}'"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    site = PublicTally.objects.filter(key=public.key("all")).values_list("changed_at").first()
    changed = site[0] if site else None
    fixed = [
        # Consultations and events are not records: no tally, no lastmod for their part.
        "<sitemap><loc>{}</loc>{}</sitemap>".format(
            _absolute(reverse("portal:sitemap_part", args=[name])),
            _lastmod(None if name == "participation" else changed),
        )
        for name in PARTS
    ]
    q = connection.ops.quote_name
    key, count, changed_at = q("key"), q("count"), q("changed_at")
    head, tail = _around_number("portal:sitemap_records")
    lastmod, lastmod_params = local_time_sql(changed_at)
    prefix = public.key("part")
    rows = _fetch(
        f"SELECT {key}, '<sitemap><loc>' || CASE WHEN {key} = %s THEN CAST(%s AS TEXT) "  # noqa: S608 - names quoted, values bound
        f"ELSE CAST(%s AS TEXT) || substr({key}, {len(prefix) + 1}) || CAST(%s AS TEXT) END "
        f"|| '</loc><lastmod>' || {lastmod} || '</lastmod></sitemap>' "
        f"FROM {PublicTally._meta.db_table} WHERE {_part_keys_sql(key)} AND {count} > 0",
        [public.key("part", 0), _absolute(records_part_path(0)), head, tail, *lastmod_params],
    )
    rows.sort(key=lambda row: (len(row[0]), row[0]))  # by number: no sort in the database
    return _lines([*fixed, *(line for _, line in rows)], "sitemapindex")


def records_part_path(number: int) -> str:
    if number == 0:
        return reverse("portal:sitemap_part", args=["records"])
    return reverse("portal:sitemap_records", args=[number])


@require_GET
def records_part(request: HttpRequest, number: int) -> HttpResponse:
    if number == 0:
        raise Http404("第一部分的地址是 sitemap-records.xml。")
    lines = _records(number)
    if not lines:  # past the last part (an address from before the parts grew, say)
        raise Http404("没有这一部分。")
    return _lines(lines, "urlset")


def _records(number: int) -> list[str]:
    """The ``<url>`` lines of part ``number``: one range of the primary key, in its order."""
    start = number * public.PART_SIZE
    if start > MAX_RECORD_ID:
        return []
    column = connection.ops.quote_name(PublicRecord._meta.pk.column)
    head, tail = _around_number("portal:record")
    lastmod, lastmod_params = local_time_sql(connection.ops.quote_name("changed_at"))
    rows = _fetch(
        f"SELECT '<url><loc>' || CAST(%s AS TEXT) || CAST({column} AS TEXT) "  # noqa: S608 - names quoted, values bound
        f"|| CAST(%s AS TEXT) || '</loc><lastmod>' || {lastmod} || '</lastmod></url>' "
        f"FROM {PublicRecord._meta.db_table} WHERE {column} >= %s AND {column} < %s "
        f"ORDER BY {column}",
        [head, tail, *lastmod_params, start, start + public.PART_SIZE],
    )
    return [line for (line,) in rows]


@require_GET
def part(request: HttpRequest, name: str) -> HttpResponse:
    if name == "records":
        return _lines(_records(0), "urlset")
    if name == "pages":
        return _urls(_pages())
    if name == "catalogue":
        return _urls(_catalogue())
    if name == "organisations":
        return _urls(_organisations())
    if name == "participation":
        return _urls(_participation())
    raise Http404("没有这一部分。")


def _pages() -> list[tuple[str, datetime | None]]:
    hidden = {reverse(name) for name in NOT_LISTED}
    paths = [reverse("portal:home"), reverse("portal:organisations")]
    paths += [url for _, url in public_links() if url not in hidden]
    paths += [reverse("disclosures:five_class", args=[c]) for c in FiveDisclosure.values]
    return [(path, None) for path in dict.fromkeys(paths)]


def _catalogue() -> list[tuple[str, datetime | None]]:
    try:
        _, sections = reference.current_sections()
    except Exception:  # no catalogue yet: nothing to list
        return []
    items = [item for section in sections for item in section.items.all()]
    changed = {
        k: t.changed_at for k, t in _tallies(public.key("item", i.key) for i in items).items()
    }
    entries: list[tuple[str, datetime | None]] = []
    for section in sections:
        times = [changed.get(public.key("item", i.key)) for i in section.items.all()]
        known = [t for t in times if t is not None]
        entries.append((reverse("portal:section", args=[section.code]), max(known, default=None)))
        entries += [
            (reverse("portal:item", args=[i.code]), changed.get(public.key("item", i.key)))
            for i in section.items.all()
        ]
    return entries


def _organisations() -> list[tuple[str, datetime | None]]:
    orgs = list(Organisation.objects.active().order_by("path").values_list("pk", "code"))
    changed = _tallies(public.key("org", pk) for pk, _ in orgs)
    return [
        (
            reverse("portal:organisation", args=[code]),
            tally.changed_at if (tally := changed.get(public.key("org", pk))) else None,
        )
        for pk, code in orgs
    ]


def _participation() -> list[tuple[str, datetime | None]]:
    from gongkai.consultations.models import Consultation, Event

    entries: list[tuple[str, datetime | None]] = [
        (reverse("consultations:detail", args=[pk]), at)
        for pk, at in Consultation.objects.public().order_by("pk").values_list("pk", "updated_at")
    ]
    entries += [
        (reverse("consultations:event", args=[pk]), at)
        for pk, at in Event.objects.public().order_by("pk").values_list("pk", "updated_at")
    ]
    return entries


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the public column; staff pages, sign-in, search results (endless
    query strings) and the display switch are not for them."""
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /accounts/",
        "Disallow: /system/",
        "Disallow: /search/",
        "Disallow: /display/",
        "Disallow: /filters/",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('portal:sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
