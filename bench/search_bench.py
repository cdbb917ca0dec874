"""Search benchmark: build a large index on SQLite or PostgreSQL, then time a query mix.

    python bench/search_bench.py --vendor sqlite --records 100000
    python bench/search_bench.py --vendor postgresql --records 1000000 --workers 2
    python bench/search_bench.py --vendor sqlite --records 100000 --skip-build   # re-measure

The dataset comes from bench/search_corpus.py (3,000 organisations, realistic notices). It is
loaded in bulk, not through the publishing services: the index tables are filled directly
with the tokens ``gongkai.search.services.document`` builds (the same code the site uses),
with executemany in large transactions on SQLite and COPY into a staging table then one
INSERT … SELECT (and the GIN index built afterwards) on PostgreSQL. There are no Record rows
behind the entries, so the timed path is the index part of a search (count, ranking or
newest-first page, loading the 20 entries, snippets and highlighting) without the final
primary-key check against the records table (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_corpus import COUNTIES, Generator, build_organisations  # noqa: E402

CHUNK = 2000
SHANGHAI_OFFSET_HOURS = 8


def setup_django(vendor: str, database: str) -> None:
    if vendor == "sqlite":
        url = f"sqlite:///{database}"
    else:
        url = f"postgres://gongkai:gongkai@127.0.0.1:5432/{database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("AUDIT_KEY", "bench-only-audit-key-not-secret-0123456789")
    os.environ.setdefault("SITE_URL", "https://bench.example.gov.cn")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def recreate_database(vendor: str, database: str) -> None:
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(
        "postgresql://gongkai:gongkai@127.0.0.1:5432/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')


# --- Building ---------------------------------------------------------------------------------


def _build_chunk(args: tuple[int, int, int]) -> list[tuple]:
    """Generate and tokenise documents [start, start+count) (runs in a worker process)."""
    from gongkai.search import services

    start, count, total = args
    organisations = build_organisations(3000)
    generator = Generator(organisations, seed=11 + start)
    # Spread each chunk over its own slice of the ten years, so entry ids follow time.
    from datetime import datetime, timedelta

    end = datetime(2026, 11, 25, tzinfo=UTC)
    begin = end - timedelta(days=3650)
    step = (end - begin) / total
    rows = []
    for offset, doc in enumerate(generator.documents(count, start=begin + step * start)):
        pk = start + offset + 1
        published = begin + step * (start + offset)
        doc.published_at = published
        year = (published + timedelta(hours=SHANGHAI_OFFSET_HOURS)).year
        text = services.plain_text("", doc.body, [doc.attachment] if doc.attachment else [])
        tokens = services.document(
            title=doc.title,
            text=text,
            publisher=[doc.organisation.name],
            year=year,
            item_key=doc.item_code,
            organisation_path=doc.organisation.path,
        )
        rows.append(
            (
                pk,
                doc.title,
                doc.organisation.name,
                doc.item_code,
                doc.organisation.path,
                year,
                published.isoformat(),
                text[:20000],
                tokens.title,
                tokens.body,
                tokens.grams,
                tokens.facets,
            )
        )
    return rows


def _chunks(records: int) -> list[tuple[int, int, int]]:
    return [(s, min(CHUNK, records - s), records) for s in range(0, records, CHUNK)]


ENTRY_COLUMNS = (
    "id, record_id, title, organisation_name, item_key, organisation_path, year, "
    "published_at, validity, text, indexed_at"
)


def load_sqlite(rows_iter, records: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous = OFF")
    done = 0
    started = time.monotonic()
    for rows in rows_iter:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO search_searchentry ({ENTRY_COLUMNS}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'valid', %s, %s)",
                [(r[0], r[0], *r[1:8], r[6]) for r in rows],
            )
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, body, grams, facets) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(r[0], *r[8:12]) for r in rows],
            )
            cursor.execute("COMMIT")
        done += len(rows)
        _progress(done, records, started)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")


def load_postgres(rows_iter, records: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_entry_document")
        cursor.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS bench_staging (id bigint, title text, "
            "organisation_name text, item_key text, organisation_path text, year int, "
            "published_at timestamptz, text text, t_title text, t_body text, t_grams text, "
            "t_facets text)"
        )
    done = 0
    started = time.monotonic()
    raw = connection.connection  # psycopg 3
    for rows in rows_iter:
        with raw.cursor() as cursor, cursor.copy("COPY bench_staging FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        raw.commit()
        done += len(rows)
        _progress(done, records, started)
    print("building tsvectors …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO search_searchentry ({ENTRY_COLUMNS}, document) "  # noqa: S608
            "SELECT id, id, title, organisation_name, item_key, organisation_path, year, "
            "published_at, 'valid', text, published_at, "
            "setweight(to_tsvector('simple', t_title), 'A') || "
            "setweight(to_tsvector('simple', t_body), 'B') || "
            "setweight(to_tsvector('simple', t_grams), 'C') || "
            "setweight(to_tsvector('simple', t_facets), 'D') FROM bench_staging ORDER BY id"
        )
        cursor.execute("DROP TABLE bench_staging")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('search_searchentry', 'id'), %s)", [records]
        )
    raw.commit()
    print(f"GIN index … ({time.monotonic() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)"
        )
    raw.commit()
    raw.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchentry")
    raw.autocommit = False


def _progress(done: int, total: int, started: float) -> None:
    if done % 20000 < CHUNK or done == total:
        elapsed = time.monotonic() - started
        print(
            f"loaded {done}/{total} ({elapsed:.0f} s, {done / max(elapsed, 1e-9):.0f}/s)",
            flush=True,
        )


def build(vendor: str, records: int, workers: int) -> float:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    chunks = _chunks(records)
    with Pool(workers) as pool:
        rows_iter = pool.imap(_build_chunk, chunks)
        (load_sqlite if vendor == "sqlite" else load_postgres)(rows_iter, records)
    return time.monotonic() - started


# --- Measuring --------------------------------------------------------------------------------


def query_mix(seed: int = 3) -> list[tuple[str, dict]]:
    """(category, arguments for queries.match) — what parents and teachers type."""
    rng = random.Random(seed)
    organisations = build_organisations(3000)
    schools = [o for o in organisations if o.kind == "school"]
    counties = [name for _, name in COUNTIES]
    common = [
        "招生",
        "招生范围",
        "招生计划",
        "收费标准",
        "学生资助",
        "资助",
        "课后服务",
        "学籍",
        "营养改善计划",
        "教师招聘",
        "预算",
        "督导",
        "校车",
        "义务教育",
    ]
    mix: list[tuple[str, dict]] = []
    for _ in range(60):
        mix.append(("one word", {"raw": rng.choice(common)}))
    for _ in range(60):
        year = rng.randint(2017, 2026)
        mix.append(
            ("county+year+word", {"raw": f"{rng.choice(counties)} {year} {rng.choice(common)}"})
        )
    for _ in range(40):
        school = rng.choice(schools).name
        mix.append(
            (
                "school name (+word)",
                {"raw": f"{school} {rng.choice(['', '招生范围', '收费'])}".strip()},
            )
        )
    for _ in range(30):
        county = rng.choice(organisations[1:12])
        mix.append(
            (
                "word+filters",
                {
                    "raw": rng.choice(common),
                    "org": county.code,
                    "year": rng.randint(2017, 2026),
                    "item": rng.choice(["05.04", "05.03", "04.01", ""]),
                },
            )
        )
    for _ in range(30):
        mix.append(("newest first", {"raw": rng.choice(common), "order": "newest"}))
    for _ in range(20):
        mix.append(("page 3", {"raw": rng.choice(common), "page": 3}))
    for _ in range(20):
        mix.append(
            (
                "no match / bigram fallback",
                {"raw": rng.choice(["禾镇中", "量子计算", "人工智能课程", "青禾柳林", "研学旅行"])},
            )
        )
    rng.shuffle(mix)
    return mix


def run_query(args: dict) -> int:
    from gongkai.search import queries

    filters = queries.Filters(
        item_key=args.get("item", ""),
        organisation_code=args.get("org", ""),
        year=args.get("year"),
    )
    _, ids, pattern = queries.match(
        args["raw"],
        filters=filters,
        order=args.get("order", queries.RELEVANCE),
        page=args.get("page", 1),
    )
    found = queries.hits(ids, pattern, check_public=False)
    return len(found)


def measure(rounds: int) -> dict[str, list[float]]:
    mix = query_mix()
    for _, args in mix:  # warm the caches once, as a running site has them warm
        run_query(args)
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for category, args in mix:
            started = time.perf_counter()
            run_query(args)
            elapsed = (time.perf_counter() - started) * 1000
            timings[category].append(elapsed)
            timings["all"].append(elapsed)
    return timings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(timings: dict[str, list[float]]) -> None:
    print(f"{'category':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for category, values in sorted(timings.items(), key=lambda kv: kv[0] != "all"):
        print(
            f"{category:28} {len(values):5d} {statistics.median(values):8.1f} "
            f"{percentile(values, 95):8.1f} {max(values):8.1f}"
        )


def sanity() -> None:
    from gongkai.search import queries

    for raw in ["东昌府区 2025 招生范围", "临清市 2024 学生资助"]:
        results, ids, pattern = queries.match(raw)
        top = queries.hits(ids[:3], pattern, check_public=False)
        print(f"{raw!r}: {results.total}{'+' if results.total_capped else ''} matches; top:")
        for hit in top:
            print("   ", str(hit.title).replace("<mark>", "[").replace("</mark>", "]"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database", help="SQLite file or PostgreSQL database name")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    database = args.database or (
        str(ROOT / "var" / f"gk_bench_search_{args.records}.sqlite3")
        if args.vendor == "sqlite"
        else f"gk_bench_search_{args.records}"
    )
    if not args.skip_build:
        recreate_database(args.vendor, database)
    setup_django(args.vendor, database)
    if not args.skip_build:
        seconds = build(args.vendor, args.records, args.workers)
        print(f"built {args.records} entries on {args.vendor} in {seconds:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_searchentry")
        print(f"{args.vendor}: {cursor.fetchone()[0]} entries in {database}")
    sanity()
    report(measure(args.rounds))


if __name__ == "__main__":
    main()
