"""CPU per request of every public page type, in process (no server, no page cache).

    DATABASE_URL=sqlite:////tmp/portal-50k.sqlite3 SECRET_KEY=x \\
        .venv/bin/python bench/portal_cost.py --repeat 40

Load the database first with bench/portal_dataset.py. Each page is requested a few times to
warm the process (reference data, prepared statements), then ``--repeat`` times; the CPU time
of this process per request (``time.process_time``: Django, the template and the database
driver; with SQLite the database's own work is in it too) is reported as the median and the
90th percentile, with the number of queries. Run it at two sizes: a page whose cost does
not depend on the data costs the same at both.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
os.environ["PAGE_CACHE"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.organisations.models import Organisation  # noqa: E402
from gongkai.records.models import PublicRecord  # noqa: E402


def pages() -> list[tuple[str, str]]:
    """(label, URL) of each page type, on the busiest item and county of the dataset."""
    item = max(
        Item.objects.current(),
        key=lambda i: PublicRecord.objects.filter(item_key=i.key)[:5000].count(),
    )
    county = Organisation.objects.filter(kind="county").order_by("code").first()
    busiest = (  # the county's school that published most under the item
        PublicRecord.objects.filter(item_key=item.key, county=county, organisation__kind="school")
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    school = Organisation.objects.get(pk=busiest["organisation"])
    middle = PublicRecord.objects.order_by("pk").values_list("pk", flat=True)[
        PublicRecord.objects.count() // 2
    ]
    listing = f"/catalogue/{item.code}/"
    return [
        ("record page", f"/records/{middle}/"),
        ("item listing", listing),
        ("item listing, county filter", f"{listing}?org={county.code}"),
        ("item listing, school filter", f"{listing}?org={county.code}&school={school.code}"),
        ("item listing, year filter", f"{listing}?year=2022"),
        ("deep page ?page=500 (bounded)", f"{listing}?page=500"),
        ("keyset page after the last numbered", "KEYSET"),
        ("organisation page (county)", f"/organisations/{county.code}/"),
        ("item feed", f"/catalogue/{item.code}/rss.xml"),
        ("site feed", "/feeds/atom.xml"),
        ("county feed", f"/organisations/{county.code}/rss.xml"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap part (10,000 records)", "/sitemap-records-2.xml"),
        ("five-disclosure class", "/five/execution/"),
    ]


def keyset_url(client: Client, listing: str) -> str:
    body = client.get(listing + "?page=50").content.decode()
    found = re.search(r'href="\?([^"]*before=[^"]*)"', body)
    return f"{listing}?{found.group(1).replace('&amp;', '&')}" if found else listing


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int, int]:
    for _ in range(3):
        response = client.get(url)
    status = response.status_code
    times = []
    for _ in range(repeat):
        started = time.process_time()
        client.get(url)
        times.append((time.process_time() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(queries), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    client = Client()
    total = PublicRecord.objects.count()
    print(f"{total} public records, {connection.vendor}")
    print(f"{'page':40} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    found = pages()
    listing = found[1][1]
    for label, url in found:
        if url == "KEYSET":
            url = keyset_url(client, listing)
        median, p90, queries, status = measure(client, url, args.repeat)
        flag = "" if status == 200 else f"  (HTTP {status})"
        print(f"{label:40} {median:10.2f} {p90:8.2f} {queries:8d}{flag}", flush=True)
        reset_queries()


if __name__ == "__main__":
    main()
