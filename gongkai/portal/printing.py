"""A4 sheets for bulletin boards (公示栏): one record, or one column of the catalogue.

What a sheet shows is the published version (``RecordVersion``: title, summary, body,
attachments, and the 文号, publisher and 索引号 frozen in its metadata), never the editable
record, which may hold a revision nobody has reviewed yet. Its QR code opens the same page
online at ``SITE_URL``, which production must set (``core.checks``).

Sheets are never cached: each shows the moment it was printed, and a sheet printed after a
withdrawal must not come from a copy made before it. They are sent with
``Cache-Control: no-store``, which browsers and proxies honour and the page cache too (see
``pagecache._response_cacheable``), so nginx cannot serve an old copy either.

A column prints with the listing's own filters (county or organisation, school, year,
validity: ``views.filter_listing``) and prints every matching record, in numbered parts of
``PART_SIZE`` rows: each request reads the kept total and one bounded slice of the public
rows' (item key, date) index, and a county with thousands of enrolment notices prints part
1, 2, 3… from links on the sheet, each part numbered so the pages can be put up in order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from gongkai.catalogue import reference
from gongkai.core import qr
from gongkai.organisations.models import Organisation
from gongkai.portal.views import filter_listing
from gongkai.records.models import PublicRecord, Record, RecordVersion, Validity

#: Rows in one part of a column print: about eight A4 pages at the sheet's type size. One
#: request reads this many rows at most, whatever the size of the column.
PART_SIZE = 200


def sheet_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A print sheet, stamped with the time it is printed and never cached."""
    response = render(request, template, {**context, "printed_at": timezone.localtime()})
    add_never_cache_headers(response)  # no-store, private: no browser, proxy or page cache
    return response


def _part_links(code: str, suffix: str, part: int, parts: int) -> list[tuple[int | None, str]]:
    """Links to the parts of a column print: the first, the last and those near this one
    (None stands for a gap), so a column of 500 parts does not print 500 links."""
    shown = sorted({1, parts, *range(max(1, part - 3), min(parts, part + 3) + 1)})
    links: list[tuple[int | None, str]] = []
    for n in shown:
        if links and links[-1][0] is not None and n - (links[-1][0] or 0) > 1:
            links.append((None, ""))
        links.append((n, reverse("portal:item_print_part", args=[code, n]) + suffix))
    return links


@dataclass(slots=True)
class SheetRow:
    """A row of a column's sheet as it was published: the version's title and the 文号 and
    publisher frozen in its metadata (``published_facts``), read as one tuple per row (a
    part is 200 rows: as models with their versions' metadata they cost 10 ms a part)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "first_published_at",
        "validity",
        "version__title",
        "version__metadata__document_number",
        "version__metadata__organisation",
    )

    pk: int
    first_published_at: datetime
    validity: str
    title: str
    document_number: Any
    organisation: Any


def published_facts(version: RecordVersion) -> dict[str, str]:
    """The facts a sheet prints about a record, as they were published."""
    metadata = version.metadata or {}
    return {
        "organisation": str(metadata.get("organisation") or ""),
        "document_number": str(metadata.get("document_number") or ""),
        "index_number": str(metadata.get("index_number") or ""),
    }


@require_GET
def record_print(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.published().select_related("current_version"), pk=pk)
    version = record.current_version
    assert version is not None  # published() guarantees it
    url, code = qr.for_path(reverse("portal:record", args=[pk]))
    return sheet_response(
        request,
        "portal/print/record.html",
        {
            "record": record,
            "version": version,
            "facts": published_facts(version),
            "attachments": version.attachments(),
            "qr": code,
            "url": url,
        },
    )


def _filter_words(filters: dict[str, str], chosen: Organisation | None) -> list[str]:
    words = [chosen.name] if chosen else []
    if filters["year"] and filters["year"].isdecimal() and 1900 <= int(filters["year"]) <= 2100:
        words.append(f"{filters['year']}年发布")
    if filters["validity"] in Validity.values:
        words.append(Validity(filters["validity"]).label)
    return words


@require_GET
def item_print(request: HttpRequest, code: str, part: int = 1) -> HttpResponse:
    item = reference.current_item(code)
    if item is None:
        raise Http404("目录中没有这个事项。")
    # The listing's own rows and filters, without withdrawn notices (nothing withdrawn goes on
    # a bulletin board), and their kept total: one count read, one bounded slice.
    rows = PublicRecord.objects.filter(item_key=item.key, withdrawn_at__isnull=True).order_by(
        "-published_at", "-record_id"
    )
    found = filter_listing(rows, request, scope="item_live", ident=item.key)
    filters, chosen, total = found.filters, found.chosen, found.total
    parts = max(1, math.ceil(total / PART_SIZE))
    if not 1 <= part <= parts:
        raise Http404("没有这一部分。")
    start = (part - 1) * PART_SIZE
    printed = [
        SheetRow(*values)
        for values in found.rows.values_list(*SheetRow.COLUMNS)[start : start + PART_SIZE]
    ]
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    url, qr_code = qr.for_path(reverse("portal:item", args=[code]) + suffix)
    return sheet_response(
        request,
        "portal/print/item.html",
        {
            "item": item,
            "rows": list(enumerate(printed, start=start + 1)),
            "total": total,
            "part": part,
            "parts": parts,
            "part_links": _part_links(code, suffix, part, parts) if parts > 1 else [],
            "previous_part": reverse("portal:item_print_part", args=[code, part - 1]) + suffix
            if part > 1
            else "",
            "next_part": reverse("portal:item_print_part", args=[code, part + 1]) + suffix
            if part < parts
            else "",
            "first": start + 1,
            "last": start + len(printed),
            "filter_words": _filter_words(filters, chosen),
            "listing_url": reverse("portal:item", args=[code]) + suffix,
            "qr": qr_code,
            "url": url,
        },
    )
