"""Answering a search: parse, match (words first, bigrams as the fallback), rank, highlight.

Relevance (the default order) ranks the matches by where the query's words are (title,
then publisher and year, then body) and breaks ties by recency; "newest first" pages through
every match. The embedded index counts and ranks every match; the database backends the newest
N (docs/decisions/0003-search.md, 0018). Every hit is checked against the public rows
(``PublicRecord``, not withdrawn) before it is shown, so a stale index entry can never show a
record the public may not read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.records.models import PublicRecord
from gongkai.search import conf, segmenter
from gongkai.search.backends import NEWEST, RELEVANCE, Found, Query, backend

ORDERS = {RELEVANCE: "按相关度", NEWEST: "按发布时间"}


@dataclass(frozen=True)
class Filters:
    item_key: str = ""
    organisation_code: str = ""
    year: int | None = None

    def tokens(self) -> tuple[str, ...]:
        tokens = []
        if self.item_key:
            tokens.append(segmenter.facet_token("item", self.item_key))
        if self.organisation_code:
            tokens.append(segmenter.facet_token("organisation", self.organisation_code))
        if self.year:
            tokens.append(segmenter.facet_token("year", str(self.year)))
        return tuple(tokens)

    def __bool__(self) -> bool:
        return bool(self.item_key or self.organisation_code or self.year)


@dataclass(frozen=True)
class Hit:
    record_id: int
    title: SafeString
    snippet: SafeString
    organisation_name: str
    published_at: datetime | None
    validity: str

    @property
    def validity_label(self) -> str:
        from gongkai.records.models import Validity

        return Validity(self.validity).label


@dataclass
class Results:
    terms: tuple[str, ...]
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    page: int = 1
    pages: int = 0
    order: str = RELEVANCE
    used_bigrams: bool = False
    #: No record holds every term: these hold some of them, the most terms first.
    partial: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def highlighter(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all terms, longest first so 招生范围 wins over 招生."""
    if not terms:
        return None
    alternatives = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in alternatives), re.IGNORECASE)


def mark(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """Escape first, then mark: the text is split on the terms and every piece escaped on
    its own, so neither the text nor the query can inject markup or break an entity."""
    if pattern is None:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    # Adjacent terms (柳园 路) read as one marked phrase.
    return mark_safe("".join(out).replace("</mark><mark>", ""))  # noqa: S308 - every piece above is escaped


def snippet(text: str, pattern: re.Pattern[str] | None, width: int | None = None) -> SafeString:
    """A window of the text around the first match (or its start), marked."""
    width = width or conf.snippet_chars()
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - width // 4) if found else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + mark(piece, pattern) + suffix)  # noqa: S308 - marked is escaped


def _display_terms(query: Query) -> tuple[str, ...]:
    if not query.grams:
        return query.terms
    grams: list[str] = list(query.terms)
    for term in query.terms:
        grams.extend(segmenter.term_bigrams(term))
    return tuple(grams)


def _bigram_query(parsed: segmenter.ParsedQuery, facets: tuple[str, ...]) -> Query | None:
    """The fallback: each Chinese run of the query as it was typed (not as segmented, which
    may have cut off single characters) matched by its character pairs; other terms as words."""
    runs = [run for run in segmenter.chinese_runs(parsed.raw) if len(run) > 1]
    if not runs:
        return None
    others = [t for t in parsed.terms if not segmenter.has_chinese(t)]
    return Query(terms=tuple(runs + others)[: segmenter.MAX_QUERY_TERMS], facets=facets, grams=True)


def search(
    raw: object, *, filters: Filters | None = None, order: str = RELEVANCE, page: int = 1
) -> Results:
    results, ids, pattern = match(raw, filters=filters, order=order, page=page)
    results.hits = hits(ids, pattern)
    return results


def match(
    raw: object, *, filters: Filters | None = None, order: str = RELEVANCE, page: int = 1
) -> tuple[Results, list[int], re.Pattern[str] | None]:
    """The index part of a search: the count and one page of record ids, best first."""
    parsed = segmenter.parse_query(raw)
    order = order if order in ORDERS else RELEVANCE
    results = Results(terms=parsed.terms, order=order)
    if not parsed:
        return results, [], None
    engine = backend()
    size = conf.page_size()
    page = min(max(page, 1), conf.max_pages())

    def find(query: Query, page: int) -> Found:
        return engine.find(query, order=order, offset=(page - 1) * size, limit=size)

    query = Query(terms=parsed.terms, facets=(filters or Filters()).tokens())
    found = find(query, page)
    fallback = _bigram_query(parsed, query.facets) if not found.total else None
    if fallback is not None:
        # The words were not found as words: try them as character pairs (new words, names
        # the segmenter cuts differently in the text than in the query).
        query = fallback
        found = find(query, page)
        results.used_bigrams = bool(found.total)
    if not found.total and len(query.terms) > 1:
        # Nothing holds every term (东昌府区 2025 招生范围 when that year is not out yet):
        # show what holds some of them rather than an empty page; ranking puts the records
        # with the most terms first.
        query = replace(query, any_term=True)
        found = find(query, page)
        results.partial = bool(found.total)
    results.total = found.total
    results.total_capped = found.total_capped
    results.pages = min(math.ceil(results.total / size), conf.max_pages())
    results.page = min(page, max(results.pages, 1))
    if not found.total:
        return results, [], None
    if results.page != page:  # asked past the last page: show the last one
        found = find(query, results.page)
    return results, found.record_ids, highlighter(_display_terms(query))


def _entries(record_ids: list[int]) -> dict[int, tuple[str, str, datetime | None, str, str]]:
    """The result-line fields of the records' entries, by record id: one indexed lookup
    without the ORM's query building and model instances (0.2 ms instead of 1.5 ms for a page
    of 20, which is most of a search's time outside the index; docs/benchmarks.md)."""
    if not record_ids:
        return {}
    placeholders = ", ".join(["%s"] * len(record_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT record_id, title, organisation_name, published_at, validity, text "  # noqa: S608
            f"FROM search_searchentry WHERE record_id IN ({placeholders})",
            list(record_ids),
        )
        rows = cursor.fetchall()
    # SQLite hands back text; Django's own converter makes it the aware datetime the ORM gives.
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    return {
        pk: (
            title,
            organisation_name,
            convert(published_at, None, connection) if convert and published_at else published_at,
            validity,
            text,
        )
        for pk, title, organisation_name, published_at, validity, text in rows
    }


def hits(
    record_ids: list[int], pattern: re.Pattern[str] | None, *, check_public: bool = True
) -> list[Hit]:
    """Result lines for records, in order. ``check_public`` re-checks each record against
    its public row (there and not withdrawn) and takes the 失效/废止 mark from it; only the
    benchmark, whose index has no records behind it, turns it off."""
    entries = _entries(record_ids)
    validity = (
        dict(
            PublicRecord.objects.filter(
                pk__in=list(entries), withdrawn_at__isnull=True
            ).values_list("pk", "validity")
        )
        if check_public
        else {pk: entry[3] for pk, entry in entries.items()}
    )
    found = []
    for pk in record_ids:
        entry = entries.get(pk)
        if entry is None or pk not in validity:
            continue
        title, organisation_name, published_at, _, text = entry
        found.append(
            Hit(
                record_id=pk,
                title=mark(title, pattern),
                snippet=snippet(text, pattern),
                organisation_name=organisation_name,
                published_at=published_at,
                validity=validity[pk],
            )
        )
    return found
