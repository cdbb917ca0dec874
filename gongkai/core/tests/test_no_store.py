"""Staff pages, account pages and every response to a signed-in person carry
``Cache-Control: no-store``: no browser cache, back button or proxy keeps them. Anonymous
public pages stay cacheable (the page cache and nginx serve them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.core.tests.test_housekeeping import _staff_urls

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/staff/", "/staff/records/new/", "/staff/accounts/audit/"])
def test_staff_pages_are_never_stored(client, clerk, url):
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code in (200, 302, 403)
    assert no_store(response)


def test_every_staff_url_is_never_stored_even_when_it_refuses(client, citizen):
    client.force_login(citizen)
    for url in _staff_urls():
        assert no_store(client.get(url)), url


PRIVATE = ["/accounts/login/", "/staff/", "/system/admin/", "/applications/filed/",
           "/applications/track/"]  # fmt: skip


@pytest.mark.parametrize("url", PRIVATE)
def test_private_addresses_are_never_stored_for_anonymous_visitors_either(client, url):
    assert no_store(client.get(url))


def test_a_public_page_is_never_stored_for_someone_signed_in(client, clerk):
    client.force_login(clerk)
    assert no_store(client.get(reverse("portal:home")))


def test_public_pages_for_anonymous_readers_stay_cacheable(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert not no_store(response)
