"""Guessing the tracking code or its secret is throttled per address and per code; every
wrong entry is audited, and a refusal says in Chinese when to try again."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications.models import Application
from gongkai.applications.testing import make_application
from gongkai.core.models import AuditEvent
from gongkai.testing import at

from .test_portal import file_online

pytestmark = pytest.mark.django_db

TRACK = reverse("applications:track")


WRONG = "ABCDEFGH"


def guess(client, code, secret=WRONG, address="10.0.0.1"):
    return client.post(TRACK, {"tracking_code": code, "secret": secret}, REMOTE_ADDR=address)


@override_settings(GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT=(3, 900))
def test_an_address_that_keeps_guessing_is_paused_with_the_time_to_try_again(
    client, county, travel
):
    travel(2025, 9, 18)  # 10:00 Beijing time
    code, secret = file_online(client, county)
    for n in range(3):
        assert guess(client, f"WXYZ-WXYZ-WXY{n + 2}").status_code == 200
    refused = guess(client, code, secret)  # even the right keys wait until the window ends
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "查询码或密码输错次数过多" in page and "请于 10:15 以后再试" in page
    assert refused["Retry-After"] == "900"
    assert "status" not in refused.get("Location", "")
    # Another address is not affected.
    assert guess(client, code, secret, address="10.0.0.2").status_code == 302


@override_settings(GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT=(3, 900))
def test_the_pause_ends_with_the_window(client, county, travel):
    travel(2025, 9, 18)
    code, secret = file_online(client, county)
    for _ in range(3):
        guess(client, code)
    assert guess(client, code, secret).status_code == 429
    with time_machine.travel(at(2025, 9, 18, 11), tick=False):
        assert guess(client, code, secret).status_code == 302


@override_settings(GONGKAI_APPLICATION_TRACK_CODE_LIMIT=(2, 1800))
def test_one_code_guessed_from_many_addresses_is_paused(client, county, travel):
    travel(2025, 9, 18)
    code, secret = file_online(client, county)
    assert guess(client, code, address="10.0.1.1").status_code == 200
    assert guess(client, code.lower(), address="10.0.1.2").status_code == 200
    refused = guess(client, code, secret, address="10.0.1.3")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "该查询码的密码输错次数过多" in page and "请于 10:30 以后再试" in page
    # Other codes from the same addresses still work.
    other_code, other_secret = file_online(Client(), county, id_number="371500199001010000")
    assert guess(client, other_code, other_secret, address="10.0.1.3").status_code == 302


@override_settings(GONGKAI_APPLICATION_TRACK_CODE_LIMIT=(2, 1800))
def test_a_code_that_does_not_exist_is_paused_the_same_way(client, county, travel):
    # Otherwise the pause would tell a guesser which codes are real.
    travel(2025, 9, 18)
    for address in ("10.0.2.1", "10.0.2.2"):
        guess(client, "WXYZ-WXYZ-WXYZ", address=address)
    refused = guess(client, "wxyz wxyz wxyz", address="10.0.2.3")
    assert refused.status_code == 429
    assert "该查询码的密码输错次数过多" in refused.content.decode()


def test_a_correct_lookup_uses_up_nothing(client, county, travel):
    travel(2025, 9, 18)
    code, secret = file_online(client, county)
    for _ in range(30):
        assert guess(client, code, secret).status_code == 302
    assert not AuditEvent.objects.filter(verb="application.track_failed").exists()


def test_wrong_entries_are_audited_without_the_keys_and_seen_by_the_handlers(
    client, county, clerk, travel
):
    travel(2025, 9, 18)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    code, _secret = file_online(client, county)
    mine = Application.objects.exclude(pk=application.pk).get()
    guess(client, code, secret="WRONGPW2")
    guess(client, "WXYZ-WXYZ-WXYZ")
    rows = AuditEvent.objects.filter(verb="application.track_failed").order_by("id")
    assert rows.count() == 2
    first, second = rows
    assert first.object_id == str(mine.pk) and first.ip == "10.0.0.1"
    assert second.object_id is None or second.object_id == ""
    assert second.data["address_failures"] == 2
    for row in rows:
        text = str(row.data) + row.note + row.object_repr
        assert code.replace("-", "") not in text and "WRONGPW2" not in text
        assert "WXYZWXYZWXYZ" not in text
    staff = Client()
    staff.force_login(clerk)
    page = staff.get(reverse("applications:detail", args=[mine.pk])).content.decode()
    # Staff read the Chinese label of the verb, never its code (issue 17).
    assert "依申请公开：查询码核对失败" in page and "application.track_failed" not in page


@override_settings(GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT=(2, 900))
def test_refused_lookups_write_no_audit_rows(client, county, travel):
    travel(2025, 9, 18)
    for _ in range(10):
        guess(client, "WXYZ-WXYZ-WXYZ")
    assert AuditEvent.objects.filter(verb="application.track_failed").count() == 2
    assert AuditEvent.objects.filter(verb="application.track_failed").last().data["paused"]
