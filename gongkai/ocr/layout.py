"""A page's text with a box for every character, in reading order.

What the OCR engine returns is a heap of lines; screening needs one text per page in which a
table row reads as a row, cells do not run into each other, and every offset maps back to a
place on the page. ``from_page`` builds that:

* lines whose centres lie on one row (measured along the page's skew, since a scan is rarely
  straight) make one line of text, left to right, and rows are joined by newlines;
* within a row, lines close together are joined by a space and lines a cell apart by a tab.
  The detectors never read a number across a tab or a newline, so two columns are never one
  number, while "6222 0212 3456 7890" printed in one cell still reads as one card number.

``PositionedText.boxes_between(start, end)`` gives the rectangles covering a span, one per
piece of it on one line: what the preview highlights and what redaction blacks out.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gongkai.ocr.engine import Box, Line, PageText


@dataclass(frozen=True, slots=True)
class PositionedText:
    text: str
    #: One entry per character of ``text``: its box, or ``None`` for a separator.
    boxes: tuple[Box | None, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.boxes):
            raise ValueError("every character needs a box entry")

    def boxes_between(self, start: int, end: int, *, pad: int = 0) -> list[Box]:
        """Rectangles covering ``text[start:end]``: one per run of characters that follow each
        other on one line, in whichever direction the line runs (a page may be turned)."""
        merged: list[list[int]] = []
        previous: Box | None = None
        for box in self.boxes[start:end]:
            if box is None:
                continue
            if merged and previous is not None and _follows(previous, box, merged[-1]):
                last = merged[-1]
                last[:] = [min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]),
                           max(last[3], box[3])]  # fmt: skip
            else:
                merged.append(list(box))
            previous = box
        return [(b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad) for b in merged]

    def as_json(self) -> list[list[int] | None]:
        return [list(b) if b is not None else None for b in self.boxes]

    @classmethod
    def from_json(cls, text: str, boxes: Sequence[Sequence[int] | None]) -> PositionedText:
        return cls(text, tuple(tuple(b) if b is not None else None for b in boxes))  # type: ignore[misc]


def _follows(previous: Box, box: Box, run: list[int]) -> bool:
    """Whether ``box`` continues the run of ``previous`` on the same line: level with it (or,
    for a turned page, in the same column) and no more than about a character from the run."""
    size = max(box[2] - box[0], box[3] - box[1], 1)
    across_y = min(previous[3], box[3]) - max(previous[1], box[1])
    across_x = min(previous[2], box[2]) - max(previous[0], box[0])
    gap_x = max(run[0], box[0]) - min(run[2], box[2])
    gap_y = max(run[1], box[1]) - min(run[3], box[3])
    level = across_y > 0.5 * min(previous[3] - previous[1], box[3] - box[1]) and gap_x < 1.5 * size
    column = across_x > 0.5 * min(previous[2] - previous[0], box[2] - box[0]) and gap_y < 1.5 * size
    return level or column


def _rows(lines: Sequence[Line], skew: float) -> list[list[Line]]:
    if not lines:
        return []
    height = statistics.median(line.box[3] - line.box[1] for line in lines) or 1

    def level(line: Line) -> float:  # the centre's height, with the page's turn taken out
        x = (line.box[0] + line.box[2]) / 2
        return (line.box[1] + line.box[3]) / 2 - skew * x

    rows: list[list[Line]] = []
    levels: list[float] = []
    for line in sorted(lines, key=level):
        y = level(line)
        if rows and abs(y - levels[-1]) < 0.5 * height:
            rows[-1].append(line)
            levels[-1] = statistics.fmean(level(li) for li in rows[-1])
        else:
            rows.append([line])
            levels.append(y)
    return [sorted(row, key=lambda li: li.box[0]) for row in rows]


def from_page(page: PageText) -> PositionedText:
    text: list[str] = []
    boxes: list[Box | None] = []
    for r, row in enumerate(_rows(page.lines, page.skew)):
        if r:
            text.append("\n")
            boxes.append(None)
        for i, line in enumerate(row):
            if i:
                gap = line.box[0] - row[i - 1].box[2]
                height = max(
                    1, min(line.box[3] - line.box[1], row[i - 1].box[3] - row[i - 1].box[1])
                )
                text.append(" " if gap < 0.8 * height else "\t")
                boxes.append(None)
            text.append(line.text)
            boxes.extend(line.chars)
    return PositionedText("".join(text), tuple(boxes))


def join_pages(texts: Iterable[str]) -> str:
    """The text of a whole file for search and for the public text alternative."""
    return "\n\n".join(t.strip() for t in texts if t.strip())
