"""Screening API: scan text, HTML and files as their readers see them.

Typical use (``services.screen_record`` does this for a record, on submit and again just
before publishing)::

    from gongkai.screening.scan import active_terms, html_parts, scan_file, scan_part

    terms = active_terms()                       # the city bureau's list, one query
    for part in html_parts("正文", record.body):  # the text, and each link's address …
        findings = scan_part(part, terms=terms)
    for attachment in record.attachments.all():
        with attachment.file.open("rb") as f:
            file_findings = scan_file(f, attachment.file.name, terms=terms)

A *part* is one piece of what readers see (a field, the body, a link's address; in a file a
page, a cell, a comment, a document property …), read as they read it (``reading.Reading``):
a finding carries where it is in the part's text, and the part knows its way back to the
source, which is how the body is masked in its HTML (``masking.mask_reading``).

A record with any finding must not be published until each one is resolved: masked, fixed
in a cleaned upload, or dismissed by a reviewer with a written reason. A finding is known
by what it reads as (``ScanFinding.value``: the digits of a number, a marking without its
gaps), not by its line or its writing, so an edit above it, or the same number written
with other separators, does not resurrect a dismissal's finding.

Kinds (``KIND_LABELS`` has the Chinese names): ``id_card``, ``mobile_phone``, ``bank_card``,
``classified_marking``, ``internal_marking``, ``sensitive_term``; and for files
``no_text_layer`` (a scan: needs a human look) and ``unreadable`` (corrupt, encrypted, too big
or hostile: needs a human look; ``text`` holds the Chinese reason). No function raises for
bad input.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.screening.detectors import (
    BANK_CARD,
    CLASSIFIED_MARKING,
    ID_CARD,
    INTERNAL_MARKING,
    MOBILE_PHONE,
    PERSONAL_DATA_KINDS,
    SENSITIVE_TERM,
    detect,
)
from gongkai.screening.extract import (
    DEFAULT_LIMITS,
    NO_TEXT_LAYER,
    UNREADABLE,
    Box,
    Limits,
    Problem,
    Source,
    extract,
)
from gongkai.screening.reading import Reading, read_attributes, read_html

KIND_LABELS = {
    ID_CARD: "身份证号码",
    MOBILE_PHONE: "手机号码",
    BANK_CARD: "银行卡号",
    CLASSIFIED_MARKING: "密级标志",
    INTERNAL_MARKING: "内部标志",
    SENSITIVE_TERM: "敏感词",
    NO_TEXT_LAYER: "无文字层",
    UNREADABLE: "无法读取",
}


@dataclass(frozen=True, slots=True)
class ScanFinding:
    """One finding with a human location.

    ``text`` is the text as found (for ``no_text_layer``/``unreadable``: the reason) and
    ``value`` what it reads as. ``start``/``end`` are offsets into the scanned part's text
    (``None`` for files). ``part`` names the kind of place (a record field's part, or
    ``extract.Segment.part`` in a file) and ``page`` the page of a paged file.
    """

    kind: str
    text: str
    location: str
    start: int | None = None
    end: int | None = None
    value: str = ""
    part: str = ""
    page: int | None = None
    #: Where on its page each character stands, when the file's reader knows (a PDF page
    #: rebuilt from glyph positions; OCR text): to show or black out the finding there.
    boxes: tuple[Box, ...] = ()

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_maskable(self) -> bool:
        return self.kind in PERSONAL_DATA_KINDS

    @property
    def reads_as(self) -> str:
        return self.value or self.text

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(f"{self.kind}\0{self.reads_as}".encode()).hexdigest()
        return digest[:16]

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "location": self.location}


@dataclass(frozen=True)
class Part:
    """One piece of what readers see: what to call it, and its text as read.

    ``line_word`` counts lines in locations ("行" for plain text, "段" for a body whose
    lines are paragraphs); empty for a short field, named by its label alone."""

    label: str
    reading: Reading
    line_word: str = ""
    part: str = "field"

    @classmethod
    def plain(cls, label: str, text: str, *, part: str = "field") -> Part:
        return cls(label, Reading.plain(text), part=part)


def scan_part(part: Part, *, terms: Iterable[str] | None = None) -> list[ScanFinding]:
    """Findings in one part; ``start``/``end`` are offsets into ``part.reading.text``."""
    text = part.reading.text
    findings = detect(text, terms=terms)
    if not findings:
        return []
    if part.line_word:
        newlines = [i for i, c in enumerate(text) if c == "\n"]
        where = [
            f"{part.label}第{bisect_left(newlines, f.start) + 1}{part.line_word}" for f in findings
        ]
    else:
        where = [part.label] * len(findings)
    return [
        ScanFinding(f.kind, f.text, w, f.start, f.end, f.value, part.part)
        for f, w in zip(findings, where, strict=True)
    ]


def scan_text(text: str, *, terms: Iterable[str] | None = None) -> list[ScanFinding]:
    """Findings in plain text; locations are 第N行."""
    return scan_part(Part("", Reading.plain(text), line_word="行", part="text"), terms=terms)


def html_parts(label: str, html_text: str) -> list[Part]:
    """An HTML field as its readers meet it: the rendered text (lines are paragraphs), and
    each link address, tooltip and image text (``reading.READ_ATTRIBUTES``)."""
    parts = [Part(label, read_html(html_text), line_word="段", part="body")]
    for value in read_attributes(html_text):
        parts.append(
            Part(f"{label}第{value.number}个{value.label}", value.reading, part=value.name)
        )
    return parts


def scan_file(
    source: Source,
    name: str | None = None,
    *,
    terms: Iterable[str] | None = None,
    limits: Limits | None = None,
) -> list[ScanFinding]:
    """Findings in a file (path or binary file object; ``name`` gives the type by its suffix
    when the content does not). Problems reading it are findings too. What two readings of
    the same place share (a page as written and as laid out, a paragraph with and without
    its hidden text) is one finding."""
    terms = tuple(terms) if terms else ()
    found: list[ScanFinding] = []
    seen: set[tuple[str, str, object]] = set()
    for item in extract(source, name, limits=limits or configured_limits()):
        if isinstance(item, Problem):
            found.append(ScanFinding(item.kind, item.reason, item.location, part="file"))
            continue
        context = item.in_identity_column if item.cell_starts else None
        findings = detect(item.text, terms=terms, identity_context=context)
        if not findings:
            continue
        locations = item.locations_of([f.start for f in findings])
        for f, where in zip(findings, locations, strict=True):
            key = (f.kind, f.value or f.text, item.page if item.page is not None else where)
            if key in seen:
                continue
            seen.add(key)
            found.append(
                ScanFinding(
                    f.kind,
                    f.text,
                    where,
                    value=f.value,
                    part=item.part,
                    page=item.page,
                    boxes=item.boxes[f.start : f.end] if item.boxes else (),
                )
            )
    return found


def active_terms() -> list[str]:
    """The active sensitive terms (one query)."""
    from gongkai.screening.models import SensitiveTerm

    return list(SensitiveTerm.objects.active().values_list("term", flat=True))


def configured_limits() -> Limits:
    """``DEFAULT_LIMITS`` with ``settings.SCREENING_LIMITS`` (a dict) applied."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not settings.configured:
        return DEFAULT_LIMITS
    overrides = getattr(settings, "SCREENING_LIMITS", None) or {}
    try:
        return dataclasses.replace(DEFAULT_LIMITS, **overrides)
    except TypeError as exc:
        known = ", ".join(f.name for f in dataclasses.fields(Limits))
        raise ImproperlyConfigured(f"SCREENING_LIMITS 含有未知的项（可用：{known}）。") from exc
