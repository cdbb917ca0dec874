"""Reading the CSV files people export from Excel or WPS, for every importer.

Excel on Chinese Windows saves "CSV" as GBK (contained in GB18030); newer versions and other
tools save UTF-8, often with a BOM. Tab-separated text pasted from a sheet is accepted too.
A file with NUL characters is not a CSV text file (usually a renamed binary): Python's csv
module would raise on it, so it is refused here with a message a clerk can act on.
Gongkai's own exports put an apostrophe before text a spreadsheet could run as a formula
(core/spreadsheets.py); reading drops it again, so an exported file reads back unchanged.
"""

from __future__ import annotations

import csv
import io

from gongkai.core.spreadsheets import restore_csv_cell


class UnreadableCSV(ValueError):
    """The file cannot be read as CSV text; the message says why, in Chinese."""


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableCSV("无法识别文件编码，请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。")
    if "\x00" in text:
        raise UnreadableCSV(
            "文件中含有空字符，不是 CSV 文本文件（可能是改了扩展名的其他文件）。"
            "请在表格软件中“另存为”CSV 后再导入。"
        )
    return text


def rows(data: bytes) -> list[list[str]]:
    """Every row of the file as a list of cells; the delimiter (comma or tab) is guessed
    from the first non-empty line."""
    text = decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[restore_csv_cell(cell) for cell in row] for row in reader]
