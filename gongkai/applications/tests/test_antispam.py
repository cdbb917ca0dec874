"""The online application form has the mailbox's anti-spam (core/antispam.py): a honeypot, a
text challenge used once, and a per-address limit. Each accepted application starts a
statutory clock, so a robot must not be able to file fifteen in half a second."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from gongkai.applications.forms import PublicApplicationForm
from gongkai.applications.models import Application
from gongkai.testing import public_form_data, solve_challenge

from .test_portal import form_data

pytestmark = pytest.mark.django_db

START = reverse("applications:start")


def file(client, county, address="198.51.100.7", **fields):
    data = public_form_data(PublicApplicationForm(), **form_data(county), **fields)
    return client.post(START, data, REMOTE_ADDR=address)


def test_the_form_asks_the_question_and_hides_the_honeypot(client, county):
    page = client.get(START).content.decode()
    assert "等于几？（请填写数字）" in page
    assert '<div class="gk-trap"><label for="id_website">请勿填写此项</label>' in page
    assert 'name="token"' in page


def test_a_filled_honeypot_files_nothing(client, county, travel):
    travel(2025, 9, 18)
    response = file(client, county, website="http://spam.example")
    assert response.status_code == 200
    assert "提交未被接受" in response.content.decode()
    assert not Application.objects.exists()


def test_a_wrong_or_missing_answer_files_nothing_and_asks_a_new_question(client, county, travel):
    travel(2025, 9, 18)
    form = PublicApplicationForm()
    wrong = str(int(solve_challenge(form.challenge.question)) + 1)
    response = client.post(START, public_form_data(form, **form_data(county), answer=wrong))
    page = response.content.decode()
    assert "验证问题回答不正确" in page and form.challenge.token not in page
    assert "王小明" in page  # what was typed is kept
    response = client.post(START, form_data(county))  # a robot posting the fields only
    assert "验证问题无效" in response.content.decode()
    assert not Application.objects.exists()


def test_a_question_answered_once_cannot_file_a_second_application(client, county, travel):
    travel(2025, 9, 18)
    data = public_form_data(PublicApplicationForm(), **form_data(county))
    assert client.post(START, data).status_code == 302
    again = client.post(START, data)
    assert "该验证问题已经使用过" in again.content.decode()
    assert Application.objects.count() == 1


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT=(5, 3600))
def test_a_burst_from_one_address_is_stopped_at_the_limit(county, travel):
    travel(2025, 9, 18)
    statuses = [file(Client(), county, address="203.0.113.9").status_code for _ in range(15)]
    assert statuses == [302] * 5 + [429] * 10
    assert Application.objects.count() == 5
    refused = file(Client(), county, address="203.0.113.9")
    page = refused.content.decode()
    assert "提交过于频繁" in page and "60 分钟内最多提交 5 次" in page
    assert "王小明" in page  # the form keeps what was typed
    # Another address files as usual.
    assert file(Client(), county, address="198.51.100.7").status_code == 302


@override_settings(GONGKAI_APPLICATION_RATE_LIMIT=(2, 3600))
def test_behind_the_proxy_the_limit_counts_the_real_client(county, travel, settings):
    travel(2025, 9, 18)
    settings.BEHIND_PROXY = True
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(2):
        data = public_form_data(PublicApplicationForm(), **form_data(county))
        response = Client().post(START, data, HTTP_X_FORWARDED_FOR="203.0.113.9", **via_nginx)
        assert response.status_code == 302, n
    data = public_form_data(PublicApplicationForm(), **form_data(county))
    assert (
        Client().post(START, data, HTTP_X_FORWARDED_FOR="203.0.113.9", **via_nginx).status_code
        == 429
    )
    data = public_form_data(PublicApplicationForm(), **form_data(county))
    assert (
        Client().post(START, data, HTTP_X_FORWARDED_FOR="198.51.100.7", **via_nginx).status_code
        == 302
    )


def test_staff_registration_has_no_challenge(client, clerk, county):
    client.force_login(clerk)
    page = client.get(reverse("applications:register")).content.decode()
    assert "等于几" not in page and "gk-trap" not in page
