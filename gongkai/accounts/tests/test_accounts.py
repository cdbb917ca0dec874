from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongkai.accounts.models import Role, RoleGrant
from gongkai.accounts.permissions import has_role, organisations_for
from gongkai.accounts.services import grant_role, revoke_role
from gongkai.core.models import AuditEvent
from gongkai.testing import DEMO_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_a_role_on_a_county_covers_its_townships_and_schools(
    clerk, county, township, school, other_county
):
    assert has_role(clerk, Role.CLERK, county)
    assert has_role(clerk, Role.CLERK, school)
    assert not has_role(clerk, Role.CLERK, other_county)
    assert not has_role(clerk, Role.DOCUMENT_REVIEWER, county)
    assert set(organisations_for(clerk, Role.CLERK)) == {county, township, school}


def test_a_role_on_a_school_does_not_reach_up_to_its_county(county, school):
    teacher = make_user(roles=[Role.CLERK], organisation=school)
    assert has_role(teacher, Role.CLERK, school)
    assert not has_role(teacher, Role.CLERK, county)


def test_nobody_grants_a_role_to_themselves(county):
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=county)
    with pytest.raises(PermissionDenied):
        grant_role(security, Role.AUDIT_ADMIN, county, by=security)


def test_only_a_security_administrator_grants_administrator_roles(county, system_admin):
    someone = make_user()
    with pytest.raises(PermissionDenied):
        grant_role(someone, Role.AUDIT_ADMIN, county, by=system_admin)
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=county)
    grant = grant_role(someone, Role.AUDIT_ADMIN, county, by=security)
    assert grant.role == Role.AUDIT_ADMIN


def test_granting_and_revoking_are_audited(county, city):
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=city)
    someone = make_user()
    grant = grant_role(someone, Role.CLERK, county, by=security)
    assert has_role(someone, Role.CLERK, county)
    revoke_role(grant, by=security, note="调岗")
    assert not has_role(someone, Role.CLERK, county)
    verbs = list(AuditEvent.objects.for_object(grant).values_list("verb", flat=True))
    assert verbs == ["role.grant", "role.revoke"]
    assert RoleGrant.objects.active().filter(user=someone).count() == 0


def test_staff_sign_in_with_the_right_password(client, clerk):
    response = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(clerk.pk)


def test_a_wrong_password_gets_a_clear_chinese_error(client, clerk):
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_repeated_failed_sign_ins_lock_the_account(client, clerk):
    from gongkai.accounts import policy

    for _ in range(policy.failure_limit()):
        client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "clerk", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_inactivity_and_passwords_use_argon2():
    from gongkai import settings as production

    assert production.SESSION_SAVE_EVERY_REQUEST is True
    assert production.SESSION_COOKIE_AGE <= 30 * 60
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_weak_passwords_are_refused_by_the_validators():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
