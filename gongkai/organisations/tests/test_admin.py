"""The organisation admin: readable in Chinese, and a move through it keeps paths right.
(Only a system administrator of the root opens the admin: accounts/adminsite.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.organisations.models import Organisation
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, city):  # type: ignore[no-untyped-def]
    client.force_login(make_user(roles=[Role.SYSTEM_ADMIN], organisation=city))
    return client


def test_the_list_shows_the_tree_and_searches_by_name_or_code(admin_client, school):
    url = reverse("admin:organisations_organisation_changelist")

    page = admin_client.get(url)
    found = admin_client.get(url, {"q": "C0102"})

    assert page.status_code == 200
    assert "测试镇第一小学" in page.content.decode()
    assert list(found.context["cl"].result_list) == [school]


def test_parent_autocomplete_finds_organisations(admin_client, county):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "测试县",
            "app_label": "organisations",
            "model_name": "organisation",
            "field_name": "parent",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["测试县教育和体育局"]


def test_moving_a_township_in_the_admin_moves_its_schools(
    admin_client, other_county, township, school
):
    url = reverse("admin:organisations_organisation_change", args=[township.pk])
    form = {
        "code": township.code,
        "name": township.name,
        "short_name": "",
        "kind": "township",
        "parent": other_county.pk,
        "uscc": township.uscc,
        "address": "",
        "phone": "",
        "website": "",
        "email": "",
        "school_stage": "",
        "is_active": "on",
        "order": "0",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    school.refresh_from_db()
    assert school.path == "/C0001/C0200/C0101/C0102/"
    assert school in Organisation.objects.subtree(other_county)
