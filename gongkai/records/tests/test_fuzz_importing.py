"""Fuzzing the records import: random, malformed and hostile CSV and xlsx files give a report
with row errors (or rows), never an exception."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gongkai.records.importing import ImportReport, import_records

pytestmark = pytest.mark.django_db

HEADER = [
    "标题",
    "目录事项",
    "发布机构",
    "文号",
    "成文日期",
    "信息形成日期",
    "发布日期",
    "索引号",
    "主题分类",
    "公开属性",
    "不予公开依据",
    "有效性",
    "正文",
    "附件",
]
TRICKY = [
    "05.04",
    "C0100",
    "主动公开",
    "不予公开",
    "废止",
    "2025-13-45",
    "2025年6月5日",
    "20250605",
    "45000",
    "=1/0",
    '=HYPERLINK("javascript:alert(1)")',
    "<script>alert(1)</script>",
    "１２３",
    "一、",
    "../../etc/passwd",
    "通知.pdf；../x.pdf",
    "聊教体发〔2025〕12号",
    " ",
    "",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.sampled_from(TRICKY),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
)
ROWS = st.lists(st.lists(CELL, max_size=len(HEADER) + 2), max_size=8)
SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _header(draw_header: list[str] | None) -> list[str]:
    return HEADER if draw_header is None else draw_header


def _check(report: ImportReport) -> None:
    assert isinstance(report, ImportReport)
    for error in report.errors:
        assert isinstance(error.row, int) and error.row >= 1
        assert str(error.message).strip()
    assert report.errors or report.rows


def _run(data: bytes, suffix: str) -> ImportReport:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"表{suffix}"
        path.write_bytes(data)
        return import_records(path, by=None, dry_run=True)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[object]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


HEADERS = st.one_of(
    st.none(), st.permutations(HEADER).map(list), st.lists(st.sampled_from(HEADER), max_size=6)
)


@SLOW
@given(header=HEADERS, rows=ROWS)
def test_random_xlsx_sheets_give_row_errors_never_exceptions(header, rows):
    _check(_run(_xlsx([_header(header), *rows]), ".xlsx"))


@SLOW
@given(header=HEADERS, rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_random_csv_sheets_give_row_errors_never_exceptions(header, rows, encoding):
    _check(_run(_csv([_header(header), *rows], encoding), ".csv"))


@SLOW
@given(
    data=st.binary(max_size=2048),
    magic=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", "标题,目录事项\n".encode()]
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".xls", ""]),
)
def test_random_bytes_give_an_error_never_an_exception(data, magic, suffix):
    _check(_run(magic + data, suffix))


@SLOW
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
            st.binary(max_size=300),
            st.sampled_from(
                [
                    b"<?xml version='1.0'?><x/>",
                    b"<a><b></a>",
                    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
                ]
            ),
        ),
    )
)
def test_damaged_xlsx_containers_give_an_error_never_an_exception(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    _check(_run(buffer.getvalue(), ".xlsx"))
