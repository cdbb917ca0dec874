from __future__ import annotations

import html as html_text
import re
from io import StringIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gongkai.portal.export import page_file, relative_link
from gongkai.portal.tests.conftest import SITE_URL
from gongkai.records import services
from gongkai.screening.testing import dismiss_open_findings
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_page_files_and_relative_links():
    assert page_file("/") == "index.html"
    assert page_file("/catalogue/05.04/") == "catalogue/05.04/index.html"
    assert (
        relative_link("catalogue/05.04/index.html", "/records/7/") == "../../records/7/index.html"
    )
    assert relative_link("index.html", "/static/gongkai/site.css") == "static/gongkai/site.css"


def test_export_writes_a_self_contained_site(
    tmp_path: Path, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk, title="（演示）东昌府区2025年城区小学招生范围")
    services.add_attachment(record, SimpleUploadedFile("范围图.png", PNG), "范围图.png", by=clerk)
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    # An image has no text layer: a reviewer looks at it and says why it may go out.
    dismiss_open_findings(
        record, by=disclosure_reviewer, reason="招生范围示意图，已人工核对无个人信息"
    )
    record = services.publish(record, by=clerk)

    out = tmp_path / "site"
    call_command("portal", "export", str(out), stdout=StringIO(), stderr=StringIO())

    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="static/gongkai/site.css"' in home
    assert 'href="catalogue/05.04/index.html"' in home
    item = (out / "catalogue/05.04/index.html").read_text(encoding="utf-8")
    assert f'href="../../records/{record.pk}/index.html"' in item
    page = (out / f"records/{record.pk}/index.html").read_text(encoding="utf-8")
    assert "招生范围" in page
    attachment = record.attachments.get()
    assert (out / "files" / str(attachment.pk) / "范围图.png").read_bytes() == PNG
    assert (out / "static/gongkai/site.css").is_file()
    assert (out / "static/gongkai/offline-search.js").is_file()
    index = (out / "search-index.js").read_text(encoding="utf-8")
    assert "招生" in index and f"records/{record.pk}/index.html" in index
    # No absolute links to pages of the export remain: everything opens from the folder.
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'(href|src)="/(?!/)', text), html
        assert "csrfmiddlewaretoken" not in text


# --- Production configuration: DEBUG off, hashed static names, a real SITE_URL ---------------

ATTRIBUTE = re.compile(r'\b(href|src|action)\s*=\s*"([^"]*)"')
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def unresolved(root: Path) -> list[tuple[str, str]]:
    """Every link and asset reference (href, src, form action, CSS url()) in every exported
    page and stylesheet that does not open a file of the export. Links to other sites (a
    school's own website in the directory) are the reader's to follow; a link to the site
    itself (SITE_URL) is not: the reading point has no internet."""
    problems = []
    site_host = urlsplit(SITE_URL).netloc

    def check(source: Path, reference: str) -> None:
        reference = html_text.unescape(reference)
        if not reference or reference.startswith(("#", "data:", "mailto:", "tel:")):
            return
        parts = urlsplit(reference)
        if parts.scheme or reference.startswith("//"):
            if parts.scheme not in ("http", "https") or parts.netloc == site_host:
                problems.append((source.relative_to(root).as_posix(), reference))
            return
        target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if not target.is_file() or not target.is_relative_to(root.resolve()):
            problems.append((source.relative_to(root).as_posix(), reference))

    for page in root.rglob("*.html"):
        for match in ATTRIBUTE.finditer(page.read_text(encoding="utf-8")):
            check(page, match.group(2))
    for sheet in root.rglob("*.css"):
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            check(sheet, match.group(1))
    return problems


def publish_through_review(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    return services.publish(record, by=clerk)


@pytest.fixture
def exported(production, tmp_path, clerk, document_reviewer, disclosure_reviewer, county, school):
    """A small column in production configuration, exported: a record with an attachment,
    a school's record, one under revision (its draft must not leak), one withdrawn."""
    county.address = "（演示）东昌府区教育路1号"
    county.phone = "0635-5550101"
    county.save()
    production.GONGKAI_SITE = {**production.GONGKAI_SITE, "office_hours": "法定工作日 9:00—17:00"}
    with_file = make_record(by=clerk, title="东昌府区2025年城区小学招生范围")
    services.add_attachment(
        with_file, SimpleUploadedFile("范围图.png", PNG), "范围图.png", by=clerk
    )
    with_file = services.submit(with_file, by=clerk)
    with_file = services.approve_document(with_file, by=document_reviewer)
    with_file = services.approve_disclosure(with_file, by=disclosure_reviewer)
    dismiss_open_findings(with_file, by=disclosure_reviewer, reason="示意图，已人工核对")
    with_file = services.publish(with_file, by=clerk)
    publish_through_review(
        make_record(by=clerk, organisation=school, title="第一小学课后服务收费公示"),
        clerk,
        document_reviewer,
        disclosure_reviewer,
    )
    revised = publish_through_review(
        make_record(by=clerk, title="学生资助政策公告", document_number="聊教发〔2025〕3号"),
        clerk,
        document_reviewer,
        disclosure_reviewer,
    )
    revised = services.revise(revised, by=clerk, change_note="更正部分内容")
    services.update_record(
        revised,
        by=clerk,
        revision=revised.revision,
        title="尚未审核的修订标题",
        body="<p>尚未审核的修订正文</p>",
        document_number="聊教发〔2025〕99号",
    )
    withdrawn = publish_through_review(
        make_record(by=clerk, title="已撤回的通知"), clerk, document_reviewer, disclosure_reviewer
    )
    services.withdraw(withdrawn, by=clerk, reason="重复")
    out = tmp_path / "site"
    call_command("portal", "export", str(out), stdout=StringIO(), stderr=StringIO())
    return out, with_file, revised


def test_every_link_and_asset_of_the_production_export_opens_a_file_of_the_export(exported):
    out, record, _ = exported
    assert unresolved(out) == []
    # The pages use the hashed names, and the export holds those very files.
    home = (out / "index.html").read_text(encoding="utf-8")
    css = re.search(r'href="(static/gongkai/site\.[0-9a-f]{12}\.css)"', home)
    assert css and (out / css.group(1)).stat().st_size > 1000
    print_page = (out / f"records/{record.pk}/print/index.html").read_text(encoding="utf-8")
    assert re.search(r'href="../../../static/gongkai/print\.[0-9a-f]{12}\.css"', print_page)
    assert len(list(out.rglob("*.html"))) > 10


def test_the_exports_navigation_leads_to_offline_search_and_to_applying_in_person(exported):
    out, record, _ = exported
    page = (out / f"records/{record.pk}/index.html").read_text(encoding="utf-8")
    assert 'href="../../search.html"' in page and 'href="../../apply.html"' in page
    assert SITE_URL not in re.sub(r"网上原文：\S+", "", page)
    search = (out / "search.html").read_text(encoding="utf-8")
    assert 'id="offline-search"' in search and 'src="search-index.js"' in search
    assert re.search(r'src="static/gongkai/offline-search\.[0-9a-f]{12}\.js"', search)


def test_the_apply_in_person_page_takes_addresses_and_hours_from_the_data(exported, county):
    out, _, _ = exported
    page = (out / "apply.html").read_text(encoding="utf-8")
    assert "测试县教育和体育局" in page and "（演示）东昌府区教育路1号" in page
    assert "0635-5550101" in page and "法定工作日 9:00—17:00" in page
    assert "居民身份证" in page and "纸质文本" in page and "自行领取" in page  # the form's fields
    assert f"{SITE_URL}/applications/" in page  # as text to type later, not a link
    assert f'href="{SITE_URL}' not in page
    assert f'href="organisations/{county.code}/index.html"' in page


def test_what_the_exporter_writes_holds_published_versions_only(exported):
    """The search index, the offline pages and the print sheets; the crawled pages are the
    public pages themselves, whose own test covers every public surface."""
    out, _, revised = exported
    written = [out / "search-index.js", out / "search.html", out / "apply.html"]
    written += [*out.glob("records/*/print/index.html"), *out.glob("catalogue/*/print/*.html")]
    assert out / f"records/{revised.pk}/print/index.html" in written
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "尚未审核的修订" not in text and "99号" not in text, path
        assert "已撤回的通知" not in text, path
    index = (out / "search-index.js").read_text(encoding="utf-8")
    assert "学生资助政策公告" in index


def test_the_offline_search_index_counts_every_published_record(production, county):
    from gongkai.portal.export import search_index
    from gongkai.portal.tests.test_printing import publish

    for n in range(60):
        publish(county, f"第{n}号招生范围公告")
    index = search_index()
    assert len(index["docs"]) == 60
    postings = index["words"]["招生范围"].split(",")
    assert len(postings) == 60 and all(int(gap, 36) == 1 for gap in postings[1:])


def test_an_asset_the_pages_use_but_the_storage_lacks_stops_the_export(tmp_path):
    from gongkai.portal.export import ExportError, ExportReport, _copy_assets

    with pytest.raises(ExportError, match="collectstatic"):
        _copy_assets(tmp_path, {"/static/gongkai/site.0123456789ab.css"}, ExportReport())


def test_a_page_reached_with_a_query_string_is_exported_as_its_own_file():
    assert page_file("/powers/?org=C0100") != page_file("/powers/?org=C0200")
    assert page_file("/powers/?org=C0100").startswith("powers/index.q-")
    assert page_file("/powers/?org=C0100").endswith(".html")
