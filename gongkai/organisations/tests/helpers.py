"""Small helpers for writing organisation sheets in tests."""

from __future__ import annotations

import csv
from pathlib import Path

from gongkai.organisations.tables import HEADERS

#: Columns most test rows fill in; the rest stay blank.
SHORT_HEADER = ["编码", "名称", "类型", "上级编码", "统一社会信用代码"]


def write_sheet(
    path: Path,
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header or SHORT_HEADER)
        writer.writerows(rows)
    return path


__all__ = ["HEADERS", "SHORT_HEADER", "write_sheet"]
