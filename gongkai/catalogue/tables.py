"""Catalogue spreadsheets: read the column layout county catalogues publish, and write it back.

Published catalogues (义务教育领域基层政务公开标准目录) share eleven columns — 序号, 一级事项,
二级事项, 公开内容（要素）, 公开依据, 公开时限, 公开主体, 公开渠道和载体, 公开对象, 公开方式,
公开层级 — but every county lays them out a little differently: title rows above the header, a
two-row header whose 公开对象/公开方式/公开层级 split into √ sub-columns, ■/□ channel boxes,
merged 一级事项 cells, numbered lists inside cells. ``load_table`` accepts those variants and
reports every bad row by the number Excel shows; it never returns part of a file.
``write_table`` writes the same layout (plus five columns Gongkai needs, after the eleven) so an
export can be edited in Excel or WPS and imported again without losing anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.catalogue import importing
from gongkai.catalogue.importing import (
    CatalogueData,
    CatalogueInvalid,
    ItemData,
    SectionData,
    TimeLimit,
)
from gongkai.catalogue.levels import Importer, LevelReader
from gongkai.catalogue.models import (
    ITEM_COLUMNS,
    Edition,
    FiveDisclosure,
    Recurrence,
    TimeLimitKind,
)
from gongkai.core import spreadsheets
from gongkai.core.spreadsheets import (
    Columns,
    Merged,
    RowError,
    UnreadableFile,
    bare,
    cell_text,
    read_sheets,
    read_source,
    sort_errors,
)

#: The eleven columns, in the order published catalogues print them.
STANDARD_HEADERS: dict[str, str] = {
    "number": "序号",
    "section": "一级事项",
    **{column.key: column.header for column in ITEM_COLUMNS if column.standard},
}
#: Columns published spreadsheets lack but Gongkai keeps; written after the eleven so the
#: standard layout stays recognisable, and optional on import (defaults come from standard.json).
EXTRA_HEADERS: dict[str, str] = {
    column.key: column.header for column in ITEM_COLUMNS if not column.standard
}
REQUIRED = ("section", "name", "elements", "basis", "time_limit", "subject", "channels",
            "audience", "manner", "level")  # fmt: skip
#: Columns whose content makes a row an item row (rather than a section or note row).
CONTENT = ("elements", "basis", "time_limit", "subject", "channels", "audience", "manner", "level")
#: Columns that may be split into √ sub-columns under a two-row header.
GROUPS = ("channels", "audience", "manner", "level", "five_disclosure")
#: Groups a blank cell of which is filled in (from the standard's item, or a default).
FILLED = ("audience", "manner", "level")

# Header cells are matched by key words, first match wins, so that "公开内容\n（要素）",
# "公开内容(要素)" and "公开 依据" all land on the right column.
SPELLINGS = Columns(
    [],
    keywords=(
        ("number", ("序号", "编号")),
        ("section", ("一级事项", "一级目录", "一级")),
        ("name", ("二级事项", "二级目录", "二级")),
        ("elements", ("公开内容", "公开要素", "要素")),
        ("basis", ("公开依据", "依据")),
        ("time_limit", ("公开时限", "时限")),
        ("subject", ("公开主体", "责任主体", "主体")),
        ("channels", ("公开渠道", "渠道", "载体")),
        ("audience", ("公开对象", "对象")),
        ("manner", ("公开方式", "方式")),
        ("level", ("公开层级", "层级")),
        ("five_disclosure", ("五公开",)),
        ("recurrence", ("更新周期", "周期")),
        ("needs_interpretation", ("解读",)),
        ("verified", ("核对",)),
        ("note", ("备注",)),
    ),
)

# Spellings seen in county catalogues, keyed by their normalised form (see spreadsheets.bare).
_SYNONYMS: dict[str, dict[str, str]] = {
    "audience": {
        "全社会": "全社会",
        "社会公众": "全社会",
        "特定群体": "特定群体",
        "特定对象": "特定群体",
    },
    "manner": {"主动": "主动", "主动公开": "主动", "依申请": "依申请", "依申请公开": "依申请"},
    "level": {
        "县级": "县级",
        "县": "县级",
        "县区级": "县级",
        "县市区级": "县级",
        "乡级": "乡级",
        "乡": "乡级",
        "乡镇": "乡级",
        "乡镇级": "乡级",
        "乡镇街道级": "乡级",
    },
    "channels": {},
    "five_disclosure": {},
}
GROUP_LABELS = {"channels": "公开渠道和载体", "audience": "公开对象", "manner": "公开方式",
                "level": "公开层级", "five_disclosure": "五公开归类"}  # fmt: skip

_CHECKED = {"√", "✓", "✔", "●", "是", "☑", "■", "✅", "v", "V", "1", "Y", "y", "有", "TRUE"}
# × is "no" in Chinese forms; x/X is left unrecognised because some people use it as a tick.
_UNCHECKED = {"", "否", "×", "✗", "✘", "无", "-", "—", "－", "/", "○", "□", "☐", "0", "FALSE"}

_BOX_ON = "■☑√✓✔●◼▣☒✅"
_BOX_OFF = "□☐○◻▢"
_BOXED = re.compile(rf"([{_BOX_ON}{_BOX_OFF}])\s*([^{_BOX_ON}{_BOX_OFF}]*)")

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN_ORDINAL = "一二三四五六七八九十"
# "1." "2、" "（3）" "(4)" "⑤" "六、" at the start of one entry of a list cell. "(?!\d)" keeps
# "2.5万元" and "2024年" intact.
_LIST_MARKER = (
    rf"(?:\d{{1,2}}[.．、](?!\d)|[（(]\d{{1,2}}[)）]|[{_CIRCLED}]|[{_CN_ORDINAL}]{{1,3}}、)"
)
_LIST_MARKER_AT_START = re.compile(rf"^\s*{_LIST_MARKER}\s*")
# An inline "1.xxx 2.yyy" or "…。2.yyy": a marker after a space or sentence end starts an entry.
_INLINE_MARKER = re.compile(rf"(?<=[ \t\u3000。，,])\s*(?={_LIST_MARKER})")
_ENTRY_BREAK = re.compile(r"[\n；;]+")
# Names may carry their own numbering: "一、政策文件", "（1）教育法律", "1.1 教育法律".
_NAME_ORDINAL = re.compile(
    rf"^\s*(?:\d{{1,2}}[.．]\d{{1,2}}(?!\d)[、.．]?|\d{{1,2}}[、.．](?!\d)"
    rf"|[（(][{_CN_ORDINAL}\d]{{1,3}}[)）]|[{_CN_ORDINAL}]{{1,3}}[、.．]|[{_CIRCLED}])\s*"
)
_ITEM_CODE = re.compile(r"^(\d{1,2})[.．](\d{1,2})$")
# Codes Gongkai itself writes for local items ("05.C0100-01") are kept verbatim.
_VERBATIM_CODE = re.compile(r"^(\d{2})\.[0-9A-Za-z][0-9A-Za-z_-]*$")
_NOTE_ROW = re.compile(r"^(?:注|说明|备注|附注|填表说明)\s*\d*\s*[:：]")

_FIELD_BREAK = {
    "channels": re.compile(r"[\n、，,；;\s]+"),
    # "县级和乡级", "主动及依申请": no value of these three columns contains 和 or 及.
    "other": re.compile(r"[\n、，,；;/／\s]+|和|及"),
}


# ---------------------------------------------------------------------------------------------
# Reading


def load_table(path: Path, *, importer: Importer | None = None) -> CatalogueData:
    """Parse a catalogue spreadsheet (.xlsx or .csv). Raises ``CatalogueInvalid`` listing every
    bad row (Excel's 1-based row numbers) rather than returning part of the file; what it
    filled in or read generously is listed in ``CatalogueData.warnings``. ``importer`` is the
    body importing the file: it decides what 市级 means (``levels``)."""
    try:
        sheets = read_sheets(*read_source(path))
    except UnreadableFile as exc:
        raise CatalogueInvalid([RowError(path.name, str(exc))]) from exc
    for sheet in sheets:
        grid = [[cell_text(value) for value in row] for row in sheet.rows]
        merged = sheet.merged
        header = _find_header(grid)
        if header is None:
            continue
        _fill_merged(grid, merged, header_end=header + 1)
        layout = _layout(grid, header)
        # A 一级事项 cell merged across the 二级事项 column: a section that is its own item.
        if "section" in layout.columns and "name" in layout.columns:
            left, right = layout.columns["section"] + 1, layout.columns["name"] + 1
            layout.own_item_rows = {
                r - 1
                for min_row, min_col, max_row, max_col in merged
                if min_col <= left and max_col >= right
                for r in range(min_row, max_row + 1)
            }
        return _read_rows(grid, layout, importer or Importer())
    raise CatalogueInvalid(
        [RowError(path.name, "找不到表头：表格中须有“一级事项”和“二级事项”两列")]
    )


def _find_header(grid: list[list[str]]) -> int | None:
    # Title rows come first; a header further down than this is not a catalogue header.
    for index, row in enumerate(grid[:20]):
        keys = {SPELLINGS.field(cell) for cell in row}
        if {"section", "name"} <= keys:
            # "公开事项" over 一级事项 | 二级事项: the header starts on the row above, which
            # names the other columns.
            above = {SPELLINGS.field(cell) for cell in grid[index - 1]} if index else set()
            if len(above & set(CONTENT)) >= 3:
                return index - 1
            return index
    return None


def _fill_merged(grid: list[list[str]], merged: Iterable[Merged], *, header_end: int) -> None:
    """openpyxl leaves every cell of a merged range but the top-left one empty. In the header,
    copy the value across the whole range (a split 公开对象 spans its sub-columns, 序号 spans
    both header rows). Below it, copy only downwards: a vertically merged 一级事项 or 公开依据
    belongs to every row it spans, while a row-wide banner ("二、信息公开" or "注：…") must
    not turn into a row that looks filled in."""
    for min_row, min_col, max_row, max_col in merged:
        top, left = min_row - 1, min_col - 1
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        columns = range(left, max_col) if top <= header_end else range(left, left + 1)
        for r in range(top, min(max_row, len(grid))):
            row = grid[r]
            for c in columns:
                while len(row) <= c:
                    row.append("")
                row[c] = value


@dataclass
class _Layout:
    header_row: int  # 0-based index of the (first) header row
    data_start: int
    title: str
    columns: dict[str, int]
    #: group → [(column, value that a tick in this column stands for)]
    marks: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: Header cells that are no column of a catalogue: reported, then ignored.
    ignored: list[str] = field(default_factory=list)
    #: 0-based rows whose 一级事项 cell is merged across the 二级事项 column.
    own_item_rows: set[int] = field(default_factory=set)


def _cell(row: Sequence[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _layout(grid: list[list[str]], header: int) -> _Layout:
    head = grid[header]
    below = grid[header + 1] if header + 1 < len(grid) else []
    width = max(len(head), len(below))
    keys: list[str | None] = []
    from_below: set[int] = set()
    last: str | None = None
    for c in range(width):
        below_key = SPELLINGS.field(_cell(below, c))
        if below_key in ("section", "name") and SPELLINGS.field(_cell(head, c)) is None:
            # "公开事项" spanning 一级事项 | 二级事项 on the row below.
            last = below_key
            keys.append(last)
            from_below.add(c)
        elif _cell(head, c):
            last = SPELLINGS.field(head[c])
            keys.append(last)
        elif last in GROUPS and _cell(below, c):
            # A CSV has no merged cells: the blank header right of 公开对象 continues it.
            keys.append(last)
        else:
            last = None
            keys.append(None)

    def is_sub_label(c: int) -> bool:
        return bool(_cell(below, c)) and _cell(below, c) != _cell(head, c)

    # A second header row leaves every plain column blank (or merged with the cell above) and
    # names sub-columns under the split groups. A data row, even one missing its 二级事项,
    # fills in its content columns.
    two_rows = bool(from_below) or (
        any(keys[c] in GROUPS and is_sub_label(c) for c in range(width))
        and not any(keys[c] not in GROUPS and is_sub_label(c) for c in range(width))
    )
    columns: dict[str, int] = {}
    marks: dict[str, list[tuple[int, str]]] = {}
    for c, key in enumerate(keys):
        if key is None:
            continue
        if two_rows and key in GROUPS and is_sub_label(c):
            label = _cell(below, c)
            marks.setdefault(key, []).append((c, _SYNONYMS[key].get(bare(label), label)))
        elif key not in columns and key not in marks:
            columns[key] = c
    title = next((cell for row in grid[:header] for cell in row if cell), "")
    # 公开对象, 公开方式 and 公开层级 may be left out (many published catalogues have no
    # 公开层级): each item is then filled in as a blank cell is.
    missing = [STANDARD_HEADERS[k] for k in REQUIRED
               if k not in columns and k not in marks and k not in FILLED]  # fmt: skip
    if missing:
        raise CatalogueInvalid([RowError(header + 1, f"表头缺少“{name}”列") for name in missing])
    ignored = [head[c] for c, key in enumerate(keys) if key is None and _cell(head, c)]
    ignored = list(dict.fromkeys(ignored))  # a merged header cell is one column group
    return _Layout(header, header + (2 if two_rows else 1), title, columns, marks, ignored)


@dataclass
class _SectionDraft:
    name: str
    row: int
    items: list[tuple[ItemData, str | None]] = field(default_factory=list)
    own_item: bool = False


@dataclass(frozen=True)
class _RowContext:
    number: int  # as Excel shows it
    section: str  # the 一级事项 the row belongs to
    levels: LevelReader


def _read_rows(grid: list[list[str]], layout: _Layout, importer: Importer) -> CatalogueData:
    errors: list[RowError] = []
    warnings: list[RowError] = [
        RowError(layout.header_row + 1, f"表头“{name}”不是目录的列，已忽略")
        for name in layout.ignored
    ]
    warnings += [
        RowError(layout.header_row + 1,
                 f"表格没有“{STANDARD_HEADERS[key]}”列，各事项按标准目录同名事项或默认值填写")
        for key in FILLED
        if key not in layout.columns and key not in layout.marks
    ]  # fmt: skip
    sections: dict[str, _SectionDraft] = {}
    current: _SectionDraft | None = None
    levels = LevelReader(importer, _level_words(grid, layout))

    def value(row: Sequence[str], key: str) -> str:
        return _cell(row, layout.columns[key]) if key in layout.columns else ""

    for index in range(layout.data_start, len(grid)):
        row = grid[index]
        number = index + 1  # as Excel shows it
        if not any(row):
            continue
        first = next(cell for cell in row if cell)
        if _NOTE_ROW.match(first) and not value(row, "name"):
            continue
        has_content = any(value(row, key) for key in CONTENT) or any(
            _cell(row, c) for group in layout.marks.values() for c, _ in group
        )
        section_name = _strip_ordinal(value(row, "section"))
        if not section_name and not value(row, "name") and not has_content:
            # A section row may carry its name in the 序号 column ("一、政策文件" across the row).
            section_name = _strip_ordinal(value(row, "number"))
            if _is_ordinal_only(section_name):
                section_name = ""
        if section_name:
            current = sections.get(section_name)
            if current is None:
                current = sections[section_name] = _SectionDraft(section_name, number)
        if not value(row, "name") and not has_content:
            continue  # a section row, or a stray 序号
        context = _RowContext(number, current.name if current else "", levels)
        item, problems, notes = _parse_item(row, layout, context)
        errors.extend(RowError(number, problem) for problem in problems)
        warnings.extend(RowError(number, note) for note in notes)
        if current is None:
            errors.append(RowError(number, "缺少一级事项名称"))
            continue
        current.items.append((item, _file_code(value(row, "number"))))
        if not item.name and index in layout.own_item_rows:
            current.own_item = True

    data = _assemble(layout.title, list(sections.values()), errors, warnings)
    if not data.item_count and not errors:
        errors.append(RowError(layout.header_row + 1, "表头下面没有任何二级事项"))
    errors.extend(importing.validate(data))
    if errors:
        raise CatalogueInvalid(sort_errors(errors))
    data.warnings = sort_errors(warnings)
    return data


def _level_words(grid: list[list[str]], layout: _Layout) -> set[str]:
    """Every level word the file uses, in sub-column headers or in cells."""
    words = {label for _, label in layout.marks.get("level", [])}
    if "level" in layout.columns:
        column = layout.columns["level"]
        for row in grid[layout.data_start :]:
            words.update(_choices(_cell(row, column), "level"))
    return words


def _assemble(
    title: str, drafts: list[_SectionDraft], errors: list[RowError], warnings: list[RowError]
) -> CatalogueData:
    """Number sections 01..NN and items NN.MM in file order, unless the file gives codes. A
    section whose only row leaves 二级事项 empty (the cell merged into 一级事项, as published
    catalogues print a section with no sub-items) is one item of the same name."""
    sections: list[SectionData] = []
    for position, draft in enumerate(drafts, start=1):
        given = next((code for _, code in draft.items if code), None)
        code = given.split(".")[0] if given else f"{position:02d}"
        section = SectionData(code=code, name=draft.name)
        for item_position, (item, item_code) in enumerate(draft.items, start=1):
            if not item.name:
                if len(draft.items) == 1 or draft.own_item:
                    item.name = draft.name
                    warnings.append(RowError(
                        item.row, f"二级事项为空，按一级事项“{draft.name}”导入为同名事项"
                    ))  # fmt: skip
                else:
                    errors.append(RowError(item.row, "缺少二级事项名称"))
            item.code = item_code or f"{code}.{item_position:02d}"
            section.items.append(item)
        if not section.items:
            errors.append(RowError(draft.row, f"一级事项“{draft.name}”下没有二级事项"))
        sections.append(section)
    return CatalogueData(title=title, sections=sections)


def _parse_item(
    row: Sequence[str], layout: _Layout, context: _RowContext
) -> tuple[ItemData, list[str], list[str]]:
    """One item row. Problems are returned rather than raised so every bad cell of every row
    is reported in one go; the placeholder values never leave this module. Notes say what was
    filled in or read generously (warnings)."""
    problems: list[str] = []
    notes: list[str] = []

    def value(key: str) -> str:
        return _cell(row, layout.columns[key]) if key in layout.columns else ""

    name = _strip_ordinal(value("name"))
    # A nameless row may be its section's own item: look it up by the section's name.
    lookup = name or context.section

    limit_text = value("time_limit")
    if limit_text:
        limit = importing.parse_time_limit(limit_text)
    else:
        problems.append("缺少公开时限")
        limit = TimeLimit(kind=TimeLimitKind.TEXT, days=None, start="", text="")

    choices: dict[str, list[str]] = {}
    unreadable: set[str] = set()
    for group in GROUPS:
        if group in layout.marks:
            choices[group] = []
            for column, label in layout.marks[group]:
                mark = _cell(row, column)
                if _is_checked(mark):
                    choices[group].append(label)
                elif not _is_unchecked(mark):
                    unreadable.add(group)
                    problems.append(
                        f"{GROUP_LABELS[group]}“{label}”列的“{mark}”无法识别，请打 √ 或留空"
                    )
        else:
            choices[group] = _choices(value(group), group)

    levels: list[str] = []
    for word in choices["level"]:
        mapped = context.levels.read(word)
        if mapped.level is None:
            problems.append(mapped.problem)
        elif mapped.level not in levels:
            levels.append(mapped.level)
        if mapped.note:
            notes.append(mapped.note)
    choices["level"] = levels

    known = importing.standard_defaults().get(lookup, {})
    for group in FILLED:
        if choices[group] or group in unreadable:
            continue
        if known.get(group):
            choices[group] = list(known[group])
            source = f"标准目录“{lookup}”"
        else:
            choices[group] = list(importing.DEFAULTS[group])
            if group == "level" and context.levels.importer.level:
                choices[group] = [context.levels.importer.level]
            source = "默认值"
        if group in layout.columns or group in layout.marks:
            notes.append(
                f"{GROUP_LABELS[group]}为空，已按{source}填为“{'、'.join(choices[group])}”"
            )

    five = known.get("five_disclosure") or importing.infer_five_disclosure(lookup)
    marked = choices["five_disclosure"]
    if len(marked) > 1:
        problems.append(f"五公开归类只能选一项，不能同时选“{'、'.join(marked)}”")
    elif marked:
        try:
            five = FiveDisclosure.from_label(marked[0]).value
        except ValueError as exc:
            problems.append(str(exc))
    elif value("five_disclosure") or "five_disclosure" in layout.marks:
        # "□决策 □执行 …" with no box ticked: as good as blank.
        label = FiveDisclosure(five).label
        source = f"标准目录“{lookup}”" if known.get("five_disclosure") else "事项名称"
        notes.append(f"五公开归类未勾选，已按{source}填为“{label}”")
    recurrence = known.get("recurrence") or Recurrence.EVENT
    if value("recurrence"):
        try:
            recurrence = importing.recurrence_from_label(value("recurrence"))
        except ValueError as exc:
            problems.append(str(exc))
    flags: dict[str, bool] = {
        "needs_interpretation": bool(known.get("needs_interpretation", False)),
        "verified": False,
    }
    for key in flags:
        mark = value(key)
        if _is_checked(mark):
            flags[key] = True
        elif mark and _is_unchecked(mark):
            flags[key] = False
        elif mark:
            problems.append(f"“{EXTRA_HEADERS[key]}”应填“是”或“否”，不能是“{mark}”")

    item = ItemData(
        code="",
        name=name,
        elements=split_list(value("elements")),
        basis=split_list(value("basis")),
        time_limit=limit,
        # Several subjects on separate lines are one subject text; "；" is how the standard
        # writes "县级教育行政部门；学校".
        subject="；".join(line.strip() for line in value("subject").splitlines() if line.strip()),
        channels=choices["channels"],
        audience=choices["audience"],
        manner=choices["manner"],
        level=choices["level"],
        five_disclosure=five,
        recurrence=recurrence,
        needs_interpretation=flags["needs_interpretation"],
        verified=flags["verified"],
        note=value("note"),
        row=context.number,
    )
    return item, problems, notes


def split_list(text: str) -> list[str]:
    """'1.xxx；2.yyy', '①…②…', one entry per line → ['xxx', 'yyy']. A 、 never splits: it
    separates words inside one entry ("设立、变更、终止等行政许可的依据")."""
    text = _INLINE_MARKER.sub("\n", text)
    text = re.sub(r"[●•◆▪]", "\n", text)  # "●办学性质 ●办学地点": one entry per bullet
    text = re.sub(rf"(?<=\S)\s*(?=[{_CIRCLED}])", "\n", text)
    entries = []
    for piece in _ENTRY_BREAK.split(text):
        entry = _LIST_MARKER_AT_START.sub("", piece).strip().rstrip("。；;，,、").strip()
        if entry:
            entries.append(entry)
    return entries


def _choices(text: str, group: str) -> list[str]:
    """One cell holding several choices: '■政府网站 □政府公报', '县级、乡级', '主动公开'."""
    if not text:
        return []
    if group == "level":
        # "县（市、区）级" is one level: the 、 inside its brackets separates nothing.
        text = re.sub(r"[（(]([^）)]*)[）)]", lambda m: re.sub(r"[、，,]", "", m.group(1)), text)
    if any(mark in text for mark in _BOX_ON + _BOX_OFF):
        # Only ticked boxes count; an unticked □ is the form printing the option.
        raw = [name for mark, name in _BOXED.findall(text) if mark in _BOX_ON]
    else:
        raw = _FIELD_BREAK["channels" if group == "channels" else "other"].split(text)
    values: list[str] = []
    for entry in raw:
        entry = entry.strip(" \t\n、，,；;")
        canonical = _SYNONYMS[group].get(bare(entry), entry)
        if canonical and canonical not in values:
            values.append(canonical)
    return values


def _is_checked(mark: str) -> bool:
    return bare(mark).upper() in _CHECKED


def _is_unchecked(mark: str) -> bool:
    return bare(mark).upper() in _UNCHECKED


def _strip_ordinal(name: str) -> str:
    return _NAME_ORDINAL.sub("", name).strip()


def _is_ordinal_only(text: str) -> bool:
    return bool(re.fullmatch(rf"[\d{_CN_ORDINAL}.．、（）()]*", text))


def _file_code(number: str) -> str | None:
    """序号 "1.1" / "01.01" is an item code; a plain "1" is a row or section count, not one."""
    text = unicodedata.normalize("NFKC", number).strip()
    match = _ITEM_CODE.match(text)
    if match:
        return f"{int(match.group(1)):02d}.{int(match.group(2)):02d}"
    if _VERBATIM_CODE.match(text):
        return text
    return None


# ---------------------------------------------------------------------------------------------
# Writing

_DEFAULT_TITLE = "义务教育领域基层政务公开标准目录"
_MARK_DEFAULTS = {"audience": ["全社会", "特定群体"], "manner": ["主动", "依申请"],
                  "level": ["县级", "乡级"]}  # fmt: skip
_WIDTHS = {
    "number": 8, "section": 12, "name": 16, "elements": 42, "basis": 32, "time_limit": 18,
    "subject": 16, "channels": 30, "five_disclosure": 8, "recurrence": 8,
    "needs_interpretation": 8, "verified": 7, "note": 30,
}  # fmt: skip


def write_table(source: CatalogueData | Edition, path: Path, fmt: str | None = None) -> Path:
    """Write a catalogue (data, or an edition's standard items) as .xlsx or .csv."""
    data = source if isinstance(source, CatalogueData) else importing.from_edition(source)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "xlsx":
        _write_xlsx(data, path)
    elif fmt == "csv":
        _write_csv(data, path)
    else:
        raise ValueError(f"Unsupported table format {fmt!r}: use xlsx or csv")
    return path


def _numbered(entries: list[str]) -> str:
    if len(entries) == 1:
        return entries[0]
    return "\n".join(f"{i}.{entry}" for i, entry in enumerate(entries, start=1))


def _boxes(channels: list[str]) -> str:
    options = list(importing.channel_options())
    options += [c for c in channels if c not in options]
    return " ".join(("■" if option in channels else "□") + option for option in options)


def _extras(item: ItemData) -> list[str]:
    five = (
        FiveDisclosure(item.five_disclosure).label
        if item.five_disclosure in FiveDisclosure.values
        else item.five_disclosure
    )
    recurrence = (
        Recurrence(item.recurrence).label.split("（")[0]
        if item.recurrence in Recurrence.values
        else item.recurrence
    )
    return [
        five,
        recurrence,
        "是" if item.needs_interpretation else "否",
        "是" if item.verified else "否",
        item.note,
    ]


def _write_csv(data: CatalogueData, path: Path) -> None:
    # utf-8-sig: without the BOM, Excel on Chinese Windows opens UTF-8 as GBK and garbles it.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = spreadsheets.csv_writer(handle)
        writer.writerow([*STANDARD_HEADERS.values(), *EXTRA_HEADERS.values()])
        for section in data.sections:
            for item in section.items:
                writer.writerow([
                    item.code, section.name, item.name, "；".join(item.elements),
                    "；".join(item.basis), item.time_limit.text, item.subject,
                    "；".join(item.channels), "；".join(item.audience),
                    "；".join(item.manner), "；".join(item.level), *_extras(item),
                ])  # fmt: skip


def _write_xlsx(data: CatalogueData, path: Path) -> None:
    items = [item for section in data.sections for item in section.items]
    marks = {
        group: defaults + [v for item in items for v in getattr(item, group) if v not in defaults]
        for group, defaults in _MARK_DEFAULTS.items()
    }
    # Deduplicate extra values while keeping their first-seen order.
    marks = {group: list(dict.fromkeys(labels)) for group, labels in marks.items()}
    plain_before = ["number", "section", "name", "elements", "basis", "time_limit", "subject",
                    "channels"]  # fmt: skip
    # (key, top header, sub header or None)
    columns: list[tuple[str, str, str | None]] = [
        (key, STANDARD_HEADERS[key], None) for key in plain_before
    ]
    for group, labels in marks.items():
        columns += [(group, STANDARD_HEADERS[group], label) for label in labels]
    columns += [(key, label, None) for key, label in EXTRA_HEADERS.items()]
    last = get_column_letter(len(columns))

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new Workbook always has one worksheet
    sheet.title = "公开目录"
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    header_fill = PatternFill("solid", fgColor="DDE4EE")

    spreadsheets.write_cell(sheet, 1, 1, data.title or _DEFAULT_TITLE)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = centre
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 30

    for c, (key, top, sub) in enumerate(columns, start=1):
        for r, text in ((2, top), (3, sub if sub is not None else top)):
            cell = spreadsheets.write_cell(sheet, r, c, text)
            cell.font = Font(bold=True)
            cell.alignment = centre
            cell.fill = header_fill
            cell.border = border
        if sub is None:
            sheet.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
        letter = get_column_letter(c)
        sheet.column_dimensions[letter].width = _WIDTHS.get(key, 6 if sub else 10)
    for group, labels in marks.items():
        first = next(i for i, col in enumerate(columns, start=1) if col[0] == group)
        if len(labels) > 1:
            sheet.merge_cells(start_row=2, start_column=first, end_row=2,
                              end_column=first + len(labels) - 1)  # fmt: skip

    row = 4
    for section in data.sections:
        start = row
        for item in section.items:
            values: list[Any] = [
                item.code, section.name, item.name, _numbered(item.elements),
                _numbered(item.basis), item.time_limit.text, item.subject, _boxes(item.channels),
            ]  # fmt: skip
            for group, labels in marks.items():
                chosen = getattr(item, group)
                values += ["√" if label in chosen else "" for label in labels]
            values += _extras(item)
            for c, (key, _, sub) in enumerate(columns, start=1):
                cell = spreadsheets.write_cell(sheet, row, c, values[c - 1])
                cell.border = border
                centred = sub is not None or key in {"number", "section", "five_disclosure",
                                                     "recurrence", "needs_interpretation",
                                                     "verified"}  # fmt: skip
                cell.alignment = centre if centred else wrap
            row += 1
        if row - start > 1:
            sheet.merge_cells(start_row=start, start_column=2, end_row=row - 1, end_column=2)

    sheet.freeze_panes = "D4"  # header rows and the three name columns stay in view
    sheet.print_title_rows = "2:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.save(path)
