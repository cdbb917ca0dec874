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
    assert not page_cache.exists() or not any(page_cache.rglob("*.html"))
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
