"""Masking: rewrite personal data to the masked forms readers expect.

``mask_text(text, findings)`` replaces the digits of every ``id_card``, ``mobile_phone`` and
``bank_card`` finding with ``*`` and leaves everything else — separators, full-width forms,
markings, sensitive terms and all other text — exactly as it was:

* ID number: first 6 and last 4 kept — ``371502********1234``
* mobile number: first 3 and last 4 of the national number kept — ``138****5678``
  (a +86 prefix stays as written)
* bank card: last 4 kept — ``***************1234``

Markings and sensitive terms are not masked: whether a classified document may be published
at all, or how a term should be reworded, is a reviewer's decision, not a substitution.

The findings must come from scanning this very text (``scan_text`` or ``detect``): each one's
``text`` is checked against ``text[start:end]`` so a stale finding can never mask the wrong
characters. ``mask_reading`` masks a source through its reading (HTML: a number split by
tags, or written with entities, is masked in the HTML, tags kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from gongkai.screening.characters import DIGIT_VALUE
from gongkai.screening.detectors import BANK_CARD, ID_CARD, MOBILE_PHONE, PERSONAL_DATA_KINDS

if TYPE_CHECKING:
    from gongkai.screening.reading import Reading

MASK = "*"
# Every form of a digit (full-width, circled, Chinese numerals …) and of the check X.
_DIGITS = frozenset(DIGIT_VALUE)


class Span(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int | None: ...
    @property
    def end(self) -> int | None: ...


class StaleFindingError(ValueError):
    """A finding does not match the text any more: scan again before masking."""


def hidden_positions(kind: str, positions: Sequence[int]) -> Sequence[int]:
    """Which of a number's digit positions its masked form hides."""
    if kind == ID_CARD:
        return positions[6:-4]
    if kind == MOBILE_PHONE:
        national = positions[-11:]  # whatever comes before is the 86 / 0086 prefix
        return national[3:-4]
    if kind == BANK_CARD:
        return positions[:-4]
    return ()


def mask_number(kind: str, written: str) -> str:
    """The masked form of one number as written (separators and widths kept)."""
    positions = [i for i, c in enumerate(written) if c in _DIGITS]
    hidden = hidden_positions(kind, positions)
    if not hidden:
        return written
    chars = list(written)
    for i in hidden:
        chars[i] = MASK
    return "".join(chars)


def mask_spans(reading: Reading, findings: Iterable[Span]) -> dict[int, int]:
    """The source spans to replace by ``*`` to mask the personal-data findings (spans in the
    text as read): each hidden digit's source, the digit itself or the whole entity or
    escape it was decoded from. Tags and everything else stay."""
    spans: dict[int, int] = {}
    for finding in findings:
        if finding.kind not in PERSONAL_DATA_KINDS or finding.start is None or finding.end is None:
            continue
        text = reading.text[finding.start : finding.end]
        if text != finding.text:
            raise StaleFindingError(f"发现项“{finding.text}”与当前文本不一致，请重新检查后再脱敏。")
        positions = [finding.start + i for i, c in enumerate(text) if c in _DIGITS]
        for i in hidden_positions(finding.kind, positions):
            spans[reading.source_start(i)] = reading.source_end(i)
    return spans


def apply_mask(source: str, spans: dict[int, int]) -> str:
    """``source`` with each span (start → end) replaced by one ``*``."""
    if not spans:
        return source
    parts: list[str] = []
    position = 0
    for start in sorted(spans):
        if start < position:
            continue
        parts.append(source[position:start])
        parts.append(MASK)
        position = spans[start]
    parts.append(source[position:])
    return "".join(parts)


def mask_reading(reading: Reading, findings: Iterable[Span]) -> str:
    """The source of ``reading`` with every personal-data finding masked in it."""
    return apply_mask(reading.source, mask_spans(reading, findings))


def mask_text(text: str, findings: Iterable[Span]) -> str:
    """``text`` with every personal-data finding masked; overlapping findings mask once."""
    spans = sorted(
        (f for f in findings if f.kind in PERSONAL_DATA_KINDS),
        key=lambda f: (f.start or 0, -(f.end or 0)),
    )
    parts: list[str] = []
    position = 0
    for finding in spans:
        start, end = finding.start, finding.end
        if start is None or end is None:
            continue  # a file-level finding: nothing to rewrite in this text
        if text[start:end] != finding.text:
            raise StaleFindingError(
                f"发现项“{finding.text}”与当前文本不一致（位置 {start}–{end}），"
                "请重新检查后再脱敏。"
            )
        if start < position:
            continue
        parts.append(text[position:start])
        parts.append(mask_number(finding.kind, finding.text))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def masked_personal_data(text: str) -> str:
    """``text`` with every ID, mobile and card number in it masked (a location or a file
    name shown beside a finding must not repeat what the finding keeps masked). Read as a
    file name is: an underscore parts words as a space does."""
    from gongkai.screening.detectors import detect
    from gongkai.screening.reading import read_file_name

    reading = read_file_name(text)
    found = [f for f in detect(reading.text) if f.kind in PERSONAL_DATA_KINDS]
    return mask_reading(reading, found) if found else text
