"""Cached pages follow every change to what the public may see, and only the pages it touches.

The page cache is on here (nginx serves its files in production, docs/deploy.md); each test
fills it as anonymous readers would, changes a record, runs the after-commit hooks, and
reads again.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.portal import invalidation, pagecache
from gongkai.records import public, services
from gongkai.records.models import Disclosure, Record, WithheldGround
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_DIR = tmp_path / "pages"
    return tmp_path / "pages"


@pytest.fixture
def run_hooks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _approved(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    return services.approve_disclosure(record, by=disclosure_reviewer)


@pytest.fixture
def published(clerk, document_reviewer, disclosure_reviewer, run_hooks):
    def publish(**fields):
        with run_hooks():
            record = make_record(by=clerk, **fields)
            return services.publish(
                _approved(record, clerk, document_reviewer, disclosure_reviewer), by=clerk
            )

    return publish


def _fill(client, urls):
    """Read each page twice as an anonymous reader: the second read is served from the cache."""
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def _pages_of(record, county):
    return [
        f"/records/{record.pk}/",
        "/catalogue/05.04/",
        f"/organisations/{county.code}/",
        "/feeds/rss.xml",
        "/catalogue/05.04/atom.xml",
        f"/organisations/{county.code}/rss.xml",
        "/sitemap.xml",
        "/sitemap-records.xml",
    ]


def _shows(client, url, text):
    response = client.get(url)
    return response.status_code == 200 and text in response.content.decode()


def test_a_reviewer_reclassifying_a_published_record_takes_every_cached_page_down(
    client, page_cache, published, clerk, document_reviewer, county, run_hooks
):
    record = published(title="含个人信息的名单公告")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        record = services.submit(
            services.revise(record, by=clerk, change_note="更正部分内容"), by=clerk
        )
        services.change_disclosure(
            record,
            by=document_reviewer,
            disclosure=Disclosure.WITHHELD,
            withheld_ground=WithheldGround.THIRD_PARTY,
            reassess_on=date(2026, 12, 31),
            note="含学生个人信息",
        )
    assert client.get(f"/records/{record.pk}/").status_code == 404
    for url in _pages_of(record, county)[1:]:
        assert not _shows(client, url, "含个人信息的名单公告"), url
        assert not _shows(client, url, f"/records/{record.pk}/"), url


def test_a_revision_that_reclassifies_takes_the_pages_down_once_both_reviews_confirm_it(
    client, page_cache, published, clerk, document_reviewer, disclosure_reviewer, county, run_hooks
):
    record = published(title="将改为依申请公开的公告")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        record = services.revise(record, by=clerk, change_note="更正部分内容")
        record = services.update_record(
            record, by=clerk, revision=record.revision, disclosure=Disclosure.ON_REQUEST
        )
        record = services.submit(record, by=clerk)
        record = services.approve_document(record, by=document_reviewer)
    # Under review the published version stays public, as for every revision.
    assert _shows(client, f"/records/{record.pk}/", "将改为依申请公开的公告")
    with run_hooks():
        services.approve_disclosure(record, by=disclosure_reviewer)
    assert client.get(f"/records/{record.pk}/").status_code == 404
    for url in _pages_of(record, county)[1:]:
        assert not _shows(client, url, "将改为依申请公开的公告"), url


def test_withdrawal_validity_and_a_published_revision_reach_cached_pages_at_once(
    client, page_cache, published, clerk, document_reviewer, disclosure_reviewer, county, run_hooks
):
    record = published(title="原来的招生公告")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        record = services.revise(record, by=clerk, change_note="更正部分内容")
        record = services.update_record(
            record, by=clerk, revision=record.revision, title="修订后的招生公告"
        )
        services.publish(_approved(record, clerk, document_reviewer, disclosure_reviewer), by=clerk)
    for url in _pages_of(record, county)[:6]:
        assert _shows(client, url, "修订后的招生公告"), url
    _fill(client, _pages_of(record, county))
    with run_hooks():
        services.change_validity(
            Record.objects.get(pk=record.pk), by=clerk, validity="repealed", on=date(2025, 9, 1)
        )
    assert _shows(client, f"/records/{record.pk}/", "本文件已废止")
    assert _shows(client, "/catalogue/05.04/", "废止")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        services.withdraw(Record.objects.get(pk=record.pk), by=clerk, reason="内容有误")
    assert _shows(client, f"/records/{record.pk}/", "内容有误")
    assert not _shows(client, "/feeds/rss.xml", "修订后的招生公告")


def test_renaming_an_organisation_or_an_item_reaches_every_cached_page(
    client, page_cache, published, county, run_hooks
):
    record = published(title="招生范围公告")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        county.name = "更名后的县教育和体育局"
        county.save()
    assert _shows(client, f"/records/{record.pk}/", "更名后的县教育和体育局")
    assert _shows(client, f"/organisations/{county.code}/", "更名后的县教育和体育局")
    _fill(client, _pages_of(record, county))
    with run_hooks():
        item = Item.objects.current().get(code="05.04")
        item.name = "更名后的招生范围"
        item.save()
    assert _shows(client, "/catalogue/05.04/", "更名后的招生范围")
    assert _shows(client, f"/records/{record.pk}/", "更名后的招生范围")


def test_a_publication_purges_the_pages_it_affects_and_no_others(
    client, page_cache, published, county, school
):
    earlier = published(title="营养改善计划公示", item_code="08.02")
    unrelated = [
        f"/records/{earlier.pk}/",
        "/catalogue/08.02/",
        "/catalogue/08.02/rss.xml",
        "/sections/05/",
        "/organisations/",
    ]
    _fill(client, unrelated)
    _fill(client, ["/", "/catalogue/05.04/", f"/organisations/{county.code}/", "/feeds/rss.xml"])
    record = published(title="新的招生范围公告", organisation=school)
    for url in unrelated:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    # its item's listing, the publisher's ancestors' feeds, the home, the site feed
    for url in ["/", "/catalogue/05.04/", "/feeds/rss.xml"]:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
    assert "新的招生范围公告" in client.get("/catalogue/05.04/").content.decode()
    affected = invalidation.paths_for(
        public.PublicChange(record_id=record.pk, before=None, after=_facts(record))
    )
    for path in [
        f"/records/{record.pk}/",
        f"/organisations/{school.code}/",
        f"/organisations/{county.code}/rss.xml",
        f"/organisations/{county.code}/atom.xml",
        "/sitemap.xml",
        "/sitemap-records.xml",
    ]:
        assert path in affected
    assert "/catalogue/08.02/" not in affected and f"/records/{earlier.pk}/" not in affected


def _facts(record):
    from gongkai.records.models import PublicRecord

    return public.facts(PublicRecord.objects.get(pk=record.pk))


def test_the_purged_files_are_the_ones_nginx_serves_for_each_address(page_cache):
    # nginx: $gongkai_page_file, ${uri}index.html for a path ending in / (gongkai-http.conf)
    assert pagecache.file_for("/records/7/") == page_cache / "records/7/index.html"
    assert pagecache.file_for("/feeds/rss.xml") == page_cache / "feeds/rss.xml"
    assert pagecache.file_for("/") == page_cache / "index.html"
    target = pagecache.file_for("/catalogue/05.04/")
    target.parent.mkdir(parents=True)
    target.write_text("old")
    assert pagecache.purge_paths(["/catalogue/05.04/", "/catalogue/08.02/"]) == [
        "/catalogue/05.04/"
    ]
    assert not target.exists()


def test_scheduled_publication_warms_the_pages_it_changes(
    client, page_cache, clerk, document_reviewer, disclosure_reviewer, county, run_hooks
):
    _fill(client, ["/catalogue/05.04/", "/feeds/rss.xml"])
    record = _approved(
        make_record(by=clerk, title="定时发布的招生公告"),
        clerk,
        document_reviewer,
        disclosure_reviewer,
    )
    at = timezone.now() + timedelta(minutes=5)
    services.schedule(record, by=clerk, at=at)
    with run_hooks():
        assert services.publish_due(now=at + timedelta(minutes=1)) == [record.pk]
    # Rendered again before anyone asked: the first reader gets a file.
    for url in ["/catalogue/05.04/", "/feeds/rss.xml", f"/records/{record.pk}/"]:
        stored = pagecache.file_for(url)
        assert stored.is_file(), url
        assert "定时发布的招生公告" in stored.read_text(), url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_change_purges_its_own_sitemap_part_only(
    client,
    page_cache,
    published,
    clerk,
    document_reviewer,
    disclosure_reviewer,
    run_hooks,
    monkeypatch,
):
    monkeypatch.setattr(public, "PART_SIZE", 2)  # parts of two records: ids 0–1, 2–3, …
    records = [published(title=f"招生公告{n}") for n in range(4)]
    parts = sorted({r.pk // 2 for r in records})
    urls = ["/sitemap-records.xml" if n == 0 else f"/sitemap-records-{n}.xml" for n in parts] + [
        "/sitemap-pages.xml",
        "/sitemap-participation.xml",
    ]
    _fill(client, urls)
    index = client.get("/sitemap.xml").content.decode()
    assert all(url in index for url in urls)
    changed = records[-1]
    with run_hooks():
        revision = services.revise(changed, by=clerk, change_note="更正部分内容")
        services.publish(
            _approved(revision, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
    own = (
        "/sitemap-records.xml"
        if changed.pk // 2 == 0
        else f"/sitemap-records-{changed.pk // 2}.xml"
    )
    for url in urls:
        expected = "miss" if url == own else "hit"
        assert client.get(url)["X-Page-Cache"] == expected, url


def test_a_publication_purges_the_index_and_its_own_part_and_moves_only_its_lastmod(
    client, page_cache, published, monkeypatch
):
    import re

    monkeypatch.setattr(public, "PART_SIZE", 2)  # parts of two records: ids 0–1, 2–3, …
    records = [published(title=f"招生公告{n}") for n in range(5)]
    parts = sorted({r.pk // 2 for r in records})
    urls = ["/sitemap-records.xml" if n == 0 else f"/sitemap-records-{n}.xml" for n in parts]
    _fill(client, [*urls, "/sitemap.xml"])

    def lastmods():
        index = client.get("/sitemap.xml").content.decode()
        return dict(re.findall(r"<loc>[^<]*/(sitemap-records[^<]*)</loc><lastmod>([^<]+)<", index))

    before = lastmods()
    # A minute later (a lastmod is written to the second): a new id, in the last part or a
    # new one (on PostgreSQL the ids go on from earlier tests, so it may share a part).
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        new = published(title="新发布的招生公告")
    own = "/sitemap-records.xml" if new.pk // 2 == 0 else f"/sitemap-records-{new.pk // 2}.xml"
    assert pagecache.file_for("/sitemap.xml").exists() is False
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == ("miss" if url == own else "hit"), url
    assert f"/records/{new.pk}/" in client.get(own).content.decode()
    after = lastmods()
    assert {k for k in after if before.get(k) != after[k]} == {own.lstrip("/")}
