"""Uploads: checked by content, capped in size, stored under random names outside the static
files, served as downloads that a browser will not sniff or run; and random bytes behind any
magic number give a clear refusal, never a crash."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gongkai.records import services
from gongkai.records.models import Attachment
from gongkai.records.uploads import ALLOWED, EICAR, inspect_upload
from gongkai.screening.testing import dismiss_open_findings
from gongkai.testing import make_record

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def office(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})

REFUSED = [
    ("通知.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "可执行程序"),
    ("通知.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "可执行程序"),
    ("图.png", b"#!/bin/sh\nrm -rf /\n", "可执行程序"),
    ("通知.pdf", HTML, "内容与扩展名不符"),
    ("照片.jpg", HTML, "内容与扩展名不符"),
    ("图.png", SVG, "内容与扩展名不符"),
    ("通知.pdf", PNG, "内容与扩展名不符"),
    ("名单.xlsx", DOCX, "内容与扩展名不符"),
    ("名单.docx", b"PK\x03\x04 not really a zip", "内容与扩展名不符"),
    ("页面.html", HTML, "不支持"),
    ("图.svg", SVG, "不支持"),
    ("程序.exe", b"MZ" + b"\x00" * 100, "不支持"),
    ("无扩展名", PDF, "无扩展名"),
    (
        "脚本.pdf",
        PDF.replace(b"/Type /Catalog", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "含有脚本",
    ),
    (
        "启动.pdf",
        PDF.replace(b"/Type /Catalog", b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        "含有脚本",
    ),
    ("病毒.pdf", PDF + EICAR, "病毒"),
    ("宏.docx", office({"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"x"}), "宏"),
    ("空.pdf", b"", "空文件"),
]


@pytest.mark.parametrize("name,content,message", REFUSED, ids=[f"{r[0]}-{r[2]}" for r in REFUSED])
def test_uploads_are_refused_by_content_with_a_reason(name, content, message):
    with pytest.raises(ValidationError, match=message):
        inspect_upload(io.BytesIO(content), name)


@pytest.mark.parametrize(
    "name,content,kind",
    [
        ("通知.pdf", PDF, "application/pdf"),
        ("图.PNG", PNG, "image/png"),
        ("正文.docx", DOCX, ALLOWED[".docx"]),
        ("名单.xlsx", XLSX, ALLOWED[".xlsx"]),
    ],
)
def test_genuine_files_are_accepted_with_their_sniffed_type(name, content, kind):
    info = inspect_upload(io.BytesIO(content), name)
    assert info.content_type == kind
    assert info.size == len(content)


def test_a_zip_bomb_in_an_office_file_is_refused():
    bomb = office({"word/document.xml": b"<w:document/>", "word/media/x.bin": b"\0" * (21 << 20)})
    assert len(bomb) < 1 << 20
    with pytest.raises(ValidationError, match="压缩炸弹"):
        inspect_upload(io.BytesIO(bomb), "大.docx")


def test_files_over_the_size_cap_are_refused(settings):
    settings.GONGKAI_MAX_ATTACHMENT_MB = 1
    big = PDF + b"%" * (1 << 20)
    with pytest.raises(ValidationError, match="超过 1 MB"):
        inspect_upload(io.BytesIO(big), "大.pdf")
    inspect_upload(io.BytesIO(PDF + b"%" * ((1 << 20) - len(PDF))), "刚好.pdf")


MAGIC = [b"%PDF-", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"MZ", b""]


@hypothesis_settings(max_examples=300, deadline=2000)
@given(
    magic=st.sampled_from(MAGIC),
    body=st.binary(max_size=4096),
    name=st.sampled_from([*(f"文件{s}" for s in ALLOWED), "x.exe", "x", "../../x.pdf", "a\\b.png"]),
)
def test_random_bytes_behind_any_magic_number_are_refused_or_accepted_never_a_crash(
    magic, body, name
):
    try:
        info = inspect_upload(io.BytesIO(magic + body), name)
    except ValidationError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
    else:
        assert info.content_type == ALLOWED[Path(info.name).suffix.lower()]
        assert "/" not in info.name and "\\" not in info.name


# --- Through the page, storage and download -------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,message", REFUSED[:8])
def test_a_refused_upload_through_the_page_leaves_no_row_and_no_file(
    client, clerk, media, name, content, message
):
    record = make_record(by=clerk)
    client.force_login(clerk)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        reverse("records:attach", args=[record.pk]), {"file": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert _files(media) == []


@pytest.mark.django_db
def test_stored_names_are_random_and_outside_the_static_files(client, clerk, media):
    record = make_record(by=clerk)
    client.force_login(clerk)
    upload = SimpleUploadedFile("../../static/js/app.pdf", PDF, content_type="application/pdf")
    client.post(reverse("records:attach", args=[record.pk]), {"file": upload})
    attachment = Attachment.objects.get()
    assert attachment.original_name == "app.pdf"
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(media).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert attachment.file.name.startswith("attachments/")
    assert "app" not in stored.name and ".." not in attachment.file.name
    assert len(stored.stem) == 32 and int(stored.stem, 16) >= 0  # uuid4 hex
    assert settings.MEDIA_URL != settings.STATIC_URL
    # Uploading the same file again gives a different name: nothing is overwritten.
    upload = SimpleUploadedFile("app.pdf", PDF, content_type="application/pdf")
    client.post(reverse("records:attach", args=[record.pk]), {"file": upload})
    assert len({a.file.name for a in Attachment.objects.all()}) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,kind", [("通知.pdf", PDF, "application/pdf"), ("图.png", PNG, "image/png")]
)
def test_public_downloads_are_attachments_that_are_not_sniffed_or_run(
    client, clerk, document_reviewer, disclosure_reviewer, media, name, content, kind
):
    record = make_record(by=clerk)
    attachment = services.add_attachment(record, io.BytesIO(content), name, by=clerk)
    url = f"/files/{attachment.pk}/{name}"
    assert client.get(url).status_code == 404  # not public while a draft
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    # A one-pixel image or a skeleton PDF has no text to screen: a person looked at it.
    dismiss_open_findings(record, by=disclosure_reviewer, reason="人工查看：内容无个人信息")
    services.publish(record, by=clerk)

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == kind
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pk=st.integers(min_value=-5, max_value=10**6), name=st.text(max_size=40))
def test_unknown_or_odd_download_addresses_are_404_not_errors(client, pk, name):
    url = f"/files/{pk}/{name}"
    try:
        path = reverse("portal:attachment", args=[pk, name]) if pk >= 0 and name else url
    except Exception:
        path = url
    response = client.get(path)
    assert response.status_code in (404, 400, 301, 302)
