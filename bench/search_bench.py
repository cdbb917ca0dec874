"""Search benchmark: Gongkai's search against a Tantivy baseline, same corpus, same queries.

    python bench/search_bench.py --vendor sqlite --records 1000000 --data-dir /srv/bench
    python bench/search_bench.py --vendor postgresql --records 1000000 --data-dir /srv/bench
    python bench/search_bench.py --vendor sqlite --records 1000000 --data-dir /srv/bench \\
        --skip-build --with-database          # measure again; also the database backend

What is built (once; ``--skip-build`` reuses it), all from bench/search_corpus.py (3,000
organisations, realistic notices):

- ``corpus-N.sqlite3``: every document's fields and the token streams that
  ``gongkai.search.services.document`` makes of it (the site's own code), segmented once by
  ``--workers`` processes and shared by every build below;
- the database: ``search_searchentry`` rows (what a result line shows) and the database
  backend's full text (FTS5 / tsvector + GIN). There are no Record rows behind the entries,
  so the timed path skips the final primary-key check against the records table;
- ``index-N/``: Gongkai's embedded index, built by the backend's own ``rebuilding()``;
- ``baseline-N/``: the baseline, a plain Tantivy index of the same token streams (title +
  publisher + year, body, bigrams, filter tokens), BM25 with the database backend's column
  weights, the display fields stored in Tantivy's own document store.

What is timed, per query, Gongkai and the baseline interleaved (alternating which goes
first): the whole search a results page needs — parse the query (the same segmenter), count
every match, rank (or order newest first) and take one page of 20, fall back to character
pairs or to any term when nothing matches, load the page's titles and text and build the
highlighted snippets. Gongkai: ``queries.match`` + ``queries.hits`` (entries loaded from the
database); the baseline: Tantivy search + its document store. Also reported: the time inside
the engine alone, and whether both counted the same number of matches for every query.

Gongkai keeps each total it counted until the next commit of its index (a common word is
counted once, not per search) and where each query's page lay among the newest entries. The
baseline counts every time, so by default Gongkai forgets both before each query and counts
every match too, like for like;
``--kept-counts`` measures it as a running site searches, reading back what it counted.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_corpus import COUNTIES, Generator, build_organisations  # noqa: E402

CHUNK = 2000
SHANGHAI_OFFSET_HOURS = 8
CORPUS_COLUMNS = (
    "id, title, organisation_name, item_key, organisation_path, year, published_at, text, "
    "t_title, t_publisher, t_body, t_grams, t_title_grams, t_facets"
)


def setup_django(vendor: str, database: str, index_dir: Path) -> None:
    if vendor == "sqlite":
        url = f"sqlite:///{database}"
    else:
        url = f"postgres://gongkai:gongkai@127.0.0.1:5432/{database}"
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_BACKEND"] = "tantivy"
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("AUDIT_KEY", "bench-only-audit-key-not-secret-0123456789")
    os.environ.setdefault("SITE_URL", "http://localhost")
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


def _progress(what: str, done: int, total: int, started: float) -> None:
    if done % 50000 < CHUNK or done == total:
        elapsed = time.monotonic() - started
        rate = done / max(elapsed, 1e-9)
        print(f"{what}: {done}/{total} ({elapsed:.0f} s, {rate:.0f}/s)", flush=True)


# --- The corpus: documents and their tokens, segmented once -----------------------------------


def _build_chunk(args: tuple[int, int, int]) -> list[tuple[Any, ...]]:
    """Generate and tokenise documents [start, start+count) (runs in a worker process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from gongkai.search import services

    start, count, total = args
    organisations = build_organisations(3000)
    generator = Generator(organisations, seed=11 + start)
    # Spread each chunk over its own slice of the ten years, so entry ids follow time.
    end = datetime(2026, 11, 25, tzinfo=UTC)
    begin = end - timedelta(days=3650)
    step = (end - begin) / total
    rows = []
    for offset, doc in enumerate(generator.documents(count, start=begin + step * start)):
        pk = start + offset + 1
        published = begin + step * (start + offset)
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
                tokens.publisher,
                tokens.body,
                tokens.grams,
                tokens.title_grams,
                tokens.facets,
            )
        )
    return rows


def build_corpus(path: Path, records: int, workers: int) -> None:
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(
        "CREATE TABLE corpus (id INTEGER PRIMARY KEY, title, organisation_name, item_key, "
        "organisation_path, year, published_at, text, t_title, t_publisher, t_body, t_grams, "
        "t_title_grams, t_facets)"
    )
    chunks = [(s, min(CHUNK, records - s), records) for s in range(0, records, CHUNK)]
    started = time.monotonic()
    done = 0
    with Pool(workers) as pool:
        for rows in pool.imap(_build_chunk, chunks):
            db.executemany(f"INSERT INTO corpus VALUES ({', '.join('?' * 14)})", rows)  # noqa: S608
            db.commit()
            done += len(rows)
            _progress("segmented", done, records, started)
    db.close()
    tmp.rename(path)


def corpus_rows(path: Path, batch: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    db = sqlite3.connect(path)
    cursor = db.execute(f"SELECT {CORPUS_COLUMNS} FROM corpus ORDER BY id")  # noqa: S608
    while rows := cursor.fetchmany(batch):
        yield rows
    db.close()


def _title_side(row: tuple[Any, ...]) -> str:
    return " ".join(filter(None, [row[8], row[9]]))


# --- The database: entries and the database backend's full text ------------------------------

ENTRY_COLUMNS = (
    "id, record_id, title, organisation_name, item_key, organisation_path, year, "
    "published_at, validity, text, indexed_at"
)


def load_sqlite(corpus: Path, records: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous = OFF")
    started = time.monotonic()
    done = 0
    for rows in corpus_rows(corpus):
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
                [(r[0], _title_side(r), r[10], r[11], r[13]) for r in rows],
            )
            cursor.execute("COMMIT")
        done += len(rows)
        _progress("database", done, records, started)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")


def load_postgres(corpus: Path, records: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_entry_document")
        cursor.execute(
            "CREATE UNLOGGED TABLE IF NOT EXISTS bench_staging (id bigint, title text, "
            "organisation_name text, item_key text, organisation_path text, year int, "
            "published_at timestamptz, text text, t_title text, t_body text, t_grams text, "
            "t_facets text)"
        )
    started = time.monotonic()
    done = 0
    raw = connection.connection  # psycopg 3
    for rows in corpus_rows(corpus):
        with raw.cursor() as cursor, cursor.copy("COPY bench_staging FROM STDIN") as copy:
            for r in rows:
                copy.write_row((*r[:8], _title_side(r), r[10], r[11], r[13]))
        raw.commit()
        done += len(rows)
        _progress("database", done, records, started)
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


# --- The two Tantivy indexes ------------------------------------------------------------------


def build_gongkai_index(corpus: Path, records: int) -> None:
    """With the backend's own rebuild (new directory, made live at the end)."""
    from django.conf import settings

    from gongkai.search.backends import Document, Row
    from gongkai.search.backends.embedded import TantivyBackend

    engine = TantivyBackend(Path(settings.GONGKAI_SEARCH_INDEX_DIR))
    started = time.monotonic()
    done = 0
    with engine.rebuilding() as writer:
        for rows in corpus_rows(corpus):
            writer.add(
                [
                    Row(
                        record_id=r[0],
                        entry_id=r[0],
                        document=Document(
                            title=r[8],
                            publisher=r[9],
                            body=r[10],
                            grams=r[11],
                            title_grams=r[12],
                            facets=r[13],
                        ),
                    )
                    for r in rows
                ]
            )
            done += len(rows)
            _progress("gongkai index", done, records, started)
        print("committing and merging …", flush=True)
    print(f"gongkai index built in {time.monotonic() - started:.0f} s", flush=True)


def baseline_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("title", "body", "grams"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("facets", tokenizer_name="whitespace", index_option="basic")
    builder.add_unsigned_field("seq", fast=True)
    for name in ("title_text", "organisation", "text"):
        builder.add_bytes_field(name, stored=True, indexed=False)
    return builder.build()


def build_baseline(corpus: Path, path: Path, records: int) -> None:
    import tantivy

    from gongkai.search.backends.embedded import REBUILD_HEAP

    tmp = path.with_name(path.name + ".partial")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    index = tantivy.Index(baseline_schema(), path=str(tmp))
    writer = index.writer(heap_size=REBUILD_HEAP, num_threads=1)  # as Gongkai's rebuild
    started = time.monotonic()
    done = 0
    for rows in corpus_rows(corpus):
        for r in rows:
            doc = tantivy.Document()
            doc.add_unsigned("seq", r[0])
            for name, value in (
                ("title", _title_side(r)),
                ("body", r[10]),
                ("grams", r[11]),
                ("facets", r[13]),
            ):
                if value:
                    doc.add_text(name, value)
            doc.add_bytes("title_text", r[1].encode())
            doc.add_bytes("organisation", r[2].encode())
            doc.add_bytes("text", r[7].encode())
            writer.add_document(doc)
        done += len(rows)
        _progress("baseline index", done, records, started)
    print("committing and merging …", flush=True)
    writer.commit()
    writer.wait_merging_threads()
    tmp.rename(path)
    print(f"baseline built in {time.monotonic() - started:.0f} s", flush=True)


class Baseline:
    """Tantivy as an application would use it directly: BM25 over every match (the FTS5
    column weights: title 10, body 2, bigrams 0.5), count, one page, stored documents."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.index = tantivy.Index.open(str(path))
        self.schema = self.index.schema

    def query(self, q: Any) -> Any:
        from gongkai.search import segmenter

        tv = self.tantivy
        must, should = tv.Occur.Must, tv.Occur.Should

        def term(field: str, token: str, option: str = "freq") -> Any:
            return tv.Query.term_query(self.schema, field, token, index_option=option)

        parts = []
        for t in q.terms:
            pairs = segmenter.term_bigrams(t) if q.grams else []
            if pairs:
                parts.append(
                    tv.Query.boolean_query(
                        [(must, tv.Query.boost_query(term("grams", p), 0.5)) for p in pairs]
                    )
                )
            else:
                parts.append(
                    tv.Query.boolean_query(
                        [
                            (should, tv.Query.boost_query(term("title", t), 10.0)),
                            (should, tv.Query.boost_query(term("body", t), 2.0)),
                        ]
                    )
                )
        if q.any_term and len(parts) > 1:
            parts = [tv.Query.boolean_query([(should, p) for p in parts])]
        clauses = [(must, p) for p in parts]
        clauses += [
            (must, tv.Query.const_score_query(term("facets", f, "basic"), 0.0)) for f in q.facets
        ]
        return clauses[0][1] if len(clauses) == 1 else tv.Query.boolean_query(clauses)

    def search(self, args: dict[str, Any], engine_ms: list[float]) -> int:
        """The same steps as queries.search: parse, count, page, fallbacks, hits."""
        from dataclasses import replace

        from gongkai.search import queries, segmenter
        from gongkai.search.backends import Query

        parsed = segmenter.parse_query(args["raw"])
        facets = _filters(args).tokens()
        searcher = self.index.searcher()
        newest = args.get("order") == queries.NEWEST
        offset = (args.get("page", 1) - 1) * 20

        def run(q: Query) -> Any:
            started = time.perf_counter()
            if newest:
                found = searcher.search(
                    self.query(q), limit=20, offset=offset, count=True, order_by_field="seq"
                )
            else:
                found = searcher.search(self.query(q), limit=20, offset=offset, count=True)
            engine_ms.append((time.perf_counter() - started) * 1000)
            return found

        q = Query(terms=parsed.terms, facets=facets)
        found = run(q)
        if not found.count:
            fallback = queries._bigram_query(parsed, facets)
            if fallback is not None:
                q = fallback
                found = run(q)
        if not found.count and len(q.terms) > 1:
            q = replace(q, any_term=True)
            found = run(q)
        pattern = queries.highlighter(queries._display_terms(q))
        hits = []
        for _, address in found.hits:
            doc = searcher.doc(address)
            hits.append(
                (
                    queries.mark(doc.get_first("title_text").decode(), pattern),
                    queries.snippet(doc.get_first("text").decode(), pattern),
                    doc.get_first("organisation").decode(),
                )
            )
        return int(found.count)


# --- Measuring --------------------------------------------------------------------------------


def query_mix(seed: int = 3) -> list[tuple[str, dict[str, Any]]]:
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
    mix: list[tuple[str, dict[str, Any]]] = []
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


def _filters(args: dict[str, Any]) -> Any:
    from gongkai.search import queries

    return queries.Filters(
        item_key=args.get("item", ""),
        organisation_code=args.get("org", ""),
        year=args.get("year"),
    )


def forget_counts() -> None:
    """What the embedded index counted in this commit, the previous commit's totals it
    could carry over, and the windows of newest ids its pages needed (so every match is
    counted and every window found again: like for like with the baseline, which keeps
    nothing from one search to the next)."""
    from gongkai.search.backends import backend

    live = backend()._current()  # type: ignore[attr-defined]
    live.view.counts.clear()
    live.view.previous = None
    live.view.spans.clear()


def gongkai_search(args: dict[str, Any], engine_ms: list[float]) -> tuple[int, bool]:
    from gongkai.search import queries
    from gongkai.search.backends import backend

    engine = type(backend())
    original = engine.find

    def timed(*a: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            engine_ms.append((time.perf_counter() - started) * 1000)

    engine.find = timed  # type: ignore[method-assign]
    try:
        results, ids, pattern = queries.match(
            args["raw"],
            filters=_filters(args),
            order=args.get("order", queries.RELEVANCE),
            page=args.get("page", 1),
        )
    finally:
        engine.find = original  # type: ignore[method-assign]
    queries.hits(ids, pattern, check_public=False)
    return results.total, results.total_capped


def measure(
    rounds: int, baseline: Baseline, *, database: bool, kept_counts: bool = False
) -> tuple[dict[str, dict[str, list[float]]], int, int]:
    """Per system and category: the wall time of each query (ms). Also counts mismatches."""
    from django.test import override_settings

    mix = query_mix()
    systems = ["tantivy", "gongkai"] + (["database"] if database else [])
    timings: dict[str, dict[str, list[float]]] = {s: defaultdict(list) for s in systems}
    engine: dict[str, dict[str, list[float]]] = {s: defaultdict(list) for s in systems}
    mismatches = 0
    capped = 0

    def run(system: str, args: dict[str, Any], spent: list[float]) -> tuple[int, bool]:
        if system == "tantivy":
            return baseline.search(args, spent), False
        if system == "database":
            with override_settings(GONGKAI_SEARCH_BACKEND="database"):
                return gongkai_search(args, spent)
        return gongkai_search(args, spent)

    def untimed(system: str) -> None:
        if system == "gongkai" and not kept_counts:
            forget_counts()

    for _, args in mix:  # warm every cache once, as a running site has them warm
        for system in systems:
            run(system, args, [])
    for r in range(rounds):
        for i, (category, args) in enumerate(mix):
            order = systems if (i + r) % 2 == 0 else list(reversed(systems))
            counts = {}
            for system in order:
                spent: list[float] = []
                untimed(system)
                started = time.perf_counter()
                counts[system] = run(system, args, spent)
                elapsed = (time.perf_counter() - started) * 1000
                for key in (category, "all"):
                    timings[system][key].append(elapsed)
                    engine[system][key].append(sum(spent))
            if counts["gongkai"][0] != counts["tantivy"][0]:
                mismatches += 1
                if mismatches <= 5:
                    print(f"count differs for {args}: {counts}", flush=True)
            if database and counts["database"][1]:
                capped += 1
    return {**timings, **{f"{s} engine": engine[s] for s in systems}}, mismatches, capped


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(timings: dict[str, dict[str, list[float]]]) -> None:
    categories = sorted(timings["tantivy"], key=lambda c: (c != "all", c))
    database = "database" in timings
    head = "| category | n | Tantivy p50 / p95 | Gongkai p50 / p95 | ratio p50 / p95 |"
    rule = "|---|---|---|---|---|"
    if database:
        head += " database backend p50 / p95 |"
        rule += "---|"
    print(head)
    print(rule)
    for category in categories:
        base, ours = timings["tantivy"][category], timings["gongkai"][category]
        line = (
            f"| {category} | {len(ours)} | {statistics.median(base):.2f} / "
            f"{percentile(base, 95):.2f} | {statistics.median(ours):.2f} / "
            f"{percentile(ours, 95):.2f} | "
            f"{statistics.median(ours) / statistics.median(base):.2f} / "
            f"{percentile(ours, 95) / percentile(base, 95):.2f} |"
        )
        if database:
            db = timings["database"][category]
            line += f" {statistics.median(db):.2f} / {percentile(db, 95):.2f} |"
        print(line)
    print()
    print("Inside the engine only (Tantivy search calls; Gongkai's backend.find):")
    print("| category | Tantivy p50 / p95 | Gongkai p50 / p95 | ratio p95 |")
    print("|---|---|---|---|")
    for category in categories:
        base, ours = timings["tantivy engine"][category], timings["gongkai engine"][category]
        print(
            f"| {category} | {statistics.median(base):.2f} / {percentile(base, 95):.2f} | "
            f"{statistics.median(ours):.2f} / {percentile(ours, 95):.2f} | "
            f"{percentile(ours, 95) / max(percentile(base, 95), 1e-9):.2f} |"
        )


def database_counts(vendor: str) -> None:
    """What a true total costs the database backend: count every match of each common word."""
    from django.db import connection

    from gongkai.search import segmenter

    words = ["招生", "招生范围", "学生资助", "课后服务", "学籍", "义务教育", "校车", "督导"]
    print("| word | matches | count(*) ms |")
    print("|---|---|---|")
    for word in words:
        (term,) = segmenter.parse_query(word).terms
        if vendor == "sqlite":
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH %s"
            param = f'{{title body}} : "{term}"'
        else:
            sql = "SELECT count(*) FROM search_searchentry WHERE document @@ %s::tsquery"
            param = f"'{term}'"
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, [param])
                matches = cursor.fetchone()[0]
            best = min(best, (time.perf_counter() - started) * 1000)
        print(f"| {word} | {matches} | {best:.0f} |")


def sanity(baseline: Baseline) -> None:
    from gongkai.search import queries

    for raw in ["东昌府区 2025 招生范围", "临清市 2024 学生资助"]:
        results, ids, pattern = queries.match(raw)
        top = queries.hits(ids[:3], pattern, check_public=False)
        print(f"{raw!r}: {results.total} matches (baseline {baseline.search({'raw': raw}, [])});")
        for hit in top:
            print("   ", str(hit.title).replace("<mark>", "[").replace("</mark>", "]"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendor", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "search-bench")
    parser.add_argument(
        "--database", help="SQLite file or PostgreSQL database name (gk_search_bench_N)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="reuse the database; the corpus and the indexes are built only when missing",
    )
    parser.add_argument(
        "--kept-counts",
        action="store_true",
        help="let Gongkai read back the totals it counted in this commit (as a running site)",
    )
    parser.add_argument(
        "--with-database",
        action="store_true",
        help="also time the database backend (FTS5 / tsvector) and what counting costs it",
    )
    args = parser.parse_args()
    data = args.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    n = args.records
    database = args.database or (
        str(data / f"gk_search_bench_{n}.sqlite3")
        if args.vendor == "sqlite"
        else f"gk_search_bench_{n}"
    )
    corpus, index_dir, baseline_dir = (
        data / f"corpus-{n}.sqlite3",
        data / f"index-{n}",
        data / f"baseline-{n}",
    )
    if not args.skip_build:
        recreate_database(args.vendor, database)
    setup_django(args.vendor, database, index_dir)
    if not corpus.exists():
        build_corpus(corpus, n, args.workers)
    if not args.skip_build:
        from django.core.management import call_command

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        (load_sqlite if args.vendor == "sqlite" else load_postgres)(corpus, n)
        print(f"database loaded in {time.monotonic() - started:.0f} s", flush=True)
    # The indexes are the same for both databases (ids 1..N); delete one to rebuild it.
    if not (index_dir / "CURRENT").exists():
        build_gongkai_index(corpus, n)
    if not baseline_dir.exists():
        build_baseline(corpus, baseline_dir, n)
    from django.db import connection

    from gongkai.search.backends import backend

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_searchentry")
        print(f"{args.vendor}: {cursor.fetchone()[0]} entries in {database}")
    baseline = Baseline(baseline_dir)
    print(f"gongkai index: {backend().status()}")
    print(
        f"baseline: {baseline.index.searcher().num_docs} documents, "
        f"{baseline.index.searcher().num_segments} segments"
    )
    print(f"load average: {os.getloadavg()}")
    sanity(baseline)
    timings, mismatches, capped = measure(
        args.rounds, baseline, database=args.with_database, kept_counts=args.kept_counts
    )
    print("gongkai: " + ("kept totals read back" if args.kept_counts else "every match counted"))
    print(f"queries whose count differs between Gongkai and the baseline: {mismatches}")
    if args.with_database:
        print(f"database backend: {capped} query runs whose count stopped at its candidate limit")
    print(f"load average after: {os.getloadavg()}")
    report(timings)
    if args.with_database:
        print()
        database_counts(args.vendor)


if __name__ == "__main__":
    main()
