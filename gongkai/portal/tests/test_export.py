from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gongkai.portal.export import page_file, relative_link
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
