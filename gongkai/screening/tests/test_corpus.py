"""Precision and recall on the labelled corpus (see corpus.py for what is in it)."""

from __future__ import annotations

from collections import Counter

import pytest

from gongkai.screening.detectors import BANK_CARD, ID_CARD, MOBILE_PHONE, detect
from gongkai.screening.tests.corpus import corpus

KINDS = (ID_CARD, MOBILE_PHONE, BANK_CARD)


@pytest.fixture(scope="module")
def scores() -> dict[str, tuple[float, float, Counter[str]]]:
    tallies = {kind: Counter[str]() for kind in KINDS}
    for document in corpus():
        expected = set(document.labels)
        found = {(f.kind, f.start, f.end) for f in detect(document.text) if f.kind in KINDS}
        for kind, start, end in expected | found:
            key = (
                "tp"
                if (kind, start, end) in expected & found
                else ("fn" if (kind, start, end) in expected else "fp")
            )
            tallies[kind][key] += 1
    result = {}
    for kind, t in tallies.items():
        precision = t["tp"] / max(t["tp"] + t["fp"], 1)
        recall = t["tp"] / max(t["tp"] + t["fn"], 1)
        result[kind] = (precision, recall, t)
    return result


@pytest.mark.parametrize("kind", KINDS)
def test_precision_and_recall_are_at_least_99_percent(scores, kind) -> None:  # type: ignore[no-untyped-def]
    precision, recall, tally = scores[kind]
    assert tally["tp"] >= 200, f"the corpus should hold enough {kind} leaks to measure: {tally}"
    assert precision >= 0.99, f"{kind}: precision {precision:.4f} {tally}"
    assert recall >= 0.99, f"{kind}: recall {recall:.4f} {tally}"


def test_documents_without_leaks_are_silent() -> None:
    quiet = [d for d in corpus() if not d.labels]
    assert len(quiet) >= 50
    for document in quiet:
        assert [f for f in detect(document.text) if f.kind in KINDS] == []
