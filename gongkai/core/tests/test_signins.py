"""Sign-in events are audited with the client address, and lockout counts the real client.

Behind the documented nginx every request comes from nginx's address; lockout must count the
account together with the address nginx saw (X-Forwarded-For, believed only with
BEHIND_PROXY), or anyone could lock anyone out. Without BEHIND_PROXY the header is ignored,
so a client cannot dodge the lockout by inventing addresses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from gongkai.accounts import policy
from gongkai.core.middleware import client_address
from gongkai.core.models import AuditEvent
from gongkai.testing import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
NGINX = "127.0.0.1"


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def rows(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def everything_in(event: AuditEvent) -> str:
    """Every column of an audit row as text (to look for what must never be there)."""
    values = AuditEvent.objects.filter(pk=event.pk).values().get()
    return json.dumps(values, ensure_ascii=False, default=str)


def test_signing_in_and_out_is_audited_with_the_client_address(client, clerk):
    response = sign_in(client, "clerk", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302

    (signed_in,) = rows("account.sign_in")
    assert signed_in.actor == clerk and signed_in.object_id == str(clerk.pk)
    assert signed_in.ip == "198.51.100.7"

    client.post(LOGOUT, REMOTE_ADDR="198.51.100.7")
    (signed_out,) = rows("account.sign_out")
    assert signed_out.actor == clerk and signed_out.ip == "198.51.100.7"


def test_a_failed_sign_in_is_audited_without_the_password(client, clerk):
    guess = "Guessed-Password-2025"
    response = sign_in(client, "clerk", guess, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200

    (failed,) = rows("account.sign_in_failed")
    assert failed.object_id == str(clerk.pk) and failed.ip == "203.0.113.9"
    assert failed.data["username"] == "clerk" and failed.data["locked"] is False
    assert guess not in everything_in(failed)


def test_a_name_that_is_no_account_is_not_written_down(client, clerk):
    """People type their password into the name field: only a fingerprint is kept."""
    typed = "my-password-in-the-wrong-box"
    sign_in(client, typed, "whatever")
    sign_in(client, typed, "whatever again")

    first, second = rows("account.sign_in_failed")
    assert typed not in everything_in(first)
    assert first.data["unknown_account"] is True and first.object_id == ""
    assert first.data["name_fingerprint"] == second.data["name_fingerprint"]


def test_a_lockout_is_audited_once_and_each_refused_attempt_after_it(client, clerk):
    for _ in range(policy.failure_limit()):
        sign_in(client, "clerk", "wrong", REMOTE_ADDR="203.0.113.9")

    (locked,) = rows("account.locked_out")
    assert locked.object_id == str(clerk.pk) and locked.ip == "203.0.113.9"
    assert locked.data["failures"] == policy.failure_limit()

    response = sign_in(client, "clerk", DEMO_PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert len(rows("account.locked_out")) == 1  # a refused attempt is not a new lockout
    refused = rows("account.sign_in_failed")[-1]
    assert refused.data["locked"] is True
    assert DEMO_PASSWORD not in everything_in(refused)
    assert not rows("account.sign_in")


def test_behind_the_proxy_an_attacker_cannot_lock_others_out(client, clerk, settings):
    settings.BEHIND_PROXY = True
    attacker = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(policy.failure_limit() + 3):
        sign_in(Client(), "clerk", "wrong", **attacker)
    assert sign_in(Client(), "clerk", DEMO_PASSWORD, **attacker).status_code == 429

    # The clerk, through the same nginx, from their own address, still signs in.
    clerk_browser = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = sign_in(client, "clerk", DEMO_PASSWORD, **clerk_browser)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(clerk.pk)

    assert {e.ip for e in rows("account.sign_in_failed")} == {"203.0.113.9"}
    assert rows("account.locked_out")[0].ip == "203.0.113.9"
    assert rows("account.sign_in")[0].ip == "198.51.100.7"


def test_without_the_proxy_setting_a_forged_forwarded_for_does_not_dodge_the_lockout(
    client, clerk, settings
):
    settings.BEHIND_PROXY = False
    for n in range(policy.failure_limit()):
        forged = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": f"10.9.8.{n}"}
        sign_in(client, "clerk", "wrong", **forged)
    forged = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.9.8.200"}
    assert sign_in(client, "clerk", DEMO_PASSWORD, **forged).status_code == 429
    assert {e.ip for e in rows("account.sign_in_failed")} == {"203.0.113.9"}


@pytest.mark.parametrize(
    "behind_proxy,trusted,meta,expected",
    [
        (False, [], {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),
        (True, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "1.2.3.4"),
        # nginx appends what it saw to what the client sent: the last hop counts.
        (True, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "1.2.3.4"),
        (True, ["10.0.0.2"], {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "1.2.3.4"),
        (True, ["10.0.0.0/24"], {"REMOTE_ADDR": "10.0.0.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "1.2.3.4"),
        # A client that reaches the app server directly is not a trusted proxy.
        (True, ["10.0.0.2"], {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.9"),
        # Garbage in the header never becomes an address.
        (True, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": "<script>"}, NGINX),
        (True, [], {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": " 2001:DB8::1 "}, "2001:db8::1"),
        (False, [], {"REMOTE_ADDR": "not an address"}, None),
    ],
)  # fmt: skip
def test_the_client_address_believes_the_header_only_from_the_proxy(
    settings, behind_proxy, trusted, meta, expected
):
    settings.BEHIND_PROXY = behind_proxy
    settings.GONGKAI_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


def test_a_wrong_trusted_proxy_entry_is_a_system_check_error(settings):
    from gongkai.core.checks import proxy_without_trusted_list, trusted_proxies

    settings.GONGKAI_TRUSTED_PROXIES = ["10.0.0.2", "nginx.local"]
    assert [m.id for m in trusted_proxies()] == ["gongkai.E003"]
    settings.BEHIND_PROXY, settings.GONGKAI_TRUSTED_PROXIES = True, []
    assert [m.id for m in proxy_without_trusted_list()] == ["gongkai.W004"]
