"""The system administrator's accounts and role grants in the browser, with 三员分立."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongkai.accounts import services
from gongkai.accounts.models import Role, RoleGrant, SignInLink, User
from gongkai.core.models import AuditEvent
from gongkai.testing import DEMO_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(county):
    return make_user(username="countyadmin", roles=[Role.SYSTEM_ADMIN], organisation=county)


@pytest.fixture
def security(city):
    return make_user(username="security", roles=[Role.SECURITY_ADMIN], organisation=city)


def _verbs(target) -> list[str]:
    return list(AuditEvent.objects.for_object(target).values_list("verb", flat=True))


def _create(client, school, **extra):
    data = {
        "username": "wanglaoshi",
        "full_name": "王老师",
        "organisation": school.pk,
        "phone": "0635-1234567",
        "email": "",
        "first_access": "password",
        **extra,
    }
    return client.post(reverse("staff_accounts:user_create"), data)


def test_a_system_administrator_creates_an_account_and_sees_its_temporary_password_once(
    client, sysadmin, school
):
    client.force_login(sysadmin)

    page = _create(client, school)

    assert page.status_code == 200
    person = User.objects.get(username="wanglaoshi")
    password = re.search(r'<code id="credential">([^<]+)</code>', page.content.decode())[1]
    assert person.check_password(password)
    assert person.must_change_password
    assert person.organisation == school
    assert "no-store" in page["Cache-Control"]
    assert _verbs(person) == ["account.create", "account.temporary_password"]
    assert password not in str(list(AuditEvent.objects.values_list("data", "note")))


def test_a_username_in_use_gets_a_chinese_error(client, sysadmin, school):
    client.force_login(sysadmin)
    make_user(username="wanglaoshi")

    page = _create(client, school)

    assert page.status_code == 200
    assert "该用户名已被使用" in page.content.decode()


def test_an_account_cannot_be_created_outside_the_administrators_subtree(
    client, sysadmin, other_county
):
    client.force_login(sysadmin)

    page = _create(client, other_county)

    assert not User.objects.filter(username="wanglaoshi").exists()
    assert "请选择您管理范围内的单位" in page.content.decode()


def test_signing_in_with_the_temporary_password_forces_a_change_first(client, sysadmin, school):
    person = make_user(username="newbie", organisation=school, roles=[Role.CLERK])
    password = services.issue_temporary_password(person, by=sysadmin)

    client.post(reverse("accounts:login"), {"username": "newbie", "password": password})
    for url in ("/staff/", "/", "/accounts/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/password/?next=")

    weak = client.post("/accounts/password/", {"new_password1": "123", "new_password2": "123"})
    assert "密码太短" in weak.content.decode()
    done = client.post(
        "/accounts/password/?next=/staff/",
        {
            "new_password1": "Ziji-de-mima-2026",
            "new_password2": "Ziji-de-mima-2026",
            "next": "/staff/",
        },
    )

    assert done.status_code == 302
    assert done["Location"] == "/staff/"
    person.refresh_from_db()
    assert not person.must_change_password
    assert person.check_password("Ziji-de-mima-2026")
    assert client.get("/accounts/profile/").status_code == 200  # still signed in
    assert "account.password_change" in _verbs(person)


def test_a_one_time_sign_in_link_works_once_and_asks_for_a_password(client, sysadmin, school):
    person = make_user(username="linked", organisation=school, roles=[Role.CLERK])
    link, token = services.issue_sign_in_link(person, by=sysadmin)
    url = reverse("accounts:link", args=[token])

    preview = client.get(url)  # a link preview fetching the address does not spend it
    assert preview.status_code == 200
    used = client.post(url, {"confirm": "1"})

    assert used.status_code == 302
    assert used["Location"] == "/accounts/password/"
    assert client.get("/staff/")["Location"].startswith("/accounts/password/")
    link.refresh_from_db()
    assert link.used_at is not None
    assert link.token_hash != token and token not in link.token_hash
    client.logout()
    assert client.post(url, {"confirm": "1"}).status_code == 410
    assert "account.sign_in_link_used" in _verbs(person)


def test_a_new_link_cancels_the_earlier_one_and_links_expire(client, sysadmin, school):
    import time_machine
    from django.utils import timezone

    person = make_user(organisation=school, roles=[Role.CLERK])
    _, first = services.issue_sign_in_link(person, by=sysadmin)
    _, second = services.issue_sign_in_link(person, by=sysadmin)

    assert services.use_sign_in_link(first) is None
    with time_machine.travel(timezone.now() + timezone.timedelta(days=4)):
        assert services.use_sign_in_link(second) is None
    assert SignInLink.objects.filter(user=person, used_at__isnull=False).count() == 0


def test_deactivating_needs_a_reason_signs_the_person_out_and_keeps_everything(
    client, sysadmin, school
):
    person = make_user(username="leaver", organisation=school, roles=[Role.CLERK])
    other = client.__class__()
    other.force_login(person)
    client.force_login(sysadmin)

    refused = client.post(
        reverse("staff_accounts:user_active", args=[person.pk]), {"active": "0", "reason": ""}
    )
    person.refresh_from_db()
    assert person.is_active
    assert refused.status_code == 302
    client.post(
        reverse("staff_accounts:user_active", args=[person.pk]),
        {"active": "0", "reason": "调离本单位"},
    )

    person.refresh_from_db()
    assert not person.is_active
    assert RoleGrant.objects.active().filter(user=person).exists()  # kept for reactivation
    assert other.get("/staff/").status_code == 302  # signed out at the next request
    assert AuditEvent.objects.get(verb="account.deactivate").note == "调离本单位"
    client.post(reverse("staff_accounts:user_active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active


def test_the_system_administrator_grants_a_working_role_on_a_subtree(
    client, sysadmin, school, township
):
    person = make_user(username="teacher", organisation=school)
    client.force_login(sysadmin)

    client.post(
        reverse("staff_accounts:grant_create", args=[person.pk]),
        {"role": Role.CLERK, "organisation": township.pk},
    )

    grant = RoleGrant.objects.active().get(user=person)
    assert (grant.role, grant.organisation) == (Role.CLERK, township)
    assert grant.granted_by == sysadmin
    page = client.get(reverse("staff_accounts:grants"), {"role": Role.CLERK}).content.decode()
    assert "teacher" in page or person.display_name in page


def test_revoking_a_role_needs_a_reason_and_is_audited(client, sysadmin, school):
    person = make_user(organisation=school, roles=[Role.CLERK])
    grant = RoleGrant.objects.get(user=person)
    client.force_login(sysadmin)

    client.post(reverse("staff_accounts:grant_revoke", args=[grant.pk]), {"reason": ""})
    grant.refresh_from_db()
    assert grant.revoked_at is None

    client.post(reverse("staff_accounts:grant_revoke", args=[grant.pk]), {"reason": "岗位调整"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEvent.objects.for_object(grant).get(verb="role.revoke").note == "岗位调整"


def test_the_system_administrator_cannot_grant_administrator_roles(client, sysadmin, school):
    person = make_user(organisation=school)
    client.force_login(sysadmin)

    page = client.get(reverse("staff_accounts:user", args=[person.pk])).content.decode()
    client.post(
        reverse("staff_accounts:grant_create", args=[person.pk]),
        {"role": Role.AUDIT_ADMIN, "organisation": school.pk},
    )

    assert 'value="audit_admin"' not in page
    assert not RoleGrant.objects.filter(user=person).exists()


def test_three_administrators_stay_three_people_in_the_browser(client, security, city):
    person = make_user(organisation=city)
    services.grant_role(person, Role.AUDIT_ADMIN, city, by=security)
    client.force_login(security)

    response = client.post(
        reverse("staff_accounts:grant_create", args=[person.pk]),
        {"role": Role.SYSTEM_ADMIN, "organisation": city.pk},
        follow=True,
    )

    assert "三员分立" in response.content.decode()
    assert not RoleGrant.objects.filter(user=person, role=Role.SYSTEM_ADMIN).exists()


def test_nobody_grants_themselves_a_role_or_manages_their_own_account(client, security, city):
    client.force_login(security)

    page = client.get(reverse("staff_accounts:user", args=[security.pk])).content.decode()
    client.post(
        reverse("staff_accounts:grant_create", args=[security.pk]),
        {"role": Role.CLERK, "organisation": city.pk},
    )
    client.post(
        reverse("staff_accounts:user_active", args=[security.pk]),
        {"active": "0", "reason": "试试"},
    )

    assert "授予角色" not in page
    assert RoleGrant.objects.filter(user=security).count() == 1
    security.refresh_from_db()
    assert security.is_active


def test_administrator_accounts_are_the_security_administrators_not_the_system_administrators(
    city, security
):
    system = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    auditor = make_user(roles=[Role.AUDIT_ADMIN], organisation=city)

    with pytest.raises(PermissionDenied):
        services.issue_temporary_password(auditor, by=system)
    with pytest.raises(PermissionDenied):
        services.set_account_active(auditor, by=system, active=False, reason="x")

    assert services.issue_temporary_password(auditor, by=security)


def test_a_county_administrator_sees_only_people_wholly_within_the_county(
    client, sysadmin, county, other_county, city
):
    inside = make_user(username="inside", roles=[Role.CLERK], organisation=county)
    outside = make_user(username="outside", roles=[Role.CLERK], organisation=other_county)
    both = make_user(username="both", roles=[Role.CLERK], organisation=county)
    services.grant_role(both, Role.SUPERVISOR, city, by=None)
    client.force_login(sysadmin)

    page = client.get(reverse("staff_accounts:users")).content.decode()

    assert "inside" in page
    assert "outside" not in page and "both" not in page
    assert client.get(reverse("staff_accounts:user", args=[outside.pk])).status_code == 404
    assert client.get(reverse("staff_accounts:user", args=[both.pk])).status_code == 404
    assert client.get(reverse("staff_accounts:user", args=[inside.pk])).status_code == 200


def test_the_account_list_finds_people_by_name_and_role(client, sysadmin, county):
    make_user(username="zhang", full_name="张三", roles=[Role.CLERK], organisation=county)
    make_user(username="li", full_name="李四", roles=[Role.DOCUMENT_REVIEWER], organisation=county)
    client.force_login(sysadmin)

    by_name = client.get(reverse("staff_accounts:users"), {"q": "张"}).content.decode()
    by_role = client.get(
        reverse("staff_accounts:users"), {"role": Role.DOCUMENT_REVIEWER}
    ).content.decode()

    assert "张三" in by_name and "李四" not in by_name
    assert "李四" in by_role and "张三" not in by_role


def test_editing_an_account_is_audited_with_what_changed(client, sysadmin, school, township):
    person = make_user(organisation=school, full_name="旧名字")
    client.force_login(sysadmin)

    client.post(
        reverse("staff_accounts:user_edit", args=[person.pk]),
        {"full_name": "新名字", "organisation": township.pk, "phone": "", "email": ""},
    )

    person.refresh_from_db()
    assert (person.full_name, person.organisation) == ("新名字", township)
    row = AuditEvent.objects.get(verb="account.edit")
    assert row.data["changed"]["full_name"] == ["旧名字", "新名字"]


def test_everyone_sees_their_roles_and_second_factor_on_their_profile(client, clerk):
    client.force_login(clerk)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert "信息制作" in page and "测试县教育和体育局" in page
    assert "启用双因素认证" in page
    assert reverse("accounts:password_change") in page


def test_changing_ones_own_password_needs_the_current_one(client, clerk):
    client.force_login(clerk)

    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "nope",
            "new_password1": "Xin-Mima-2026a",
            "new_password2": "Xin-Mima-2026a",
        },
    )
    right = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Xin-Mima-2026a",
            "new_password2": "Xin-Mima-2026a",
        },
    )

    assert wrong.status_code == 200
    assert right.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Xin-Mima-2026a")
    assert AuditEvent.objects.filter(verb="account.password_change", actor=clerk).count() == 1
