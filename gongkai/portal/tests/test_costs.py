"""Public pages cost the same however many records there are (issue 19).

Each page type runs a fixed, small number of queries, and every query on the public rows
either walks an index in the order it returns rows, stopping at a LIMIT, or reads one range
of an index: never a scan of every record, never a sort of every match. The database's own
plan says so: SQLite's ``EXPLAIN QUERY PLAN``; PostgreSQL's ``EXPLAIN`` with sequential
scans and sorts priced out, so that a plan without a fitting index shows.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.records.models import PublicRecord, PublicTally, SitemapPart
from gongkai.testing import publish_imported

pytestmark = pytest.mark.django_db

TABLES = (PublicRecord._meta.db_table, PublicTally._meta.db_table, SitemapPart._meta.db_table)


@pytest.fixture
def column(county, other_county, school):
    for n in range(45):
        publish_imported([county, school, other_county][n % 3], n, year=2024 + n % 2)
    for n in range(5):
        publish_imported(county, 100 + n, code="08.02")


def _plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_bitmapscan")
            return plan
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _assert_bounded(queries, *, path):
    """Every query on the public rows and the tallies is a LIMITed walk of an index in its
    order, or a lookup of a range of one."""
    on_rows = [
        q for q in queries if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in TABLES)
    ]
    assert on_rows, f"{path}: no query read the public rows"
    for query in on_rows:
        sql = query["sql"]
        plan = _plan(*_captured_params[sql])
        if connection.vendor == "postgresql":
            assert "Seq Scan" not in plan and "Sort" not in plan, f"{path}\n{sql}\n{plan}"
        else:
            scans = [line for line in plan.splitlines() if line.startswith("SCAN")]
            assert "TEMP B-TREE" not in plan, f"{path}: sorts every match\n{sql}\n{plan}"
            for line in scans:  # a full walk only along an index, or of a LIMITed subquery
                along = "USING" in line or line.startswith("SCAN subquery")
                assert along and "LIMIT" in sql, f"{path}: scans\n{sql}\n{plan}"


_captured_params: dict[str, tuple] = {}


@pytest.fixture
def capture_params(monkeypatch):
    """Keep each executed query with its parameters, to ask the database for its plan."""
    from django.db.backends import utils

    real = utils.CursorWrapper._execute

    def execute(self, sql, params, *ignored):
        if sql.startswith("SELECT") and any(t in sql for t in TABLES):
            shown = self.db.ops.last_executed_query(self.cursor, sql, params)
            _captured_params[shown] = (sql, tuple(params or ()))
        return real(self, sql, params, *ignored)

    monkeypatch.setattr(utils.CursorWrapper, "_execute", execute)
    yield
    _captured_params.clear()


PAGES = [
    "/catalogue/05.04/",
    "/catalogue/05.04/?org=C0100",
    "/catalogue/05.04/?org=C0100&school=C0102",
    "/catalogue/05.04/?year=2025",
    "/catalogue/05.04/?org=C0100&year=2024",
    "/catalogue/05.04/?page=2",
    "/organisations/C0100/",
    "/feeds/rss.xml",
    "/catalogue/05.04/rss.xml",
    "/organisations/C0100/atom.xml",
    "/organisations/C0001/rss.xml",
    "/sitemap.xml",
    "/sitemap-records.xml",
    "/five/execution/",
    "/interpretations/",
    "/interpretations/?form=qa&org=C0100",
]


@pytest.mark.parametrize("path", PAGES)
def test_each_public_page_reads_a_bounded_slice_of_an_index(client, column, capture_params, path):
    client.get(path)  # reference data read once per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(queries) <= 3, [q["sql"] for q in queries]
    _assert_bounded(queries.captured_queries, path=path)


def test_a_listing_is_two_queries_the_rows_and_the_kept_total(client, column):
    client.get("/catalogue/05.04/")
    for path in ["/catalogue/05.04/", "/catalogue/05.04/?org=C0100&school=C0102&year=2025"]:
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        assert len(queries) == 2, [q["sql"] for q in queries]
        assert "COUNT(" not in " ".join(q["sql"] for q in queries).upper()
    assert "共 45 条" in client.get("/catalogue/05.04/").content.decode()
    other = client.get("/catalogue/05.04/", {"org": "C0200"}).content.decode()
    assert len(re.findall(r'href="/records/\d+/"', other)) == 15


def test_a_listing_row_reads_as_its_public_record_does(column):
    """Listings read their rows as tuples (``ListingRow``): each says what the model says."""
    from django.http import QueryDict
    from django.utils import timezone

    from gongkai.portal import listing
    from gongkai.records.models import Validity

    rows = PublicRecord.objects.filter(item_key__isnull=False).order_by(
        "-published_at", "-record_id"
    )
    first, second = rows.values_list("pk", flat=True)[:2]
    PublicRecord.objects.filter(pk=first).update(withdrawn_at=timezone.now())
    PublicRecord.objects.filter(pk=second).update(validity=Validity.REPEALED)
    for query in ["", "page=2"]:
        narrow = listing.paginate(rows, QueryDict(query), count=50)
        whole = listing.paginate(rows, QueryDict(query), count=50, row=None)
        assert len(narrow.object_list) == len(whole.object_list) == listing.PAGE_SIZE
        for row, record in zip(narrow.object_list, whole.object_list, strict=True):
            assert isinstance(row, listing.ListingRow)
            for name in ("pk", "title", "published_at", "validity", "withdrawn_at", "status"):
                assert getattr(row, name) == getattr(record, name), name
            assert row.organisation is record.organisation
            assert row.get_validity_display() == record.get_validity_display()
    shown = listing.paginate(rows, QueryDict(""), count=50).object_list
    assert shown[0].status == "withdrawn" and shown[1].get_validity_display() == "废止"
    with pytest.raises(ValueError):
        listing.paginate(rows, QueryDict(""), count=50, by="first_published_at")


def test_deep_pages_are_bounded_and_keyset_pages_continue_past_them(client, county):
    from gongkai.portal import listing

    for n in range(70):
        publish_imported(county, n)
    first = client.get("/catalogue/05.04/").content.decode()
    assert "共 70 条" in first and "第 1 / 4 页" in first
    # A page far past the end is the last numbered page, never an error or a huge OFFSET.
    last = client.get("/catalogue/05.04/", {"page": "500"}).content.decode()
    assert "第 4 / 4 页" in last
    # Past the numbered pages, 下一页 continues from the last row shown (keyset).
    original = listing.MAX_PAGES
    listing.MAX_PAGES = 2
    try:
        second = client.get("/catalogue/05.04/", {"page": "2"}).content.decode()
        link = second.split('href="?', 2)[-1].split('"')[0].replace("&amp;", "&")
        assert "before=" in link
        titles_2 = set(re.findall(r'href="/records/(\d+)/"', second))
        third = client.get(f"/catalogue/05.04/?{link}").content.decode()
        assert "第 3 / 4 页" in third and "回到第一页" in third
        titles_3 = set(re.findall(r'href="/records/(\d+)/"', third))
        assert len(titles_3) == 20 and not titles_2 & titles_3
        fourth_link = third.split("下一页")[0].rsplit('href="?', 1)[-1].split('"')[0]
        fourth = client.get(f"/catalogue/05.04/?{fourth_link.replace('&amp;', '&')}")
        assert "第 4 / 4 页" in fourth.content.decode() and "下一页" not in fourth.content.decode()
    finally:
        listing.MAX_PAGES = original


@pytest.mark.parametrize("direction", ["before", "after"])
def test_keyset_pages_walk_the_index_too(client, column, capture_params, monkeypatch, direction):
    from gongkai.portal import listing

    monkeypatch.setattr(listing, "MAX_PAGES", 1)
    page_1 = client.get("/catalogue/05.04/").content.decode()
    onward = re.search(r'href="\?([^"]*before=[^"]*)"', page_1).group(1).replace("&amp;", "&")
    path = f"/catalogue/05.04/?{onward}"
    if direction == "after":
        page_2 = client.get(path).content.decode()
        onward = re.search(r'href="\?([^"]*before=[^"]*)"', page_2).group(1).replace("&amp;", "&")
        page_3 = client.get(f"/catalogue/05.04/?{onward}").content.decode()
        back = re.search(r'href="\?([^"]*after=[^"]*)"', page_3).group(1).replace("&amp;", "&")
        path = f"/catalogue/05.04/?{back}"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert len(queries) == 2
    _assert_bounded(queries.captured_queries, path=path)
