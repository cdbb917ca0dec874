"""Fuzzing the organisations import: random, malformed and hostile CSV and xlsx files, and
rows built in code, give a report with row errors (nothing written), never an exception."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gongkai.organisations.models import Organisation
from gongkai.organisations.services import ImportReport, import_organisations
from gongkai.organisations.tables import HEADERS

pytestmark = pytest.mark.django_db

TRICKY = [
    "C0001",
    "C0100",
    "市教育局",
    "县教育局",
    "乡镇",
    "学校",
    "city_bureau",
    "school",
    "C0001",
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
    "=cmd|' /C calc'!A0",
    "<b>",
    "",
    " ",
    "x" * 400,
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(TRICKY),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
ROWS = st.lists(st.lists(CELL, max_size=len(HEADERS) + 2), max_size=10)
HEADER = st.one_of(
    st.just(HEADERS),
    st.permutations(HEADERS).map(list),
    st.lists(st.sampled_from(HEADERS), max_size=5),
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check(report: ImportReport, before: int) -> None:
    assert isinstance(report, ImportReport)
    for error in report.errors:
        assert str(error).strip()
    assert Organisation.objects.count() == before  # a dry run, or refused: nothing written


def _run(data: bytes, suffix: str) -> None:
    before = Organisation.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"机构{suffix}"
        path.write_bytes(data)
        _check(import_organisations(path, by=None, dry_run=True), before)


@FUZZ
@given(header=HEADER, rows=ROWS)
def test_random_xlsx_lists_give_row_errors_never_exceptions(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in [header, *rows]:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    _run(buffer.getvalue(), ".xlsx")


@FUZZ
@given(header=HEADER, rows=ROWS, encoding=st.sampled_from(["utf-8-sig", "gb18030", "utf-16"]))
def test_random_csv_lists_give_row_errors_never_exceptions(header, rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    _run(buffer.getvalue().encode(encoding, errors="replace"), ".csv")


@FUZZ
@given(
    rows=st.lists(
        st.dictionaries(
            st.sampled_from([*HEADERS, "code", "name", "kind", "parent"]), CELL, max_size=8
        ),
        max_size=8,
    )
)
def test_random_rows_built_in_code_give_row_errors_never_exceptions(rows):
    before = Organisation.objects.count()
    _check(import_organisations(rows, by=None, dry_run=True), before)


@FUZZ
@given(
    data=st.binary(max_size=2048),
    magic=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", "编码,名称,类型\n".encode()]
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".xls", ""]),
)
def test_random_bytes_give_an_error_never_an_exception(data, magic, suffix):
    _run(magic + data, suffix)


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(
            [
                "[Content_Types].xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml",
                "xl/_rels/workbook.xml.rels",
                "_rels/.rels",
                "xl/sharedStrings.xml",
            ]
        ),
        st.one_of(
            st.binary(max_size=300), st.sampled_from([b"<?xml version='1.0'?><x/>", b"<a><b></a>"])
        ),
    )
)
def test_damaged_xlsx_containers_give_an_error_never_an_exception(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    _run(buffer.getvalue(), ".xlsx")
