"""No CSV or XLSX that Gongkai writes runs a formula typed by someone (core/spreadsheets.py):
the public school directory and statistics, the organisation export, the catalogue export and
the supervision export. Real numbers stay numbers; exported files read back unchanged."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongkai.core import spreadsheets
from gongkai.core.spreadsheets import (
    append_row,
    csv_cell,
    is_formula_like,
    restore_csv_cell,
    write_cell,
)

#: What a hostile or careless person could type into a name, an address or an element.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/","点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    "-",
]
PLAIN = ["测试县教育和体育局", "0635-8888888", "2025年", "a=b", "e-mail", "3-1班", "", "'quoted"]
NUMBERS_AS_TEXT = ["-5", "+3.5", "12", "1e5", "-.5"]


def opened_as_text_csv(cell: str) -> bool:
    """How a spreadsheet program opening the CSV sees the cell: inert unless it would start
    a formula."""
    return not is_formula_like(cell)


def assert_inert_xlsx_cell(cell: Any, text: str) -> None:
    assert cell.value == text  # the text itself, unchanged
    assert cell.data_type == "s"  # a string, never a formula
    if is_formula_like(text):
        assert cell.quotePrefix  # and it stays text when someone edits the cell


@pytest.mark.parametrize("text", PAYLOADS)
def test_formula_like_text_is_neutralised_in_csv_and_reads_back(text):
    assert is_formula_like(text)
    written = csv_cell(text)
    assert written == "'" + text and opened_as_text_csv(written)
    assert restore_csv_cell(written) == text


@pytest.mark.parametrize("text", PLAIN + NUMBERS_AS_TEXT)
def test_ordinary_text_and_numbers_are_left_alone(text):
    assert not is_formula_like(text)
    assert csv_cell(text) == text and restore_csv_cell(text) == text


def test_numbers_stay_numbers():
    for value in (3, -5, 2.5, -0.25, True, None):
        assert csv_cell(value) is value
    book = Workbook()
    sheet = book.active
    append_row(sheet, [-5, 2.5, "-5", PAYLOADS[0]])
    saved = io.BytesIO()
    book.save(saved)
    row = next(load_workbook(saved).active.iter_rows(min_row=1, max_row=1))
    assert (row[0].value, row[0].data_type) == (-5, "n")
    assert (row[1].value, row[1].data_type) == (2.5, "n")
    assert (row[2].value, row[2].data_type) == ("-5", "s")
    assert_inert_xlsx_cell(row[3], PAYLOADS[0])


def test_xlsx_cells_keep_the_text_and_never_become_formulas(tmp_path):
    book = Workbook()
    sheet = book.active
    for number, text in enumerate(PAYLOADS + PLAIN, start=1):
        write_cell(sheet, number, 1, text)
    book.save(tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    for number, text in enumerate(PAYLOADS + PLAIN, start=1):
        cell = sheet.cell(number, 1)
        if text:
            assert_inert_xlsx_cell(cell, text)


# --- Every export ----------------------------------------------------------------------------


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def hostile_organisations(county: Any, payloads: list[str]) -> list[Any]:
    from gongkai.organisations.models import Kind
    from gongkai.testing import make_organisation

    county.name = payloads[0]
    county.short_name = payloads[1]
    county.save()
    schools = []
    for n, text in enumerate(payloads):
        schools.append(
            make_organisation(
                kind=Kind.SCHOOL,
                parent=county,
                code=f"S{n:04d}",
                name=f"{text}",
                address=text,
                phone=text[:30],
                school_stage="小学",
            )
        )
    return schools


@pytest.mark.django_db
def test_the_public_school_directory_csv_is_inert(client, county):
    hostile_organisations(county, PAYLOADS)
    response = client.get(reverse("portal:schools_csv"))
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == len(PAYLOADS) + 1
    assert all(opened_as_text_csv(cell) for cell in cells), cells
    assert {restore_csv_cell(row[0]) for row in rows[1:]} == set(PAYLOADS)


@pytest.mark.django_db
def test_the_public_statistics_csv_is_inert_and_counts_stay_numbers(client, county):
    hostile_organisations(county, PAYLOADS)
    response = client.get(reverse("portal:statistics_csv"))
    rows = csv_rows(b"".join(response.streaming_content))
    (row,) = rows[1:]
    assert row[0] == "'" + PAYLOADS[0] and all(opened_as_text_csv(c) for c in row)
    assert row[-1] == str(len(PAYLOADS))  # a number, not "'15"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_organisation_export_is_inert_and_reads_back(county, tmp_path, fmt):
    from gongkai.organisations.services import export_organisations
    from gongkai.organisations.tables import read_rows

    hostile_organisations(county, PAYLOADS)
    path = tmp_path / f"organisations.{fmt}"
    export_organisations(path, fmt)

    if fmt == "csv":
        rows = csv_rows(path.read_bytes())
        assert all(opened_as_text_csv(cell) for row in rows for cell in row)
    else:
        sheet = load_workbook(path).active
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert_inert_xlsx_cell(cell, cell.value)
                elif cell.value is not None:
                    assert cell.data_type == "n"  # 排序 stays a number
        assert any(c.value == PAYLOADS[0] for c in sheet["B"])
    # The importer reads the text back (as it cleans any cell: spaces trimmed).
    names = {row.name for row in read_rows(path).rows}
    assert {p.replace("\u3000", " ").strip() for p in PAYLOADS[2:]} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_catalogue_export_is_inert_and_reads_back(tmp_path, fmt):
    from gongkai.catalogue import importing
    from gongkai.catalogue.models import Edition
    from gongkai.catalogue.tables import load_table, write_table

    data = importing.from_edition(Edition.objects.current())
    data.title = PAYLOADS[0]
    item = data.sections[4].items[1]
    item.name = PAYLOADS[1]
    item.elements = [PAYLOADS[2], "正常要素"]
    item.subject = PAYLOADS[4]
    item.note = PAYLOADS[5]
    path = write_table(data, tmp_path / f"catalogue.{fmt}", fmt)

    if fmt == "csv":
        rows = csv_rows(path.read_bytes())
        assert all(opened_as_text_csv(cell) for row in rows for cell in row)
    else:
        sheet = load_workbook(path).active
        texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert all(c.data_type == "s" for c in texts)
        hostile = [c for c in texts if is_formula_like(c.value)]
        assert {c.value for c in hostile} >= {PAYLOADS[0], PAYLOADS[1], PAYLOADS[4]}
        assert all(c.quotePrefix for c in hostile)
    back = load_table(path)
    assert back.sections[4].items[1].name == PAYLOADS[1]


@pytest.mark.django_db
def test_the_supervision_export_is_inert(client, supervisor, county, city):
    import time_machine

    county.name = PAYLOADS[0]
    county.short_name = ""
    county.save()
    client.force_login(supervisor)
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        response = client.get(reverse("supervision:export", args=["xlsx"]) + "?year=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value == county.display_name]
    assert hostile and all(c.quotePrefix and c.data_type == "s" for c in hostile)
    assert any(c.data_type == "n" for c in cells)  # scores and counts are numbers


# --- A new export cannot forget it ----------------------------------------------------------

UNSAFE_CALLS = {("csv", "writer"), ("csv", "DictWriter")}


def _unsafe_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else ""
        if (owner_name, node.func.attr) in UNSAFE_CALLS:
            found.append(f"{path}:{node.lineno} {owner_name}.{node.func.attr}")
        # A worksheet's append() or cell(value=…) writes "=…" as a formula.
        if "sheet" in owner_name.lower() and (
            node.func.attr == "append"
            or (node.func.attr == "cell" and any(k.arg == "value" for k in node.keywords))
        ):
            found.append(f"{path}:{node.lineno} {owner_name}.{node.func.attr}")
    return found


def test_every_csv_and_xlsx_export_goes_through_the_formula_safe_writer():
    root = Path(settings.BASE_DIR) / "gongkai"
    allowed = {root / "core" / "spreadsheets.py"}
    offenders = [
        line
        for path in sorted(root.rglob("*.py"))
        # Tests and their helper modules (testing.py) build hostile files on purpose.
        if "tests" not in path.parts and path.name != "testing.py" and path not in allowed
        for line in _unsafe_writes(path)
    ]
    assert offenders == [], "use gongkai.core.spreadsheets (csv_writer, append_row, write_cell)"


def test_importers_read_back_what_the_export_neutralised():
    data = "名称,地址\r\n'=1+1,'-2+1\r\n'普通,'-2\r\n".encode()
    # Only an apostrophe the export could have written is dropped.
    assert spreadsheets.csv_rows(data) == [["名称", "地址"], ["=1+1", "-2+1"], ["'普通", "'-2"]]
