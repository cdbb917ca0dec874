from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from gongkai.portal.templatetags.portal_tags import record_url, ymd


@pytest.mark.parametrize("pk", [1, 7, 987654321, 10**12])
def test_record_url_is_what_reverse_gives(pk):
    assert record_url(pk) == reverse("portal:record", args=[pk])


def test_record_url_follows_the_script_prefix():
    try:
        set_script_prefix("/gongkai/")
        assert record_url(5) == reverse("portal:record", args=[5]) == "/gongkai/records/5/"
    finally:
        set_script_prefix("/")
    assert record_url(5) == "/records/5/"


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 12, 31, 15, 59, tzinfo=UTC),  # 23:59 in Shanghai: still the 31st
        datetime(2025, 12, 31, 16, 0, tzinfo=UTC),  # 00:00 in Shanghai: the new year
        datetime(2026, 2, 28, 12, 0),  # naive: taken as it is
        date(2024, 2, 29),
    ],
)
def test_ymd_is_what_the_date_filter_gives(value):
    django_date = Template('{{ v|date:"Y-m-d" }}').render(Context({"v": value}))
    assert ymd(value) == django_date


def test_ymd_leaves_nothing_empty():
    assert ymd(None) == "" and ymd("") == ""
