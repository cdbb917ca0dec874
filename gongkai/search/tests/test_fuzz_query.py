"""Fuzzing search query parsing: anything a user can type (operators of FTS5 and tsquery,
quotes, control characters, emoji, very long input, non-strings) becomes a bounded tuple of
plain terms, never an exception and never an operator."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.search.segmenter import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    html_to_text,
    index_words,
    parse_query,
)

OPERATORS = [
    '"',
    "*",
    "(",
    ")",
    ":",
    "^",
    "NEAR",
    "AND",
    "OR",
    "NOT",
    "&",
    "|",
    "!",
    "<->",
    "'",
    "\\",
    "--",
    ";",
    "%",
    "_",
    "\x00",
    "\u202e",
    "\u200b",
    "🎓",
    "招生",
    "２０２５",
    "ＡＮＤ",
]
QUERY = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(OPERATORS) | st.text(max_size=5), max_size=60).map(" ".join),
    st.text(min_size=1000, max_size=5000),
)


@settings(max_examples=300, deadline=None)
@given(raw=QUERY)
def test_any_typed_query_becomes_bounded_plain_terms(raw):
    started = time.monotonic()
    parsed = parse_query(raw)
    assert time.monotonic() - started < 5
    assert len(parsed.raw) <= MAX_QUERY_CHARS
    assert len(parsed.terms) <= MAX_QUERY_TERMS
    assert len(set(parsed.terms)) == len(parsed.terms)
    for term in parsed.terms:
        assert term and term == term.strip()
        # Letters and digits only: nothing that an FTS5 or tsquery parser reads as syntax.
        assert all(ch.isalnum() for ch in term), term
    assert bool(parsed) == bool(parsed.terms)


@given(
    raw=st.one_of(
        st.none(),
        st.integers(),
        st.binary(),
        st.lists(st.text()),
        st.dictionaries(st.text(), st.text()),
    )
)
def test_non_string_input_gives_an_empty_query(raw):
    parsed = parse_query(raw)
    assert parsed.terms == ()
    assert not parsed


@settings(max_examples=100, deadline=None)
@given(markup=st.text(max_size=2000))
def test_indexing_any_body_text_never_fails(markup):
    words = index_words(html_to_text(markup))
    assert all(isinstance(w, str) and w for w in words)
