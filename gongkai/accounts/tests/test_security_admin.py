"""The security administrator: the password and lockout policy, unlocking, second factors,
and the way to the word lists."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import policy, services
from gongkai.accounts.models import Role
from gongkai.core.models import AuditEvent
from gongkai.testing import DEMO_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(city):
    return make_user(username="security", roles=[Role.SECURITY_ADMIN], organisation=city)


def _policy_form(**values):
    form = {
        "password_min_length": 12,
        "password_min_classes": 4,
        "password_max_age_days": 0,
        "lockout_failures": 3,
        "lockout_minutes": 15,
    }
    form.update(values)
    return form


def test_the_password_policy_is_what_the_validators_apply(client, security):
    client.force_login(security)
    assert validate_password("Abcdefgh-123") is None  # 12 characters, four classes

    client.post(reverse("staff_accounts:policy"), _policy_form(password_min_length=14))

    with pytest.raises(ValidationError, match="至少需要 14 个字符"):
        validate_password("Abcdefgh-123")
    with pytest.raises(ValidationError, match="至少 4 类"):
        validate_password("abcdefghijk12345")
    assert validate_password("Abcdefgh-12345") is None
    row = AuditEvent.objects.get(verb="security.policy")
    assert row.actor == security
    assert row.data["changed"]["password_min_length"] == [10, 14]


def test_the_lockout_numbers_are_what_axes_applies(client, security, clerk):
    client.force_login(security)
    client.post(reverse("staff_accounts:policy"), _policy_form(lockout_failures=3))
    client.logout()

    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    locked = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": DEMO_PASSWORD}
    )

    assert locked.status_code == 429
    assert policy.cool_off().total_seconds() == 15 * 60


def test_the_sign_in_error_names_the_policys_limit(client, security, clerk):
    services.save_security_policy(by=security, lockout_failures=7)

    page = client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})

    assert "连续输错 7 次" in page.content.decode()


def test_out_of_range_values_get_chinese_errors(client, security):
    client.force_login(security)

    page = client.post(reverse("staff_accounts:policy"), _policy_form(password_min_length=4))

    assert "不能小于 8" in page.content.decode()
    assert not AuditEvent.objects.filter(verb="security.policy").exists()


def test_only_the_roots_security_administrator_changes_the_policy(client, county):
    county_security = make_user(roles=[Role.SECURITY_ADMIN], organisation=county)
    client.force_login(county_security)

    page = client.get(reverse("staff_accounts:policy"))
    refused = client.post(reverse("staff_accounts:policy"), _policy_form())

    assert page.status_code == 200 and "由市级安全管理员设置" in page.content.decode()
    assert refused.status_code == 403


def test_unlocking_clears_the_attempts_and_is_audited(client, security, clerk):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="clerk").exists()
    client.force_login(security)

    listing = client.get(reverse("staff_accounts:lockouts")).content.decode()
    client.post(reverse("staff_accounts:unlock", args=[clerk.pk]), {"back": "lockouts"})
    client.logout()

    assert "已锁定" in listing and clerk.display_name in listing
    assert not AccessAttempt.objects.filter(username="clerk").exists()
    row = AuditEvent.objects.get(verb="account.unlock")
    assert (row.actor, row.object_id) == (security, str(clerk.pk))
    signed_in = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_the_security_administrator_resets_a_second_factor(client, security, clerk):
    TOTPDevice.objects.create(user=clerk, name="身份验证器", confirmed=True)
    client.force_login(security)

    client.post(reverse("staff_accounts:reset_2fa", args=[clerk.pk]))

    assert not TOTPDevice.objects.filter(user=clerk).exists()
    row = AuditEvent.objects.get(verb="account.2fa_reset")
    assert (row.actor, row.object_id) == (security, str(clerk.pk))


def test_the_system_administrator_cannot_unlock_or_reset_a_second_factor(client, city, clerk):
    system = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    TOTPDevice.objects.create(user=clerk, name="身份验证器", confirmed=True)
    client.force_login(system)

    assert client.post(reverse("staff_accounts:reset_2fa", args=[clerk.pk])).status_code == 403
    assert client.post(reverse("staff_accounts:unlock", args=[clerk.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=clerk).exists()


def test_nobody_resets_their_own_second_factor(security):
    TOTPDevice.objects.create(user=security, name="身份验证器", confirmed=True)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.reset_second_factor(security, by=security)
    assert TOTPDevice.objects.filter(user=security).exists()


def test_the_security_administrator_reaches_the_word_lists_by_clicks(client, security):
    client.force_login(security)

    home = client.get(reverse("staff_accounts:policy")).content.decode()

    assert reverse("screening:terms") in home
    assert client.get(reverse("screening:terms")).status_code == 200


def test_an_expired_password_must_be_changed(client, security, clerk):
    import time_machine
    from django.utils import timezone

    services.save_security_policy(by=security, password_max_age_days=90)
    client.force_login(clerk)
    assert client.get("/accounts/profile/").status_code == 200

    with time_machine.travel(timezone.now() + timezone.timedelta(days=91)):
        client.force_login(clerk)  # signing in three months later
        response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/")


def test_re_enrolling_a_second_factor_needs_the_current_one_first(client, clerk, settings):
    TOTPDevice.objects.create(user=clerk, name="身份验证器", confirmed=True)
    client.force_login(clerk)

    response = client.get("/accounts/2fa/setup/?again=1&next=/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=")
