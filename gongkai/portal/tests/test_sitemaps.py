"""The sitemap index and its record parts (issue 19): parts of ``PART_SIZE`` records by id, the
lastmod of each part from its kept tally, each URL's lastmod in the site's local time written
by the database, the site's address escaped, and a part within the protocol's 50 MB."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.core import localtime
from gongkai.core.checks import MAX_SITE_URL_LENGTH, site_url_problems
from gongkai.portal import sitemaps
from gongkai.records import public
from gongkai.records.models import PublicRecord, PublicTally, Record, SitemapPart
from gongkai.testing import publish_imported

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
#: The protocol's limits for one sitemap file.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024


def _part_url(number: int) -> str:
    return "/sitemap-records.xml" if number == 0 else f"/sitemap-records-{number}.xml"


def _iso(at: datetime) -> str:
    """What a reader of the site sees: the local time, to the second."""
    return timezone.localtime(at).replace(microsecond=0).isoformat()


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)  # well-formed, or this raises


def _entries(root, tag):
    return [
        (e.find("s:loc", NS).text, getattr(e.find("s:lastmod", NS), "text", None))
        for e in root.findall(f"s:{tag}", NS)
    ]


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(public, "PART_SIZE", 3)  # parts of three records: ids 0–2, 3–5, …
    return 3


def test_the_protocols_limit_is_the_part_size():
    assert public.PART_SIZE == MAX_URLS


def test_records_are_split_by_id_at_the_part_boundaries(client, settings, county, small_parts):
    settings.SITE_URL = "https://jyj.example.gov.cn"
    for n in range(8):
        publish_imported(county, n)
    rows = dict(PublicRecord.objects.values_list("pk", "changed_at"))
    numbers = sorted({pk // small_parts for pk in rows})
    assert len(numbers) >= 3

    index = _entries(_parse(client, "/sitemap.xml"), "sitemap")
    listed = [loc for loc, _ in index if "sitemap-records" in loc]
    assert listed == [f"https://jyj.example.gov.cn{_part_url(n)}" for n in numbers]
    assert [loc for loc, _ in index][:4] == [
        f"https://jyj.example.gov.cn/sitemap-{name}.xml" for name in sitemaps.PARTS
    ]

    seen = []
    for number in numbers:
        urls = _entries(_parse(client, _part_url(number)), "url")
        expected = sorted(pk for pk in rows if pk // small_parts == number)
        # exactly the records whose id ÷ PART_SIZE is the part's number, in id order
        assert [loc for loc, _ in urls] == [
            f"https://jyj.example.gov.cn/records/{pk}/" for pk in expected
        ]
        # each URL's lastmod is its row's last change, in local time (to the second)
        assert [lastmod for _, lastmod in urls] == [_iso(rows[pk]) for pk in expected]
        seen += expected
    assert sorted(seen) == sorted(rows)

    # The first part only at its old address; nothing past the last part, nor any number
    # a database integer cannot hold (an old address from before the parts grew: 404).
    assert client.get("/sitemap-records-0.xml").status_code == 404
    assert client.get(_part_url(numbers[-1] + 1)).status_code == 404
    assert client.get(f"/sitemap-records-{10**30}.xml").status_code == 404


def test_a_part_emptied_by_take_downs_leaves_the_index(client, county, small_parts):
    for n in range(6):
        publish_imported(county, n)
    rows = sorted(PublicRecord.objects.values_list("pk", flat=True))
    last = rows[-1] // small_parts
    for pk in rows:
        if pk // small_parts == last:
            assert public.take_down(Record.objects.get(pk=pk))  # 依申请公开 now, say
    assert SitemapPart.objects.get(number=last).count == 0
    assert SitemapPart.objects.get(number=last - 1).count > 0
    index = client.get("/sitemap.xml").content.decode()
    assert f"sitemap-records-{last}.xml" not in index
    assert client.get(_part_url(last)).status_code == 404


def test_each_part_keeps_its_count_and_lastmod_as_records_change(client, county, small_parts):
    for n in range(7):
        publish_imported(county, n)
    rows = dict(PublicRecord.objects.values_list("pk", "changed_at"))
    newest = max(rows)
    public.withdraw(Record.objects.get(pk=newest))  # the page stays, its time moves
    rows = dict(PublicRecord.objects.values_list("pk", "changed_at"))
    kept = {p.number: (p.count, p.changed_at, p.lastmod) for p in SitemapPart.objects.all()}
    expected = {}
    for pk, at in rows.items():
        count, newest_at = expected.get(pk // small_parts, (0, at))
        expected[pk // small_parts] = (count + 1, max(newest_at, at))
    assert kept == {n: (c, at, _iso(at)) for n, (c, at) in expected.items()}

    # The set-based count (records migration 0008, ``records rebuild-public``) agrees,
    # its lastmod text written by the database.
    public.rebuild_parts()
    assert {p.number: (p.count, p.changed_at, p.lastmod) for p in SitemapPart.objects.all()} == kept


def test_the_index_reads_each_parts_kept_lastmod(client, county, small_parts):
    for n in range(7):
        publish_imported(county, n)
    numbers = sorted(SitemapPart.objects.values_list("number", flat=True))
    # The index converts nothing: it lists the kept text (here unlike the kept time).
    for offset, number in enumerate(numbers):
        SitemapPart.objects.filter(number=number).update(
            lastmod=f"2026-03-0{1 + offset}T07:08:09+08:00"
        )
    site = timezone.make_aware(datetime(2026, 4, 5, 6, 7, 8))
    PublicTally.objects.filter(key=public.key("all")).update(changed_at=site)

    index = dict(_entries(_parse(client, "/sitemap.xml"), "sitemap"))
    for offset, number in enumerate(numbers):
        assert (
            index[f"{_settings_url()}{_part_url(number)}"]
            == f"2026-03-0{1 + offset}T07:08:09+08:00"
        )
    assert index[f"{_settings_url()}/sitemap-catalogue.xml"] == _iso(site)
    assert index[f"{_settings_url()}/sitemap-participation.xml"] is None


def test_the_migration_turns_part_tallies_of_10000_into_rows_of_50000(county):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gongkai.records.migrations.0008_sitemap_parts_of_50000")
    for n in range(3):
        publish_imported(county, n)
    rows = dict(PublicRecord.objects.values_list("pk", "changed_at"))
    migration.part_tallies_of_10000(apps, None)  # back: the tallies as they were
    tallies = {t.key: t.count for t in PublicTally.objects.filter(key__startswith="part|")}
    assert tallies == {
        public.key("part", n): sum(1 for pk in rows if pk // 10_000 == n)
        for n in {pk // 10_000 for pk in rows}
    }
    others = set(PublicTally.objects.exclude(key__startswith="part|").values_list("key", "count"))
    SitemapPart.objects.all().delete()
    migration.parts_of_50000(apps, None)  # forward
    assert not PublicTally.objects.filter(key__startswith="part|").exists()
    assert set(PublicTally.objects.values_list("key", "count")) == others
    assert {p.number: p.count for p in SitemapPart.objects.all()} == {
        n: sum(1 for pk in rows if pk // 50_000 == n) for n in {pk // 50_000 for pk in rows}
    }
    assert {p.number: p.lastmod for p in SitemapPart.objects.all()} == {
        n: _iso(max(at for pk, at in rows.items() if pk // 50_000 == n))
        for n in {pk // 50_000 for pk in rows}
    }


def _settings_url():
    from django.conf import settings

    return settings.SITE_URL


def test_the_site_address_is_escaped_once_and_parses_back(client, settings, county):
    settings.SITE_URL = "https://a&b.example.cn"
    publish_imported(county, 1)
    pk = PublicRecord.objects.get().pk
    number = pk // public.PART_SIZE
    index = client.get("/sitemap.xml").content.decode()
    assert f"<loc>https://a&amp;b.example.cn{_part_url(number)}</loc>" in index
    assert "https://a&b" not in index
    part = client.get(_part_url(number)).content.decode()
    assert f"<loc>https://a&amp;b.example.cn/records/{pk}/</loc>" in part
    assert "https://a&b" not in part
    urls = _entries(ET.fromstring(part), "url")
    assert urls[0][0] == f"https://a&b.example.cn/records/{pk}/"


def test_a_full_part_stays_within_the_protocols_50_mb(client, settings, county):
    """The longest address the system checks accept, the largest id a database integer
    holds: PART_SIZE such lines and the wrapping stay under 50 MB."""
    longest = "https://" + "a" * (MAX_SITE_URL_LENGTH - len("https://"))
    assert site_url_problems(longest, debug=False) == []
    assert site_url_problems(longest + "a", debug=False)  # one more is refused
    settings.SITE_URL = longest
    publish_imported(county, 1)
    pk = PublicRecord.objects.get().pk
    body = client.get(_part_url(pk // public.PART_SIZE)).content
    line = next(x for x in body.split(b"\n") if x.startswith(b"<url>"))
    widest = len(line) - len(str(pk)) + len(str(2**63 - 1)) + 1  # and its newline
    wrapping = len(body) - len(line) - 1
    assert widest * public.PART_SIZE + wrapping < MAX_BYTES
    # ~400 bytes a line: a full part is about 20 MB at worst
    assert widest < 420


@pytest.mark.parametrize(
    ("zone", "instants"),
    [
        # summer time both ways, around the changes (to the second) and far from them
        (
            "America/New_York",
            [
                "2025-03-09T06:59:59",
                "2025-03-09T07:00:00",
                "2025-11-02T05:59:59",
                "2025-11-02T06:00:00",
            ],
        ),
        ("Europe/Berlin", ["2024-03-31T00:59:59", "2024-03-31T01:00:00", "2024-07-01T12:00:00"]),
        # half-hour summer time; a quarter-hour offset; a day skipped; China's summer time
        (
            "Australia/Lord_Howe",
            ["2025-04-05T14:59:59", "2025-04-05T15:00:00", "2025-01-01T00:00:00"],
        ),
        ("Asia/Kathmandu", ["1985-12-31T18:29:59", "1986-01-01T00:00:00", "2026-01-01T00:00:00"]),
        ("Pacific/Apia", ["2011-12-30T09:59:59", "2011-12-30T10:00:00"]),
        ("Asia/Shanghai", ["1988-04-16T17:59:59", "1988-04-16T18:00:00", "1991-09-14T17:00:00"]),
        ("Asia/Shanghai", ["1899-06-01T00:00:00", "2026-12-04T13:02:58.999999"]),
        ("UTC", ["2026-12-04T13:02:58.500000"]),
    ],
)
def test_local_time_in_the_database_is_what_python_writes(settings, zone, instants):
    settings.TIME_ZONE = zone
    timezone.deactivate()
    base = [datetime.fromisoformat(i).replace(tzinfo=UTC) for i in instants]
    # and a year of instants every 61 hours 7 minutes, across whatever changes it has
    base += [base[0] + timedelta(hours=61 * k, minutes=7 * k) for k in range(1, 150)]
    for n, at in enumerate(base):
        PublicTally.objects.create(key=f"test|{n}", count=1, changed_at=at)
    column = connection.ops.quote_name("changed_at")
    expression, params = localtime.local_time_sql(column)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, {expression} FROM {PublicTally._meta.db_table} "
            f"WHERE {key} LIKE 'test|%%'",
            params,
        )
        found = dict(cursor.fetchall())
    python = {
        f"test|{n}": at.astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()
        for n, at in enumerate(base)
    }
    assert found == python


def test_the_zone_table_finds_each_change_to_the_second():
    zone = ZoneInfo("America/New_York")
    table = localtime.zone_offsets(zone, 2026)
    changes = [since for since, _ in table if since.year == 2025]
    assert changes == [
        datetime(2025, 3, 9, 7, tzinfo=UTC),
        datetime(2025, 11, 2, 6, tzinfo=UTC),
    ]
    for since, offset in table[1:]:
        assert (since - timedelta(seconds=1)).astimezone(zone).utcoffset() != offset
        assert since.astimezone(zone).utcoffset() == offset
    shanghai = localtime.zone_offsets(ZoneInfo("Asia/Shanghai"), 2026)
    assert shanghai[-1] == (datetime(1991, 9, 14, 17, tzinfo=UTC), timedelta(hours=8))


def test_the_index_and_a_part_are_one_or_two_queries_whatever_the_parts(
    client, county, small_parts, django_assert_max_num_queries
):
    for n in range(10):
        publish_imported(county, n)
    client.get("/sitemap.xml")
    with django_assert_max_num_queries(2):
        index = client.get("/sitemap.xml").content.decode()
    assert len(re.findall(r"sitemap-records", index)) >= 4
    number = max(SitemapPart.objects.values_list("number", flat=True))
    with django_assert_max_num_queries(1):
        assert client.get(_part_url(number)).status_code == 200
