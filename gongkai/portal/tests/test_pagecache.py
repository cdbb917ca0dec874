from __future__ import annotations

import pytest

from gongkai.portal import pagecache
from gongkai.records import services
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_DIR = tmp_path / "pages"
    return tmp_path / "pages"


def publish(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    return services.publish(record, by=clerk)


def test_anonymous_pages_are_written_once_and_served_from_the_cache(client, page_cache):
    first = client.get("/catalogue/05.04/")
    assert first["X-Page-Cache"] == "miss"
    assert (page_cache / "catalogue/05.04/index.html").is_file()
    second = client.get("/catalogue/05.04/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Content-Security-Policy" in second.headers  # outer middleware still adds headers


def test_publication_makes_the_change_visible_at_once(
    client,
    page_cache,
    clerk,
    document_reviewer,
    disclosure_reviewer,
    django_capture_on_commit_callbacks,
):
    client.get("/catalogue/05.04/")
    record = make_record(by=clerk, title="新的招生范围公告")
    with django_capture_on_commit_callbacks(execute=True):
        publish(record, clerk, document_reviewer, disclosure_reviewer)
    response = client.get("/catalogue/05.04/")
    assert response["X-Page-Cache"] == "miss"
    assert "新的招生范围公告" in response.content.decode()


def test_withdrawal_purges_the_cached_record_page(
    client,
    page_cache,
    clerk,
    document_reviewer,
    disclosure_reviewer,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        record = publish(make_record(by=clerk), clerk, document_reviewer, disclosure_reviewer)
    client.get(f"/records/{record.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(record, by=clerk, reason="信息有误")
    assert "信息有误" in client.get(f"/records/{record.pk}/").content.decode()


def test_signed_in_staff_query_strings_and_large_type_bypass_the_cache(client, page_cache, clerk):
    client.get("/catalogue/05.04/?year=2025")
    client.get("/search/?q=招生")
    assert not page_cache.exists() or not any(p for p in page_cache.rglob("*") if p.is_file())
    client.cookies["gk_large"] = "1"
    assert "X-Page-Cache" not in client.get("/").headers
    del client.cookies["gk_large"]
    client.force_login(clerk)
    assert "X-Page-Cache" not in client.get("/").headers


def test_pages_with_forms_are_never_cached(client, page_cache):
    client.get("/accounts/login/")
    assert not (page_cache / "accounts/login/index.html").exists()


def test_paths_cannot_escape_the_cache_directory(page_cache):
    assert pagecache.file_for("/../../etc/passwd") is None
    assert pagecache.file_for("/catalogue/05.04/") == page_cache / "catalogue/05.04/index.html"


def test_a_change_made_by_another_workflow_is_visible_at_once(
    client, page_cache, clerk, county, django_capture_on_commit_callbacks
):
    """A closed consultation's page has no form, so it is cached; publishing its adoption
    feedback (a consultations transition, not a record) must purge it."""
    from gongkai.consultations.services import consultation as consultations
    from gongkai.consultations.testing import make_consultation

    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    consultations.close_consultation(consultation, by=clerk, note="已充分听取意见，提前结束。")
    url = f"/consultations/{consultation.pk}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        consultations.publish_feedback(consultation, by=clerk, summary="共收到意见0条，感谢关注。")

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "共收到意见0条，感谢关注。" in response.content.decode()


def test_stored_pages_are_readable_by_the_web_server(client, page_cache):
    # nginx serves the directory as another user (docs/deploy.md); mkstemp alone makes 0600.
    client.get("/catalogue/05.04/")
    stored = page_cache / "catalogue/05.04/index.html"
    assert stored.stat().st_mode & 0o044 == 0o044


def _leftovers(root):
    return list(root.rglob(".tmp-*")) if root.exists() else []


def test_a_full_disk_skips_the_write_serves_the_page_and_leaves_nothing_behind(
    client, page_cache, monkeypatch
):
    import errno
    import os

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fd, mode):
            self.handle = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pagecache.os, "fdopen", FullDisk)
    response = client.get("/catalogue/05.04/")
    assert response.status_code == 200 and "招生范围" in response.content.decode()
    assert "X-Page-Cache" not in response.headers  # served, not stored
    assert not (page_cache / "catalogue/05.04/index.html").exists()
    assert _leftovers(page_cache) == []


def test_a_directory_the_server_may_not_write_skips_the_write_and_serves_the_page(
    client, page_cache, monkeypatch
):
    import errno

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pagecache.tempfile, "mkstemp", refuse)
    response = client.get("/")
    assert response.status_code == 200
    assert not (page_cache / "index.html").exists() and _leftovers(page_cache) == []


def test_a_cache_path_taken_by_a_file_still_serves_the_page(client, page_cache):
    page_cache.mkdir(parents=True)
    (page_cache / "catalogue").write_text("not a directory")  # mkdir below it must fail
    response = client.get("/catalogue/05.04/")
    assert response.status_code == 200 and "招生范围" in response.content.decode()
    assert _leftovers(page_cache) == []


def test_a_page_rendered_before_a_purge_is_not_stored_after_it(page_cache):
    page_cache.mkdir(parents=True)
    rendered_in = pagecache.generation()
    pagecache.purge_paths(["/catalogue/05.04/"])  # a publication commits meanwhile
    assert not pagecache.store("/catalogue/05.04/", b"old page", rendered_in=rendered_in)
    assert not (page_cache / "catalogue/05.04/index.html").exists()
    # rendered after the purge: kept
    assert pagecache.store("/catalogue/05.04/", b"new page", rendered_in=pagecache.generation())
    assert (page_cache / "catalogue/05.04/index.html").read_bytes() == b"new page"


# --- Listings under their query string ------------------------------------------------------


def _publish_column(county, other_county, school, n=45):
    from datetime import date, datetime

    from django.utils import timezone

    from gongkai.catalogue.models import Item
    from gongkai.records.importing import ImportRow, import_author, import_record

    item = Item.objects.current().get(code="05.04")
    for k in range(n):
        import_record(
            ImportRow(
                row=k,
                fields={
                    "title": f"招生范围公告{k}",
                    "body": "<p>正文</p>",
                    "item": item,
                    "organisation": [county, school, other_county][k % 3],
                    "formed_on": date(2024, 5, 1),
                    "five_disclosure": item.five_disclosure,
                },
                published_at=timezone.make_aware(
                    datetime(2024 + k % 2, 1 + k % 12, 1 + k % 28, 8, k % 60)
                ),
            ),
            author=import_author(None),
            by=None,
            source="测试",
            written_files=[],
        )


@pytest.fixture
def column(county, other_county, school):
    _publish_column(county, other_county, school)


def _stored(page_cache, path, query):
    return page_cache / path.strip("/") / ".query" / query


@pytest.mark.parametrize(
    "query",
    [
        "page=2",
        "org=C0100",
        "org=C0100&school=C0102",
        "year=2025",
        "org=C0200&year=2024&validity=valid",
        "org=&school=&year=2024&validity=",  # the filter form sent with empty fields
    ],
)
def test_a_filtered_or_further_listing_page_is_stored_under_its_query_string(
    client, page_cache, column, query
):
    first = client.get(f"/catalogue/05.04/?{query}")
    assert first["X-Page-Cache"] == "miss"
    stored = _stored(page_cache, "/catalogue/05.04/", query)
    assert stored.read_bytes() == first.content
    second = client.get(f"/catalogue/05.04/?{query}")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    # the unfiltered page is its own file, not this one
    assert client.get("/catalogue/05.04/").content != first.content


@pytest.mark.parametrize(
    "query",
    [
        "q=招生",  # search: endless query strings
        "utm_source=wechat",  # not a listing parameter
        "org=NOSUCH",  # an organisation that does not exist
        "org=NOSUCH&school=C0102",  # even when the school is real
        "school=C0102&org=C0100",  # another order: the same page under a second name
        "org=C0100&org=C0200",  # a parameter twice
        "year=02025",  # not the year as the listing writes it
        "year=abc",
        "validity=maybe",
        "page=999",  # past the end: shown as the last page
        "page=1x",
        "year=1999",  # nothing to list
        "org=C0100&year=2024&validity=repealed",
    ],
)
def test_a_query_string_the_listing_does_not_understand_is_never_stored(
    client, page_cache, column, query
):
    response = client.get(f"/catalogue/05.04/?{query}")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response.headers
    assert not (page_cache / "catalogue/05.04/.query").exists() or not any(
        (page_cache / "catalogue/05.04/.query").iterdir()
    )


def test_an_organisation_page_filtered_by_a_place_that_does_not_contain_it_is_not_stored(
    client, page_cache, column, county
):
    assert "X-Page-Cache" not in client.get(f"/organisations/{county.code}/?org=C0200").headers
    assert client.get(f"/organisations/{county.code}/?year=2024")["X-Page-Cache"] == "miss"


def test_keyset_pages_are_stored_only_for_a_place_the_listing_handed_out(
    client, page_cache, column, monkeypatch
):
    import re

    from gongkai.portal import listing

    monkeypatch.setattr(listing, "MAX_PAGES", 1)
    page_1 = client.get("/catalogue/05.04/").content.decode()
    onward = re.search(r'href="\?([^"]*before=[^"]*)"', page_1).group(1).replace("&amp;", "&")
    assert client.get(f"/catalogue/05.04/?{onward}")["X-Page-Cache"] == "miss"
    assert client.get(f"/catalogue/05.04/?{onward}")["X-Page-Cache"] == "hit"
    # a place one microsecond off names no row: the page is served, never stored
    micros, pk = re.search(r"before=(\d+)_(\d+)", onward).groups()
    forged = onward.replace(f"{micros}_{pk}", f"{int(micros) - 1}_{pk}")
    response = client.get(f"/catalogue/05.04/?{forged}")
    assert response.status_code == 200 and "X-Page-Cache" not in response.headers
    # nor with a page number past the listing's end (shown as its last page)
    renumbered = re.sub(r"n=\d+", "n=9", onward)
    assert "X-Page-Cache" not in client.get(f"/catalogue/05.04/?{renumbered}").headers


def test_a_publication_purges_a_listing_with_every_query_string_variant(
    client,
    page_cache,
    column,
    clerk,
    document_reviewer,
    disclosure_reviewer,
    django_capture_on_commit_callbacks,
):
    queries = ["page=2", "org=C0100", "year=2025"]
    for query in queries:
        client.get(f"/catalogue/05.04/?{query}")
        assert client.get(f"/catalogue/05.04/?{query}")["X-Page-Cache"] == "hit"
    record = make_record(by=clerk, title="新的招生范围公告")
    with django_capture_on_commit_callbacks(execute=True):
        publish(record, clerk, document_reviewer, disclosure_reviewer)
    for query in queries:
        assert not _stored(page_cache, "/catalogue/05.04/", query).exists(), query
    response = client.get("/catalogue/05.04/?org=C0100")
    assert response["X-Page-Cache"] == "miss"
    assert "新的招生范围公告" in response.content.decode()


def test_query_string_pages_are_not_stored_when_the_disk_runs_low(
    client, page_cache, column, settings
):
    settings.GONGKAI_PAGE_CACHE_MIN_FREE_MB = 10**12
    assert "X-Page-Cache" not in client.get("/catalogue/05.04/?page=2").headers
    assert client.get("/catalogue/05.04/")["X-Page-Cache"] == "miss"  # the page itself is


def test_the_file_nginx_tries_for_a_query_string_is_the_one_stored(page_cache):
    # gongkai-http.conf: $gongkai_page_file is $uri.query/$args for plain args
    assert (
        pagecache.file_for("/catalogue/05.04/", "org=C0100&page=2")
        == page_cache / "catalogue/05.04/.query/org=C0100&page=2"
    )
    assert pagecache.file_for("/", "page=2") == page_cache / ".query/page=2"
    for query in ["q=x", "page=2&org=C0100", "org=../../etc", "org=%2F", "page=" + "1" * 41]:
        assert pagecache.file_for("/catalogue/05.04/", query) is None, query
    assert pagecache.file_for("/feeds/rss.xml", "page=2") is None


def test_the_file_nginx_names_for_the_application_is_never_stored(client, page_cache):
    # gongkai-http.conf names a file for what must reach the application (a session, the
    # large-type cookie, a query string no page is stored under); it must never exist.
    import re
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[3] / "deploy/nginx/gongkai-http.conf").read_text()
    names = set(re.findall(r"^\s+(?:default|\"-\")\s+(/\S+);$", conf, re.MULTILINE))
    assert names == {"/..gongkai-app"}
    for name in names:
        assert pagecache.file_for(name) is None
        assert pagecache.file_for(name + "/") is None
        assert client.get(name).status_code == 404
    assert not any(page_cache.rglob("*gongkai-app*"))


def test_the_five_disclosure_listing_is_stored_under_its_filter_too(client, page_cache, column):
    from gongkai.catalogue.models import Item

    five = Item.objects.current().get(code="05.04").five_disclosure
    for query in ("org=C0100", "page=2", "org=C0200&page=1"):
        assert client.get(f"/five/{five}/?{query}")["X-Page-Cache"] == "miss", query
        assert client.get(f"/five/{five}/?{query}")["X-Page-Cache"] == "hit", query
    assert "X-Page-Cache" not in client.get(f"/five/{five}/?org=NOSUCH").headers
