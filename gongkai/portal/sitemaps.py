"""Sitemaps: an index of parts, each small, cached, and purged only when it changes.

``/sitemap.xml`` lists the parts; each lastmod comes from a kept tally (``PublicTally``),
never from reading the records. The record pages are split by id into parts of
``records.public.PART_SIZE`` (``/sitemap-records-<n>.xml``; the first part keeps the address
all of them had before, ``/sitemap-records.xml``): a part reads one range of the primary
key, its URLs' lastmod is the row's ``changed_at``, and a change to a record purges only its
own part (``portal.invalidation``). The other parts list every public section of the site
(the column's pages, the catalogue, the organisations, public participation).

All of them are plain paths without a query string, so the page cache stores them and nginx
serves them. Addresses are absolute on ``SITE_URL``, the site's one public address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET

from gongkai.catalogue import reference
from gongkai.catalogue.models import FiveDisclosure
from gongkai.core.context_processors import public_links
from gongkai.organisations.models import Organisation
from gongkai.portal.templatetags.portal_tags import url_for_pk
from gongkai.records import public
from gongkai.records.models import PublicRecord, PublicTally

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Parts besides the record parts, in the index's order.
PARTS = ("pages", "catalogue", "organisations", "participation")
#: Public pages that are not reached by a search engine's crawl of the column's links.
NOT_LISTED = ("search:search",)


def _lastmod(at: datetime | None) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at).replace(microsecond=0)
    return f"<lastmod>{local.isoformat()}</lastmod>"


def _absolute(path: str) -> str:
    return escape(settings.SITE_URL + path)


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


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    site = PublicTally.objects.filter(key=public.key("all")).first()
    changed = site.changed_at if site else None
    entries: list[tuple[str, datetime | None]] = [
        # Consultations and events are not records: no tally, no lastmod for their part.
        (reverse("portal:sitemap_part", args=[name]), None if name == "participation" else changed)
        for name in PARTS
    ]
    newest = PublicRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    numbers = range((newest or 0) // public.PART_SIZE + 1) if newest else range(0)
    tallies = _tallies(public.key("part", n) for n in numbers)
    parts = [
        (n, tally) for n in numbers if (tally := tallies.get(public.key("part", n))) and tally.count
    ]
    entries += [(records_part_path(n), tally.changed_at) for n, tally in parts]
    return _xml(
        (
            f"<sitemap><loc>{_absolute(path)}</loc>{_lastmod(at)}</sitemap>\n"
            for path, at in entries
        ),
        "sitemapindex",
    )


def records_part_path(number: int) -> str:
    if number == 0:
        return reverse("portal:sitemap_part", args=["records"])
    return reverse("portal:sitemap_records", args=[number])


@require_GET
def records_part(request: HttpRequest, number: int) -> HttpResponse:
    if number == 0:
        raise Http404("第一部分的地址是 sitemap-records.xml。")
    found = _records(number)
    if not found:
        raise Http404("没有这一部分。")
    return _urls(found)


def _records(number: int) -> list[tuple[str, datetime | None]]:
    start = number * public.PART_SIZE
    rows = (
        PublicRecord.objects.filter(pk__gte=start, pk__lt=start + public.PART_SIZE)
        .order_by("pk")
        .values_list("pk", "changed_at")
    )
    return [(url_for_pk("portal:record", pk), at) for pk, at in rows]


@require_GET
def part(request: HttpRequest, name: str) -> HttpResponse:
    if name == "records":
        return _urls(_records(0))
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
