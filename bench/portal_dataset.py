"""Load a large published column for the portal benchmarks: N records over M organisations.

    DATABASE_URL=… SECRET_KEY=x .venv/bin/python bench/portal_dataset.py --records 1000000
    # a province: 16 city bureaus, 140 county bureaus, townships and schools, 30,000 in all
    DATABASE_URL=… SECRET_KEY=x .venv/bin/python bench/portal_dataset.py --province \\
        --records 1000000

The database must be empty apart from migrations (the standard catalogue is loaded by
``migrate``). Documents come from bench/search_corpus.py (the realistic generator); a city's
organisations too, a province's from ``build_province`` below (fictional names). Records
enter as an imported site's would, published version 1 each, without going through the
workflow (that would take days at this size): PostgreSQL's COPY, or batched inserts on
SQLite, in batches of ``BATCH`` with their ids chosen here. The column has what a real one
has besides documents: 政策解读 (3 %), 办事指南 (1 %), 权力事项, 监管事项 and 执行落实 (1 %
together, with the structured content their pages show), 失效 (3 %) and 废止 (1 %)
records, and withdrawn ones (0.5 %). The public rows and kept counts are then built by
``records.public.rebuild`` (set-based), which is timed: it is what a large installation's
upgrade to the read model costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from search_corpus import (  # noqa: E402
    PLACE_SYLLABLES,
    SCHOOL_KINDS,
    Document,
    Generator,
    build_organisations,
)
from search_corpus import Organisation as Spec  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.catalogue.models import Item  # noqa: E402
from gongkai.organisations.models import Organisation  # noqa: E402
from gongkai.records.models import Record, RecordVersion  # noqa: E402

BATCH = 5000


def build_province(count: int = 30000, *, cities: int = 16, counties: int = 140, seed: int = 7):
    """A province's education system: ``cities`` city bureaus (the roots), ``counties``
    county bureaus spread over them, and townships with 12–22 schools each, round the
    counties, up to ``count`` organisations (fictional names)."""
    rng = random.Random(seed)
    names = [a + b for a in PLACE_SYLLABLES[:40] for b in PLACE_SYLLABLES[40:]]
    rng.shuffle(names)
    taken = iter(names + [f"{name}{n}" for n in range(2, 100) for name in names])
    orgs: list[Spec] = []
    city_specs = []
    for c in range(cities):
        code = f"37{c + 1:02d}00"
        city = Spec(code, f"{next(taken)}市教育局", "city", None, f"/{code}/")
        orgs.append(city)
        city_specs.append(city)
    county_specs = []
    for k in range(counties):
        city = city_specs[k % cities]
        code = f"{city.code[:4]}{k // cities + 1:02d}"
        place = next(taken)
        county = Spec(code, f"{place}县教育和体育局", "county", city.code, f"{city.path}{code}/")
        orgs.append(county)
        county_specs.append((county, place))
    n = 0
    while len(orgs) < count:
        county, county_name = county_specs[n % counties]
        code = f"{county.code}-B{n // counties + 1:03d}"
        n += 1
        place = next(taken)
        township = Spec(
            code,
            f"{county_name}{place}镇中心学校",
            "township",
            county.code,
            f"{county.path}{code}/",
        )
        orgs.append(township)
        for k in range(rng.randint(12, 22)):
            if len(orgs) >= count:
                break
            kind = SCHOOL_KINDS[k % len(SCHOOL_KINDS)]
            scode = f"{code}-{k + 1:02d}"
            orgs.append(
                Spec(
                    scode,
                    f"{county_name}{place}{kind}" if k < len(SCHOOL_KINDS) else f"{place}{k}校",
                    "school",
                    code,
                    f"{township.path}{scode}/",
                )
            )
    return orgs


def load_organisations(specs: list[Spec]) -> dict[str, Organisation]:
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


# --- What a real column has besides documents ----------------------------------------------

INTERPRETATION_FORMS = [("article", "文字解读"), ("qa", "问答"), ("graphic", "图解")]


def _mix(rng: random.Random, d: Document) -> dict[str, Any]:
    """The kind, validity, withdrawal and frozen metadata of one generated document."""
    facts: dict[str, Any] = {"kind": "document", "title": d.title, "metadata": {}}
    roll = rng.random()
    day = d.published_at.date()
    if roll < 0.03:
        form, label = rng.choice(INTERPRETATION_FORMS)
        facts.update(kind="interpretation", title=f"《{d.title}》政策解读")
        facts["metadata"] = {"interpretation": {"form": form, "form_label": label}}
    elif roll < 0.04:
        facts.update(kind="service_guide", title=f"{d.organisation.name}办事指南（{d.title[:20]}）")
        facts["metadata"] = {
            "disclosures": {"kind": "service_guide", "responsible_body": d.organisation.name}
        }
    elif roll < 0.045:
        facts.update(kind="power_item", title=f"行政权力事项：{d.title[:30]}")
        facts["metadata"] = {
            "disclosures": {
                "kind": "power_item",
                "power_kind_label": "行政检查",
                "legal_basis": "《中华人民共和国义务教育法》",
                "responsible_body": d.organisation.name,
            }
        }
    elif roll < 0.048:
        facts.update(kind="supervision_matter", title=f"监管事项：{d.title[:30]}")
        facts["metadata"] = {
            "disclosures": {
                "kind": "supervision_matter",
                "method": "双随机、一公开抽查",
                "results": [{"checked_on": day.isoformat(), "summary": "未发现问题。"}],
            }
        }
    elif roll < 0.05:
        facts.update(kind="reform", title=f"重点改革：{d.title[:30]}")
        facts["metadata"] = {
            "disclosures": {
                "kind": "reform",
                "reform_kind_label": "重点改革",
                "responsible_units": d.organisation.name,
                "progress": rng.randint(0, 100),
                "progress_on": day.isoformat(),
            }
        }
    roll = rng.random()
    facts["validity"] = "expired" if roll < 0.03 else "repealed" if roll < 0.04 else "valid"
    facts["validity_changed_on"] = (
        None if facts["validity"] == "valid" else day + timedelta(days=rng.randint(30, 700))
    )
    facts["withdrawn_at"] = (
        d.published_at + timedelta(days=rng.randint(1, 60)) if rng.random() < 0.005 else None
    )
    return facts


# --- Writing --------------------------------------------------------------------------------

RECORD_COLUMNS = (
    "id created_at updated_at title summary body document_number written_on formed_on "
    "theme five_disclosure disclosure withheld_ground validity validity_changed_on status "
    "published_at first_published_at withdrawn_at withdrawn_reason revision author_id item_id "
    "organisation_id current_version_id kind change_note return_reason validity_note"
).split()
VERSION_COLUMNS = (
    "id record_id number title summary body metadata attachment_ids change_note published_at"
).split()


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            names = ", ".join(columns)
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def load_records(count: int, orgs: dict[str, Organisation], specs: list[Spec], *, seed: int):
    items = {i.code: i for i in Item.objects.current()}
    author, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "基准测试"})
    generator = Generator(specs, seed=seed)
    rng = random.Random(seed * 7919)
    ops = connection.ops
    at = ops.adapt_datetimefield_value
    on = ops.adapt_datefield_value
    next_record = (Record.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_version = (RecordVersion.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    started = time.monotonic()
    documents = generator.documents(count)
    done = 0
    while done < count:
        records: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        for _ in range(min(BATCH, count - done)):
            d = next(documents)
            f = _mix(rng, d)
            item = items[d.item_code]
            withdrawn = f["withdrawn_at"]
            published = at(d.published_at)
            records.append(
                (
                    next_record,
                    published,
                    published,
                    f["title"],
                    "",
                    d.body,
                    "",
                    on(d.published_at.date()),
                    on(d.published_at.date()),
                    "教育",
                    item.five_disclosure,
                    "proactive",
                    "",
                    f["validity"],
                    on(f["validity_changed_on"]),
                    "withdrawn" if withdrawn else "published",
                    published,
                    published,
                    at(withdrawn),
                    "信息有误，已撤回。" if withdrawn else "",
                    0,
                    author.pk,
                    item.pk,
                    orgs[d.organisation.code].pk,
                    next_version,
                    f["kind"],
                    "",
                    "",
                    "",
                )
            )
            versions.append(
                (
                    next_version,
                    next_record,
                    1,
                    f["title"],
                    "",
                    d.body,
                    json.dumps(f["metadata"], ensure_ascii=False),
                    "[]",
                    "",
                    published,
                )
            )
            next_record += 1
            next_version += 1
        with transaction.atomic():
            _insert(Record._meta.db_table, RECORD_COLUMNS, records)
            _insert(RecordVersion._meta.db_table, VERSION_COLUMNS, versions)
        done += len(records)
        if done % 100_000 == 0 or done == count:
            rate = done / (time.monotonic() - started)
            print(f"{done} records, {rate:.0f}/s", flush=True)
    with connection.cursor() as cursor:  # the ids were ours: move the sequences past them
        for sql in ops.sequence_reset_sql(no_style(), [Record, RecordVersion]):
            cursor.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=None, help="3,000 (30,000 province)")
    parser.add_argument("--province", action="store_true", help="16 cities, 140 counties")
    parser.add_argument(
        "--append",
        action="store_true",
        help="top up a database this script loaded before to --records (a stopped run)",
    )
    args = parser.parse_args()
    count = args.organisations or (30000 if args.province else 3000)
    specs = build_province(count) if args.province else build_organisations(count)
    started = time.monotonic()
    existing = Record.objects.count()
    if args.append and existing:
        orgs = {o.code: o for o in Organisation.objects.all()}
        if set(orgs) != {s.code for s in specs}:
            raise SystemExit("the database holds other organisations than these options make")
        print(f"{existing} records there; adding {args.records - existing}", flush=True)
        # Another seed: new documents, spread over the same ten years as the first ones.
        load_records(max(0, args.records - existing), orgs, specs, seed=11 + existing)
    else:
        if existing or Organisation.objects.exists():
            raise SystemExit("the database already has data; use a fresh one (or --append)")
        orgs = load_organisations(specs)
        print(f"{len(orgs)} organisations", flush=True)
        load_records(args.records, orgs, specs, seed=11)
    print(f"records loaded in {time.monotonic() - started:.0f} s", flush=True)
    # What public pages read: the rows frozen at publication and their kept counts.
    from gongkai.records.public import rebuild

    rows_started = time.monotonic()
    with transaction.atomic():
        rows = rebuild()
    print(f"{rows} public rows in {time.monotonic() - rows_started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # The server as docs/deploy.md configures it for SSD storage: with the default
            # (4.0) the planner walks the site-wide date index and filters out the other
            # items instead of reading the item's own index (?page=50 at 5M: 5,842 buffers
            # against 605).
            name = connection.settings_dict["NAME"]
            cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
