"""Writing CSV and XLSX that run nothing when opened: every export in Gongkai goes through here.

Text that people typed (an organisation's name, a catalogue element, an address) ends up in
cells. A cell that starts with ``=``, ``+``, ``-`` or ``@`` — or a tab or carriage return
before one — is a formula to Excel, WPS and LibreOffice: ``=HYPERLINK("http://…","点击")``
sends the reader to another site, ``=cmd|' /C calc'!A0`` (DDE) starts a program. This is CSV
or formula injection (OWASP); full-width ``＝＋－＠`` are treated alike, since input methods
and some spreadsheet programs turn them into their ASCII forms.

* **CSV** (``csv_writer``): such a text cell is written with a leading apostrophe (OWASP's
  advice), so the program shows it as text. Importers drop that apostrophe again
  (``core/csvtext.py``), so an exported file reads back as it was.
* **XLSX** (``write_cell``, ``append_row``): the text is stored unchanged as a string cell
  (never a formula, which openpyxl would make of ``=…``) marked "quote prefix", the flag Excel
  sets when someone types an apostrophe: it shows the text as it is and keeps it text when the
  cell is edited.

Real numbers stay numbers: ints, floats and Decimals are written as they are, and so is text
that is just a number (``-5``, ``+3.5``), which no program reads as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

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
