"""The public search page and the query parser's robustness."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.search.queries import NEWEST, search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


def test_search_page_lists_results_linking_to_record_pages(client, published):
    record = published(title="关于2025年城区小学招生范围的公告")
    response = client.get("/search/", {"q": "招生范围"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/records/{record.pk}/"' in body
    assert "<mark>招生范围</mark>" in body
    assert "<script" not in body  # strict CSP: no inline scripts; the page works without JS


def test_search_page_without_a_query_shows_the_form_and_suggestions(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="q"' in body and 'method="get"' in body
    assert "常用检索" in body


def test_no_results_page_explains_and_suggests(client, published):
    published(title="招生范围公告")
    body = client.get("/search/", {"q": "营养 餐费", "year": "2001"}).content.decode()
    assert "没有找到" in body
    assert "去掉筛选条件再检索" in body
    assert "?q=%E8%90%A5%E5%85%BB" in body  # search only "营养"
    assert "依法申请公开" in body


def test_search_page_filters_and_paginates(client, published, settings):
    settings.GONGKAI_SEARCH_PAGE_SIZE = 2
    for n in range(5):
        published(title=f"第{n}份招生计划公告", item_code="05.03")
    published(title="学区划分公告", item_code="05.04")
    first = client.get("/search/", {"q": "公告", "item": "05.03", "order": NEWEST})
    body = first.content.decode()
    assert "第4份招生计划" in body and "学区划分" not in body
    assert "第 1 / 3 页" in body
    assert "page=2" in body
    last = client.get("/search/", {"q": "公告", "item": "05.03", "order": NEWEST, "page": "3"})
    assert "第0份招生计划" in last.content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        '"招生',
        "招生 AND OR NOT",
        "NEAR(招生 范围)",
        "招生* ^范围 :col",
        "a & b | !c <-> d",
        "'; DROP TABLE search_fts; --",
        "{title}: 招生",
        "x" * 5000,
        "\x00\x01招生",
        "🙂🙂",
        "",
        "   ",
    ],
)
def test_odd_queries_never_error(client, published, raw):
    published(title="招生范围公告")
    assert client.get("/search/", {"q": raw, "page": "-3", "year": "abc"}).status_code == 200


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.text(max_size=300), order=st.sampled_from(["relevance", "newest", "x"]))
def test_random_query_strings_never_raise(published_once, raw, order):
    results = search(raw, order=order, page=2)
    assert results.total >= 0


@pytest.fixture
def published_once(published):
    published(title="关于2025年城区小学招生范围的公告", body='<p>AND OR NOT * " ( ) 招生</p>')


def test_reindex_command_reports_progress(published, capsys):
    published(title="招生范围公告")
    call_command("search", "reindex", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "已索引 1/1 条" in out and "索引重建完成：共 1 条" in out
    call_command("search", "status")
    assert "索引条目：1 条" in capsys.readouterr().out
    assert search("招生范围").hits


def test_home_page_has_a_search_box_that_goes_to_the_search_page(client, db):
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body and 'name="q"' in body
