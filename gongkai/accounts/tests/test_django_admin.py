"""The Django admin: the root's system administrator only, in Chinese, no secrets, no
deletes, every change audited (accounts/adminsite.py, docs/decisions/0015)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.models import Role, User
from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Organisation
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

ADMIN = "/system/admin/"


@pytest.fixture
def victim(county):
    person = make_user(username="victim", roles=[Role.CLERK], organisation=county)
    TOTPDevice.objects.create(user=person, name="身份验证器", confirmed=True)
    AccessAttempt.objects.create(
        username=person.username,
        ip_address="10.0.0.9",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    return person


@pytest.fixture
def superuser(city):
    """The root's system administrator, with every Django flag set as well."""
    return make_user(
        username="root",
        roles=[Role.SYSTEM_ADMIN],
        organisation=city,
        is_staff=True,
        is_superuser=True,
    )


def _admin_pages(client, start=ADMIN, depth=2):
    """Every admin page reachable from the index by links, ``depth`` clicks deep, plus the
    first object of each list."""
    seen: dict[str, str] = {}
    frontier = [start]
    for _ in range(depth + 1):
        found = []
        for url in frontier:
            if url in seen or "/logout/" in url:
                continue
            response = client.get(url)
            seen[url] = response.content.decode() if response.status_code == 200 else ""
            for href in re.findall(r'href="(/system/admin/[^"#?]*)"', seen[url]):
                if href not in seen:
                    found.append(href)
        frontier = found
    return seen


def test_the_superuser_sees_no_totp_key_and_deletes_no_device_or_lockout_row(
    client, superuser, victim
):
    device = TOTPDevice.objects.get(user=victim)
    attempt = AccessAttempt.objects.get(username=victim.username)
    client.force_login(superuser)

    pages = _admin_pages(client)
    assert len(pages) > 5  # it really crawled
    for url, html in pages.items():
        assert device.key not in html, url
        assert victim.password not in html, url  # nor a password hash

    for url in (
        f"{ADMIN}otp_totp/totpdevice/",
        f"{ADMIN}otp_totp/totpdevice/{device.pk}/change/",
        f"{ADMIN}axes/accessattempt/",
    ):
        assert client.get(url).status_code == 404, url
    client.post(f"{ADMIN}otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    client.post(f"{ADMIN}axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    client.post(f"{ADMIN}accounts/user/{victim.pk}/delete/", {"post": "yes"})
    client.post(
        f"{ADMIN}otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )

    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert User.objects.filter(pk=victim.pk).exists()


def test_the_user_admin_has_no_password_field_and_no_delete(client, superuser, victim):
    client.force_login(superuser)

    page = client.get(f"{ADMIN}accounts/user/{victim.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert victim.password not in html
    assert 'name="password"' not in html
    assert "/delete/" not in html
    assert client.get(f"{ADMIN}accounts/user/{victim.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    "who", ["superuser_flag_only", "security_admin", "audit_admin", "county_system_admin"]
)
def test_only_the_roots_system_administrator_opens_the_admin(client, city, county, who):
    people = {
        "superuser_flag_only": lambda: make_user(is_staff=True, is_superuser=True),
        "security_admin": lambda: make_user(roles=[Role.SECURITY_ADMIN], organisation=city),
        "audit_admin": lambda: make_user(roles=[Role.AUDIT_ADMIN], organisation=city),
        "county_system_admin": lambda: make_user(roles=[Role.SYSTEM_ADMIN], organisation=county),
    }
    client.force_login(people[who]())

    response = client.get(ADMIN, follow=True)
    changelist = client.get(f"{ADMIN}organisations/organisation/", follow=True)

    assert response.status_code == 403
    assert changelist.status_code == 403
    assert "测试县教育和体育局" not in changelist.content.decode()


def test_anonymous_visitors_are_sent_to_gongkais_sign_in(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/system/admin/")
    assert response.status_code == 200


def test_the_admin_is_in_chinese(client, superuser, victim):
    client.force_login(superuser)

    for url, html in _admin_pages(client, depth=1).items():
        text = unescape(
            re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
        )
        words = set(re.findall(r"\b[A-Za-z][a-z]{2,}\b", text))
        # Usernames and codes of the data are not labels.
        words -= {"victim", "root", "user"}
        words = {w for w in words if not w.startswith("user")}
        assert not words, f"{url}: {sorted(words)}"


def test_a_change_in_the_admin_writes_an_audit_row(client, superuser, county):
    client.force_login(superuser)
    url = f"{ADMIN}organisations/organisation/{county.pk}/change/"
    form = {
        "code": county.code,
        "name": "改名后的县教育和体育局",
        "short_name": "",
        "kind": "county",
        "parent": county.parent_id,
        "uscc": county.uscc,
        "address": "",
        "phone": "",
        "website": "",
        "email": "",
        "school_stage": "",
        "is_active": "on",
        "order": "0",
    }

    response = client.post(url, form)

    assert response.status_code == 302
    assert Organisation.objects.get(pk=county.pk).name == "改名后的县教育和体育局"
    row = AuditEvent.objects.filter(verb="admin.change").get()
    assert row.actor == superuser
    assert row.object_id == str(county.pk)
    assert "名称" in row.note


def test_the_admins_password_change_is_gongkais_own_page(client, superuser):
    client.force_login(superuser)
    response = client.get(f"{ADMIN}password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
