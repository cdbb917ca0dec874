"""Fuzzing what only the catalogue reads: random, malformed and hostile JSON documents give
``CatalogueInvalid`` with row errors (or a catalogue that ``validate`` then checks), never any
other exception. The spreadsheet layouts are fuzzed with the other importers
(core/tests/test_importers.py)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.catalogue.testing import TRICKY_CELLS, check_catalogue_file

TRICKY = [*TRICKY_CELLS, "=1/0", "", " ", "<script>alert(1)</script>", "x" * 600]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
FUZZ = settings(max_examples=60, deadline=None)


def _load(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"目录{suffix}"
        path.write_bytes(data)
        check_catalogue_file(path)


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT, st.sampled_from(TRICKY)),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "sections",
                    "items",
                    "code",
                    "name",
                    "title",
                    "elements",
                    "time_limit",
                    "channels",
                    "five_disclosure",
                    "basis",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@FUZZ
@given(document=JSONISH)
def test_random_json_catalogues_give_row_errors_never_exceptions(document):
    _load(json.dumps(document, ensure_ascii=False).encode(), ".json")
