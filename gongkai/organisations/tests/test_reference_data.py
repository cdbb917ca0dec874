"""The data files shipped in ``organisations/data``: the real top of the tree and the demo."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from stdnum.cn import uscc

from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Kind, Organisation
from gongkai.organisations.services import DATA_DIR, load_reference_tree

APP_DIR = Path(__file__).resolve().parents[1]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.django_db
def test_reference_tree_has_one_city_eleven_county_bureaus_and_sixty_demo_organisations():
    load_reference_tree(include_demo=True)

    assert Organisation.objects.of_kind(Kind.CITY_BUREAU).count() == 1
    assert Organisation.objects.of_kind(Kind.COUNTY_BUREAU).count() == 11
    below = Organisation.objects.of_kind(Kind.TOWNSHIP, Kind.SCHOOL)
    assert below.count() == 60
    assert below.filter(is_private=True).count() >= 3
    city = Organisation.objects.get(kind=Kind.CITY_BUREAU)
    assert Organisation.objects.subtree(city).count() == 72
    for county in Organisation.objects.of_kind(Kind.COUNTY_BUREAU):
        assert county.parent == city
        assert Organisation.objects.subtree(county).count() > 1, county.name


@pytest.mark.django_db
def test_reference_tree_without_demo_holds_only_the_real_bureaus():
    load_reference_tree(include_demo=False)

    assert Organisation.objects.count() == 12
    assert not Organisation.objects.filter(name__contains="演示").exists()


@pytest.mark.django_db
def test_loading_the_reference_tree_again_changes_nothing():
    load_reference_tree(include_demo=True)
    stamps = dict(Organisation.objects.values_list("code", "updated_at"))
    audit_rows = AuditEvent.objects.count()

    reports = load_reference_tree(include_demo=True)

    assert all(not r.changed for r in reports)
    assert dict(Organisation.objects.values_list("code", "updated_at")) == stamps
    assert AuditEvent.objects.count() == audit_rows


def test_every_unified_social_credit_code_in_the_data_files_is_valid_and_unique():
    codes = [
        row["统一社会信用代码"]
        for name in ("liaocheng.csv", "demo.csv")
        for row in _rows(name)
        if row["统一社会信用代码"]
    ]

    assert len(codes) == 60
    assert all(uscc.is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_real_bureaus_carry_no_invented_credit_codes_or_contact_details():
    for row in _rows("liaocheng.csv"):
        assert row["统一社会信用代码"] == row["办公电话"] == row["地址"] == ""


def test_demo_organisations_are_marked_as_fictional_everywhere_a_reader_would_look():
    for row in _rows("demo.csv"):
        assert row["名称"].startswith("（演示）")
        assert row["地址"].startswith("（演示）")
        assert not row["简称"] or row["简称"].startswith("（演示）")
        assert "虚构" in row["备注"]
        assert re.fullmatch(r"0635-0\d{6}", row["办公电话"])
        assert "-D" in row["编码"]


def test_no_python_module_names_the_city_it_serves():
    # "Any city can replace the tree": the city lives in data files only.
    offenders = [
        str(path.relative_to(APP_DIR))
        for path in APP_DIR.rglob("*.py")
        if "tests" not in path.parts
        and re.search("聊城|liaocheng", path.read_text(encoding="utf-8"), re.IGNORECASE)
    ]
    assert offenders == []
