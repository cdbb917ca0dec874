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


def test_record_rows_escape_titles_and_mark_withdrawn_and_repealed_records():
    from types import SimpleNamespace

    from gongkai.portal.templatetags.portal_tags import record_rows

    publisher = SimpleNamespace(display_name="测试县<教体局>")
    rows = [
        SimpleNamespace(
            pk=3,
            title='<script>alert("x")</script>招生',
            status="published",
            validity="valid",
            organisation=publisher,
            published_at=datetime(2025, 6, 1, 1, 0, tzinfo=UTC),
        ),
        SimpleNamespace(
            pk=4,
            title="旧文件",
            status="withdrawn",
            validity="valid",
            organisation=publisher,
            published_at=None,
        ),
        SimpleNamespace(
            pk=5,
            title="废止的文件",
            status="published",
            validity="repealed",
            organisation=publisher,
            published_at=date(2024, 1, 2),
        ),
    ]
    html = str(record_rows(rows))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="/records/3/">' in html and "2025-06-01" in html
    assert "测试县&lt;教体局&gt;" in html
    assert '<span class="badge bad">已撤回</span>' in html
    # the validity's own label, as the record page shows it
    assert '<span class="badge warn">废止</span>' in html and "2024-01-02" in html
    assert html.count("<li>") == 3


class _Org:
    def __init__(self, code, name):
        self.code, self.display_name = code, name


def _options(organisations, selected):
    return Template("{% load portal_tags %}{% organisation_options orgs chosen %}").render(
        Context({"orgs": organisations, "chosen": selected})
    )


def test_organisation_options_are_what_the_template_loop_gave():
    loop = Template(
        '{% for o in orgs %}<option value="{{ o.code }}"{% if chosen == o.code %} selected'
        "{% endif %}>{{ o.display_name }}</option>{% endfor %}"
    )
    orgs = [
        _Org("371302", "东昌府区教体局"),
        _Org('a&b"<', "<b>某县</b> & 局"),
        _Org("3713", "市局"),
    ]
    for chosen in ("", "371302", 'a&b"<', "37130"):
        assert _options(orgs, chosen) == loop.render(Context({"orgs": orgs, "chosen": chosen}))
    assert "<b>" not in _options(orgs, "")
    assert _options(orgs, "371302").count(" selected") == 1
    assert _options(orgs, "37130").count(" selected") == 0  # a prefix is not a match


def test_organisation_options_follow_a_new_directory_copy():
    first = [_Org("1", "甲县")]
    assert ">甲县<" in _options(first, "")
    second = [_Org("1", "甲县（更名）"), _Org("2", "乙县")]
    assert ">甲县（更名）<" in _options(second, "") and ">乙县<" in _options(second, "")
    assert _options([], "") == ""
