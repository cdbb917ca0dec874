"""三员分立 and two-factor sign-in for reviewers, supervisors and administrators."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import twofactor
from gongkai.accounts.models import Role
from gongkai.accounts.services import grant_role
from gongkai.core.models import AuditEvent
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforced(settings):
    settings.GONGKAI_2FA = "required"


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():06d}"


# --- 三员分立 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "wanted"),
    [
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN),
        (Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
        (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN),
    ],
)
def test_one_person_cannot_hold_two_of_the_three_administrator_roles(city, county, held, wanted):
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=city)
    person = make_user()
    grant_role(person, held, county, by=security)

    with pytest.raises(PermissionDenied, match="三员分立"):
        grant_role(person, wanted, city, by=security)

    assert not person.role_grants.filter(role=wanted).exists()


def test_an_administrator_may_also_hold_a_working_role(city, county):
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=city)
    person = make_user()
    grant_role(person, Role.AUDIT_ADMIN, city, by=security)

    grant_role(person, Role.CLERK, county, by=security)

    assert person.role_grants.filter(role=Role.CLERK).exists()


def test_only_the_audit_administrator_reads_the_audit_log(client, city):
    auditor = make_user(roles=[Role.AUDIT_ADMIN], organisation=city)
    system = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=city)

    for outsider in (system, security):
        client.force_login(outsider)
        assert client.get("/staff/accounts/audit/").status_code == 403
        assert "审计日志" not in client.get("/staff/").content.decode()

    client.force_login(auditor)
    page = client.post("/staff/accounts/audit/verify/", follow=True)
    assert page.status_code == 200
    assert "已核验：审计链完整" in page.content.decode()
    assert "角色：授予" in page.content.decode()
    assert ">role.grant<" not in page.content.decode()  # staff read labels, never codes


def test_the_audit_log_filters_by_operation(client, city):
    auditor = make_user(roles=[Role.AUDIT_ADMIN], organisation=city)
    client.force_login(auditor)

    page = client.get("/staff/accounts/audit/", {"verb": "no.such.verb"}).content.decode()

    assert "没有符合条件的记录" in page


# --- Two-factor sign-in ---------------------------------------------------------------------


def test_a_reviewer_must_enrol_before_any_staff_page(client, enforced, county):
    reviewer = make_user(roles=[Role.DISCLOSURE_REVIEWER], organisation=county)
    client.force_login(reviewer)

    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/setup/?next=/staff/")


def test_enrolment_shows_a_qr_code_and_is_confirmed_by_a_first_code(client, enforced, county):
    reviewer = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=county)
    client.force_login(reviewer)

    page = client.get("/accounts/2fa/setup/?next=/staff/").content.decode()
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert 'src="data:image/svg+xml' in page
    assert twofactor.secret_text(device) in page

    with time_machine.travel("2026-03-02 09:00:00+08:00", tick=False):
        wrong = client.post("/accounts/2fa/setup/", {"token": "000000", "next": "/staff/"})
        assert "验证码不正确" in wrong.content.decode()
        # django-otp throttles after a wrong code: the next try must wait a moment.
        hurried = client.post("/accounts/2fa/setup/", {"token": code_for(device)})
        assert "秒后再试" in hurried.content.decode()
    with time_machine.travel("2026-03-02 09:00:05+08:00", tick=False):
        ok = client.post("/accounts/2fa/setup/", {"token": code_for(device), "next": "/staff/"})
        assert ok.status_code == 302 and ok["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(verb="account.2fa_enrol", actor=reviewer).exists()


def test_an_enrolled_supervisor_passes_with_a_current_code_and_not_with_an_old_one(
    client, enforced, city
):
    supervisor = make_user(roles=[Role.SUPERVISOR], organisation=city)
    device = TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    client.force_login(supervisor)
    assert client.get("/staff/")["Location"].startswith("/accounts/2fa/?next=")

    with time_machine.travel("2026-03-02 09:00:00+08:00", tick=False):
        stale = client.post("/accounts/2fa/", {"token": code_for(device, drift=-10)})
        assert "验证码不正确" in stale.content.decode()
        assert client.get("/staff/").status_code == 302
    with time_machine.travel("2026-03-02 09:00:05+08:00", tick=False):
        ok = client.post("/accounts/2fa/", {"token": code_for(device), "next": "/staff/"})
        assert ok["Location"] == "/staff/"
        assert client.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(verb="account.2fa_failure", actor=supervisor).count() == 1


def test_a_code_cannot_be_used_twice(client, enforced, city):
    supervisor = make_user(roles=[Role.SUPERVISOR], organisation=city)
    device = TOTPDevice.objects.create(user=supervisor, name="phone", confirmed=True)
    with time_machine.travel("2026-03-02 09:00:05+08:00", tick=False):
        code = code_for(device)
        client.force_login(supervisor)
        assert client.post("/accounts/2fa/", {"token": code})["Location"] == "/staff/"
        client.logout()
        client.force_login(supervisor)
        again = client.post("/accounts/2fa/", {"token": code})
    assert again.status_code == 200
    assert "已使用过" in again.content.decode()


def test_a_clerk_is_not_asked_for_a_second_factor(client, enforced, county):
    clerk = make_user(roles=[Role.CLERK], organisation=county)
    client.force_login(clerk)

    assert client.get("/staff/").status_code == 200


def test_the_demo_setting_turns_it_off(client, settings, county):
    settings.GONGKAI_2FA = "off"
    reviewer = make_user(roles=[Role.DISCLOSURE_REVIEWER], organisation=county)
    client.force_login(reviewer)

    assert client.get("/staff/").status_code == 200


def test_only_a_security_administrator_resets_someone_elses_second_factor(city, county):
    security = make_user(roles=[Role.SECURITY_ADMIN], organisation=city)
    reviewer = make_user(roles=[Role.DISCLOSURE_REVIEWER], organisation=county)
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)

    with pytest.raises(PermissionDenied):
        twofactor.reset(reviewer, by=reviewer)
    twofactor.reset(reviewer, by=security)

    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert AuditEvent.objects.filter(verb="account.2fa_reset", actor=security).exists()


def test_wrong_codes_at_enrolment_and_codes_typed_while_throttled_are_audited(
    client, enforced, city
):
    supervisor = make_user(roles=[Role.SUPERVISOR], organisation=city)
    client.force_login(supervisor)
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=supervisor)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    with time_machine.travel(device.user.date_joined, tick=False):  # no second passes
        client.post("/accounts/2fa/setup/", {"token": wrong}, REMOTE_ADDR="198.51.100.7")
        right = code_for(device)
        client.post("/accounts/2fa/setup/", {"token": right}, REMOTE_ADDR="198.51.100.7")

    failure = AuditEvent.objects.get(verb="account.2fa_enrol_failure")
    assert failure.actor == supervisor and failure.ip == "198.51.100.7"
    # django-otp refuses any code for a moment after a wrong one: that refusal is audited too.
    throttled = AuditEvent.objects.filter(verb="account.2fa_throttled", actor=supervisor)
    assert throttled.count() == 1
    assert not AuditEvent.objects.filter(verb="account.2fa_enrol").exists()
