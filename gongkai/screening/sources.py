"""Extra text sources: text of an attachment that extraction cannot read by itself.

Extraction reads a file's own text layer; a scanned page has none and is reported as
``no_text_layer`` (a person must look). Another app can read such pages (``gongkai.ocr``
recognises them) and register a *source* in its ``AppConfig.ready``::

    from gongkai.screening import sources
    sources.register(my_source)       # my_source(attachment) -> Iterable[TextPart]

When screening scans an attachment it asks every source for its parts and runs the same
detectors over each part's text (``scan.scan_text``), with the part's location in front of
the line ("第2页（识别文字）第5行"). A part that ``replaces_scan`` stands in for the person's
look at its page: the ``no_text_layer`` finding for that page is dropped (for a range of pages,
only the pages no part covers stay). Parts may also carry ``boxes``: where on the page
(page pixels) the characters of an offset range are, for screens that show the place.

This is the whole of the hook; services.py calls ``with_extra_parts`` once per attachment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from gongkai.screening.extract import NO_TEXT_LAYER
from gongkai.screening.scan import ScanFinding, scan_text

if TYPE_CHECKING:
    from gongkai.records.models import Attachment

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str
    page: int
    location: str
    replaces_scan: bool = True
    #: Pages in the whole file: an image's finding names no page, and is dropped only when
    #: parts replace every page of it.
    page_count: int = 0
    boxes: Callable[[int, int], list[Box]] | None = None


TextSource = Callable[["Attachment"], Iterable[TextPart]]
_sources: list[TextSource] = []


def register(source: TextSource) -> None:
    if source not in _sources:
        _sources.append(source)


def parts_for(attachment: Attachment) -> list[TextPart]:
    return [part for source in _sources for part in source(attachment)]


_PAGES_RE = re.compile(r"^第(\d+)(?:[–-](\d+))?页$")


def _ranges(pages: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for number in sorted(pages):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges


def _still_unread(finding: ScanFinding, covered: set[int], count: int) -> list[ScanFinding]:
    match = _PAGES_RE.match(finding.location)
    if not finding.location and count:  # an image file: all of its pages
        first, last = 1, count
    elif not match:
        return [finding]  # a location this hook does not understand: keep the finding
    else:
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    left = [n for n in range(first, last + 1) if n not in covered]
    if len(left) == last - first + 1:
        return [finding]
    out = []
    for a, b in _ranges(left):
        where = f"第{a}页" if a == b else f"第{a}–{b}页"
        reason = f"{where}没有文字层（扫描件或图片），文字识别未能可靠读出，需要人工查看。"
        out.append(ScanFinding(NO_TEXT_LAYER, reason, where))
    return out


def with_extra_parts(
    attachment: Attachment, found: list[ScanFinding], terms: Iterable[str] | None
) -> list[ScanFinding]:
    """``found`` (from the file's own text) with the registered sources' parts screened."""
    parts = parts_for(attachment)
    if not parts:
        return found
    covered = {p.page for p in parts if p.replaces_scan}
    count = max(p.page_count for p in parts)
    kept: list[ScanFinding] = []
    for finding in found:
        if finding.kind == NO_TEXT_LAYER and covered:
            kept.extend(_still_unread(finding, covered, count))
        else:
            kept.append(finding)
    for part in parts:
        for f in scan_text(part.text, terms=terms):
            kept.append(replace(f, location=f"{part.location}{f.location}"))
    return kept
