"""Every staff URL refuses the wrong role and the wrong organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalogue.models import Item
from gongkai.disclosures import urls
from gongkai.disclosures.testing import make_guide
from gongkai.records.models import Record
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(clerk):
    return make_guide(by=clerk)


def staff_urls(guide):
    return {
        "staff_list": reverse("disclosures:staff_list"),
        "staff_create": reverse("disclosures:staff_create", args=["service_guide"]),
        "staff_edit": reverse("disclosures:staff_edit", args=[guide.pk]),
    }


def test_the_tests_cover_every_staff_url(guide):
    names = {p.name for p in urls.urlpatterns if str(p.pattern).startswith("staff/")}
    assert names == set(staff_urls(guide))


def test_anonymous_visitors_are_sent_to_sign_in(client, guide):
    for url in staff_urls(guide).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_people_without_a_staff_role_are_refused_everywhere(client, citizen, guide):
    client.force_login(citizen)
    for url in staff_urls(guide).values():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["supervisor", "document_reviewer", "disclosure_reviewer"])
def test_only_clerks_create_and_edit(client, request, persona, guide):
    client.force_login(request.getfixturevalue(persona))
    pages = staff_urls(guide)
    assert client.get(pages["staff_list"]).status_code == 200
    assert client.get(pages["staff_create"]).status_code == 403
    assert client.get(pages["staff_edit"]).status_code == 403
    assert client.post(pages["staff_edit"], {"title": "改"}).status_code == 403
    assert Record.objects.get(pk=guide.pk).title != "改"


def test_a_clerk_of_another_county_cannot_see_edit_or_file_for_this_county(
    client, other_county_clerk, guide, county
):
    client.force_login(other_county_clerk)
    pages = staff_urls(guide)
    assert guide.title not in client.get(pages["staff_list"]).content.decode()
    assert client.get(pages["staff_edit"]).status_code == 404
    assert client.post(pages["staff_edit"], {"title": "改"}).status_code == 404
    response = client.post(
        pages["staff_create"],
        {
            "title": "冒名指南",
            "formed_on": "2025-06-03",
            "five_disclosure": "service",
            "item": Item.objects.current().get(code="06.01").pk,
            "organisation": county.pk,
            "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Record.objects.filter(title="冒名指南").exists()


def test_the_clerk_of_the_organisation_can_use_every_staff_url(client, clerk, guide):
    client.force_login(clerk)
    for url in staff_urls(guide).values():
        assert client.get(url).status_code == 200, url


def test_an_ordinary_record_or_an_unknown_kind_has_no_structured_page(client, clerk):
    client.force_login(clerk)
    plain = make_record(by=clerk)
    assert client.get(reverse("disclosures:staff_edit", args=[plain.pk])).status_code == 404
    assert client.get(reverse("disclosures:staff_create", args=["document"])).status_code == 404
