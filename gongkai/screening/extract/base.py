"""What every reader of a file format shares: the parts it yields, the bounds it keeps, and a
safe XML parser."""

from __future__ import annotations

import bisect
import dataclasses
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

NO_TEXT_LAYER = "no_text_layer"
UNREADABLE = "unreadable"

_MB = 1024 * 1024

#: What kind of place a segment is (``Segment.part``). Readers may add their own; OCR text
#: of a scanned page will come as ``"ocr"`` segments with a page and boxes.
PARTS = {
    "text": "正文",
    "page": "页面",
    "layout": "页面（按版面位置）",
    "cell": "单元格",
    "document": "正文",
    "header": "页眉",
    "footer": "页脚",
    "footnote": "脚注",
    "endnote": "尾注",
    "comment": "批注",
    "property": "文档属性",
    "sheet_name": "工作表名称",
    "formula": "公式",
    "annotation": "注释",
    "form_field": "表单域",
    "link": "链接地址",
    "outline": "书签",
    "metadata": "元数据",
    "file_name": "文件名",
    "other": "其他部分",
    "ocr": "文字识别",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource bounds per file. Defaults suit a county bureau's uploads on a small server."""

    max_file_bytes: int = 50 * _MB
    max_pdf_pages: int = 2000
    max_cells: int = 2_000_000
    max_chars: int = 50_000_000
    max_zip_members: int = 5000
    max_unpacked_bytes: int = 500 * _MB
    # Office XML deflates 5–20×; a few hundred means a member made of one repeated byte.
    max_compression_ratio: int = 200
    max_seconds: float = 60.0


DEFAULT_LIMITS = Limits()

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text, where it is, and what kind of place that is.

    ``part`` names the kind of place (``PARTS``) and ``page`` the page of a paged file.
    For a block of cells, ``cell_starts`` (sorted) and ``cell_locations`` say where each
    cell begins in ``text`` and what to call it. ``boxes``, when a reader knows them, give
    each character's box on its page (x0, y0, x1, y1 in the page's units), so a finding can
    be shown, or blacked out, where it stands."""

    text: str
    location: str = ""
    numbered_lines: bool = True
    cell_starts: tuple[int, ...] = ()
    cell_locations: tuple[str, ...] = ()
    identity_cells: frozenset[int] = field(default_factory=frozenset)
    part: str = "text"
    page: int | None = None
    boxes: tuple[Box, ...] = ()

    def _cell(self, offset: int) -> int:
        return bisect.bisect_right(self.cell_starts, offset) - 1

    def locations_of(self, offsets: Sequence[int]) -> list[str]:
        if self.cell_starts:
            return [self.cell_locations[self._cell(o)] for o in offsets]
        if not self.numbered_lines:
            return [self.location for _ in offsets]
        # One pass for all offsets: a big text file with many findings stays linear.
        newlines = [i for i, c in enumerate(self.text) if c == "\n"] if offsets else []
        return [f"{self.location}第{bisect.bisect_left(newlines, o) + 1}行" for o in offsets]

    def in_identity_column(self, offset: int) -> bool:
        return bool(self.cell_starts) and self._cell(offset) in self.identity_cells

    def within(self, prefix: str) -> Segment:
        """The same segment inside something else (a file embedded in another)."""
        return dataclasses.replace(
            self,
            location=prefix + self.location,
            cell_locations=tuple(prefix + c for c in self.cell_locations),
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about the file rather than its text: ``no_text_layer`` or ``unreadable``."""

    kind: str
    reason: str
    location: str = ""


Item = Segment | Problem


class LimitReached(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.chars = 0
        self.cells = 0

    def time(self, checked: str) -> None:
        if time.monotonic() > self.deadline:
            raise LimitReached(
                f"处理超过{self.limits.max_seconds:g}秒仍未完成，{checked}，其余内容需要人工检查。"
            )

    def add_chars(self, count: int) -> None:
        self.chars += count
        if self.chars > self.limits.max_chars:
            raise LimitReached(
                f"文字超过{self.limits.max_chars:,}个字符，仅检查了前面部分，其余内容需要人工检查。"
            )

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.max_cells:
            raise LimitReached(
                f"表格超过{self.limits.max_cells:,}个单元格，仅检查了前面部分，其余内容需要人工检查。"
            )


_IDENTITY_HEADER_WORDS = ("身份证", "身份号", "证件号", "公民身份")


def is_identity_header(text: str) -> bool:
    return len(text) <= 20 and any(w in text for w in _IDENTITY_HEADER_WORDS)


class Cells:
    """Collects labelled pieces of text (cells, paragraphs, properties) into blocks of about
    ``chunk`` characters: one detector call per block instead of per piece. Newlines keep
    the pieces apart: a number never runs from one into the next."""

    def __init__(self, budget: Budget, chunk: int = 1 << 16, *, part: str = "cell") -> None:
        self.budget = budget
        self.chunk = chunk
        self.part = part
        self._reset()

    def _reset(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.labels: list[str] = []
        self.identity: set[int] = set()
        self.size = 0

    def add(self, text: str, label: str, *, identity: bool = False) -> Segment | None:
        self.budget.add_chars(len(text))
        if identity:
            self.identity.add(len(self.starts))
        self.starts.append(self.size)
        self.labels.append(label)
        self.parts.append(text)
        self.size += len(text) + 1
        return self.flush() if self.size >= self.chunk else None

    def flush(self) -> Segment | None:
        if not self.parts:
            return None
        segment = Segment(
            "\n".join(self.parts),
            numbered_lines=False,
            cell_starts=tuple(self.starts),
            cell_locations=tuple(self.labels),
            identity_cells=frozenset(self.identity),
            part=self.part,
        )
        self._reset()
        return segment


def labelled(pieces: Sequence[tuple[str, str]], budget: Budget, part: str) -> Iterator[Segment]:
    """Short labelled texts (properties, names, comments) as blocks of one part."""
    cells = Cells(budget, part=part)
    for label, text in pieces:
        if text and text.strip() and (segment := cells.add(text, label)):
            yield segment
    if segment := cells.flush():
        yield segment


# --- XML ---------------------------------------------------------------------------------


def parse_xml(data: bytes) -> Any:
    """An lxml tree of untrusted XML: no DTD loaded, no entity expanded, nothing fetched, no
    huge-tree mode (XXE and billion-laughs files stay inert). Raises on malformed XML."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    return etree.fromstring(data, parser=parser)


def local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
