"""``{% url %}`` keeps the addresses it reversed, and renders what Django's tag renders."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from gongkai.core.templatetags import kept_urls

CASES = [
    ("{% url 'portal:home' %}", {}),
    ("{% url 'portal:record' 7 %}", {}),
    ("{% url 'portal:record' pk=pk %}", {"pk": 12}),
    ("{% url 'portal:item' code %}", {"code": "05.04"}),
    ("{% url 'portal:item' code %}", {"code": 'a&b"<c>'}),  # quoted, then escaped
    ("{% url 'portal:item_print_part' code 2 %}", {"code": "05.04"}),
    ("{% url name code %}", {"name": "portal:item_rss", "code": "05.04"}),
    ("{% url 'portal:record' 3 as there %}[{{ there }}]", {}),
    ("{% url 'portal:nothing' as there %}[{{ there }}]", {}),  # as …: nothing, not an error
    ("{% autoescape off %}{% url 'portal:item' code %}{% endautoescape %}", {"code": "a&b"}),
]


@pytest.fixture(autouse=True)
def _forget():
    kept_urls.forget()
    yield
    kept_urls.forget()


@pytest.mark.parametrize(("source", "values"), CASES)
def test_the_tag_renders_what_djangos_renders(source, values):
    djangos = Engine(libraries={}, builtins=[]).from_string(source)
    ours = Template(source)
    assert ours.nodelist.get_nodes_by_type(kept_urls.KeptURLNode)  # the builtin is in effect
    for _ in range(2):  # reversed, then kept
        assert ours.render(Context(values)) == djangos.render(Context(values))


def test_an_address_is_reversed_once_then_kept(monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(kept_urls, "reverse", counting)
    page = Template("{% url 'portal:item' code %}|{% url 'portal:home' %}")
    for _ in range(3):
        assert page.render(Context({"code": "05.04"})) == "/catalogue/05.04/|/"
    assert len(calls) == 2
    assert page.render(Context({"code": "08.02"})) == "/catalogue/08.02/|/"
    assert len(calls) == 3


def test_what_the_address_depends_on_is_part_of_the_key():
    page = Template("{% url 'portal:record' 5 %}")
    assert page.render(Context()) == "/records/5/"
    try:
        set_script_prefix("/gongkai/")
        assert page.render(Context()) == "/gongkai/records/5/"
    finally:
        set_script_prefix("/")
    assert page.render(Context()) == "/records/5/"
    with translation.override("en"):
        assert page.render(Context()) == "/records/5/"
    assert len(kept_urls._kept) == 3  # one per prefix and language


def test_arguments_that_only_look_alike_are_not_conflated():
    assert kept_urls.kept_reverse("portal:item", [1], {}, None) == "/catalogue/1/"
    assert kept_urls.kept_reverse("portal:item", [True], {}, None) == "/catalogue/True/"
    assert kept_urls.kept_reverse("portal:item", ["1"], {}, None) == "/catalogue/1/"
    assert len(kept_urls._kept) == 2  # the bool is reversed each time, never kept


def test_a_failed_reverse_raises_and_is_not_kept():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'portal:nothing' %}").render(Context())
    assert kept_urls._kept == {}


def test_the_kept_addresses_are_bounded(monkeypatch):
    monkeypatch.setattr(kept_urls, "KEPT_MAX", 5)
    page = Template("{% url 'portal:record' pk %}")
    for pk in range(1, 23):
        assert page.render(Context({"pk": pk})) == f"/records/{pk}/"
        assert len(kept_urls._kept) <= 5


def test_a_changed_setting_forgets_the_kept_addresses(settings):
    Template("{% url 'portal:home' %}").render(Context())
    assert kept_urls._kept
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # any change of settings
    assert kept_urls._kept == {}


def test_a_rows_address_is_one_pattern_per_route_and_what_reverse_gives(settings):
    for pk in (1, 42, 10**9):
        assert kept_urls.kept_pk_url("portal:record", pk) == reverse("portal:record", args=[pk])
    assert len(kept_urls._patterns) == 1
    try:
        set_script_prefix("/gongkai/")
        assert kept_urls.kept_pk_url("portal:record", 5) == "/gongkai/records/5/"
    finally:
        set_script_prefix("/")
    assert len(kept_urls._patterns) == 2
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # any change of settings
    assert kept_urls._patterns == {}
