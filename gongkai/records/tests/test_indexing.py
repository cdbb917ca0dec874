"""索引号 patterns: one set of values fills them, and a pattern that cannot number
publications stops the start (system check records.E001)."""

from __future__ import annotations

import pytest

from gongkai.records.checks import index_pattern
from gongkai.records.indexing import pattern_problems


@pytest.mark.parametrize(
    "pattern",
    ["{uscc}/{year}-{serial:05d}", "{code}-{item}-{year}{month}-{serial}", "JY{serial:06d}"],
)
def test_patterns_with_a_serial_and_known_fields_are_accepted(pattern):
    assert pattern_problems(pattern) == []


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("{uscc}/{year}", "no {serial}"),
        ("{uscc}/{yaer}-{serial:05d}", "unknown fields yaer"),
        ("{uscc}/{year-{serial}", "cannot be read"),
        ("{uscc:d}/{year}-{serial}", "cannot be filled in"),
    ],
)
def test_a_pattern_that_would_fail_at_publication_is_explained(pattern, problem):
    assert any(problem in text for text in pattern_problems(pattern))


def test_the_registered_check_reads_the_setting(settings):
    assert index_pattern() == []
    settings.GONGKAI_INDEX_PATTERN = "{uscc}/{year}"
    [error] = index_pattern()
    assert error.id == "records.E001" and "INDEX_PATTERN='{uscc}/{year}'" in error.msg
    assert "{serial}" in error.hint
