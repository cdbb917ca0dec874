"""Test helpers of the catalogue (shared personas and ``make_*`` helpers: gongkai/testing.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from gongkai.catalogue.importing import CatalogueData, CatalogueInvalid, load, validate

#: Cell values that mean something to the catalogue importer, or used to break it (fuzz tests).
TRICKY_CELLS = [
    "一、",
    "（一）",
    "1.",
    "①",
    "招生入学",
    "学校概况",
    "20个工作日内",
    "信息形成或变更之日起",
    "☑政府网站 □政务新媒体",
    "是",
    "否",
    "全社会",
    "主动",
    "依申请",
    "县级",
]


def check_catalogue_file(path: Path) -> None:
    """A catalogue file of any content is refused with row errors, or read into a catalogue
    whose checks then speak in sentences: never any other exception."""
    try:
        catalogue = load(path)
    except CatalogueInvalid as exc:
        assert exc.errors
        assert all(str(error).strip() for error in exc.errors)
        return
    assert isinstance(catalogue, CatalogueData)
    for error in validate(catalogue):
        assert str(error).strip()


def make_xlsx(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    """A catalogue sheet as counties publish them: rows as given, cell ranges merged."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path
