"""Extraction: everything a reader of a published file can see or open, and where it is.

``extract(source, name)`` yields :class:`Segment` (text, a human location in Chinese, the kind
of place it is — ``part`` — and for paged files the page) and :class:`Problem`
(``no_text_layer`` or ``unreadable``, with a Chinese reason). It never raises for bad input:
a corrupt, encrypted, oversized or hostile file becomes a Problem, because an attachment
that cannot be checked must not pass silently.

What is read
------------
* TXT (and other text): one segment, locations 第N行. UTF-8, UTF-16 with BOM or GB18030
  (Windows tools in Chinese still write GBK).
* CSV/TSV: every cell, 第N行第M列.
* PDF (``pdf.py``): per page the text layer as written, the same text rebuilt from where
  each glyph stands (digits drawn one by one, out of order, are put back in reading order),
  and the rebuilt text with a number that wraps at the end of a line joined again; the
  document information and XMP metadata, bookmarks, annotations (comments, link addresses),
  form fields and embedded files. A page with images or drawings but (almost) no text is a
  scan: ``no_text_layer`` for that page range. Encrypted files are read when the user
  password is empty (permission-only protection), otherwise ``unreadable``.
* DOCX (``docx.py``): body paragraphs 第N段, tables 表格N第R行第C列 (nested tables too), text
  boxes, tracked deletions, hidden text (w:vanish) and the text as shown without it,
  headers, footers, footnotes, endnotes, comments, field codes, image descriptions, link
  addresses, document properties (core, extended, custom), and charts, diagrams and other
  XML parts; embedded DOCX/XLSX/PDF files are read in turn.
* XLSX (``xlsx.py``): every sheet, hidden ones included and marked （隐藏）, every cell
  (工作表“名单”C5单元格) with its cached value, formulas without a cached value evaluated
  when they only join strings (="3715"&"0219…") and otherwise read as written, sheet
  names, comments, headers and footers, defined names, link addresses, properties, text
  boxes and charts.
* Images: ``no_text_layer``. Legacy DOC/XLS/WPS, OFD, archives: ``unreadable`` with advice.

Bounds (``Limits``; override in settings as ``SCREENING_LIMITS = {"max_pdf_pages": 500}``)
---------------------------------------------------------------------------------------------
File size, PDF pages, spreadsheet cells (padding included, so a sheet that claims a million
empty rows costs nothing but still counts), total characters, zip members, unpacked zip size
and compression ratio — all checked *before* the work — and a wall-clock budget checked
between pages and rows. pypdf bounds each decompressed stream itself (75 MB by default).
Reaching a bound yields an ``unreadable`` Problem saying how much was checked; whatever was
read before that is still yielded and screened.

Tabular data and long documents are yielded as blocks of many cells joined by newlines (one
detector call per block instead of per cell); ``Segment.locations_of`` maps offsets back to
cells. Newlines keep cells apart: numbers never run across cells.

Adding a kind of text (OCR of scanned pages, issue 21): yield more Segments with their own
``part`` (``"ocr"``), ``page`` and, per character, ``boxes``; screening treats every segment
alike.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from gongkai.screening.extract.base import (
    DEFAULT_LIMITS,
    NO_TEXT_LAYER,
    PARTS,
    UNREADABLE,
    Box,
    Budget,
    Cells,
    Item,
    LimitReached,
    Limits,
    Problem,
    Segment,
    is_identity_header,
)

__all__ = [
    "DEFAULT_LIMITS",
    "NO_TEXT_LAYER",
    "PARTS",
    "UNREADABLE",
    "Box",
    "Item",
    "Limits",
    "Problem",
    "Segment",
    "Source",
    "extract",
]

Source = str | os.PathLike[str] | IO[bytes]

_MB = 1024 * 1024
#: Files inside files (a workbook embedded in a document, a PDF's attachments) are read to
#: this depth; deeper ones are reported, not opened.
MAX_DEPTH = 2


# --- Entry point -------------------------------------------------------------------------


def extract(
    source: Source, name: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Item]:
    """Yield the segments and problems of one file. Never raises for bad input."""
    budget = Budget(limits)
    try:
        data, name = _read(source, name, limits)
    except LimitReached as exc:
        yield Problem(UNREADABLE, exc.reason)
        return
    except OSError as exc:
        yield Problem(UNREADABLE, f"无法打开文件：{exc.strerror or exc}。")
        return
    yield from read_bytes(data, name or "", budget, depth=0)


def read_bytes(data: bytes, name: str, budget: Budget, *, depth: int) -> Iterator[Item]:
    """The items of a file already in memory (an upload, or a file embedded in another)."""
    reader = _reader_for(data, name)
    try:
        yield from reader(data, budget, depth)
    except LimitReached as exc:
        yield Problem(UNREADABLE, exc.reason)
    except Exception as exc:  # a hostile or broken file must become a finding, not a 500
        yield Problem(
            UNREADABLE, f"文件已损坏或格式不正确，无法读取（{type(exc).__name__}），需要人工检查。"
        )


def read_embedded(
    data: bytes, name: str, budget: Budget, *, depth: int, where: str
) -> Iterator[Item]:
    """A file inside another, its locations prefixed with where it is."""
    prefix = f"{where}嵌入的文件“{name}”"
    if depth > MAX_DEPTH:
        yield Problem(UNREADABLE, f"{prefix}嵌套过深，未检查，需要人工检查。", prefix)
        return
    for item in read_bytes(data, name, budget, depth=depth):
        if isinstance(item, Segment):
            yield item.within(prefix)
        else:
            yield Problem(item.kind, f"{prefix}：{item.reason}", prefix + item.location)


def url_text(url: str) -> str:
    """A link address as its reader reads it: percent-escapes decoded, ``+`` a space."""
    from urllib.parse import unquote

    return unquote(url.replace("+", " "), errors="replace")


def _read(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    too_big = f"文件超过{limits.max_file_bytes // _MB} MB，未检查，需要人工检查或拆分后上传。"
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.stat().st_size > limits.max_file_bytes:
            raise LimitReached(too_big)
        return path.read_bytes(), name or path.name
    if hasattr(source, "seek"):
        # A stream that cannot seek is read from where it is.
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = source.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise LimitReached(too_big)
    return data, name or str(getattr(source, "name", "") or "")


Reader = Callable[[bytes, Budget, int], Iterator[Item]]

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
_LEGACY_EXTENSIONS = {".doc", ".xls", ".ppt", ".wps", ".et", ".dps"}


def _reader_for(data: bytes, name: str) -> Reader:
    from gongkai.screening.extract.office import read_office
    from gongkai.screening.extract.pdf import read_pdf

    suffix = Path(name).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head or suffix == ".pdf":
        return read_pdf
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return read_office
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return _image
    if suffix in _IMAGE_EXTENSIONS:
        return _image
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix in _LEGACY_EXTENSIONS:
        return _unsupported(
            f"不支持旧版 Office/WPS 格式（{suffix or '二进制文件'}），"
            "请另存为 DOCX、XLSX 或 PDF 后上传。"
        )
    if suffix in {".docx", ".xlsx", ".xlsm", ".docm", ".ofd", ".zip"}:
        return read_office  # not a zip although it says so: the reader reports the damage
    if suffix in {".csv", ".tsv"}:
        return _csv
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unsupported("无法识别的二进制文件，未能检查内容，需要人工检查。")
    return _text


def _unsupported(reason: str) -> Reader:
    def reader(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
        yield Problem(UNREADABLE, reason)

    return reader


def _image(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
    yield Problem(NO_TEXT_LAYER, "图片文件没有文字层，无法自动检查，需要人工查看。")


# --- Text and CSV ------------------------------------------------------------------------


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # digits are ASCII: still worth screening


def _text(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
    text = decode(data)
    budget.add_chars(len(text))
    yield Segment(text)


def _csv(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    cells = Cells(budget)
    identity_columns: set[int] = set()
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        budget.add_cells(max(1, len(row)))
        if r % 1000 == 0:
            budget.time(f"仅检查了前{r}行")
        for c, value in enumerate(row, start=1):
            if not value.strip():
                continue
            segment = cells.add(value, f"第{r}行第{c}列", identity=c in identity_columns)
            if is_identity_header(value):
                identity_columns.add(c)
            if segment:
                yield segment
    if segment := cells.flush():
        yield segment
