"""The database backends: SQLite FTS5 and a PostgreSQL tsvector, in the database itself.

Both index the same pre-segmented tokens (``segmenter``) and answer the same two questions:
which entries match, newest first (up to a limit, which also gives the count); and which of
those candidates match best. Ranking is bounded on purpose: bm25/ts_rank over every match of
a common word takes seconds at a million records, over the newest 2,000 a few milliseconds
(docs/decisions/0003-search.md, docs/benchmarks.md). So the count stops there too
("超过 2000 条"): this is the backend for several app servers on several machines, where the
embedded index (``embedded``), which counts and ranks every match, cannot be shared.

Query strings are built only from tokens that are runs of letters and digits (see
``segmenter.parse_query``), each one quoted, so no user input reaches FTS5 or tsquery syntax.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from gongkai.search import conf, segmenter
from gongkai.search.backends import NEWEST, Found, Query, Row


def _fetch_ids(sql: str, params: Sequence[Any], *, plan_each_time: bool = False) -> list[int]:
    with connection.cursor() as cursor:
        if plan_each_time and connection.vendor == "postgresql":
            # The best plan depends on the words — a rare word: the GIN index; a common one:
            # the primary key backwards — so a prepared, generic plan (the site prepares
            # repeated queries, docs/decisions/0012) must not be reused for full-text matches.
            cursor.cursor.execute(sql, params, prepare=False)
        else:
            cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def title_rank(query: Query, candidates: Sequence[int], *, offset: int, limit: int) -> list[int]:
    """Candidates (each holding every term) ordered by how much of the query their title
    side — title, publisher, year, the fields the index weighs most — holds, each term
    weighing its length (招生范围 more than 小学), twice in the title itself; ties newest
    first.

    "东昌府区 2025 招生范围" thus puts 东昌府区's 2025 notice on enrolment zones above notices
    that mention those words in passing, as the weighted bm25 did, for the cost of reading
    2,000 short rows instead of every posting of every term."""
    terms = [segmenter.normalise(t) for t in query.terms]
    placeholders = ", ".join(["%s"] * len(candidates))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, organisation_name, year FROM search_searchentry "  # noqa: S608
            f"WHERE id IN ({placeholders})",
            list(candidates),
        )
        rows = cursor.fetchall()
    scored = []
    for pk, title, publisher, year in rows:
        title = segmenter.normalise(title)
        side = segmenter.normalise(f"{publisher} {year or ''}")
        # A term in the title itself counts double: "2025年…招生范围" published in 2025
        # before "2026年…招生范围" published in 2025, for "东昌府区 2025 招生范围".
        score = sum(len(t) * (2 if t in title else 1 if t in side else 0) for t in terms)
        scored.append((score, pk))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    return [pk for _, pk in scored[offset : offset + limit]]


class DatabaseBackend:
    """What both database backends share: the bounded candidate set and the writer, which
    writes in the caller's database transaction (nothing is left to commit afterwards)."""

    name = "database"
    vendor: str
    #: Default size of the candidate set (newest matches that are ranked and counted).
    CANDIDATES: int

    def newest(self, query: Query, *, limit: int) -> list[int]:
        raise NotImplementedError

    def rank(
        self, query: Query, candidates: Sequence[int], *, offset: int, limit: int
    ) -> list[int]:
        raise NotImplementedError

    def find(self, query: Query, *, order: str, offset: int, limit: int) -> Found:
        """One newest-first scan gives the candidates, the count and the newest-first pages;
        relevance ranks the candidates only."""
        window = conf.candidates(self.CANDIDATES)
        candidates = self.newest(query, limit=window + 1)
        capped = len(candidates) > window
        candidates = candidates[:window]
        if order == NEWEST:
            ids = candidates[offset : offset + limit]
        else:
            ids = self.rank(query, candidates, offset=offset, limit=limit) if candidates else []
        return Found(total=len(candidates), record_ids=_record_ids(ids), total_capped=capped)

    def add(self, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def delete(self, record_ids: Sequence[int], entry_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        """Everything was written in the database transaction."""

    def clear(self) -> None:
        raise NotImplementedError

    @contextmanager
    def writing(self, *, wait: float = 0) -> Iterator[DatabaseBackend]:
        # The database's own locks order concurrent writers (services locks the records).
        yield self

    @contextmanager
    def rebuilding(self) -> Iterator[DatabaseBackend]:
        # Rebuilt in place, batch by batch (services.reindex replaces the entries).
        yield self

    @contextmanager
    def running(self) -> Iterator[None]:
        # Any number of followers may sweep the queue; publishing processes apply it
        # themselves in their own transaction's wake.
        yield

    def runner_is_running(self) -> bool:
        return False

    def is_empty(self) -> bool:
        return False  # the full text lives in the entries' own rows or beside them

    def wake(self) -> None:
        """Publishing processes apply the queue themselves."""

    def wake_key(self) -> object:
        return None

    def status(self) -> dict[str, object]:
        return {
            "后端": f"数据库全文检索（{self.vendor}）",
            "候选上限": conf.candidates(self.CANDIDATES),
        }


def _record_ids(entry_ids: Sequence[int]) -> list[int]:
    """The records of a page of entries, in the same order."""
    if not entry_ids:
        return []
    placeholders = ", ".join(["%s"] * len(entry_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, record_id FROM search_searchentry WHERE id IN ({placeholders})",  # noqa: S608
            list(entry_ids),
        )
        records = dict(cursor.fetchall())
    return [records[pk] for pk in entry_ids if pk in records]


class SQLiteBackend(DatabaseBackend):
    """FTS5 with the unicode61 tokenizer over space-separated tokens; rowid = entry id."""

    vendor = "sqlite"
    CANDIDATES = 2000
    #: bm25 column weights: title, body, grams, facets.
    WEIGHTS = (10.0, 2.0, 0.5, 0.0)

    @staticmethod
    def expression(query: Query) -> str:
        parts: list[str] = []
        for term in query.terms:
            pairs = segmenter.term_bigrams(term) if query.grams else []
            if pairs:
                parts.append("(" + " AND ".join(f'grams : "{p}"' for p in pairs) + ")")
            else:
                parts.append(f'{{title body}} : "{term}"')
        if query.any_term and len(parts) > 1:
            parts = ["(" + " OR ".join(parts) + ")"]
        parts += [f'facets : "{f}"' for f in query.facets]
        return " AND ".join(parts)

    def add(self, rows: Sequence[Row]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, body, grams, facets) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        r.entry_id,
                        r.document.title_side,
                        r.document.body,
                        r.document.grams,
                        r.document.facets,
                    )
                    for r in rows
                ],
            )

    def delete(self, record_ids: Sequence[int], entry_ids: Sequence[int]) -> None:
        if entry_ids:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in entry_ids]
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def newest(self, query: Query, *, limit: int) -> list[int]:
        return _fetch_ids(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
            [self.expression(query), limit],
        )

    def rank(
        self, query: Query, candidates: Sequence[int], *, offset: int, limit: int
    ) -> list[int]:
        if not candidates:
            return []
        if not query.any_term:
            # bm25 counts, for every query, how many documents hold each term: a scan of the
            # whole posting list of 小学 or 招生 (60-100 ms at a million records). Every
            # candidate holds every term, so what tells them apart is where: see title_rank.
            return title_rank(query, candidates, offset=offset, limit=limit)
        # Nothing held every term (rare): bm25 puts the records with the most terms first.
        # The candidates are the newest matches, so the oldest of them bounds a rowid range
        # that FTS5 can rank cheaply (an IN list of 2,000 rowids is not cheap for FTS5).
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        return _fetch_ids(
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s "  # noqa: S608
            f"ORDER BY bm25(search_fts, {weights}), rowid DESC LIMIT %s OFFSET %s",
            [self.expression(query), min(candidates), limit, offset],
        )


class PostgresBackend(DatabaseBackend):
    """A weighted tsvector ('simple' configuration: no stemming, no stop words) with a GIN
    index. Title tokens weigh A, body B, bigrams C, filter tokens D."""

    vendor = "postgresql"
    #: Smaller than SQLite's: PostgreSQL tests each candidate's (TOASTed) tsvector on the way
    #: (the walk) or fetches each from the heap (the GIN windows), about 3.4 µs a row; 500
    #: keeps a common word's page near 10 ms at 1M entries (2,000: p95 102 ms against 79).
    CANDIDATES = 500
    #: ts_rank weights in PostgreSQL's order {D, C, B, A}. ts_rank combines the matches of
    #: every pair of terms like a probabilistic OR, so a long body repeating the words
    #: saturates towards 1 whatever its weight; the title-only rank is therefore added
    #: separately, and the whole-document rank is normalised by length (flag 1).
    TITLE_WEIGHTS = "{0, 0, 0, 1}"
    ALL_WEIGHTS = "{0, 0.1, 0.4, 1}"
    VECTOR = (
        "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
        " || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')"
    )

    @staticmethod
    def expression(query: Query) -> str:
        parts: list[str] = []
        for term in query.terms:
            pairs = segmenter.term_bigrams(term) if query.grams else []
            if pairs:
                parts.append("(" + " & ".join(f"'{p}'" for p in pairs) + ")")
            else:
                parts.append(f"'{term}'")
        if query.any_term and len(parts) > 1:
            parts = ["(" + " | ".join(parts) + ")"]
        # No weight restrictions (':AB'): with them GIN cannot answer alone and every match
        # is rechecked against its (TOASTed) tsvector. Without them a two-character word may
        # also match the same two characters in the bigram stream, which is the same text.
        parts += [f"'{f}'" for f in query.facets]
        return " & ".join(parts)

    def add(self, rows: Sequence[Row]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE search_searchentry SET document = {self.VECTOR} WHERE id = %s",  # noqa: S608
                [
                    (
                        r.document.title_side,
                        r.document.body,
                        r.document.grams,
                        r.document.facets,
                        r.entry_id,
                    )
                    for r in rows
                ],
            )

    def delete(self, record_ids: Sequence[int], entry_ids: Sequence[int]) -> None:
        """The vector lives in the entry's row, so deleting the entry deletes it."""

    def clear(self) -> None:
        """As for delete: nothing outside the entry table."""

    #: Where a word is common enough (more than this share of all entries), walking the
    #: primary key backwards finds the newest matches soonest; below it, intersecting the GIN
    #: index with a window of ids does. Measured at 1M entries (docs/benchmarks.md): the
    #: walk costs ~3.4 µs per entry passed (its tsvector is detoasted and tested); the
    #: intersection ~0.14 µs per posting of the words plus ~4 µs per match in the window.
    WALK_ABOVE = 0.125

    def newest(self, query: Query, *, limit: int) -> list[int]:
        """The newest ``limit`` matches, found window by window from the newest entry.

        PostgreSQL's own choice goes wrong at scale: it prices the backward walk as if
        matches were spread evenly over time, which they are not — "莘县 2017 招生" has 6,000
        matches, all old, and the walk passed 900,000 newer entries first (3 s). Here the
        planner's estimate of the matches (its word statistics are good) sizes a first window
        that should hold ``limit`` matches one and a half times over; a window that holds too
        few is followed by a larger one, down to the oldest entry.

        """
        expression = self.expression(query)
        matches, entries, newest_id = self._estimate(expression)
        walk = matches > self.WALK_ABOVE * entries
        # Words that go together (a school's name and its township) fool the estimate: 229
        # expected, 22,091 found. So the first window is at most an eighth of the entries.
        window = max(float(limit), min(1.5 * limit * entries / max(matches, 1.0), entries / 8))
        found: list[int] = []
        high = newest_id + 1
        while len(found) < limit and high > 0:
            low = max(0, int(high - window))
            if walk:
                found += self._walk(expression, low, high, limit - len(found))
            else:
                found += self._gin(expression, low, high, limit - len(found))
            # Each GIN window reads the words' whole posting lists again, so after the first
            # one the rest is read at once; a walk only reads the window, so it doubles.
            high, window = low, (window * 2 if walk else float(low))
        return found

    @staticmethod
    def _window(expression: str, low: int, high: int, limit: int) -> list[int]:
        return _fetch_ids(
            "SELECT id FROM search_searchentry WHERE document @@ %s::tsquery "
            "AND id >= %s AND id < %s ORDER BY id DESC LIMIT %s",
            [expression, low, high, limit],
            plan_each_time=True,
        )

    @classmethod
    def _walk(cls, expression: str, low: int, high: int, limit: int) -> list[int]:
        return cls._window(expression, low, high, limit)  # the planner walks the bounded key

    @classmethod
    def _gin(cls, expression: str, low: int, high: int, limit: int) -> list[int]:
        with transaction.atomic(), connection.cursor() as cursor:
            # Bitmaps only: the GIN index intersected with the id range, then sorted.
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            return cls._window(expression, low, high, limit)

    @staticmethod
    def _estimate(expression: str) -> tuple[float, float, int]:
        """The planner's estimate of the matches, the number of entries and the newest id:
        two round trips, nothing executed."""
        with connection.cursor() as cursor:
            cursor.cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT id FROM search_searchentry "
                "WHERE document @@ %s::tsquery",
                [expression],
                prepare=False,
            )
            plan = cursor.fetchone()[0]
            cursor.execute(
                "SELECT GREATEST(reltuples, 1), (SELECT MAX(id) FROM search_searchentry) "
                "FROM pg_class WHERE oid = 'search_searchentry'::regclass"
            )
            entries, newest_id = cursor.fetchone()
        if isinstance(plan, str):  # a driver that does not decode json
            import json

            plan = json.loads(plan)
        return float(plan[0]["Plan"]["Plan Rows"]), float(entries), int(newest_id or 0)

    def rank(
        self, query: Query, candidates: Sequence[int], *, offset: int, limit: int
    ) -> list[int]:
        if not query.any_term:  # as on SQLite: where the terms are, not how often
            return title_rank(query, candidates, offset=offset, limit=limit)
        # Nothing held every term: ts_rank puts the candidates with the most terms first.
        # Candidates by primary key: ranking reads 500 rows, never every match.
        expression = self.expression(query)
        return _fetch_ids(
            "SELECT id FROM search_searchentry WHERE id = ANY(%s) "
            "ORDER BY ts_rank(%s::float4[], document, %s::tsquery) "
            "+ 0.5 * ts_rank(%s::float4[], document, %s::tsquery, 1) DESC, id DESC "
            "LIMIT %s OFFSET %s",
            [
                list(candidates),
                self.TITLE_WEIGHTS,
                expression,
                self.ALL_WEIGHTS,
                expression,
                limit,
                offset,
            ],
        )


BACKENDS: dict[str, type[DatabaseBackend]] = {
    "sqlite": SQLiteBackend,
    "postgresql": PostgresBackend,
}
