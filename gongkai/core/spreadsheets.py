"""The spreadsheet kit every importer and exporter uses: reading CSV and XLSX, matching
headers, reporting bad rows; writing CSV and XLSX that run nothing when opened.

**Reading** (``read_sheets``, ``Columns``, ``RowError``, ``ImportReport``). Clerks bring
spreadsheets from Excel, WPS and old sites' exports. A file is read whole into ``Sheet``s
(one workbook-loading path; a CSV is one sheet), cells become text the same way for every
importer (``cell_text``), a header row is found by the spellings people use for each column
(``Columns``), and every problem is a ``RowError`` with the row number the spreadsheet shows,
so an import can be refused as a whole with everything that is wrong listed at once.
Excel on Chinese Windows saves "CSV" as GBK (contained in GB18030); newer versions and other
tools save UTF-8, often with a BOM; tab-separated text pasted from a sheet is accepted too. A
file with NUL characters is not a CSV text file (usually a renamed binary) and is refused with
a message a clerk can act on; so is a legacy .xls, which openpyxl cannot read.

**Writing.** Text that people typed (an organisation's name, a catalogue element, an address)
ends up in cells. A cell that starts with ``=``, ``+``, ``-`` or ``@`` — or a tab or carriage
return before one — is a formula to Excel, WPS and LibreOffice: ``=HYPERLINK("http://…","点击")``
sends the reader to another site, ``=cmd|' /C calc'!A0`` (DDE) starts a program. This is CSV
or formula injection (OWASP); full-width ``＝＋－＠`` are treated alike, since input methods
and some spreadsheet programs turn them into their ASCII forms.

* **CSV** (``csv_writer``): such a text cell is written with a leading apostrophe (OWASP's
  advice), so the program shows it as text. Reading drops that apostrophe again
  (``csv_rows``), so an exported file reads back as it was.
* **XLSX** (``write_cell``, ``append_row``): the text is stored unchanged as a string cell
  (never a formula, which openpyxl would make of ``=…``) marked "quote prefix", the flag Excel
  sets when someone types an apostrophe: it shows the text as it is and keeps it text when the
  cell is edited.

Real numbers stay numbers: ints, floats and Decimals are written as they are, and so is text
that is just a number (``-5``, ``+3.5``), which no program reads as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, ClassVar

#: What makes a spreadsheet program read a cell as a formula (after leading spaces).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_LEADING_SPACE = " \u3000\u00a0"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula."""
    if not text or _NUMBER.fullmatch(text):
        return False
    if text[0] in "\t\r\n":
        return True
    stripped = text.lstrip(_LEADING_SPACE)
    return bool(stripped) and stripped.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def restore_csv_cell(text: str) -> str:
    """What ``csv_cell`` wrote, read back: the apostrophe before formula-like text dropped."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


class SafeCSVWriter:
    """``csv.writer`` with every cell passed through ``csv_cell``."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, **options: Any) -> SafeCSVWriter:
    """Like ``csv.writer(stream, **options)``, formula-safe."""
    return SafeCSVWriter(stream, **options)


def write_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """``sheet.cell(row, column, value)``, formula-safe; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    _set(cell, value)
    return cell


def append_write_only(sheet: Any, values: Iterable[Any], *, font: Any = None) -> None:
    """``sheet.append(values)`` on a write-only worksheet (``Workbook(write_only=True)``, for
    long exports that should not sit in memory), formula-safe; ``font`` styles every cell."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        _set(cell, value)
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.append(cells)


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, formula-safe."""
    values = list(values)
    row = 1 if _is_empty(sheet) else sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        write_cell(sheet, row, column, value)


def _is_empty(sheet: Any) -> bool:
    return sheet.max_row == 1 and sheet.max_column == 1 and sheet.cell(1, 1).value is None


def _set(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and (value.startswith("=") or is_formula_like(value)):
        cell.data_type = "s"  # openpyxl made "=…" a formula: store the text itself
        cell.quotePrefix = True


# --- Reading ----------------------------------------------------------------------------------


class UnreadableFile(ValueError):
    """The file cannot be read as a spreadsheet at all (as opposed to one with bad rows); the
    message says why, in Chinese."""


@dataclass(frozen=True)
class RowError:
    """One problem, where a clerk finds it: a row number as the spreadsheet shows it (or a
    place in words, "一级事项 3"), the column, and the file when several are read together."""

    row: int | str
    message: str
    column: str = ""
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source} " if self.source else ""
        place = f"第 {self.row} 行" if isinstance(self.row, int) else str(self.row)
        column = f"（{self.column}）" if self.column else ""
        return f"{where}{place}{column}：{self.message}"


def sort_errors(errors: Iterable[RowError]) -> list[RowError]:
    """Each problem once, places named in words first, then by row number."""
    unique = list(dict.fromkeys(errors))
    return sorted(unique, key=lambda e: (0, 0) if isinstance(e.row, str) else (1, e.row))


class ImportRefused(ValueError):
    """A file with errors: nothing was imported. Subclasses name what kind of file it was."""

    what: ClassVar[str] = "文件"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        lines = "\n".join(map(str, errors))
        super().__init__(f"{self.what}有错误，未导入任何内容：\n{lines}")


@dataclass
class ImportReport:
    """What an import found and did. When ``errors`` is not empty nothing was written."""

    refused: ClassVar[type[ImportRefused]] = ImportRefused

    source: str = ""
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> None:
        if self.errors:
            raise self.refused(self.errors)


#: A merged range as (min_row, min_col, max_row, max_col), 1-based like openpyxl.
Merged = tuple[int, int, int, int]


@dataclass
class Sheet:
    """One sheet as read: ``rows[0]`` is the row the spreadsheet shows as row 1."""

    name: str
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)

    def numbered(self) -> list[tuple[int, list[Any]]]:
        return list(enumerate(self.rows, start=1))


XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
#: Old Excel and WPS formats openpyxl cannot read (OLE2 containers).
LEGACY_SUFFIXES = frozenset({".xls", ".et", ".wps"})
CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ""})
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Source = str | Path | IO[bytes]


def read_source(source: Source) -> tuple[bytes, str]:
    """The bytes and the file name of a path or an open binary file."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except OSError as exc:
            raise UnreadableFile(f"无法读取文件“{path.name}”：{exc.strerror}") from exc
    return source.read(), Path(str(getattr(source, "name", "") or "")).name


def read_sheets(data: bytes, name: str = "") -> list[Sheet]:
    """Every sheet of an XLSX workbook (the one it opens on first), or a CSV file as one
    sheet; the format is known by the content first, then by the name's extension."""
    suffix = Path(name).suffix.lower()
    if data[:4] == _ZIP or suffix in XLSX_SUFFIXES:
        return _xlsx_sheets(data)
    if data[:8] == _OLE2 or suffix in LEGACY_SUFFIXES:
        raise UnreadableFile(
            "不支持旧版 .xls、.et 或 .wps 文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入。"
        )
    if suffix in CSV_SUFFIXES:
        return [Sheet(name, list(csv_rows(data)))]
    raise UnreadableFile("只能导入 .xlsx 或 .csv 表格（CSV 须为 UTF-8 或 GB18030 编码）。")


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.worksheet.worksheet import Worksheet

    try:
        # Not read-only: read-only worksheets expose no merged ranges and skip leading empty
        # rows, which would shift every row number a clerk is told.
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types (lxml's, zipfile's) for a damaged file
        raise UnreadableFile("无法打开 xlsx 文件，文件可能已损坏。") from exc
    try:
        active = workbook.active
        ordered = [active] if isinstance(active, Worksheet) else []
        ordered += [ws for ws in workbook.worksheets if ws is not active]
        return [
            Sheet(
                sheet.title,
                [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)],
                [(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges],
            )
            for sheet in ordered
            if isinstance(sheet, Worksheet)
        ]
    finally:
        workbook.close()


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。")
    if "\x00" in text:
        raise UnreadableFile(
            "文件中含有空字符，不是 CSV 文本文件（可能是改了扩展名的其他文件）。"
            "请在表格软件中“另存为”CSV 后再导入。"
        )
    return text


def csv_rows(data: bytes) -> list[list[str]]:
    """Every row of a CSV file as a list of cells; the delimiter (comma or tab) is guessed
    from the first non-empty line; the apostrophe ``csv_cell`` wrote is dropped."""
    text = decode_csv(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[restore_csv_cell(cell) for cell in row] for row in reader]


def cell_text(value: Any) -> str:
    """A cell as the text a clerk sees in it: a whole number without ".0" (Excel stores a typed
    code such as 371500 as 371500.0), a date as 2025-06-03, a boolean as 是/否, line breaks
    and odd spaces normalised, no byte-order mark."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Excel stores a carriage return inside a cell as "_x000D_", and openpyxl hands it back.
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\xa0", " ").replace("\u3000", " ").replace("\ufeff", "").strip()


def bare(text: str) -> str:
    """Text compared without widths, spaces, line breaks, brackets or list punctuation:
    "公开内容\n（要素）" and "公开内容(要素)" are the same header, "√" the same tick."""
    return re.sub(r"[\s()\[\]【】*:、]", "", unicodedata.normalize("NFKC", text))


def header_key(text: str) -> str:
    """A header cell as its spellings are listed: widths folded, no spaces, no
    required-mark asterisk."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*")


@dataclass
class Table:
    """A sheet read by its header: which field each column holds, and the data rows (blank
    rows left out) as ``(row number, {field: cell})``."""

    header_row: int
    fields: list[str | None]
    rows: list[tuple[int, dict[str, Any]]]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def present(self) -> set[str]:
        return {f for f in self.fields if f}


class Columns:
    """The columns an importer knows: each field with the header messages name it by and the
    other spellings found in real files. ``keywords`` (field → words) also match a header that
    contains one of the words, first field first, for layouts that word headers freely."""

    def __init__(
        self,
        columns: Iterable[tuple[str, str, Iterable[str]]],
        *,
        keywords: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> None:
        self.header_of: dict[str, str] = {}
        self._aliases: dict[str, str] = {}
        for name, header, others in columns:
            self.header_of[name] = header
            for spelling in (header, *others):
                self._aliases[header_key(spelling)] = name
        self._keywords = [(name, tuple(bare(w) for w in words)) for name, words in keywords]

    def field(self, cell: Any) -> str | None:
        """The field a header cell names; a remark in brackets (“成文日期（年-月-日）”) is
        allowed after a known spelling."""
        key = header_key(cell_text(cell))
        if not key:
            return None
        found = self._aliases.get(key) or self._aliases.get(re.sub(r"\(.*?\)", "", key))
        if found is not None or not self._keywords:
            return found
        plain = bare(key)
        return next(
            (name for name, words in self._keywords if any(w in plain for w in words)), None
        )

    def is_header(self, cells: Iterable[Any], locate: Iterable[str]) -> bool:
        return set(locate) <= {self.field(c) for c in cells}

    def header_index(
        self, rows: Sequence[tuple[int, list[Any]]], locate: Iterable[str], within: int | None
    ) -> int | None:
        wanted = tuple(locate)
        return next(
            (i for i, (_, cells) in enumerate(rows[:within]) if self.is_header(cells, wanted)),
            None,
        )

    def read(
        self,
        rows: Sequence[tuple[int, list[Any]]],
        *,
        required: Sequence[str],
        locate: Sequence[str],
        within: int | None = None,
        either: Sequence[Sequence[str]] = (),
        ignored: Iterable[str] = (),
        refuse_repeated: bool = False,
    ) -> Table:
        """Find the header (the first row naming every ``locate`` field; title rows above it
        are common), check the ``required`` columns (and one of each ``either`` group), and
        key every data row by field. Headers
        nobody knows are a warning (``ignored`` ones not even that); problems are errors of
        the table, which then has no rows."""
        at = self.header_index(rows, locate, within)
        if at is None:
            wanted = "".join(f"“{self.header_of[name]}”" for name in required)
            missing = RowError(1, f"没有找到表头：须有{wanted}等列。")
            return Table(1, [], [], errors=[missing])
        header_row, header = rows[at]
        table = Table(header_row, [self.field(h) for h in header], [])
        for name in required:
            if name not in table.fields:
                table.errors.append(RowError(header_row, f"缺少必填列“{self.header_of[name]}”。"))
        for group in either:
            if not set(group) & table.present:
                names = "或".join(f"“{self.header_of[name]}”" for name in group)
                table.errors.append(RowError(header_row, f"缺少{names}列。"))
        if refuse_repeated:
            repeated = {self.header_of[f] for f in table.fields if f and table.fields.count(f) > 1}
            for name in sorted(repeated):
                table.errors.append(RowError(header_row, f"“{name}”列出现了不止一次。"))
        skip = {header_key(h) for h in ignored}
        unknown = [
            cell_text(h)
            for h, f in zip(header, table.fields, strict=True)
            if not f and cell_text(h) and header_key(cell_text(h)) not in skip
        ]
        if unknown:
            table.warnings.append("已忽略无法识别的列：" + "、".join(unknown))
        for number, cells in rows[at + 1 :]:
            values = {f: c for f, c in zip(table.fields, cells, strict=False) if f}
            if any(cell_text(v) for v in values.values()):  # blank lines are common
                table.rows.append((number, values))
        return table
