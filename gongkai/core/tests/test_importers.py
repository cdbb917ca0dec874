"""Every spreadsheet importer on the shared kit (core/spreadsheets.py), fuzzed alike: random,
malformed and hostile CSV and xlsx files, random bytes and damaged xlsx containers give row
errors (or rows), never any other exception; a dry run or a refused file writes nothing.

Each importer says how its outcome is checked; the files thrown at them are the same. What
only one importer reads (the catalogue's JSON, organisation rows built in code) is fuzzed in
that app's tests.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gongkai.catalogue.importing import CatalogueInvalid
from gongkai.catalogue.tables import STANDARD_HEADERS
from gongkai.catalogue.testing import TRICKY_CELLS as catalogue_cells
from gongkai.catalogue.testing import check_catalogue_file
from gongkai.core.spreadsheets import ImportReport
from gongkai.organisations.models import Organisation
from gongkai.organisations.services import OrganisationImport, import_organisations
from gongkai.organisations.tables import HEADERS as ORGANISATION_HEADERS
from gongkai.organisations.testing import TRICKY_CELLS as organisation_cells
from gongkai.records.importing import COLUMNS as RECORD_COLUMNS
from gongkai.records.importing import RecordImport, import_records
from gongkai.records.testing import TRICKY_CELLS as record_cells

pytestmark = pytest.mark.django_db


def _organisations(path: Path) -> None:
    before = Organisation.objects.count()
    report = import_organisations(path, by=None, dry_run=True)
    assert isinstance(report, OrganisationImport) and isinstance(report, ImportReport)
    for error in report.errors:
        assert str(error).strip()
    assert Organisation.objects.count() == before  # a dry run, or refused: nothing written


def _records(path: Path) -> None:
    report = import_records(path, by=None, dry_run=True)
    assert isinstance(report, RecordImport) and isinstance(report, ImportReport)
    for error in report.errors:
        assert isinstance(error.row, int) and error.row >= 1
        assert str(error.message).strip()
    assert report.errors or report.rows


@dataclass(frozen=True)
class Importer:
    name: str
    file_name: str
    header: list[str]
    #: Cell values that mean something to this importer, or used to break it.
    tricky: list[str]
    check: Callable[[Path], None]
    examples: int

    def run(self, data: bytes, suffix: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{self.file_name}{suffix}"
            path.write_bytes(data)
            self.check(path)


HOSTILE = ["=1/0", '=HYPERLINK("javascript:alert(1)")', "=cmd|' /C calc'!A0", "<b>",
           "<script>alert(1)</script>", "", " ", "x" * 600]  # fmt: skip
IMPORTERS = [
    Importer(
        "catalogue",
        "目录",
        list(STANDARD_HEADERS.values()),
        catalogue_cells,
        check_catalogue_file,
        60,
    ),
    Importer("organisations", "机构", ORGANISATION_HEADERS, organisation_cells, _organisations, 40),
    Importer("records", "表", [h for _, h, _ in RECORD_COLUMNS], record_cells, _records, 40),
]

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


def cells(importer: Importer) -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        TEXT,
        st.sampled_from(importer.tricky + HOSTILE),
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.dates(min_value=date(1900, 1, 1)),
        st.datetimes(min_value=datetime(1900, 1, 1)),
    )


def rows(importer: Importer) -> st.SearchStrategy[list[list[object]]]:
    return st.lists(st.lists(cells(importer), max_size=len(importer.header) + 2), max_size=10)


def headers(importer: Importer) -> st.SearchStrategy[list[str]]:
    return st.one_of(
        st.just(importer.header),
        st.permutations(importer.header).map(list),
        st.lists(st.sampled_from(importer.header), max_size=6),
    )


def fuzz(importer: Importer) -> settings:
    return settings(
        max_examples=importer.examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


def _xlsx(grid: list[list[object]], merge: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in grid:
        sheet.append(cells)
    if merge and len(grid) > 3:
        sheet.merge_cells(start_row=2, start_column=2, end_row=len(grid), end_column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


each_importer = pytest.mark.parametrize("importer", IMPORTERS, ids=lambda i: i.name)


@each_importer
def test_random_xlsx_files_give_row_errors_never_exceptions(importer):
    @fuzz(importer)
    @given(header=headers(importer), grid=rows(importer), merge=st.booleans())
    def run(header, grid, merge):
        importer.run(_xlsx([header, *grid], merge), ".xlsx")

    run()


@each_importer
def test_random_csv_files_give_row_errors_never_exceptions(importer):
    @fuzz(importer)
    @given(
        header=headers(importer),
        grid=rows(importer),
        encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
        delimiter=st.sampled_from([",", "\t"]),
    )
    def run(header, grid, encoding, delimiter):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows([header, *grid])
        importer.run(buffer.getvalue().encode(encoding, errors="replace"), ".csv")

    run()


@each_importer
def test_random_bytes_give_an_error_never_an_exception(importer):
    @fuzz(importer)
    @given(
        data=st.binary(max_size=2048),
        magic=st.sampled_from(
            [
                b"",
                b"PK\x03\x04",
                b"\xd0\xcf\x11\xe0",
                b"\xef\xbb\xbf",
                b"\xff\xfe",
                b"{",
                (",".join(importer.header[:2]) + "\n").encode(),
            ]
        ),
        suffix=st.sampled_from([".csv", ".xlsx", ".json", ".xls", ".txt", ""]),
    )
    def run(data, magic, suffix):
        importer.run(magic + data, suffix)

    run()


XLSX_PARTS = [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/_rels/workbook.xml.rels",
    "_rels/.rels",
    "xl/sharedStrings.xml",
]
BROKEN_XML = [
    b"<?xml version='1.0'?><x/>",
    b"<a><b></a>",
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
]


@each_importer
def test_damaged_xlsx_containers_give_an_error_never_an_exception(importer):
    @fuzz(importer)
    @given(
        members=st.dictionaries(
            st.sampled_from(XLSX_PARTS),
            st.one_of(st.binary(max_size=300), st.sampled_from(BROKEN_XML)),
        )
    )
    def run(members):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in members.items():
                archive.writestr(name, content)
        importer.run(buffer.getvalue(), ".xlsx")

    run()


@each_importer
def test_a_file_with_nul_characters_is_an_error_not_a_crash(importer):
    importer.run(b"\xe5\xba\x8f\xe5\x8f\xb7\r\x00", ".csv")


def test_every_importer_says_a_nul_file_is_not_csv(tmp_path):
    from gongkai.catalogue.tables import load_table
    from gongkai.organisations.tables import read_rows

    bad = tmp_path / "目录.csv"
    bad.write_bytes(b"\xe5\xba\x8f\xe5\x8f\xb7\r\x00")
    with pytest.raises(CatalogueInvalid):
        load_table(bad)
    result = read_rows(bad)
    assert result.rows == []
    assert "不是 CSV 文本文件" in result.errors[0].message
    report = import_records(bad)
    assert len(report.errors) == 1 and "不是 CSV 文本文件" in str(report.errors[0])
