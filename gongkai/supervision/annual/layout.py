"""The official tables as merged-cell grids: what the HTML page, the Word document and the PDF
all draw, so the three cannot drift apart from each other or from the form.

Each table is a list of anchor cells (the top-left cell of each merged range) with its row and
column spans, as the form of 国办公开办函〔2021〕30号 lays them out:

* 表二: four blocks, one per item of 条例第二十条, each headed by a row spanning the table;
* 表三: 申请人情况 over 自然人 | 法人或其他组织 (over its five kinds) | 总计, the balance note
  in the top-left corner, and row labels at three merged levels;
* 表四: one data row of 15 cells under 行政复议 | 行政诉讼 (未经复议直接起诉, 复议后起诉).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.supervision.annual.tables import (
    BALANCE_NOTE,
    COLUMNS,
    ORGANISATION_KINDS,
    REMEDY_COLUMNS,
    REMEDY_GROUPS,
    TABLE_THREE_ROWS,
)


@dataclass(frozen=True)
class Cell:
    text: str
    row: int
    column: int
    rowspan: int = 1
    colspan: int = 1
    is_header: bool = False
    #: "row" for a row label (left-aligned), "number" for a figure, "" for a header cell.
    role: str = ""

    @property
    def style(self) -> str:
        """The writers' style for the cell: a header, a row label or a figure."""
        return "cell_header" if self.is_header else "cell_label" if self.role == "row" else "cell"


@dataclass
class Table:
    key: str
    caption: str
    rows: int
    columns: int
    #: Relative widths of the columns (the writers scale them to the page).
    widths: tuple[float, ...]
    header_rows: int
    cells: list[Cell] = field(default_factory=list)

    def add(self, text: str, row: int, column: int, rowspan: int = 1, colspan: int = 1,
            *, is_header: bool = False, role: str = "") -> None:  # fmt: skip
        self.cells.append(Cell(text, row, column, rowspan, colspan, is_header, role))

    def grid(self) -> list[list[Cell | None]]:
        """Row by row: the anchor cell where one starts, None where a merged cell covers."""
        grid: list[list[Cell | None]] = [[None] * self.columns for _ in range(self.rows)]
        covered = set()
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.column, cell.column + cell.colspan):
                    if (r, c) in covered:
                        raise ValueError(f"{self.key}: cell ({r}, {c}) drawn twice")
                    covered.add((r, c))
            grid[cell.row][cell.column] = cell
        if len(covered) != self.rows * self.columns:
            raise ValueError(f"{self.key}: {self.rows * self.columns - len(covered)} cells empty")
        return grid

    def html_rows(self) -> list[list[Cell]]:
        """The anchor cells of each row, as an HTML table writes them (with row/colspan)."""
        return [[cell for cell in row if cell is not None] for row in self.grid()]


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def grid_two(two: dict[str, Any]) -> Table:
    table = Table("two", "主动公开政府信息情况", rows=14, columns=4,
                  widths=(2.2, 1.6, 1.6, 1.6), header_rows=0)  # fmt: skip
    blocks = (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
         (("规章", "rules"), ("行政规范性文件", "normative")), ("issued", "abolished", "in_force")),
        ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "licensing"),), ("decisions",)),
        ("第二十条第（六）项", ("本年处理决定数量",),
         (("行政处罚", "penalty"), ("行政强制", "enforcement")), ("decisions",)),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "fees"),),
         ("amount",)),
    )  # fmt: skip
    row = 0
    for title, headers, lines, fields in blocks:
        table.add(title, row, 0, colspan=4, is_header=True)
        table.add("信息内容", row + 1, 0, is_header=True)
        span = 3 // len(headers)
        for index, header in enumerate(headers):
            table.add(header, row + 1, 1 + index * span, colspan=span, is_header=True)
        row += 2
        for label, key in lines:
            table.add(label, row, 0, role="row")
            for index, name in enumerate(fields):
                table.add(_number(two[key][name]), row, 1 + index * span, colspan=span,
                          role="number")  # fmt: skip
            row += 1
    assert row == table.rows
    return table


def grid_three(three: dict[str, dict[str, int]]) -> Table:
    header = 3
    # In points on A4 with GB/T 9704's margins: the labels of levels two and three fit one
    # line where the form's do; the figures' headers wrap as in print.
    widths = (48, 70, 142, *(26,) * 7)
    table = Table("three", "收到和处理政府信息公开申请情况", rows=header + len(TABLE_THREE_ROWS),
                  columns=10, widths=widths, header_rows=header)  # fmt: skip
    table.add(BALANCE_NOTE, 0, 0, rowspan=3, colspan=3, is_header=True)
    table.add("申请人情况", 0, 3, colspan=7, is_header=True)
    table.add("自然人", 1, 3, rowspan=2, is_header=True)
    table.add("法人或其他组织", 1, 4, colspan=5, is_header=True)
    table.add("总计", 1, 9, rowspan=2, is_header=True)
    labels = dict(COLUMNS)
    for index, kind in enumerate(ORGANISATION_KINDS):
        table.add(labels[kind], 2, 4 + index, is_header=True)
    codes = [row.code for row in TABLE_THREE_ROWS]

    def run(index: int, level: str) -> int:
        """How many rows from ``index`` share this row's label at ``level``."""
        value = getattr(TABLE_THREE_ROWS[index], level)
        n = 1
        while (index + n < len(TABLE_THREE_ROWS)
               and getattr(TABLE_THREE_ROWS[index + n], level) == value):  # fmt: skip
            n += 1
        return n

    for index, line in enumerate(TABLE_THREE_ROWS):
        r = header + index
        first_start = index == 0 or TABLE_THREE_ROWS[index - 1].first != line.first
        if not line.second:
            table.add(line.first, r, 0, colspan=3, role="row")
        else:
            if first_start:
                table.add(line.first, r, 0, rowspan=run(index, "first"), role="row")
            second_start = TABLE_THREE_ROWS[index - 1].second != line.second
            if not line.third:
                table.add(line.second, r, 1, colspan=2, role="row")
            else:
                if second_start:
                    table.add(line.second, r, 1, rowspan=run(index, "second"), role="row")
                table.add(line.third, r, 2, role="row")
        for offset, (column, _) in enumerate(COLUMNS):
            table.add(_number(three[codes[index]][column]), r, 3 + offset, role="number")
    return table


def grid_four(four: dict[str, dict[str, int]]) -> Table:
    table = Table("four", "政府信息公开行政复议、行政诉讼情况", rows=4, columns=15,
                  widths=(1.0,) * 15, header_rows=3)  # fmt: skip
    table.add("行政复议", 0, 0, rowspan=2, colspan=5, is_header=True)
    table.add("行政诉讼", 0, 5, colspan=10, is_header=True)
    table.add("未经复议直接起诉", 1, 5, colspan=5, is_header=True)
    table.add("复议后起诉", 1, 10, colspan=5, is_header=True)
    column = 0
    for kind, _ in REMEDY_GROUPS:
        for outcome, label in REMEDY_COLUMNS:
            table.add(label, 2, column, is_header=True)
            table.add(_number(four[kind][outcome]), 3, column, role="number")
            column += 1
    return table


def tables(stored: dict[str, Any]) -> dict[str, Table]:
    """The three official tables of a report's stored numbers, by section key."""
    return {
        "2": grid_two(stored["two"]),
        "3": grid_three(stored["three"]),
        "4": grid_four(stored["four"]),
    }
