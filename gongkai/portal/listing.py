"""Paging through a public listing at a cost that does not grow with the data.

Rows are ``PublicRecord``s, newest first, read from an index in that order: a page reads its
twenty rows and stops. Numbered pages (``?page=N``) skip rows with OFFSET, which costs the
rows skipped, so they go up to ``MAX_PAGES``; from there "下一页" carries the last row's
place (``?before=<time>_<id>``) and each further page starts right after it (keyset paging),
as cheap as the first however far a reader goes; "上一页" there carries the first row's place
(``?after=``). The total comes from the kept tallies
(``records.public``), never from counting rows per visitor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict

from gongkai.organisations import reference as organisations
from gongkai.records.models import PublicRecord, Status, Validity

PAGE_SIZE = 20
#: Numbered pages: OFFSET reads at most (MAX_PAGES - 1) * PAGE_SIZE index entries to skip.
MAX_PAGES = 50
_CURSOR = re.compile(r"^(\d{1,17})_(\d{1,12})$")


@dataclass(slots=True)
class ListingRow:
    """A row of a record listing (``record_rows``): the columns it shows, read as a tuple.

    Twenty ``PublicRecord``s read with ``.only()`` cost twice what their tuples do (the
    model's deferred-field set-up per row: 470 µs a page against 240 µs), and a listing
    shows nothing else. The names are the model's, so the row reads like one."""

    #: The columns read, in the order of the fields they fill; a row type of another
    #: listing names its own (``Row``).
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "title",
        "published_at",
        "validity",
        "withdrawn_at",
        "organisation_id",
    )

    pk: int
    title: str
    published_at: datetime
    validity: str
    withdrawn_at: datetime | None
    organisation_id: int
    organisation: Any = None

    @property
    def status(self) -> str:
        return Status.WITHDRAWN if self.withdrawn_at is not None else Status.PUBLISHED

    def get_validity_display(self) -> str:
        return str(Validity(self.validity).label)


class Row(Protocol):
    """What ``paginate`` reads a listing's rows as: a class made from the values of its
    ``COLUMNS`` (``PublicRecord`` fields, or lookups through its version), in order, with
    ``pk``, the ordering column and an ``organisation`` the directory fills in."""

    COLUMNS: ClassVar[tuple[str, ...]]
    pk: int
    organisation_id: int
    organisation: Any

    def __init__(self, *values: Any) -> None: ...


@dataclass
class ListingPage:
    object_list: list[Any]
    count: int
    number: int
    num_pages: int
    next_query: str = ""
    previous_query: str = ""
    #: A page reached by keyset from the last numbered one.
    is_keyset: bool = False
    first_query: str = field(default="")
    #: The page parameters as this page understood them (``page``, or the keyset place and
    #: ``n`` when the place is a row of the listing): the page cache stores a page under its
    #: query string only for understood values (``pagecache.understand``).
    understood: dict[str, str] = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_query or self.previous_query or self.is_keyset)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor(row: PublicRecord, by: str = "published_at") -> str:
    """The place of a row in the newest-first order, exact to the microsecond."""
    micros = (getattr(row, by) - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{row.pk}"


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    found = _CURSOR.match(value)
    if not found:
        return None
    try:
        at = _EPOCH + timedelta(microseconds=int(found.group(1)))
    except OverflowError:
        return None
    return at, int(found.group(2))


def _number(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdecimal() and value.isascii() and len(value) < 7 else 1


def paginate(
    rows: QuerySet[PublicRecord],
    query: QueryDict,
    *,
    count: int,
    by: str = "published_at",
    row: type[Row] | None = ListingRow,
    size: int = PAGE_SIZE,
) -> ListingPage:
    """One page of ``rows`` (ordered newest first by ``by``, then id) as the query string asks
    for it; ``count`` is the kept total (``records.public``); ``row``: what the page's rows
    are read as, only the columns it shows (None: whole ``PublicRecord``s, for rows that
    bring their version along); ``size`` rows a page."""
    if row is not None:
        if by not in row.COLUMNS:
            raise ValueError(f"a listing's rows are ordered by a column they read, not {by!r}")
        rows = rows.values_list(*row.COLUMNS)
    return _paginate(rows, query, count=count, by=by, size=size, row=row)


#: Query parameters that say which page of a listing, not what it lists.
PAGE_PARAMETERS = ("page", "before", "after", "n")


def _paginate(
    rows: QuerySet[PublicRecord],
    query: QueryDict,
    *,
    count: int,
    by: str,
    size: int,
    row: type[Row] | None,
) -> ListingPage:
    def read(found: Any) -> list[Any]:
        """The rows, as ``row``s if given, with their publishers from the directory."""
        return organisations.with_publishers(
            [row(*values) for values in found] if row is not None else found
        )

    base = query.copy()
    for name in PAGE_PARAMETERS:
        base.pop(name, None)

    def link(**params: Any) -> str:
        out = base.copy()
        for name, value in params.items():
            out[name] = str(value)
        return out.urlencode()

    if settings.GONGKAI_STATIC_EXPORT:
        # The static export has no server to page with: one page holds the whole listing.
        return ListingPage(read(rows), count, 1, 1)
    num_pages = max(1, -(-count // size))
    if count == 0:
        return ListingPage([], 0, 1, 1)
    before = _parse_cursor(query.get("before", ""))
    after = _parse_cursor(query.get("after", "")) if before is None else None
    if before is not None or after is not None:
        number = max(_number(query.get("n")), MAX_PAGES + 1)
        # The walk starts at the place itself: if that row is in the listing, the place is
        # one a page of this listing handed out (its first row is dropped from the page).
        if before is not None:
            at, pk = before
            older = Q(**{f"{by}__lt": at}) | Q(**{by: at, "pk__lte": pk})
            found = read(rows.filter(older)[: size + 2])
            known = bool(found) and found[0].pk == pk
            found = found[1:] if known else found
            more_after = len(found) > size
            found = found[:size]
        else:  # 上一页 from a keyset page: the rows just newer than its first, in order
            at, pk = after  # type: ignore[misc]
            newer = rows.filter(Q(**{f"{by}__gt": at}) | Q(**{by: at, "pk__gte": pk}))
            found = read(newer.order_by(by, "pk")[: size + 1])
            known = bool(found) and found[0].pk == pk
            found = list(reversed(found[1:] if known else found[:size]))
            more_after = True
        page = ListingPage(
            found,
            count,
            min(number, num_pages),
            num_pages,
            is_keyset=True,
            first_query=link(),
        )
        if known and found and query.get("n") == str(page.number):
            place = "before" if before is not None else "after"
            page.understood = {place: query.get(place, ""), "n": str(page.number)}
        if found and more_after:
            page.next_query = link(before=cursor(found[-1], by), n=number + 1)
        if found:
            page.previous_query = (
                link(page=number - 1)
                if number - 1 <= MAX_PAGES
                else link(after=cursor(found[0], by), n=number - 1)
            )
        return page
    number = min(_number(query.get("page")), num_pages, MAX_PAGES)
    offset = (number - 1) * size
    found = read(rows[offset : offset + size])
    page = ListingPage(found, count, number, num_pages)
    if found:
        page.understood = {"page": str(number)}
    if number > 1:
        page.previous_query = link(page=number - 1)
    if number < num_pages and found:
        if number < MAX_PAGES:
            page.next_query = link(page=number + 1)
        else:
            page.next_query = link(before=cursor(found[-1], by), n=number + 1)
    return page
