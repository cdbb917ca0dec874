"""Organisation lists as spreadsheets: the column layout, reading CSV/xlsx, writing them back.

Nothing here touches the database. ``read_rows`` turns a file into ``OrganisationRow`` objects
plus every row-level error it found, so the import service can refuse a file as a whole; the
checks that need the tree (parents, duplicates against stored data, cycles) live in
``services.py``.

Row numbers are the ones a spreadsheet shows: the header is usually row 1, so the first
organisation is row 2. That is what a clerk looks for when told "第 7 行".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as NumberError

from gongkai.core import spreadsheets
from gongkai.core.spreadsheets import (
    Columns,
    RowError,
    UnreadableFile,
    cell_text,
    read_sheets,
    read_source,
)
from gongkai.organisations.models import Kind, Organisation

#: The columns in the order they are written; ``field`` is the attribute on ``Organisation``.
COLUMNS: list[tuple[str, str]] = [
    ("编码", "code"),
    ("名称", "name"),
    ("简称", "short_name"),
    ("类型", "kind"),
    ("上级编码", "parent"),
    ("统一社会信用代码", "uscc"),
    ("地址", "address"),
    ("办公电话", "phone"),
    ("网站", "website"),
    ("电子邮箱", "email"),
    ("办学层次", "school_stage"),
    ("民办", "is_private"),
    ("在用", "is_active"),
    ("排序", "order"),
]
HEADERS = [header for header, _ in COLUMNS]
REQUIRED_FIELDS = ("code", "name", "kind")

# Lists arrive from 编办 registers, county spreadsheets and our own exports; accept the usual
# spellings of each header, and the model's field names for rows built in code.
_OTHER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "code": ("机构编码",),
    "name": ("机构名称", "单位名称"),
    "kind": ("机构类型",),
    "parent": ("parent_code", "上级机构编码", "上级单位编码"),
    "uscc": ("统一信用代码", "信用代码"),
    "phone": ("电话", "联系电话"),
    "website": ("网址",),
    "email": ("邮箱", "电子信箱"),
    "school_stage": ("学段",),
    "is_private": ("是否民办",),
    "is_active": ("是否在用",),
    "order": ("顺序",),
}
SPELLINGS = Columns(
    (name, header, (name, *_OTHER_SPELLINGS.get(name, ()))) for header, name in COLUMNS
)
#: Free-text columns people add for themselves; read past them without a warning.
NOTE_COLUMNS = frozenset({"备注", "说明", "note", "notes"})

_KIND_WORDS: dict[str, str] = {
    **{kind.label: kind.value for kind in Kind},
    **{kind.value: kind.value for kind in Kind},
    "市级": Kind.CITY_BUREAU,
    "县级": Kind.COUNTY_BUREAU,
    "乡镇": Kind.TOWNSHIP,
    "学校": Kind.SCHOOL,
    "乡镇（街道）": Kind.TOWNSHIP,
    "乡镇中心学校": Kind.TOWNSHIP,
}
_TRUE_WORDS = frozenset({"是", "√", "✓", "y", "yes", "true", "1"})
_FALSE_WORDS = frozenset({"否", "×", "✗", "n", "no", "false", "0"})
_CODE_RE = re.compile(r"^[A-Za-z0-9-]+$")
_PHONE_RE = re.compile(r"^[0-9+\-－ ()（）转,，、;；/]+$")
_MAX_LENGTH: dict[str, int] = {
    f.name: f.max_length
    for f in Organisation._meta.concrete_fields
    if f.max_length is not None and f.name != "path"
}


@dataclass
class OrganisationRow:
    """One organisation as the file describes it, already cleaned."""

    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    short_name: str = ""
    uscc: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    school_stage: str = ""
    is_private: bool = False
    is_active: bool = True
    #: None when the file has no 排序 column: the stored order is then left alone.
    order: int | None = None


@dataclass
class ReadResult:
    rows: list[OrganisationRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Writable(Protocol):
    """Where CSV can go: a text file, ``io.StringIO`` or a management command's stdout."""

    def write(self, text: str, /) -> object: ...


Source = str | Path | IO[bytes] | Iterable[Mapping[str, Any]]


def read_rows(source: Source) -> ReadResult:
    """Read and clean every row of ``source``; never raises for a bad row, only collects."""
    result = ReadResult()
    try:
        records = _records(source)
    except UnreadableFile as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    # Exported sheets start with the header, but hand-kept ones often have a title row above.
    table = SPELLINGS.read(
        records, required=REQUIRED_FIELDS, locate=("code", "name"), ignored=NOTE_COLUMNS
    )
    result.errors.extend(table.errors)
    result.warnings.extend(table.warnings)
    if result.errors:
        return result
    for row_number, cells in table.rows:
        values = {name: cell_text(cell) for name, cell in cells.items()}
        row, errors = parse_row(row_number, values, has_order="order" in table.present)
        result.errors.extend(errors)
        result.rows.append(row)
    return result


def parse_row(
    number: int, values: Mapping[str, str], *, has_order: bool = True
) -> tuple[OrganisationRow, list[RowError]]:
    """Check one row on its own; the tree-wide checks come later.

    The row comes back even when it has errors, so the tree-wide checks can still report
    on it: a clerk wants every problem in one pass, not one per attempt."""
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, message, column))

    code = values.get("code", "")
    if not code:
        error("编码", "编码不能为空。")
    elif not _CODE_RE.match(code):
        error("编码", f"编码“{code}”只能包含字母、数字和连字符。")
    name = values.get("name", "")
    if not name:
        error("名称", "名称不能为空。")
    raw_kind = values.get("kind", "")
    kind = parse_kind(raw_kind)
    if not raw_kind:
        error("类型", "类型不能为空。")
    elif kind is None:
        choices = "、".join(k.label for k in Kind)
        error("类型", f"无法识别的类型“{raw_kind}”，应为：{choices}。")
    uscc = values.get("uscc", "").upper().replace(" ", "")
    if uscc:
        problem = uscc_problem(uscc)
        if problem:
            error("统一社会信用代码", problem)
    website = values.get("website", "")
    if website and "://" not in website:
        # People paste “www.example.gov.cn”; Django 6 forms assume https as well.
        website = "https://" + website
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            error("网站", f"网址“{values.get('website')}”格式不正确。")
    email = values.get("email", "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            error("电子邮箱", f"电子邮箱“{email}”格式不正确。")
    phone = values.get("phone", "")
    if phone and not _PHONE_RE.match(phone):
        error("办公电话", f"办公电话“{phone}”含有无效字符。")
    is_private = _parse_bool(
        values.get("is_private", ""), default=False, column="民办", error=error
    )
    is_active = _parse_bool(values.get("is_active", ""), default=True, column="在用", error=error)
    order: int | None = None
    if has_order:
        raw_order = values.get("order", "")
        if not raw_order:
            order = 0
        elif raw_order.isdecimal():
            order = int(raw_order)
        else:
            error("排序", f"排序“{raw_order}”须为非负整数。")
    row = OrganisationRow(
        row=number,
        code=code,
        name=name,
        kind=kind or "",
        parent_code=values.get("parent", ""),
        short_name=values.get("short_name", ""),
        uscc=uscc,
        address=values.get("address", ""),
        phone=phone,
        website=website,
        email=email,
        school_stage=values.get("school_stage", ""),
        is_private=is_private,
        is_active=is_active,
        order=order,
    )
    header_of = {f: h for h, f in COLUMNS}
    for attribute, limit in _MAX_LENGTH.items():
        value = getattr(row, attribute, None)
        if isinstance(value, str) and len(value) > limit:
            error(header_of.get(attribute, attribute), f"长度不能超过 {limit} 个字符。")
    return row, errors


def parse_kind(text: str) -> str | None:
    folded = text.replace("(", "（").replace(")", "）").replace(" ", "")
    return _KIND_WORDS.get(folded) or _KIND_WORDS.get(folded.lower())


def uscc_problem(value: str) -> str:
    """Why ``value`` is not a valid unified social credit code, in Chinese; "" if it is."""
    try:
        uscc_number.validate(value)
    except InvalidLength:
        return f"统一社会信用代码“{value}”应为 18 位。"
    except InvalidChecksum:
        return f"统一社会信用代码“{value}”校验码不正确。"
    except NumberError:
        return f"统一社会信用代码“{value}”含有不允许的字符（前 8 位为数字，不含 I、O、Z、S、V）。"
    return ""


def _parse_bool(text: str, *, default: bool, column: str, error: Any) -> bool:
    if not text:
        return default
    if text.lower() in _TRUE_WORDS:
        return True
    if text.lower() in _FALSE_WORDS:
        return False
    error(column, f"“{text}”无法识别，请填“是”或“否”。")
    return default


# --- reading files --------------------------------------------------------------------------

Record = tuple[int, list[Any]]


def source_name(source: Source) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return Path(str(getattr(source, "name", ""))).name


def _records(source: Source) -> list[Record]:
    if isinstance(source, str | Path) or hasattr(source, "read"):
        data, name = read_source(source)  # type: ignore[arg-type]
        sheets = read_sheets(data, name)
        return sheets[0].numbered() if sheets else []
    return list(_records_from_mappings(source))


def _records_from_mappings(rows: Iterable[Mapping[str, Any]]) -> Iterator[Record]:
    # Rows built in code get the numbers they would have in a sheet with a header row.
    rows = list(rows)
    header = list(dict.fromkeys(key for row in rows for key in row))
    yield 1, header
    for number, row in enumerate(rows, start=2):
        yield number, [row.get(key) for key in header]


# --- writing files --------------------------------------------------------------------------


def organisation_cells(organisation: Organisation, parent_code: str) -> list[str | int]:
    return [
        organisation.code,
        organisation.name,
        organisation.short_name,
        Kind(organisation.kind).label,
        parent_code,
        organisation.uscc,
        organisation.address,
        organisation.phone,
        organisation.website,
        organisation.email,
        organisation.school_stage,
        "是" if organisation.is_private else "否",
        "是" if organisation.is_active else "否",
        organisation.order,
    ]


def write_csv(stream: Writable, rows: Iterable[Sequence[str | int]]) -> None:
    writer = spreadsheets.csv_writer(stream, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)


def write_xlsx(path: Path, rows: Iterable[Sequence[str | int]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "机构"
    spreadsheets.append_row(sheet, HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheets.append_row(sheet, row)
    # Codes and phone numbers are text: keep Excel from turning 0635-… or 371500 into numbers
    # when someone edits and saves the sheet.
    for column_cells in sheet.iter_cols(min_row=1):
        header = column_cells[0].value
        if header != "排序":
            for cell in column_cells[1:]:
                cell.number_format = "@"
        width = max(len(str(c.value or "")) for c in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(60, 4 + width * 2)
    sheet.freeze_panes = "A2"
    workbook.save(path)
