"""Extraction: the text a reader of a published file can see, and where it is.

``extract(source, name)`` yields :class:`Segment` (text plus a human location in Chinese)
and :class:`Problem` (``no_text_layer`` or ``unreadable``, with a Chinese reason). It never
raises for bad input: a corrupt, encrypted, oversized or hostile file becomes a Problem,
because an attachment that cannot be checked must not pass silently.

What is read
------------
* TXT (and other text): one segment, locations 第N行. UTF-8, UTF-16 with BOM or GB18030
  (Windows tools in Chinese still write GBK).
* CSV/TSV: every cell, 第N行第M列.
* PDF (pypdf): the text layer per page, 第N页第M行. A page with images or drawings but (almost)
  no text is a scan: ``no_text_layer`` for that page range. Encrypted files are read when the
  user password is empty (permission-only protection), otherwise ``unreadable``.
* DOCX (python-docx's parser, walked directly): body paragraphs 第N段, tables 表格N第R行第C列
  (nested tables too), text boxes inside their paragraph, tracked deletions (still in the
  file), headers, footers, footnotes, endnotes and comments.
* XLSX (openpyxl, read-only, cached values): every sheet, hidden ones included and marked
  （隐藏）, every cell: 工作表“名单”C5单元格.
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
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import io
import os
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

NO_TEXT_LAYER = "no_text_layer"
UNREADABLE = "unreadable"

Source = str | os.PathLike[str] | IO[bytes]

_MB = 1024 * 1024


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


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text and where it is. For a block of cells, ``cell_starts`` (sorted) and
    ``cell_locations`` say where each cell begins in ``text`` and what to call it."""

    text: str
    location: str = ""
    numbered_lines: bool = True
    cell_starts: tuple[int, ...] = ()
    cell_locations: tuple[str, ...] = ()
    identity_cells: frozenset[int] = field(default_factory=frozenset)

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


@dataclass(frozen=True, slots=True)
class Problem:
    """Something about the file rather than its text: ``no_text_layer`` or ``unreadable``."""

    kind: str
    reason: str
    location: str = ""


Item = Segment | Problem


class _LimitReached(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.chars = 0
        self.cells = 0

    def time(self, checked: str) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitReached(
                f"处理超过{self.limits.max_seconds:g}秒仍未完成，{checked}，其余内容需要人工检查。"
            )

    def add_chars(self, count: int) -> None:
        self.chars += count
        if self.chars > self.limits.max_chars:
            raise _LimitReached(
                f"文字超过{self.limits.max_chars:,}个字符，仅检查了前面部分，其余内容需要人工检查。"
            )

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.max_cells:
            raise _LimitReached(
                f"表格超过{self.limits.max_cells:,}个单元格，仅检查了前面部分，其余内容需要人工检查。"
            )


_IDENTITY_HEADER_WORDS = ("身份证", "身份号", "证件号", "公民身份")


def _is_identity_header(text: str) -> bool:
    return len(text) <= 20 and any(w in text for w in _IDENTITY_HEADER_WORDS)


class _Cells:
    """Collects cells into blocks of about ``chunk`` characters."""

    def __init__(self, budget: _Budget, chunk: int = 1 << 16) -> None:
        self.budget = budget
        self.chunk = chunk
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
        )
        self._reset()
        return segment


# --- Entry point -------------------------------------------------------------------------


def extract(
    source: Source, name: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Item]:
    """Yield the segments and problems of one file. Never raises for bad input."""
    budget = _Budget(limits)
    try:
        data, name = _read(source, name, limits)
    except _LimitReached as exc:
        yield Problem(UNREADABLE, exc.reason)
        return
    except OSError as exc:
        yield Problem(UNREADABLE, f"无法打开文件：{exc.strerror or exc}。")
        return
    reader = _reader_for(data, name or "")
    try:
        yield from reader(data, budget)
    except _LimitReached as exc:
        yield Problem(UNREADABLE, exc.reason)
    except Exception as exc:  # a hostile or broken file must become a finding, not a 500
        yield Problem(
            UNREADABLE, f"文件已损坏或格式不正确，无法读取（{type(exc).__name__}），需要人工检查。"
        )


def _read(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    too_big = f"文件超过{limits.max_file_bytes // _MB} MB，未检查，需要人工检查或拆分后上传。"
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.stat().st_size > limits.max_file_bytes:
            raise _LimitReached(too_big)
        return path.read_bytes(), name or path.name
    if hasattr(source, "seek"):
        # A stream that cannot seek is read from where it is.
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = source.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise _LimitReached(too_big)
    return data, name or str(getattr(source, "name", "") or "")


Reader = Callable[[bytes, _Budget], Iterator[Item]]

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
_LEGACY_EXTENSIONS = {".doc", ".xls", ".ppt", ".wps", ".et", ".dps"}


def _reader_for(data: bytes, name: str) -> Reader:
    suffix = Path(name).suffix.lower()
    head = data[:1024]
    if b"%PDF-" in head or suffix == ".pdf":
        return _pdf
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _office
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
        return _office  # not a zip although it says so: _office reports the damage
    if suffix in {".csv", ".tsv"}:
        return _csv
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _unsupported("无法识别的二进制文件，未能检查内容，需要人工检查。")
    return _text


def _unsupported(reason: str) -> Reader:
    def reader(data: bytes, budget: _Budget) -> Iterator[Item]:
        yield Problem(UNREADABLE, reason)

    return reader


def _image(data: bytes, budget: _Budget) -> Iterator[Item]:
    yield Problem(NO_TEXT_LAYER, "图片文件没有文字层，无法自动检查，需要人工查看。")


# --- Text and CSV ------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # digits are ASCII: still worth screening


def _text(data: bytes, budget: _Budget) -> Iterator[Item]:
    text = _decode(data)
    budget.add_chars(len(text))
    yield Segment(text)


def _csv(data: bytes, budget: _Budget) -> Iterator[Item]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    cells = _Cells(budget)
    identity_columns: set[int] = set()
    for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        budget.add_cells(max(1, len(row)))
        if r % 1000 == 0:
            budget.time(f"仅检查了前{r}行")
        for c, value in enumerate(row, start=1):
            if not value.strip():
                continue
            segment = cells.add(value, f"第{r}行第{c}列", identity=c in identity_columns)
            if _is_identity_header(value):
                identity_columns.add(c)
            if segment:
                yield segment
    if segment := cells.flush():
        yield segment


# --- PDF ---------------------------------------------------------------------------------

# Fewer visible characters than this on a page with an image is a scan with, at most, a page
# number or a stamp caption: the content is in the picture.
_MIN_PAGE_TEXT = 10
# A page with no text and no image but this much drawing is text turned into outlines.
_MIN_DRAWING_BYTES = 2000


def _pdf(data: bytes, budget: _Budget) -> Iterator[Item]:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings on sloppy files are noise
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:  # e.g. AES without a crypto library: cannot read, say so
            opened = False
        if not opened:
            yield Problem(
                UNREADABLE, "PDF 文件已加密，无法读取内容，请上传未加密的版本或人工检查。"
            )
            return
    total = len(reader.pages)
    count = min(total, budget.limits.max_pdf_pages)
    scanned: list[int] = []
    try:
        for index in range(count):
            number = index + 1
            budget.time(f"仅检查了前{index}页")
            try:
                page = reader.pages[index]
                text = page.extract_text() or ""
            except Exception as exc:
                yield Problem(
                    UNREADABLE,
                    f"第{number}页无法读取（{type(exc).__name__}），需要人工检查。",
                    f"第{number}页",
                )
                continue
            visible = len("".join(text.split()))  # non-whitespace characters, counted in C
            if visible < _MIN_PAGE_TEXT and _looks_drawn(page, visible):
                scanned.append(number)
            if visible:
                budget.add_chars(len(text))
                yield Segment(text, f"第{number}页")
    except _LimitReached as exc:
        yield from _scanned_problems(scanned, total)
        yield Problem(UNREADABLE, exc.reason)
        return
    yield from _scanned_problems(scanned, total)
    if total > count:
        yield Problem(
            UNREADABLE,
            f"共{total}页，超过{count}页的上限，仅检查了前{count}页，其余需要人工检查。",
        )


def _looks_drawn(page: Any, visible: int) -> bool:
    if _has_image(page.get("/Resources"), depth=0):
        return True
    if visible:
        return False
    try:
        contents = page.get_contents()
        return contents is not None and len(contents.get_data()) >= _MIN_DRAWING_BYTES
    except Exception:
        return True  # cannot tell: a human look is the safe answer


def _has_image(resources: Any, depth: int) -> bool:
    if resources is None or depth > 3:
        return False
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return False
    for ref in xobjects.get_object().values():
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _has_image(xobject.get("/Resources"), depth + 1):
            return True
    return False


def _scanned_problems(pages: list[int], total: int) -> Iterator[Problem]:
    if not pages:
        return
    if len(pages) == total:
        yield Problem(
            NO_TEXT_LAYER,
            f"全部{total}页都没有文字层（扫描件或图片），无法自动检查，需要人工查看。",
            f"第1–{total}页" if total > 1 else "第1页",
        )
        return
    ranges: list[tuple[int, int]] = []
    for number in pages:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    for first, last in ranges:
        where = f"第{first}页" if first == last else f"第{first}–{last}页"
        yield Problem(NO_TEXT_LAYER, f"{where}没有文字层（扫描件或图片），需要人工查看。", where)


# --- DOCX and XLSX -----------------------------------------------------------------------


def _office(data: bytes, budget: _Budget) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield Problem(UNREADABLE, "文件已损坏（不是有效的 DOCX/XLSX），无法读取，需要人工检查。")
        return
    with archive:
        names = set(archive.namelist())
        if reason := _zip_hazard(archive, budget.limits):
            yield Problem(UNREADABLE, reason)
            return
    if "word/document.xml" in names:
        yield from _docx(data, budget)
    elif "xl/workbook.xml" in names:
        yield from _xlsx(data, budget)
    elif "OFD.xml" in names:
        yield Problem(UNREADABLE, "暂不支持 OFD 版式文件，请同时提供 PDF 版本或人工检查。")
    elif any(n.startswith("ppt/") for n in names):
        yield Problem(UNREADABLE, "暂不支持演示文稿，请另存为 PDF 后上传。")
    else:
        yield Problem(UNREADABLE, "压缩包中的文件无法自动检查，请解压后分别上传。")


def _zip_hazard(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    # Sizes in the central directory are what the archive claims; zipfile never inflates a
    # member past its declared size (ZipExtFile stops at file_size), so bounding the claims
    # bounds the work that python-docx and openpyxl can be made to do.
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        return f"压缩包内有{len(members)}个文件，超过上限，可能是恶意文件，未检查，需要人工检查。"
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        return (
            f"解压后约{unpacked // _MB} MB，超过{limits.max_unpacked_bytes // _MB} MB 的上限，"
            "可能是压缩炸弹，未检查，需要人工检查。"
        )
    for member in members:
        if member.file_size > _MB and member.file_size > limits.max_compression_ratio * max(
            member.compress_size, 1
        ):
            return f"“{member.filename}”的压缩比异常，可能是压缩炸弹，未检查，需要人工检查。"
    return None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDT_CONTENT = (
    _W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent")
)
_W_TEXT = {_W + "t", _W + "delText"}
_W_BREAK = {_W + "br", _W + "cr"}
_W_TAB = _W + "tab"
_W_GRID_SPAN, _W_VAL = _W + "gridSpan", _W + "val"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

_DOCX_PARTS = (
    ("/word/header", "页眉"),
    ("/word/footer", "页脚"),
    ("/word/footnotes", "脚注"),
    ("/word/endnotes", "尾注"),
    ("/word/comments", "批注"),
)


def _inline_text(element: Any, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _W_TEXT:
            out.append(child.text or "")
        elif tag == _W_TAB:
            out.append("\t")
        elif tag in _W_BREAK:
            out.append("\n")
        elif tag == _MC_FALLBACK:
            continue  # the same text box again, for old readers
        elif tag == _W_P:
            out.append("\n")  # a text box paragraph inside this one: its own line
            _inline_text(child, out)
        elif isinstance(tag, str):
            _inline_text(child, out)


def _paragraph_text(paragraph: Any) -> str:
    out: list[str] = []
    _inline_text(paragraph, out)
    return "".join(out)


class _DocxWalker:
    def __init__(self, cells: _Cells, budget: _Budget) -> None:
        self.cells = cells
        self.budget = budget
        self.paragraphs = 0
        self.tables = 0

    def blocks(self, container: Any, prefix: str, numbered: bool) -> Iterator[Segment]:
        for child in container:
            if child.tag == _W_P:
                text = _paragraph_text(child)
                if not text.strip():
                    continue
                if numbered:
                    self.paragraphs += 1
                    label = f"{prefix}第{self.paragraphs}段"
                else:
                    label = prefix
                if segment := self.cells.add(text, label):
                    yield segment
            elif child.tag == _W_TBL:
                yield from self.table(child, prefix)
            elif child.tag == _W_SDT:
                for content in child.iter(_W_SDT_CONTENT):
                    yield from self.blocks(content, prefix, numbered)
                    break

    def table(self, table: Any, prefix: str) -> Iterator[Segment]:
        self.tables += 1
        name = f"{prefix}表格{self.tables}"
        identity_columns: set[int] = set()
        for r, row in enumerate(table.iterchildren(_W_TR), start=1):
            self.budget.time(f"仅检查到{name}第{r}行")
            column = 1
            for cell in row.iterchildren(_W_TC):
                span = 1
                for grid_span in cell.iter(_W_GRID_SPAN):
                    span = int(grid_span.get(_W_VAL, "1") or 1)
                    break
                self.budget.add_cells(1)
                label = f"{name}第{r}行第{column}列"
                texts = [_paragraph_text(p) for p in cell.iterchildren(_W_P)]
                text = "\n".join(t for t in texts if t.strip())
                if text:
                    identity = column in identity_columns
                    if _is_identity_header(text):
                        identity_columns.add(column)
                    if segment := self.cells.add(text, label, identity=identity):
                        yield segment
                for nested in cell.iterchildren(_W_TBL):
                    yield from self.table(nested, f"{label}内")
                column += max(span, 1)


def _docx(data: bytes, budget: _Budget) -> Iterator[Item]:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document(io.BytesIO(data))
    cells = _Cells(budget)
    walker = _DocxWalker(cells, budget)
    yield from walker.blocks(document.element.body, "", numbered=True)
    for part in document.part.package.iter_parts():
        partname = str(part.partname)
        label = next((lb for prefix, lb in _DOCX_PARTS if partname.startswith(prefix)), None)
        if label is None:
            continue
        element = getattr(part, "element", None)
        if element is None:
            element = parse_xml(part.blob)
        yield from walker.blocks(element, label, numbered=False)
    if segment := cells.flush():
        yield segment


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Phone numbers typed into a number cell come back as floats: 13812345678.0.
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else f"{value:g}"
    return ""  # dates and times are not what this screens for


def _xlsx(data: bytes, budget: _Budget) -> Iterator[Item]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # a chart sheet: no cells
            hidden = "（隐藏）" if getattr(sheet, "sheet_state", "visible") != "visible" else ""
            place = f"工作表“{sheet.title}”{hidden}"
            # The declared dimension is the file's claim; ignoring it means a sheet that says
            # A1:XFD1048576 is not padded out to a billion empty cells.
            sheet.reset_dimensions()
            cells = _Cells(budget)
            identity_columns: set[int] = set()
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                budget.add_cells(max(1, len(row)))
                if r % 1000 == 0:
                    budget.time(f"仅检查到{place}第{r}行")
                for c, value in enumerate(row, start=1):
                    if value is None:
                        continue
                    text = _cell_text(value)
                    if not text.strip():
                        continue
                    label = f"{place}{get_column_letter(c)}{r}单元格"
                    segment = cells.add(text, label, identity=c in identity_columns)
                    if _is_identity_header(text):
                        identity_columns.add(c)
                    if segment:
                        yield segment
            if segment := cells.flush():
                yield segment
    finally:
        workbook.close()
