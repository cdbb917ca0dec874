"""Full-text backends behind one interface.

- ``tantivy`` (the default, ``embedded.TantivyBackend``): an embedded Tantivy index in a
  directory beside the database. It counts and ranks every match (docs/decisions/0018).
- ``database`` (``database.SQLiteBackend`` / ``database.PostgresBackend``): SQLite FTS5 or a
  PostgreSQL tsvector in the database itself. It ranks and counts the newest N matches only
  ("超过 N 条"), and is the path for several app servers on several machines, where no one
  machine's disk can hold the index for all of them (docs/deploy.md).

Every backend indexes the same pre-segmented tokens (``segmenter``, built by
``services.document``) and answers one question: for a query, how many entries match and which
records are on the requested page, best first or newest first. What a result line shows
(title, publisher, date, snippet text) is not in the index but in ``SearchEntry`` rows, loaded
by record id, so the index and the database never have to agree on more than "which records".

Query strings are built only from tokens that are runs of letters and digits (see
``segmenter.parse_query``), so no user input reaches a query parser.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import connection

from gongkai.search import segmenter

#: Token streams are capped so one huge attachment cannot blow PostgreSQL's 1 MB tsvector
#: limit or dominate the index; the first part of a document is what describes it.
MAX_TOKENS_PER_FIELD = 30_000

RELEVANCE = "relevance"
NEWEST = "newest"


@dataclass(frozen=True)
class Document:
    """An entry's text as token streams (each a space-joined string of tokens).

    ``title`` is the title's words; ``publisher`` the publisher's names, the 文号 and the year
    of publication (people type them: "东昌府区 2025 招生范围"); ``body`` the summary, body and
    attachment text; ``grams`` the character pairs of title and text (the fallback for words
    the segmenter cuts differently) and ``title_grams`` those of the title alone; ``facets``
    the filter tokens."""

    title: str
    publisher: str
    body: str
    grams: str
    title_grams: str
    facets: str

    @classmethod
    def from_tokens(
        cls,
        *,
        title: Sequence[str],
        publisher: Sequence[str],
        body: Sequence[str],
        grams: Sequence[str],
        title_grams: Sequence[str],
        facets: Sequence[str],
    ) -> Document:
        cap = MAX_TOKENS_PER_FIELD
        return cls(
            title=segmenter.join(title[:cap]),
            publisher=segmenter.join(publisher[:cap]),
            body=segmenter.join(body[:cap]),
            grams=segmenter.join(grams[:cap]),
            title_grams=segmenter.join(title_grams[:cap]),
            facets=segmenter.join(facets),
        )

    @property
    def title_side(self) -> str:
        """Title, publisher and year as one stream (the database backends' title column)."""
        return " ".join(filter(None, [self.title, self.publisher]))


@dataclass(frozen=True)
class Row:
    """One entry as an index holds it: the record it finds, the entry (whose id grows with
    each publication, so it is the "newest first" order) and its tokens."""

    record_id: int
    entry_id: int
    document: Document


@dataclass(frozen=True)
class Query:
    """Terms that must all match (or, with ``any_term``, at least one of them), filter
    tokens (always all), and whether terms are matched as words (the first try) or as
    character bigrams (the fallback when words find nothing)."""

    terms: tuple[str, ...]
    facets: tuple[str, ...] = field(default=())
    grams: bool = False
    any_term: bool = False


@dataclass
class Found:
    """How many entries match and the record ids of the requested page, in order.
    ``total_capped``: counting stopped at the backend's candidate limit (database backends)."""

    total: int
    record_ids: list[int]
    total_capped: bool = False


class IndexBusy(Exception):
    """Another process is writing the index; the queued change stays queued for it."""


class Writer(Protocol):
    """Changes to an index, made while a database transaction replaces the entries.

    A database backend writes in that transaction; the embedded index collects the changes
    and makes them visible with ``commit``, called after the database transaction commits."""

    def delete(self, record_ids: Sequence[int], entry_ids: Sequence[int]) -> None: ...
    def add(self, rows: Sequence[Row]) -> None: ...
    def commit(self) -> None: ...


class Backend(Protocol):
    name: str

    def find(self, query: Query, *, order: str, offset: int, limit: int) -> Found: ...

    def writing(self, *, wait: float = 0) -> AbstractContextManager[Writer]:
        """The index's one writer; raises IndexBusy if another process holds it for longer
        than ``wait`` seconds."""
        ...

    def rebuilding(self) -> AbstractContextManager[Writer]:
        """A writer for a complete rebuild, whose result replaces the index when the block
        ends without error. Readers keep the old index until then."""
        ...

    def clear(self) -> None: ...
    def status(self) -> dict[str, object]: ...

    def is_empty(self) -> bool:
        """True when the index holds nothing (a new directory), whatever the database holds."""
        ...

    # The job runner's follower (services.follow) and the publishing processes:
    def running(self) -> AbstractContextManager[None]:
        """Held by the follower while it runs (IndexBusy: another follower holds it)."""
        ...

    def runner_is_running(self) -> bool:
        """True when a follower applies the queue, so a publishing process need not."""
        ...

    def wake(self) -> None:
        """Tell the follower a change is queued."""
        ...

    def wake_key(self) -> object:
        """Changes whenever ``wake`` is called."""
        ...


def backend_name() -> str:
    return str(settings.GONGKAI_SEARCH_BACKEND)


def backend() -> Backend:
    """The configured backend (``GONGKAI_SEARCH_BACKEND``)."""
    if backend_name() == "tantivy":
        from gongkai.search.backends.embedded import TantivyBackend

        return TantivyBackend.for_settings()
    from gongkai.search.backends.database import BACKENDS

    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(f"全文检索不支持数据库 {connection.vendor}") from None
