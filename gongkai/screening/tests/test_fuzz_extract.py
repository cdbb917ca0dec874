"""Fuzzing the screening extractors: random bytes behind PDF, DOCX, XLSX and ZIP magic, and
damaged Office containers, give segments or a finding in bounded time, never a crash."""

from __future__ import annotations

import io
import time
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.screening.extract import UNREADABLE, Limits, Problem, Segment, extract
from gongkai.screening.scan import ScanFinding, scan_file

LIMITS = Limits(max_seconds=5.0, max_file_bytes=1 << 20, max_unpacked_bytes=8 << 20)
#: Generous wall-clock bound per file: the limit plus start-up costs of the parsers.
BOUND_SECONDS = 15.0
FUZZ = settings(max_examples=120, deadline=None)

MAGIC = [
    b"%PDF-1.7\n",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"",
]
NAMES = ["a.pdf", "a.docx", "a.xlsx", "a.zip", "a.csv", "a.txt", "a.doc", "a.png", "a", "a.ofd"]
PDF_PIECES = [
    b"1 0 obj",
    b"<<",
    b">>",
    b"/Type /Page",
    b"/Pages 2 0 R",
    b"/Kids [3 0 R]",
    b"stream\n",
    b"\nendstream",
    b"endobj",
    b"xref\n0 1\n0000000000 65535 f \n",
    b"trailer",
    b"/Root 1 0 R",
    b"startxref\n0\n",
    b"%%EOF",
    b"/Filter /FlateDecode",
    b"/Length 99999999",
    b"(\xe4\xb8\xad)",
    b"BT /F1 12 Tf (110101199003071234) Tj ET",
    b"[",
    b"]",
    b"/Count -1",
    b"9 0 R",
]


def _run(data: bytes, name: str) -> list[object]:
    started = time.monotonic()
    items = list(extract(io.BytesIO(data), name, limits=LIMITS))
    assert time.monotonic() - started < BOUND_SECONDS
    for item in items:
        assert isinstance(item, Segment | Problem)
        if isinstance(item, Problem):
            assert item.reason.strip()
    findings = scan_file(io.BytesIO(data), name, limits=LIMITS)
    assert all(isinstance(f, ScanFinding) for f in findings)
    return items


@FUZZ
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_behind_any_magic_give_a_result_never_a_crash(magic, body, name):
    _run(magic + body, name)


@FUZZ
@given(pieces=st.lists(st.one_of(st.sampled_from(PDF_PIECES), st.binary(max_size=40)), max_size=40))
def test_pdf_shaped_garbage_gives_a_result_never_a_crash(pieces):
    _run(b"%PDF-1.4\n" + b" ".join(pieces), "a.pdf")


OFFICE_MEMBERS = [
    "[Content_Types].xml",
    "word/document.xml",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/_rels/workbook.xml.rels",
    "_rels/.rels",
    "word/vbaProject.bin",
    "../../evil.txt",
    "a/" * 30 + "deep.xml",
]
XMLISH = st.one_of(
    st.binary(max_size=400),
    st.sampled_from(
        [
            b"<?xml version='1.0'?><w:document xmlns:w='x'><w:body><w:p><w:r><w:t>110101199003071234</w:t></w:r></w:p></w:body></w:document>",
            b"<a><b></a>",
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;&d;&d;&d;</l>',
            b"<worksheet><sheetData><row r='1048576'><c r='XFD1048576' t='s'><v>99999</v></c></row></sheetData></worksheet>",
        ]
    ),
)


@FUZZ
@given(
    members=st.dictionaries(st.sampled_from(OFFICE_MEMBERS), XMLISH, max_size=6),
    name=st.sampled_from(["a.docx", "a.xlsx", "a.zip", "a.ofd"]),
    compress=st.booleans(),
)
def test_damaged_office_containers_give_a_result_never_a_crash(members, name, compress):
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    _run(buffer.getvalue(), name)


def test_a_highly_compressed_member_is_refused_as_unreadable_quickly():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(
            "word/document.xml", b"<w:document>" + b" " * (16 << 20) + b"</w:document>"
        )
    items = _run(buffer.getvalue(), "bomb.docx")
    assert any(isinstance(i, Problem) and i.kind == UNREADABLE for i in items)
