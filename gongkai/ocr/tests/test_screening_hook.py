"""The hook screening offers for extra text (``screening/sources.py``), on its own: parts are
screened with the same detectors, and a page's "needs a person" finding goes only when a part
reads that page."""

from __future__ import annotations

import random

import pytest

from gongkai.ocr.testing import make_id
from gongkai.screening import sources
from gongkai.screening.scan import ScanFinding

ID = make_id(random.Random(41))


@pytest.fixture
def registered(monkeypatch):
    """Replace the registry with one source that returns whatever the test sets."""
    parts: list[sources.TextPart] = []
    monkeypatch.setattr(sources, "_sources", [lambda attachment: list(parts)])
    return parts


def scan_of(where: str) -> ScanFinding:
    return ScanFinding("no_text_layer", f"{where}没有文字层（扫描件或图片），需要人工查看。", where)


def test_parts_are_screened_with_the_page_in_the_location(registered):
    registered.append(sources.TextPart(f"序号\t姓名\n1\t张三\t{ID}", 2, "第2页（识别文字）"))
    found = sources.with_extra_parts(object(), [scan_of("第2页")], terms=[])  # type: ignore[arg-type]
    assert [(f.kind, f.text, f.location) for f in found] == [
        ("id_card", ID, "第2页（识别文字）第2行")
    ]


def test_only_the_pages_parts_read_stop_needing_a_person(registered):
    registered.append(sources.TextPart("第二页的文字", 2, "第2页（识别文字）"))
    registered.append(sources.TextPart("看不清", 4, "第4页（识别文字）", replaces_scan=False))
    found = sources.with_extra_parts(object(), [scan_of("第1–5页")], terms=[])  # type: ignore[arg-type]
    assert [f.location for f in found] == ["第1页", "第3–5页"]
    assert all(f.kind == "no_text_layer" and "文字识别未能可靠读出" in f.text for f in found)


def test_an_image_stops_needing_a_person_only_when_every_frame_is_read(registered):
    image = ScanFinding("no_text_layer", "图片文件没有文字层，无法自动检查，需要人工查看。", "")
    registered.append(sources.TextPart("第一帧", 1, "第1页（识别文字）", page_count=2))
    found = sources.with_extra_parts(object(), [image], terms=[])  # type: ignore[arg-type]
    assert [f.location for f in found] == ["第2页"]
    registered.append(sources.TextPart("第二帧", 2, "第2页（识别文字）", page_count=2))
    assert sources.with_extra_parts(object(), [image], terms=[]) == []  # type: ignore[arg-type]


def test_without_parts_the_findings_are_untouched(registered):
    odd = ScanFinding("no_text_layer", "某种说明", "第1页第3行")
    assert sources.with_extra_parts(object(), [odd], terms=[]) == [odd]  # type: ignore[arg-type]
    registered.append(sources.TextPart("文字", 1, "第1页（识别文字）"))
    # A location the hook does not understand keeps its finding.
    assert odd in sources.with_extra_parts(object(), [odd], terms=[])  # type: ignore[arg-type]
