"""Screening API for the publishing workflow: scan a record's body and its attachments.

Typical use (on submit, and again just before publishing)::

    from gongkai.screening.scan import active_terms, scan_file, scan_text

    terms = active_terms()                       # the city bureau's list, one query
    body_findings = scan_text(record.body, terms=terms)
    for attachment in record.attachments.all():
        with attachment.file.open("rb") as f:
            file_findings = scan_file(f, attachment.file.name, terms=terms)

A record with any finding must not be published until each one is resolved: masked, fixed
in a cleaned upload, or dismissed by a reviewer with a written reason. ``ScanFinding.fingerprint``
identifies "the same finding" across rescans (kind + text, not the line, so editing above it
does not resurrect a dismissal's finding). Masking the body::

    from gongkai.screening.masking import mask_text
    record.body = mask_text(record.body, body_findings)   # only personal-data kinds change

Kinds (``KIND_LABELS`` has the Chinese names): ``id_card``, ``mobile_phone``, ``bank_card``,
``classified_marking``, ``internal_marking``, ``sensitive_term``; and for files
``no_text_layer`` (a scan: needs a human look) and ``unreadable`` (corrupt, encrypted, too big
or hostile: needs a human look; ``text`` holds the Chinese reason). Neither function raises
for bad input.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
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
    Limits,
    Problem,
    Source,
    extract,
)

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

    ``text`` is the text as found (for ``no_text_layer``/``unreadable``: the reason).
    ``start``/``end`` are offsets into the text given to ``scan_text`` (``None`` for files).
    """

    kind: str
    text: str
    location: str
    start: int | None = None
    end: int | None = None

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_maskable(self) -> bool:
        return self.kind in PERSONAL_DATA_KINDS

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(f"{self.kind}\0{self.text}".encode()).hexdigest()
        return digest[:16]

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "location": self.location}


def scan_text(text: str, *, terms: Iterable[str] | None = None) -> list[ScanFinding]:
    """Findings in a piece of text (a record's body); locations are 第N行."""
    findings = detect(text, terms=terms)
    if not findings:
        return []
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    return [
        ScanFinding(f.kind, f.text, f"第{bisect_left(newlines, f.start) + 1}行", f.start, f.end)
        for f in findings
    ]


def scan_file(
    source: Source,
    name: str | None = None,
    *,
    terms: Iterable[str] | None = None,
    limits: Limits | None = None,
) -> list[ScanFinding]:
    """Findings in a file (path or binary file object; ``name`` gives the type by its suffix
    when the content does not). Problems reading it are findings too."""
    terms = tuple(terms) if terms else ()
    found: list[ScanFinding] = []
    for item in extract(source, name, limits=limits or configured_limits()):
        if isinstance(item, Problem):
            found.append(ScanFinding(item.kind, item.reason, item.location))
            continue
        context = item.in_identity_column if item.cell_starts else None
        findings = detect(item.text, terms=terms, identity_context=context)
        if findings:
            locations = item.locations_of([f.start for f in findings])
            found.extend(
                ScanFinding(f.kind, f.text, where)
                for f, where in zip(findings, locations, strict=True)
            )
    return found


_TAG_RE = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
#: Tags after which the reader sees a new line (a paragraph, a table cell, a list item).
_LINE_ENDING_TAGS = frozenset(
    "p div li tr td th h1 h2 h3 h4 h5 h6 table ul ol blockquote caption br hr".split()
)


def body_text(body: str) -> str:
    """The body's text as a reader sees it, *offset for offset* with the stored HTML.

    Tags become spaces (a new line after paragraphs, cells, list items and breaks, so a
    marking alone in its paragraph stands alone on its line and numbers never run from one
    cell into the next); an entity becomes its character padded with zero-width spaces,
    which the detectors ignore inside a number (the sanitiser writes a no-break space as
    ``&nbsp;``). Same length, so a finding's span is also the span to mask in the HTML.
    """

    def tag(match: re.Match[str]) -> str:
        size = len(match.group(0))
        name = match.group(2).lower()
        ends_line = name in _LINE_ENDING_TAGS and (match.group(1) or name in ("br", "hr"))
        return " " * (size - 1) + ("\n" if ends_line else " ")

    def entity(match: re.Match[str]) -> str:
        char = html.unescape(match.group(0))[:1] or " "
        return char + "\u200b" * (len(match.group(0)) - 1)

    return _ENTITY_RE.sub(entity, _TAG_RE.sub(tag, body))


def is_unreadable(findings: Iterable[ScanFinding]) -> bool:
    return any(f.kind == UNREADABLE for f in findings)


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
