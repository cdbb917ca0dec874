"""Exports use the import layout, so what goes out comes back in unchanged."""

from __future__ import annotations

import io

import pytest

from gongkai.organisations.models import Organisation
from gongkai.organisations.services import (
    export_organisations,
    import_organisations,
    load_reference_tree,
    write_organisations_csv,
)
from gongkai.organisations.tables import HEADERS

pytestmark = pytest.mark.django_db

FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "path",
    "depth",
    "uscc",
    "address",
    "phone",
    "website",
    "email",
    "school_stage",
    "is_private",
    "is_active",
    "order",
)


def _snapshot() -> list[tuple[object, ...]]:
    return list(Organisation.objects.order_by("code").values_list(*FIELDS))


def _delete_all() -> None:
    # Parents are protected while they have children: delete from the leaves up.
    for organisation in Organisation.objects.order_by("-depth"):
        organisation.delete()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_into_an_empty_database_rebuilds_the_same_tree(tmp_path, fmt):
    load_reference_tree(include_demo=True)
    Organisation.objects.filter(code="371502-D01-01").update(is_active=False, website="")
    before = _snapshot()
    path = tmp_path / f"tree.{fmt}"

    assert export_organisations(path, fmt) == 72
    _delete_all()
    report = import_organisations(path, by=None)

    assert report.ok, report.errors
    assert len(report.created) == 72
    assert _snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_an_export_over_the_same_data_changes_nothing(tmp_path, fmt, school):
    path = tmp_path / f"tree.{fmt}"
    export_organisations(path)

    report = import_organisations(path, by=None)

    assert report.ok and not report.changed


def test_the_csv_export_starts_with_the_header_and_lists_parents_first(school):
    stream = io.StringIO()

    write_organisations_csv(stream)

    lines = stream.getvalue().splitlines()
    assert lines[0] == ",".join(HEADERS)
    assert [line.split(",")[0] for line in lines[1:]] == ["C0001", "C0100", "C0101", "C0102"]
    assert lines[3].split(",")[3:5] == ["乡镇（街道）", "C0100"]


def test_a_csv_export_opens_in_excel_with_chinese_intact(tmp_path, county):
    export_organisations(tmp_path / "tree.csv")

    assert (tmp_path / "tree.csv").read_bytes().startswith("\ufeff编码".encode())
