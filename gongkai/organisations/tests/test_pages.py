"""The organisation tree in the browser, for system administrators within their subtree."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Kind, Organisation
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(county):
    return make_user(roles=[Role.SYSTEM_ADMIN], organisation=county)


def _form(**values):
    form = {
        "code": "C0103",
        "name": "测试镇第二小学",
        "short_name": "",
        "kind": Kind.SCHOOL,
        "parent": "",
        "uscc": "",
        "address": "",
        "phone": "",
        "website": "",
        "email": "",
        "school_stage": "小学",
        "order": "0",
    }
    form.update(values)
    return form


def test_the_tree_lists_only_the_administrators_subtree(client, sysadmin, school, other_county):
    client.force_login(sysadmin)

    page = client.get(reverse("organisations:tree")).content.decode()

    assert "测试镇第一小学" in page and "测试县教育和体育局" in page
    assert "另一县教育和体育局" not in page
    assert client.get(reverse("organisations:edit", args=[other_county.pk])).status_code == 404


def test_creating_a_school_under_a_township_is_audited(client, sysadmin, township):
    client.force_login(sysadmin)

    response = client.post(reverse("organisations:create"), _form(parent=township.pk))

    assert response.status_code == 302
    created = Organisation.objects.get(code="C0103")
    assert created.path == township.path + "C0103/"
    assert AuditEvent.objects.for_object(created).get().verb == "organisations.create"


def test_a_school_cannot_be_created_outside_the_subtree(client, sysadmin, other_county):
    client.force_login(sysadmin)

    page = client.post(reverse("organisations:create"), _form(parent=other_county.pk))

    assert not Organisation.objects.filter(code="C0103").exists()
    assert "请选择您管理范围内的上级机构" in page.content.decode()


def test_a_wrong_parent_kind_gets_a_chinese_error(client, sysadmin, county, school):
    client.force_login(sysadmin)

    page = client.post(
        reverse("organisations:create"), _form(kind=Kind.TOWNSHIP, parent=county.pk, code="C0199")
    )
    assert page.status_code == 302  # a township under a county is right

    wrong = client.post(
        reverse("organisations:create"),
        _form(kind=Kind.COUNTY_BUREAU, parent=county.pk, code="C0198"),
    )
    assert "不能隶属于该上级机构" in wrong.content.decode()


def test_renaming_and_moving_keep_the_subtree_together(client, city, township, school):
    city_admin = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    other = Organisation.objects.create(
        code="C0300", name="第三县教育和体育局", kind=Kind.COUNTY_BUREAU, parent=city
    )
    client.force_login(city_admin)
    form = _form(**{k: getattr(township, k) for k in ("name", "kind", "uscc")})
    form.pop("code")
    form.update(name="改名的镇中心学校", parent=other.pk, school_stage="")

    client.post(reverse("organisations:edit", args=[township.pk]), form)

    school.refresh_from_db()
    township.refresh_from_db()
    assert township.name == "改名的镇中心学校"
    assert school.path == "/C0001/C0300/C0101/C0102/"


def test_closing_an_organisation_with_open_units_or_roles_is_refused(
    client, sysadmin, township, school
):
    clerk = make_user(roles=[Role.CLERK], organisation=school)
    client.force_login(sysadmin)

    client.post(reverse("organisations:set_active", args=[township.pk]), {"active": "0"})
    township.refresh_from_db()
    assert township.is_active
    refused = client.post(
        reverse("organisations:set_active", args=[school.pk]), {"active": "0"}, follow=True
    )
    assert "角色授权" in refused.content.decode()

    clerk.role_grants.update(revoked_at="2026-01-01T00:00:00Z")
    client.post(reverse("organisations:set_active", args=[school.pk]), {"active": "0"})
    school.refresh_from_db()
    assert not school.is_active
    assert AuditEvent.objects.for_object(school).get().verb == "organisations.deactivate"


def test_an_administrator_cannot_close_their_own_unit(client, sysadmin, county):
    client.force_login(sysadmin)
    client.post(reverse("organisations:set_active", args=[county.pk]), {"active": "0"})
    county.refresh_from_db()
    assert county.is_active


def _upload(text: str, name: str = "机构.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_import_previews_first_then_writes_on_confirmation(client, sysadmin, township):
    client.force_login(sysadmin)
    sheet = "编码,名称,类型,上级编码\nC0104,测试镇第三小学,学校,C0101\n"

    preview = client.post(reverse("organisations:import"), {"file": _upload(sheet)})

    html = preview.content.decode()
    assert "试运行" in html and "新建 1 个" in html
    assert not Organisation.objects.filter(code="C0104").exists()
    content = preview.context["content"]
    done = client.post(reverse("organisations:import"), {"content": content, "name": "机构.csv"})
    assert done.status_code == 302
    assert Organisation.objects.get(code="C0104").parent == township
    assert AuditEvent.objects.filter(verb="organisations.import").count() == 1


def test_import_errors_are_listed_by_row_in_chinese_and_nothing_is_written(client, sysadmin):
    client.force_login(sysadmin)
    sheet = (
        "编码,名称,类型,上级编码\n"
        "C0105,好学校,学校,C0101\n"
        "C0106,,学校,C0101\n"
        "C0107,坏类型,幼儿园,C0101\n"
    )

    page = client.post(reverse("organisations:import"), {"file": _upload(sheet)}).content.decode()

    assert "第 3 行（名称）：名称不能为空" in page
    assert "第 4 行（类型）：无法识别的类型“幼儿园”" in page
    assert "确认导入" not in page
    assert not Organisation.objects.filter(code="C0105").exists()


def test_import_refuses_rows_outside_the_administrators_subtree(client, sysadmin, other_county):
    client.force_login(sysadmin)
    sheet = "编码,名称,类型,上级编码\nC0201,别县的学校,学校,C0200\nC0200,另一县教育和体育局,县（市、区）教体局,C0001\n"

    page = client.post(reverse("organisations:import"), {"file": _upload(sheet)}).content.decode()

    assert "不在您的管理范围内" in page
    assert not Organisation.objects.filter(code="C0201").exists()


def test_export_gives_the_subtree_in_the_import_layout(client, sysadmin, school, other_county):
    client.force_login(sysadmin)

    csv_text = client.get(reverse("organisations:export")).content.decode("utf-8-sig")
    xlsx = client.get(reverse("organisations:export"), {"format": "xlsx"})

    assert csv_text.splitlines()[0].startswith("编码,名称,简称,类型,上级编码")
    assert "C0102" in csv_text and "C0200" not in csv_text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)][1:] == ["C0100", "C0101", "C0102"]


def test_only_system_administrators_open_the_tree(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("organisations:tree")).status_code == 403
