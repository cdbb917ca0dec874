"""Load a large published column for the portal benchmark: N records over M organisations.

    DATABASE_URL=… SECRET_KEY=x .venv/bin/python bench/portal_dataset.py --records 1000000

The database must be empty apart from migrations (the standard catalogue is loaded by
``migrate``). Organisations and documents come from bench/search_corpus.py (the realistic
generator); records enter with bulk inserts as published version 1, as an imported site's
records would, without going through the workflow (that would take days at this size).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from search_corpus import Generator, build_organisations  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.organisations.models import Organisation  # noqa: E402
from gongkai.records.models import Record, RecordVersion  # noqa: E402

BATCH = 5000


def load_organisations(count: int) -> dict[str, Organisation]:
    specs = build_organisations(count)
    by_code: dict[str, Organisation] = {}
    for depth in range(4):  # parents before children
        level = [s for s in specs if s.path.count("/") - 2 == depth]
        objs = [
            Organisation(
                code=s.code,
                name=s.name,
                kind=s.kind,
                parent=by_code.get(s.parent_code) if s.parent_code else None,
                path=s.path,
                depth=depth,
                school_stage="小学" if s.kind == "school" else "",
            )
            for s in level
        ]
        for org in Organisation.objects.bulk_create(objs, batch_size=BATCH):
            by_code[org.code] = org
    return by_code


def load_records(count: int, orgs: dict[str, Organisation], *, seed: int = 11) -> None:
    items = {i.code: i for i in Item.objects.current()}
    author, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "基准测试"})
    generator = Generator(build_organisations(len(orgs)), seed=seed)
    started = time.monotonic()
    documents = generator.documents(count)
    done = 0
    while done < count:
        batch = [next(documents) for _ in range(min(BATCH, count - done))]
        with transaction.atomic():
            records = Record.objects.bulk_create(
                [
                    Record(
                        title=d.title,
                        summary="",
                        body=d.body,
                        item=items[d.item_code],
                        organisation=orgs[d.organisation.code],
                        author=author,
                        formed_on=d.published_at.date(),
                        written_on=d.published_at.date(),
                        five_disclosure=items[d.item_code].five_disclosure,
                        status="published",
                        published_at=d.published_at,
                        first_published_at=d.published_at,
                    )
                    for d in batch
                ]
            )
            RecordVersion.objects.bulk_create(
                [
                    RecordVersion(
                        record=r, number=1, title=r.title, body=r.body, published_at=r.published_at
                    )
                    for r in records
                ]
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE records_record SET current_version_id = v.id"
                    " FROM records_recordversion v WHERE v.record_id = records_record.id"
                    " AND records_record.id BETWEEN %s AND %s",
                    [records[0].pk, records[-1].pk],
                )
        done += len(batch)
        if done % 50000 == 0 or done == count:
            rate = done / (time.monotonic() - started)
            print(f"{done} records, {rate:.0f}/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=3000)
    parser.add_argument(
        "--append",
        action="store_true",
        help="top up a database this script loaded before to --records (a stopped run)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    existing = Record.objects.count()
    if args.append and existing:
        orgs = {o.code: o for o in Organisation.objects.all()}
        if len(orgs) != args.organisations:
            raise SystemExit(
                f"the database has {len(orgs)} organisations, not {args.organisations}"
            )
        print(f"{existing} records there; adding {args.records - existing}", flush=True)
        # Another seed: new documents, spread over the same ten years as the first ones.
        load_records(max(0, args.records - existing), orgs, seed=11 + existing)
    else:
        if existing or Organisation.objects.exists():
            raise SystemExit("the database already has data; use a fresh one (or --append)")
        orgs = load_organisations(args.organisations)
        print(f"{len(orgs)} organisations", flush=True)
        load_records(args.records, orgs)
    # What public pages read: the rows frozen at publication and their kept counts.
    from gongkai.records.public import rebuild

    rows_started = time.monotonic()
    with transaction.atomic():
        rows = rebuild()
    print(f"{rows} public rows in {time.monotonic() - rows_started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
