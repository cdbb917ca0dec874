"""Benchmark: the city dashboard over 3,000 organisations × 34 items and 1,000,000 records.

    DATABASE_URL=postgres://gongkai:gongkai@127.0.0.1:5432/gk_superv_bench \
        .venv/bin/python bench/supervision_bench.py [--orgs 3000] [--records 1000000] [--keep]

Creates (or, with --keep, reuses) the database ``test_<name>``, builds the organisation tree
(1 city, 12 counties, townships, schools) with bulk inserts, then records for every
organisation's applicable items in 2025 (formed on random days; 85 % published on time, 8 %
late, 4 % unpublished past the deadline, 3 % pending). Records are bulk-inserted, not made by
the services; published ones share one placeholder ``RecordVersion``, since the engine only
asks whether a version exists. Then it times ``compliance.refresh`` (the nightly job that fills
the summary) and the city and one county dashboard as rendered by the Django test client.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2025
TODAY = date(2026, 1, 15)
COUNTIES = 12


def build_tree(total: int) -> list:
    from gongkai.organisations.models import Kind, Organisation

    city = Organisation(code="B371500", name="聊城市教育和体育局", kind=Kind.CITY_BUREAU)
    city.save()
    counties = []
    for c in range(COUNTIES):
        org = Organisation(
            code=f"B{c:02d}", name=f"第{c + 1}县教育和体育局", kind=Kind.COUNTY_BUREAU, parent=city
        )
        org.save()
        counties.append(org)
    remaining = total - 1 - COUNTIES
    townships_per_county = 24
    rows = []
    for county in counties:
        for t in range(townships_per_county):
            code = f"{county.code}T{t:02d}"
            rows.append(
                Organisation(
                    code=code,
                    name=f"{county.name}第{t + 1}镇",
                    kind=Kind.TOWNSHIP,
                    parent=county,
                    path=f"{county.path}{code}/",
                    depth=2,
                )
            )
    Organisation.objects.bulk_create(rows, batch_size=2000)
    townships = list(Organisation.objects.filter(kind=Kind.TOWNSHIP))
    schools = []
    for n in range(remaining - len(townships)):
        parent = townships[n % len(townships)]
        code = f"{parent.code}S{n:05d}"
        schools.append(
            Organisation(
                code=code,
                name=f"{parent.name}第{n}小学",
                kind=Kind.SCHOOL,
                parent=parent,
                path=f"{parent.path}{code}/",
                depth=3,
            )
        )
    Organisation.objects.bulk_create(schools, batch_size=2000)
    return list(Organisation.objects.exclude(kind=Kind.CITY_BUREAU))


def build_records(orgs: list, total: int) -> None:
    from gongkai.accounts.models import User
    from gongkai.catalogue.models import Item
    from gongkai.core.calendar import add_working_days
    from gongkai.records.models import Record, RecordVersion
    from gongkai.supervision.compliance import _applies

    author = User.objects.create_user(username="bench-clerk", password=None)
    items = list(Item.objects.current().select_related("organisation"))
    cells = [(o, i) for o in orgs for i in items if _applies(i, o)]
    days = [date(YEAR, 1, 1) + timedelta(days=d) for d in range(365)]
    due = {d: add_working_days(d, 20).due_on for d in days}
    rng = random.Random(2026)
    placeholder_record = Record.objects.create(
        title="占位",
        item=items[0],
        organisation=orgs[0],
        author=author,
        formed_on=days[0],
        five_disclosure=items[0].five_disclosure,
    )
    version = RecordVersion.objects.create(record=placeholder_record, number=1, title="占位")
    columns = (
        "created_at", "updated_at", "title", "kind", "summary", "body", "item_id",
        "organisation_id", "author_id", "document_number", "formed_on", "written_on", "due_on",
        "theme", "five_disclosure", "disclosure", "withheld_ground", "validity", "status",
        "published_at", "current_version_id", "revision", "withdrawn_reason",
    )  # fmt: skip
    now = datetime.now(tz=SHANGHAI)
    rows: list[tuple] = []
    made = 0
    started = time.perf_counter()
    while made < total:
        org, item = cells[made % len(cells)]
        formed = rng.choice(days)
        due_on = due[formed]
        roll = rng.random()
        published: date | None
        if roll < 0.85:
            published = min(formed + timedelta(days=rng.randint(1, 20)), due_on)
        elif roll < 0.93:
            published = due_on + timedelta(days=rng.randint(1, 30))
        else:
            published = None
        if published and published > TODAY:
            published = None
        published_at = (
            datetime(published.year, published.month, published.day, 10, tzinfo=SHANGHAI)
            if published
            else None
        )
        rows.append((
            now, now, f"{org.name}关于{item.name}的公告", "document", "", "", item.pk, org.pk,
            author.pk, "", formed, formed, due_on, "教育", item.five_disclosure, "proactive",
            "", "valid", "published" if published else "submitted", published_at,
            version.pk if published else None, 1, "",
        ))  # fmt: skip
        made += 1
        if len(rows) == 50000 or made == total:
            _insert(Record, columns, rows)
            rows = []
            if made % 100000 == 0:
                print(f"  {made:,} records ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"  {made:,} records over {len(cells):,} (organisation, item) cells", flush=True)


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (bulk_create binds 20 parameters a row and is 20× slower);
    executemany elsewhere."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - constants
        cursor.executemany(sql, rows)


def timed(label: str, fn, runs: int = 1) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    if runs == 1:
        print(f"{label}: {times[0]:.2f} s", flush=True)
    else:
        print(
            f"{label}: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {runs} runs",
            flush=True,
        )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=3000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse an existing bench database")
    args = parser.parse_args()

    import time_machine

    from gongkai.accounts.models import Role, User
    from gongkai.accounts.services import grant_role
    from gongkai.organisations.models import Kind, Organisation
    from gongkai.records.models import Record
    from gongkai.supervision import compliance

    setup_test_environment()
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False
    )
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    if not Record.objects.exists():
        timed("build organisation tree", lambda: build_tree(args.orgs))
        orgs = list(Organisation.objects.exclude(kind=Kind.CITY_BUREAU))
        timed("bulk insert records", lambda: build_records(orgs, args.records))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    city = Organisation.objects.get(kind=Kind.CITY_BUREAU)
    county = Organisation.objects.filter(kind=Kind.COUNTY_BUREAU).order_by("path").first()
    print(
        f"organisations: {Organisation.objects.count():,}; records: {Record.objects.count():,}",
        flush=True,
    )
    with time_machine.travel(datetime(2026, 1, 15, 10, tzinfo=SHANGHAI), tick=True):
        timed("compliance.refresh (whole city, nightly job)",
              lambda: compliance.refresh(city, YEAR, today=TODAY))  # fmt: skip
        user = User.objects.filter(username="bench-supervisor").first()
        if user is None:
            user = User.objects.create_user(username="bench-supervisor", password=None)
            grant_role(user, Role.SUPERVISOR, city, by=None)
        client = Client()
        client.force_login(user)
        url = reverse("supervision:dashboard") + f"?year={YEAR}"

        def render(u: str) -> None:
            response = client.get(u)
            assert response.status_code == 200, response.status_code

        render(url)  # warm-up: templates, the calendar and the item list
        city_times = timed("city dashboard (GET, rendered)", lambda: render(url), runs=10)
        county_url = url + f"&org={county.code}"
        render(county_url)
        timed("county dashboard (GET, rendered)", lambda: render(county_url), runs=10)
    verdict = "PASS" if statistics.median(city_times) < 1.0 else "FAIL"
    print(f"city dashboard under one second: {verdict}")


if __name__ == "__main__":
    main()
