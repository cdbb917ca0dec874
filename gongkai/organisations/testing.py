"""Test helpers of the organisations (shared personas and ``make_*`` helpers:
gongkai/testing.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from gongkai.organisations.tables import HEADERS

#: Cell values that mean something to the organisations import, or used to break it (fuzz tests).
TRICKY_CELLS = [
    "C0001",
    "C0100",
    "市教育局",
    "县教育局",
    "乡镇",
    "学校",
    "city_bureau",
    "school",
    "123715000000000000",
    "12371500MB1234567X",
    "是",
    "否",
    "1",
    "0",
    "-3",
    "x@",
    "http://",
    "javascript:alert(1)",
]

#: Columns most test rows fill in; the rest stay blank.
SHORT_HEADER = ["编码", "名称", "类型", "上级编码", "统一社会信用代码"]


def write_sheet(
    path: Path,
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """An organisation sheet as clerks keep them: a CSV with a header row."""
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header or SHORT_HEADER)
        writer.writerows(rows)
    return path


__all__ = ["HEADERS", "SHORT_HEADER", "TRICKY_CELLS", "write_sheet"]
