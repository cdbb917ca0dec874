"""Fuzzing what only the organisations import reads: rows built in code give a report with row
errors (nothing written), never an exception. Files are fuzzed with the other importers
(core/tests/test_importers.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.core.spreadsheets import ImportReport
from gongkai.organisations.models import Organisation
from gongkai.organisations.services import import_organisations
from gongkai.organisations.tables import HEADERS
from gongkai.organisations.testing import TRICKY_CELLS

pytestmark = pytest.mark.django_db

TRICKY = [*TRICKY_CELLS, "=cmd|' /C calc'!A0", "<b>", "", " ", "x" * 400]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(TRICKY),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check(report: ImportReport, before: int) -> None:
    assert isinstance(report, ImportReport)
    for error in report.errors:
        assert str(error).strip()
    assert Organisation.objects.count() == before  # a dry run, or refused: nothing written


@FUZZ
@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from([*HEADERS, "code", "name", "kind", "parent"]), CELL, max_size=8
        ),
        max_size=8,
    )
)
def test_random_rows_built_in_code_give_row_errors_never_exceptions(rows):
    before = Organisation.objects.count()
    _check(import_organisations(rows, by=None, dry_run=True), before)
