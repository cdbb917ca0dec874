"""Moving organisations: the materialised path of everything below must follow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Kind, Organisation
from gongkai.organisations.services import import_organisations, save_organisation
from gongkai.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db


def _township_row(township: Organisation, parent_code: str) -> dict[str, str]:
    return {
        "编码": township.code,
        "名称": township.name,
        "类型": "乡镇",
        "上级编码": parent_code,
        "统一社会信用代码": township.uscc,
    }


def test_moving_a_township_to_another_county_moves_its_schools_too(
    county, other_county, township, school
):
    deeper = make_organisation(kind=Kind.SCHOOL, parent=township, code="C0103")

    report = import_organisations([_township_row(township, other_county.code)], by=None)

    assert report.moved == [township.code]
    school.refresh_from_db()
    deeper.refresh_from_db()
    assert school.path == "/C0001/C0200/C0101/C0102/"
    assert deeper.path == "/C0001/C0200/C0101/C0103/"
    assert set(Organisation.objects.subtree(other_county)) == {
        other_county,
        township,
        school,
        deeper,
    }
    assert set(Organisation.objects.subtree(county)) == {county}


def test_a_move_and_a_child_row_in_the_same_file_both_apply(county, other_county, township, school):
    report = import_organisations(
        [
            {
                "编码": school.code,
                "名称": "改名后的小学",
                "类型": "学校",
                "上级编码": township.code,
            },
            _township_row(township, other_county.code),
        ],
        by=None,
    )

    assert report.ok, report.errors
    school.refresh_from_db()
    assert (school.name, school.path) == ("改名后的小学", "/C0001/C0200/C0101/C0102/")


def test_saving_an_organisation_under_a_new_parent_rewrites_descendant_paths(
    other_county, township, school
):
    admin = make_user()
    township.parent = other_county

    save_organisation(township, by=admin)

    school.refresh_from_db()
    assert school.path == "/C0001/C0200/C0101/C0102/"
    event = AuditEvent.objects.get(verb="organisations.update")
    assert event.data["descendants_moved"] == 1
    assert event.actor == admin


def test_changing_a_code_rewrites_descendant_paths(county, township, school):
    township.code = "C0101-NEW"

    save_organisation(township, by=None)

    school.refresh_from_db()
    assert school.path == "/C0001/C0100/C0101-NEW/C0102/"
    assert school.depth == 3
    assert list(Organisation.objects.subtree(township)) == [township, school]


def test_an_organisation_cannot_be_saved_under_its_own_descendant(county, township, school):
    county.parent = school

    with pytest.raises(ValidationError):
        save_organisation(county, by=None)

    school.refresh_from_db()
    assert school.path == "/C0001/C0100/C0101/C0102/"
