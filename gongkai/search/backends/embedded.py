"""The embedded index: Tantivy in a directory beside the database (the default backend).

Tantivy counts and ranks every match of a query in a few milliseconds at a million entries,
where the database backends stop at the newest 2,000 (docs/decisions/0018). It holds only
what matching needs — the token streams, the record id and the entry id — and the database
stays the source: ``SearchEntry`` rows carry what a result shows, changes reach the index
through a queue written in the publishing transaction (``services``), and the whole index
can be rebuilt from the database at any time (``manage.py search reindex``).

The directory ``GONGKAI_SEARCH_INDEX_DIR``::

    CURRENT         the name of the live index directory; a rebuild replaces it in one rename
    index-<stamp>/  a Tantivy index, with gongkai.json (schema version, recency step)
    index-<stamp>/changes.json   the last commits' changes, for carrying totals over
    writer.lock     held (flock) by the one process that writes the index at a time
    runner.lock     held by the job runner's follower for as long as it runs
    wake            touched when a publication queued a change, so the follower looks now

**Several processes.** Tantivy allows one writer per index; every gunicorn worker is a
reader. A reader checks ``CURRENT`` and the index's ``meta.json`` (two ``stat`` calls, a few
microseconds) before every search and reloads when a writer has committed, so each process
sees a commit at its next search. Whoever applies queued changes holds ``writer.lock`` while
it does: the job runner's follower, or — when no runner is running (development, tests, a
tiny site) — the process that published, right after its commit.

**Counting.** Every total is the true number of matches. Counting a common word's matches
is the one part of a search that grows with the index (a few nanoseconds a match: about 5 ms
for the 390,000 of 招生 at a million entries), so each process counts a query once per commit
of the index and reads the total back for the next searches of that commit (``_View``). After
a commit it carries each total over instead of counting again: the writer logs what each
commit changed (``CHANGES``: the records whose entries it deleted or added), and the new
total is the old one less those records' entries matching before, plus those matching now
(``_View._carried``). A commit the log cannot link (a rebuild, a crash between a commit and
its line) makes the next search count again.

**Ranking.** Relevance is what the database backends compute for their candidates
(``database.title_rank``), over every match: each query term adds its length once if the entry
holds it anywhere, three times in the title or twice in the publisher, 文号 or year — whole
numbers; ties go to the newer entry. Tantivy's ties go to the older document, so ``find`` gets
the exact order cheaply: from the entries with every term in the title (the highest score)
newest first in a window of the newest ids when they fill the page; otherwise from one scored
search that fetches the tie with the page's last entry whole, or settles a large tie among the
newest ids; a per-entry ``recency`` weight is the last resort (docs/decisions/0018).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from gongkai.search import segmenter
from gongkai.search.backends import NEWEST, Found, IndexBusy, Query, Row

#: Bump when the fields change: an index of another version must be rebuilt.
SCHEMA_VERSION = 1
TEXT_FIELDS = ("title", "publisher", "body", "grams", "title_grams", "facets")
#: Whitespace-separated tokens (segmented in Python); a token longer than this is noise
#: (a pasted hash or base64 run) and Tantivy refuses terms over 64 KB.
ANALYZER = "gongkai_tokens"
MAX_TOKEN_BYTES = 256

#: The recency weight: entry ids in blocks of 2**shift, block b weighs b * RECENCY_STEP, at
#: most RECENCY_BLOCKS blocks. Tantivy multiplies a score by log2(2 + weight) in f32; with
#: these values every block stays distinct and below the next whole score for scores up to
#: 300 (measured: the weights of 16,384 blocks give 16,384 distinct scores at 1, 150 and
#: 300). Queries keep their scores within that (``_weights``).
RECENCY_STEP = 2.0**-22
RECENCY_BLOCKS = 16_384
MAX_SCORE = 300
#: Blocks of 256 entry ids cover 4M ids; a rebuild chooses larger blocks when it must.
MIN_SHIFT = 8

#: A page's window of newest ids is kept this much wider than it needed (``_View.spans``),
#: so that a few withdrawals do not make the next search widen it again.
SPAN_ROOM = 1.25

#: Ranking fetches this many hits past the page, so that the entries tied with the last one
#: on the page are usually all there to be ordered newest first.
TIE_FETCH = 2000

#: Counts kept per commit of the index (``_View``): a search's total, and how many entries hold
#: every term in the title. A common word's total takes milliseconds at a million entries and
#: grows with them; kept, every later search of it until the next commit reads it back. The
#: next commit's view carries a kept total over by counting only the entries the commits
#: between changed (``CHANGES``), so a total is never older than the entries it counts. At
#: most this many per view (then it starts again).
COUNT_MEMO = 4096

#: Each index directory's log of its last commits (``_Writer.commit``): for each, the opstamp
#: it started from, the one it made, and the records whose entries it deleted or added (None:
#: it deleted by other means, or changed too many records to list). A reader moving from one
#: commit to a later one carries its kept totals over when the log links them; otherwise it
#: counts again.
CHANGES = "changes.json"
CHANGES_KEPT = 64
CHANGES_MAX_RECORDS = 5000
#: Up to this many changed records are looked up one term each (``_View._carried``).
FEW_RECORDS = 64

WRITER_HEAP = 32_000_000
REBUILD_HEAP = 256_000_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        # "basic": documents only, no frequencies or positions — relevance here is where a
        # word is, not how often, and phrase queries are not used.
        builder.add_text_field(name, tokenizer_name=ANALYZER, index_option="basic")
    builder.add_unsigned_field("record", indexed=True, fast=True)
    builder.add_unsigned_field("seq", fast=True)
    builder.add_float_field("recency", fast=True)
    return builder.build()


SCHEMA = _schema()


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .build()
    )


class IndexOutdated(Exception):
    """The index on disk was built by another version of the schema: rebuild it."""


def is_outdated(root: Path) -> bool:
    """True when the live index was built for another schema (a system check warns)."""
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
        meta = json.loads((root / name / "gongkai.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # none yet: it is created on first use
    return bool(meta.get("schema") != SCHEMA_VERSION)


@dataclass
class _View:
    """One commit of the index as this process sees it: one searcher for every search until
    the next commit, and what was counted in it (only what this searcher counted, so the
    counts and the hits always come from the same documents)."""

    searcher: tantivy.Searcher
    counts: dict[tuple[str, Query], int] = field(default_factory=dict)
    #: The commit (``meta.json``'s opstamp) this searcher reads; None if not known for sure.
    opstamp: int | None = None
    #: The view before this one, whose kept totals this one carries over (``_carried``), and
    #: the records whose entries the commits between them deleted or added.
    previous: _View | None = None
    changes: frozenset[int] = frozenset()
    #: The highest entry id in this commit: from the commit log (the previous view's, or
    #: above it the highest the commits added), else searched once (``_newest_seq``).
    newest: int | None = None
    #: The previous commit's highest entry id: entry ids only grow, so this commit's is
    #: found among the entries above it (or is it, at most: see ``_newest_seq``).
    floor: int | None = None
    #: The window of newest ids a query's page last needed (``_newest_in_title``), shared by
    #: the views that follow: only where the next search starts looking, so a commit cannot
    #: make it wrong, only too small (it grows again) or larger than needed.
    spans: dict[tuple[Query, int], float] = field(default_factory=dict)

    def count(self, kind: str, query: Query, make: Callable[[Query], tantivy.Query]) -> int:
        """How many entries ``make(query)`` matches, counted once per commit."""
        known = self.counts.get((kind, query))
        if known is None:
            q = make(query)
            known = self._carried(kind, query, q)
            if known is None:
                known = _count(self.searcher.search(q, limit=1, count=True))
                self.keep(kind, query, known)
        return known

    def search_matching(
        self, q: tantivy.Query, query: Query, **options: Any
    ) -> tuple[tantivy.SearchResult, int]:
        """``q``'s hits (``q`` matches what ``query`` matches, in another order or scored),
        and the total: counted by the same search unless this commit counted it already."""
        known = self.counts.get(("matching", query))
        if known is None:
            known = self._carried("matching", query, q)
        result = self.searcher.search(q, count=known is None, **options)
        if known is None:
            known = _count(result)
            self.keep("matching", query, known)
        return result, known

    def keep(self, kind: str, query: Query, total: int) -> None:
        if len(self.counts) >= COUNT_MEMO:
            self.counts.clear()
        self.counts[(kind, query)] = total

    def _carried(self, kind: str, query: Query, q: tantivy.Query) -> int | None:
        """The previous view's total for ``query`` brought to this commit, or None.

        Only the changed records' entries differ between the two commits (merges move
        entries, never change them). So this commit's total is the previous one, less those
        entries matching there, plus those matching here: two counts of a few entries (a term
        lookup per record), where counting again reads every match (a common word's 390,000
        at a million entries)."""
        previous = self.previous
        if previous is None:
            return None
        total = previous.counts.get((kind, query))
        if total is None:
            return None
        if self.changes:
            records = sorted(self.changes)
            # A few records as term queries, whose postings lead the intersection (80 µs at
            # 5M entries); a term set is a bitmap of every entry (300 µs), for many records.
            changed = (
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Should, tantivy.Query.term_query(SCHEMA, "record", pk))
                        for pk in records
                    ]
                )
                if len(records) <= FEW_RECORDS
                else tantivy.Query.term_set_query(SCHEMA, "record", records)
            )
            within = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, q),
                    (tantivy.Occur.Must, tantivy.Query.const_score_query(changed, 0.0)),
                ]
            )
            before = _count(previous.searcher.search(within, limit=1, count=True))
            after = _count(self.searcher.search(within, limit=1, count=True))
            total += after - before
        self.keep(kind, query, total)
        return total


@dataclass
class _Live:
    """One process's reader of one index directory."""

    name: str
    index: tantivy.Index
    shift: int
    current_key: tuple[int, int]
    meta_key: tuple[int, int, int]
    view: _View


def _file_key(path: Path) -> tuple[int, int, int]:
    # Tantivy and this module replace these files by renaming a new one over them, so the
    # inode changes on every write even when the clock has not moved.
    stat = path.stat()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@contextmanager
def _flock(path: Path, *, wait: float, shared: bool = False) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(str(path)) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _weights(terms: Sequence[str]) -> list[float]:
    """Each term weighs its length (招生范围 more than 小学), scaled down if a long query
    would push scores past what the recency weight leaves exact."""
    lengths = [max(1, len(t)) for t in terms]
    total = 3 * sum(lengths)
    if total > MAX_SCORE:
        lengths = [max(1, length * MAX_SCORE // total) for length in lengths]
    return [float(length) for length in lengths]


class _Writer:
    """Changes collected by Tantivy's writer; ``commit`` makes them durable and visible."""

    def __init__(
        self,
        backend: TantivyBackend,
        index: tantivy.Index,
        shift: int,
        heap: int,
        path: Path | None = None,
    ):
        self.backend = backend
        self.shift = shift
        self.path = path  # the index directory, whose CHANGES a commit adds to
        self.writer = index.writer(heap_size=heap, num_threads=1)
        self._forget_changes()

    def _forget_changes(self) -> None:
        """Start noting the next commit's changes."""
        self.changed: set[int] | None = set()  # records deleted or added; None: unknown
        self.newest = 0  # the highest entry id added (0: none)

    def _note(self, record_ids: Iterator[int]) -> None:
        if self.changed is not None:
            self.changed.update(record_ids)
            if len(self.changed) > CHANGES_MAX_RECORDS:
                self.changed = None

    def delete(self, record_ids: Sequence[int], entry_ids: Sequence[int]) -> None:
        self._note(int(pk) for pk in record_ids)
        if record_ids:
            # By query: delete_documents_by_term converts a Python int to a signed term,
            # which never equals the unsigned field's.
            self.writer.delete_documents_by_query(
                tantivy.Query.term_set_query(SCHEMA, "record", [int(pk) for pk in record_ids])
            )

    def add(self, rows: Sequence[Row]) -> None:
        top = RECENCY_BLOCKS - 1
        self._note(int(row.record_id) for row in rows)
        self.newest = max([self.newest, *(int(row.entry_id) for row in rows)])
        for row in rows:
            doc = tantivy.Document()
            doc.add_unsigned("record", row.record_id)
            doc.add_unsigned("seq", row.entry_id)
            doc.add_float("recency", min(row.entry_id >> self.shift, top) * RECENCY_STEP)
            for name in TEXT_FIELDS:
                value = getattr(row.document, name)
                if value:
                    doc.add_text(name, value)
            self.writer.add_document(doc)

    def delete_all(self) -> None:
        self.writer.delete_all_documents()
        self.changed = None

    def commit(self) -> None:
        before = self.writer.commit_opstamp
        made = self.writer.commit()
        if self.path is not None:
            _log_commit(self.path, before, made, self.changed, self.newest)
        self._forget_changes()
        self.backend.refresh()

    def rollback(self) -> None:
        self.writer.rollback()

    def close(self) -> None:
        # Waits for merges Tantivy started after the commit, then frees the writer lock.
        self.writer.wait_merging_threads()


class TantivyBackend:
    name = "tantivy"

    _instances: dict[tuple[int, str], TantivyBackend] = {}
    _instances_lock = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._live: _Live | None = None

    @classmethod
    def for_settings(cls) -> TantivyBackend:
        """One instance per process and directory (a forked worker opens its own)."""
        root = Path(settings.GONGKAI_SEARCH_INDEX_DIR)
        key = (os.getpid(), str(root))
        instance = cls._instances.get(key)
        if instance is None:
            with cls._instances_lock:
                instance = cls._instances.setdefault(key, cls(root))
        return instance

    # --- Reading ------------------------------------------------------------------------

    def _open(self, name: str, current_key: tuple[int, int]) -> _Live:
        path = self.root / name
        meta = json.loads((path / "gongkai.json").read_text(encoding="utf-8"))
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexOutdated(f"检索索引 {path} 的版本已过时，请运行 manage.py search reindex。")
        meta_key = _file_key(path / "meta.json")
        stamp = _opstamp(path)
        index = tantivy.Index.open(str(path))
        index.register_tokenizer(ANALYZER, _analyzer())
        view = _View(index.searcher(), opstamp=_still(path, stamp))
        return _Live(name, index, int(meta["recency_shift"]), current_key, meta_key, view)

    def _current(self) -> _Live:
        """The live index, reloaded if another process committed or rebuilt since."""
        with self._lock:
            for attempt in range(3):
                try:
                    return self._refresh_locked()
                except FileNotFoundError:
                    # CURRENT missing (a new site) or a rebuild removed the directory named
                    # a moment ago: create, or read CURRENT again.
                    if not (self.root / "CURRENT").exists():
                        self._create_first()
                    elif attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _refresh_locked(self) -> _Live:
        current = self.root / "CURRENT"
        stat = current.stat()
        current_key = (stat.st_ino, stat.st_mtime_ns)
        live = self._live
        if live is None or live.current_key != current_key:
            name = current.read_text(encoding="utf-8").strip()
            if live is not None and live.name == name:
                live.current_key = current_key
            else:
                live = self._live = self._open(name, current_key)
        meta_key = _file_key(self.root / live.name / "meta.json")
        if meta_key != live.meta_key:
            path = self.root / live.name
            stamp = _opstamp(path)
            try:
                live.index.reload()
            except ValueError:
                # A segment named in meta.json was merged away before we opened it: keep
                # the searcher we have and try again at the next search.
                return live
            live.meta_key = meta_key
            old = live.view
            view = _View(
                live.index.searcher(),
                floor=old.newest,
                opstamp=_still(path, stamp),
                spans=old.spans,
            )
            # Carry from the view before, or — when it counted nothing (a merge committed
            # right after the commit it followed) — from the one it would have carried from.
            source, since = old, frozenset[int]()
            if not old.counts and old.previous is not None:
                source, since = old.previous, old.changes
            wanted = source.counts or old.newest is not None
            if wanted and old.opstamp is not None and view.opstamp is not None:
                logged = _logged_between(path, old.opstamp, view.opstamp)
                if logged is not None and old.newest is not None and logged.newest is not None:
                    # The highest entry id, without searching the entries above the floor.
                    view.newest = max(old.newest, logged.newest)
                if source.counts and logged is not None and logged.records is not None:
                    source.previous = None  # one view back at most: its searcher stays open
                    view.previous, view.changes = source, since | logged.records
            live.view = view
        return live

    def refresh(self) -> None:
        self._current()

    def _create_first(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with _flock(self.root / "writer.lock", wait=30):
            if not (self.root / "CURRENT").exists():
                name = self._new_index(MIN_SHIFT)
                _write_atomically(self.root / "CURRENT", name)

    def _new_index(self, shift: int) -> str:
        name = f"index-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.root / name
        path.mkdir(parents=True)
        index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
        del index
        _write_atomically(
            path / "gongkai.json",
            json.dumps({"schema": SCHEMA_VERSION, "recency_shift": shift}),
        )
        return name

    # --- Querying -----------------------------------------------------------------------

    @staticmethod
    def _term(field: str, token: str) -> tantivy.Query:
        return tantivy.Query.term_query(SCHEMA, field, token, index_option="basic")

    @classmethod
    def _word(cls, term: str, weight: float) -> tantivy.Query:
        """Matches the term as a word anywhere; scores where: title 3, publisher 2, body 1
        (times the weight), the best of the three."""
        const = tantivy.Query.const_score_query
        return tantivy.Query.disjunction_max_query(
            [
                const(cls._term("title", term), 3 * weight),
                const(cls._term("publisher", term), 2 * weight),
                const(cls._term("body", term), weight),
            ]
        )

    @classmethod
    def _pairs(cls, pairs: list[str], weight: float) -> tantivy.Query:
        """A Chinese run matched by its character pairs (the fallback): anywhere 1, in the
        title 3 (times the weight)."""
        must, should, const = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Query
        anywhere = tantivy.Query.boolean_query([(must, cls._term("grams", p)) for p in pairs])
        in_title = tantivy.Query.boolean_query([(must, cls._term("title_grams", p)) for p in pairs])
        return tantivy.Query.boolean_query(
            [
                (must, const.const_score_query(anywhere, weight)),
                (should, const.const_score_query(in_title, 2 * weight)),
            ]
        )

    @classmethod
    def query(cls, query: Query) -> tantivy.Query:
        """Matches and scores: the whole-number score of relevance (see the module)."""
        parts = []
        for term, weight in zip(query.terms, _weights(query.terms), strict=True):
            pairs = segmenter.term_bigrams(term) if query.grams else []
            parts.append(cls._pairs(pairs, weight) if pairs else cls._word(term, weight))
        return cls._combine(query, parts)

    @classmethod
    def matching(cls, query: Query) -> tantivy.Query:
        """Matches the same entries as ``query`` with plain term queries, whose scorers
        Tantivy runs about twice as fast: for counting and for newest first."""
        should, must = tantivy.Occur.Should, tantivy.Occur.Must
        parts = []
        for term in query.terms:
            pairs = segmenter.term_bigrams(term) if query.grams else []
            if pairs:
                parts.append(
                    tantivy.Query.boolean_query([(must, cls._term("grams", p)) for p in pairs])
                )
            else:
                parts.append(
                    tantivy.Query.boolean_query(
                        [(should, cls._term(f, term)) for f in ("title", "publisher", "body")]
                    )
                )
        return cls._combine(query, parts)

    @classmethod
    def in_title(cls, query: Query) -> tantivy.Query:
        """The entries holding every term in the title: the highest score there is."""
        parts = []
        for term in query.terms:
            pairs = segmenter.term_bigrams(term) if query.grams else []
            parts += [cls._term("title_grams", p) for p in pairs] or [cls._term("title", term)]
        return cls._combine(replace(query, any_term=False), parts)

    @classmethod
    def _combine(cls, query: Query, parts: list[tantivy.Query]) -> tantivy.Query:
        must = tantivy.Occur.Must
        if query.any_term and len(parts) > 1:
            # Only Should clauses: at least one must match, each adds its score.
            parts = [tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts])]
        clauses = [(must, part) for part in parts]
        clauses += [
            (must, tantivy.Query.const_score_query(cls._term("facets", facet), 0.0))
            for facet in query.facets
        ]
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def find(self, query: Query, *, order: str, offset: int, limit: int) -> Found:
        live = self._current()
        view = live.view
        searcher = view.searcher
        if order == NEWEST:
            result, total = view.search_matching(
                self.matching(query), query, limit=limit, offset=offset, order_by_field="seq"
            )
            addresses = [address for _, address in result.hits]
            return Found(
                total=total, record_ids=_unique(searcher.fast_field_values("record", addresses))
            )
        want = offset + limit
        top = self._newest_in_title(view, query, want)
        if top is not None:
            total = view.count("matching", query, self.matching)
            page = top[offset:want]
            return Found(
                total=total, record_ids=_unique(searcher.fast_field_values("record", page))
            )
        return self._ranked(view, query, live.shift, offset=offset, limit=limit)

    def _newest_in_title(
        self, view: _View, query: Query, want: int
    ) -> list[tantivy.DocAddress] | None:
        """The page when it lies wholly among the entries with every term in the title (the
        usual case for a common word): the newest ``want`` of those, found in a window of
        the newest entry ids grown until it holds them. None when there are fewer."""
        searcher = view.searcher
        top = self.in_title(query)
        if len(query.terms) == 1 and not (query.facets or query.grams):
            # One word: how many entries hold it in the title, from the term dictionary. It
            # also counts withdrawn entries not yet merged away, so it may be too high; it
            # only sizes the window below, which grows until it holds the page or gives up.
            held = searcher.doc_freq("title", query.terms[0])
        else:
            held = view.count("in_title", query, self.in_title)
        if held < want:
            return None
        newest = self._newest_seq(view)
        # Where the matches are as dense among the newest ids as among all, a window of twice
        # the page holds it. Where they are sparser (entries withdrawn or published again
        # there), the window this page needed before is where to start: every window costs
        # a pass over the ``seq`` column (0.2 ms at 5M entries) whatever its size.
        span = view.spans.get((query, want)) or max(float(want), 2.0 * want * newest / held)
        while True:
            low = max(0, int(newest - span))
            window = tantivy.Query.range_query(
                SCHEMA, "seq", tantivy.FieldType.Unsigned, low, newest
            )
            hits = searcher.search(
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, top),
                        (tantivy.Occur.Must, tantivy.Query.const_score_query(window, 0.0)),
                    ]
                ),
                limit=want,
                count=False,
                order_by_field="seq",
            ).hits
            if len(hits) >= want:
                # The window this page needed (to its oldest entry), with room for a few
                # withdrawals: where the next search starts, narrower or wider than this one.
                if len(view.spans) >= COUNT_MEMO:
                    view.spans.clear()
                view.spans[(query, want)] = SPAN_ROOM * (newest - int(hits[-1][0]) + 1)
                return [address for _, address in hits]
            if low == 0:
                return None
            span *= 8

    @staticmethod
    def _newest_seq(view: _View) -> int:
        """The highest entry id: once per process from every entry; after each commit from
        the commit log when it links the two commits (``_refresh_locked``), or else from the
        entries above the previous commit's highest. Either search orders by ``seq``, which
        costs a pass over every entry (0.2 ms at 5M). Withdrawing the newest entries
        leaves it higher than any entry; that is harmless, because it only places the windows
        above, which grow until they hold what they must."""
        if view.newest is None:
            if view.floor is None:
                within = tantivy.Query.all_query()
            else:
                within = tantivy.Query.range_query(
                    SCHEMA, "seq", tantivy.FieldType.Unsigned, view.floor + 1, 2**63
                )
            found = view.searcher.search(within, limit=1, count=False, order_by_field="seq")
            view.newest = int(found.hits[0][0]) if found.hits else (view.floor or 0)
        return view.newest

    def _ranked(self, view: _View, query: Query, shift: int, *, offset: int, limit: int) -> Found:
        """Every match scored; the page ordered by (score, entry id) exactly.

        Scores are whole numbers (``query``), so the first ``want`` hits by score are right
        except among the entries tied with the last of them, where Tantivy keeps the oldest.
        Every entry scoring more is among them; of the tied ones the newest are wanted:
        ``_newest_tied`` finds them among the newest entries only, cheaply. The recency
        weight (``_ranked_by_weight``) is the fallback when that does not settle it."""
        searcher, q = view.searcher, self.query(query)
        want = offset + limit
        # Past the page: a tie smaller than this is fetched whole, and sorted here.
        fetch = want + TIE_FETCH
        result, total = view.search_matching(q, query, limit=fetch)
        hits = result.hits
        if len(hits) > want:
            boundary = hits[want - 1][0]
            if len(hits) < fetch or hits[-1][0] < boundary:
                hits = [hit for hit in hits if hit[0] >= boundary]
            else:  # a tie of thousands (a common word): its newest, from the newest ids
                above = [hit for hit in hits[:want] if hit[0] > boundary]
                tied = self._newest_tied(view, q, boundary, want - len(above), total)
                if tied is None:
                    return self._ranked_by_weight(
                        searcher, q, shift, total, offset=offset, limit=limit
                    )
                hits = above + tied
        addresses = [address for _, address in hits]
        seqs = [int(seq or 0) for seq in searcher.fast_field_values("seq", addresses)]
        ordered = sorted(range(len(hits)), key=lambda i: (-hits[i][0], -seqs[i]))
        page = [addresses[i] for i in ordered[offset:want]]
        return Found(total=total, record_ids=_unique(searcher.fast_field_values("record", page)))

    def _newest_tied(
        self,
        view: _View,
        q: tantivy.Query,
        score: float,
        need: int,
        total: int,
    ) -> list[tuple[Any, tantivy.DocAddress]] | None:
        """The ``need`` newest matches scoring exactly ``score``: search the newest ids only,
        a window sized to hold a few times ``need`` matches, widened or narrowed until it
        holds at least ``need`` tied matches and few enough to fetch them all."""
        searcher = view.searcher
        newest = self._newest_seq(view)
        limit = 4 * need + 1000
        span = max(float(need), 10.0 * need * newest / max(total, 1))
        low_span, high_span = 0.0, float("inf")
        for _ in range(12):
            low = max(0, int(newest - span))
            window = tantivy.Query.range_query(
                SCHEMA, "seq", tantivy.FieldType.Unsigned, low, newest
            )
            found = searcher.search(
                tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, q),
                        (tantivy.Occur.Must, tantivy.Query.const_score_query(window, 0.0)),
                    ]
                ),
                limit=limit,
                count=False,
            ).hits
            tied = [hit for hit in found if hit[0] == score]
            if len(found) == limit and found[-1][0] >= score:
                high_span = span  # cut off inside the tie: too wide
            elif len(tied) >= need or low == 0:
                seqs = searcher.fast_field_values("seq", [address for _, address in tied])
                ordered = sorted(range(len(tied)), key=lambda i: -int(seqs[i] or 0))
                return [tied[i] for i in ordered[:need]]
            else:
                low_span = span  # too few tied: too narrow
            span = span * 4 if high_span == float("inf") else (low_span + high_span) / 2
        return None

    @staticmethod
    def _ranked_by_weight(
        searcher: tantivy.Searcher,
        q: tantivy.Query,
        shift: int,
        total: int,
        *,
        offset: int,
        limit: int,
    ) -> Found:
        """Every match scored × the recency weight of the entry's block of ids, with ties
        inside a block in index order. So the first ``want`` hits by that order, and every
        hit tied with the last of them, are exactly the entries that can be in the first
        ``want`` by (score, entry id); sorting them by the whole score and ``seq`` gives the
        exact order. Slower (the weight is read for every match): the fallback only."""
        want = offset + limit
        fetch = want + (2 << shift)  # two blocks of ties past the page, usually enough
        hits = searcher.search(q, limit=fetch, count=False, weight_by_field="recency").hits
        while len(hits) == fetch and hits[-1][0] >= hits[want - 1][0]:
            fetch *= 4
            hits = searcher.search(q, limit=fetch, count=False, weight_by_field="recency").hits
        if len(hits) > want:
            boundary = hits[want - 1][0]
            end = want
            while end < len(hits) and hits[end][0] >= boundary:
                end += 1
            hits = hits[:end]
        addresses = [address for _, address in hits]
        seqs = [int(seq or 0) for seq in searcher.fast_field_values("seq", addresses)]
        # The whole score: the weight adds less than one to it (see RECENCY_STEP).
        ordered = sorted(range(len(hits)), key=lambda i: (-math.floor(hits[i][0]), -seqs[i]))
        page = [addresses[i] for i in ordered[offset:want]]
        return Found(total=total, record_ids=_unique(searcher.fast_field_values("record", page)))

    # --- Writing ------------------------------------------------------------------------

    @contextmanager
    def writing(self, *, wait: float = 0) -> Iterator[_Writer]:
        self.root.mkdir(parents=True, exist_ok=True)
        live = self._current()
        with _flock(self.root / "writer.lock", wait=wait):
            live = self._current()  # a rebuild may have switched while we waited
            writer = _Writer(self, live.index, live.shift, WRITER_HEAP, path=self.root / live.name)
            try:
                yield writer
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.close()

    @contextmanager
    def rebuilding(self) -> Iterator[_Writer]:
        """A new index directory, filled by the caller and made live in one rename.

        The writer lock is held throughout, so queued changes wait for the rebuild and are
        then applied to the new index (services.reindex)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._current()
        with _flock(self.root / "writer.lock", wait=600):
            from gongkai.search.models import SearchEntry

            newest = SearchEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
            expected = (newest or 0) + SearchEntry.objects.count()
            # Room for the ids to quadruple before the newest entries share the top block.
            shift = max(MIN_SHIFT, (4 * expected // RECENCY_BLOCKS).bit_length())
            name = self._new_index(shift)
            path = self.root / name
            index = tantivy.Index.open(str(path))
            index.register_tokenizer(ANALYZER, _analyzer())
            writer = _Writer(self, index, shift, REBUILD_HEAP)
            try:
                yield writer
            except BaseException:
                writer.rollback()
                writer.close()
                shutil.rmtree(path, ignore_errors=True)
                raise
            writer.writer.commit()
            writer.close()
            _write_atomically(self.root / "CURRENT", name)
            # Readers still searching the old directory keep its open files; those that
            # look again read CURRENT first.
            for old in self.root.glob("index-*"):
                if old.name != name:
                    shutil.rmtree(old, ignore_errors=True)
        self.refresh()

    def clear(self) -> None:
        with self.writing(wait=30) as writer:
            writer.delete_all()
            writer.commit()

    # --- The job runner's follower ------------------------------------------------------

    def wake(self) -> None:
        """Tell the follower that a change is queued."""
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "wake").touch()

    def wake_key(self) -> tuple[int, int, int] | None:
        try:
            return _file_key(self.root / "wake")
        except FileNotFoundError:
            return None

    @contextmanager
    def running(self) -> Iterator[None]:
        """Held by the follower while it runs: publishing processes then leave the queue
        to it instead of writing the index themselves. Raises IndexBusy when another
        follower holds it (one is enough; a second takes over when the first stops)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _flock(self.root / "runner.lock", wait=1):
            yield

    def runner_is_running(self) -> bool:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with _flock(self.root / "runner.lock", wait=0, shared=True):
                return False
        except IndexBusy:
            return True

    def is_empty(self) -> bool:
        return self._current().index.searcher().num_docs == 0

    def status(self) -> dict[str, Any]:
        live = self._current()
        return {
            "后端": "Tantivy 嵌入式索引",
            "索引目录": str(self.root / live.name),
            "索引文档": live.index.searcher().num_docs,
            "任务进程": "运行中" if self.runner_is_running() else "未运行",
        }


def _opstamp(path: Path) -> int | None:
    """The opstamp of the commit ``path``'s ``meta.json`` names, if it can be read."""
    try:
        stamp = json.loads((path / "meta.json").read_text(encoding="utf-8")).get("opstamp")
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, int) else None


def _still(path: Path, stamp: int | None) -> int | None:
    """``stamp``, read from ``meta.json`` before a searcher was opened, if it still names the
    commit afterwards (so the searcher reads that commit); None when it cannot be sure."""
    return stamp if stamp is not None and _opstamp(path) == stamp else None


def _read_changes(path: Path) -> list[dict[str, Any]]:
    try:
        found = json.loads((path / CHANGES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return found if isinstance(found, list) else []


def _log_commit(path: Path, before: int, made: int, changed: set[int] | None, newest: int) -> None:
    """Add a commit to the directory's log (under the writer lock, replaced atomically)."""
    entry = {
        "from": before,
        "to": made,
        "records": sorted(changed) if changed is not None else None,
        "newest": newest,
    }
    kept = [*_read_changes(path), entry][-CHANGES_KEPT:]
    _write_atomically(path / CHANGES, json.dumps(kept, separators=(",", ":")))


@dataclass(frozen=True)
class _Logged:
    """What the logged commits between two opstamps did."""

    #: The records whose entries they deleted or added; None if one changed what it could
    #: not list (the totals are then counted again).
    records: frozenset[int] | None
    #: The highest entry id they added (0: none); None if a line does not say.
    newest: int | None


def _logged_between(path: Path, start: int, end: int) -> _Logged | None:
    """What the logged commits from opstamp ``start`` to ``end`` changed. None when the log
    does not link the two (a commit not logged, a crash between a commit and its line, a
    reader more than CHANGES_KEPT commits behind)."""
    if start == end:
        return _Logged(frozenset(), 0)  # the same commit: merged segments, the same entries
    following = {entry.get("from"): entry for entry in _read_changes(path)}
    changed: set[int] | None = set()
    newest: int | None = 0
    at: Any = start
    for _ in range(CHANGES_KEPT):
        entry = following.get(at)
        if entry is None:
            return None
        listed, added = entry.get("records"), entry.get("newest")
        if changed is not None and listed is not None:
            changed.update(int(pk) for pk in listed)
        else:
            changed = None
        newest = max(newest, added) if newest is not None and isinstance(added, int) else None
        at = entry.get("to")
        if at == end:
            return _Logged(frozenset(changed) if changed is not None else None, newest)
        if not isinstance(at, int) or at > end:
            return None
    return None


def _count(result: tantivy.SearchResult) -> int:
    # The stub lacks ``count``, which the search filled in (count=True).
    return int(result.count)  # type: ignore[attr-defined]


def _unique(record_ids: list[Any]) -> list[int]:
    """Record ids in order, each once (an index never holds two documents for a record,
    but a page must not show one twice even if it did)."""
    seen: set[int] = set()
    out = []
    for pk in record_ids:
        if pk is not None and pk not in seen:
            seen.add(pk)
            out.append(int(pk))
    return out
