"""Fuzzing the catalogue import: random, malformed and hostile CSV, xlsx and JSON files give
``CatalogueInvalid`` with row errors (or a catalogue that ``validate`` then checks), never any
other exception."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gongkai.catalogue.importing import CatalogueData, CatalogueInvalid, load, validate
from gongkai.catalogue.tables import STANDARD_HEADERS

HEADER = list(STANDARD_HEADERS.values())
TRICKY = [
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
    "=1/0",
    "",
    " ",
    "<script>alert(1)</script>",
    "x" * 600,
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
CELL = st.one_of(
    st.none(), TEXT, st.sampled_from(TRICKY), st.integers(-(10**6), 10**6), st.booleans()
)
ROWS = st.lists(st.lists(CELL, max_size=len(HEADER) + 2), max_size=10)
HEADERS = st.one_of(
    st.just(HEADER),
    st.permutations(HEADER).map(list),
    st.lists(st.sampled_from(HEADER), max_size=5),
)
FUZZ = settings(max_examples=60, deadline=None)


def _load(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"目录{suffix}"
        path.write_bytes(data)
        try:
            catalogue = load(path)
        except CatalogueInvalid as exc:
            assert exc.errors
            assert all(str(error).strip() for error in exc.errors)
            return
    assert isinstance(catalogue, CatalogueData)
    for error in validate(catalogue):
        assert str(error).strip()


def _xlsx(rows: list[list[object]], merge: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    if merge and len(rows) > 3:
        sheet.merge_cells(start_row=2, start_column=2, end_row=len(rows), end_column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(header=HEADERS, rows=ROWS, merge=st.booleans())
def test_random_xlsx_catalogues_give_row_errors_never_exceptions(header, rows, merge):
    _load(_xlsx([header, *rows], merge), ".xlsx")


@FUZZ
@given(
    header=HEADERS,
    rows=ROWS,
    encoding=st.sampled_from(["utf-8-sig", "gb18030"]),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_random_csv_catalogues_give_row_errors_never_exceptions(header, rows, encoding, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    _load(buffer.getvalue().encode(encoding, errors="replace"), ".csv")


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), TEXT, st.sampled_from(TRICKY)),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "sections",
                    "items",
                    "code",
                    "name",
                    "title",
                    "elements",
                    "time_limit",
                    "channels",
                    "five_disclosure",
                    "basis",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@FUZZ
@given(document=JSONISH)
def test_random_json_catalogues_give_row_errors_never_exceptions(document):
    _load(json.dumps(document, ensure_ascii=False).encode(), ".json")


@FUZZ
@given(
    data=st.binary(max_size=2048),
    magic=st.sampled_from(
        [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"{", "一级事项,二级事项\n".encode()]
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".json", ".xls", ".txt"]),
)
def test_random_bytes_give_an_error_never_an_exception(data, magic, suffix):
    _load(magic + data, suffix)


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
    _load(buffer.getvalue(), ".xlsx")
