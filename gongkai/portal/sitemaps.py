"""Sitemaps: an index of parts, each small, cached, and purged only when it changes.

``/sitemap.xml`` lists the parts; each lastmod is kept, never read from the records. The
record pages are split by id into parts of ``records.public.PART_SIZE`` (50,000, the
protocol's limit; ``/sitemap-records-<n>.xml``, the first part keeps the address all of
them had before, ``/sitemap-records.xml``): a part reads one range of the primary key, its
URLs' lastmod is the row's ``changed_at``, and a change to a record purges only its own
part (``portal.invalidation``). The other parts list every public section of the site (the
column's pages, the catalogue, the organisations, public participation); their lastmod is
the site's tally.

The index and the record parts grow with the data, so each of their lines costs next to
nothing. The index reads one kept row per part (``SitemapPart``: 200 at 10M records), in
the order of its key, with the lastmod text kept with it; a part's lines are written by the
database (one escaped prefix, the id, the local time of the change: ``core.localtime``).
Neither calls ``reverse()``, escapes, converts a time or builds a model instance per line.

All of them are plain paths without a query string, so the page cache stores them and nginx
serves them. Addresses are absolute on ``SITE_URL``, the site's one public address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from gongkai.catalogue import reference
from gongkai.catalogue.models import FiveDisclosure
from gongkai.core import localtime
from gongkai.core.context_processors import public_links
from gongkai.organisations.models import Organisation
from gongkai.records import public
from gongkai.records.models import PublicRecord, PublicTally, SitemapPart

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Parts besides the record parts, in the index's order.
PARTS = ("pages", "catalogue", "organisations", "participation")
#: Public pages that are not reached by a search engine's crawl of the column's links.
NOT_LISTED = ("search:search",)
#: The largest record id a database integer holds: a part number past it is no part.
MAX_RECORD_ID = 2**63 - 1
_SENTINEL = 987654321


def _lastmod(at: datetime | None) -> str:
    return "" if at is None else f"<lastmod>{localtime.w3c(at)}</lastmod>"


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


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    site = PublicTally.objects.filter(key=public.key("all")).values_list("changed_at").first()
    changed = site[0] if site else None
    lines = [
        # Consultations and events are not records: no tally, no lastmod for their part.
        "<sitemap><loc>{}</loc>{}</sitemap>\n".format(
            _absolute(reverse("portal:sitemap_part", args=[name])),
            _lastmod(None if name == "participation" else changed),
        )
        for name in PARTS
    ]
    # The record parts: their kept rows, in the order of the primary key, each line the
    # address's escaped prefix, the number and the kept lastmod text.
    q = connection.ops.quote_name
    head, tail = _around_number("portal:sitemap_records")
    first = _absolute(records_part_path(0))
    rows = _fetch(
        f"SELECT {q('number')}, {q('lastmod')} FROM {q(SitemapPart._meta.db_table)} "  # noqa: S608 - names quoted
        f"WHERE {q('number')} >= 0 AND {q('count')} > 0 ORDER BY {q('number')}",
        [],
    )
    lines += [
        f"<sitemap><loc>{head}{number}{tail}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        if number
        else f"<sitemap><loc>{first}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        for number, lastmod in rows
    ]
    return _xml(lines, "sitemapindex")


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
    lastmod, lastmod_params = localtime.local_time_sql(connection.ops.quote_name("changed_at"))
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
