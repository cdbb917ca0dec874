"""Test helpers of screening (and its benchmark): valid numbers, real files, and dismissing a
record's findings as a reviewer would.

No PDF writer that handles Chinese is installed (reportlab is not a dependency), so
``make_pdf`` writes the file by hand: a Type0 font with Identity-H encoding whose codes are
the Unicode code points, and a ToUnicode CMap saying so, which is exactly what a PDF text
layer from Word or WPS gives a text extractor. The font itself is not embedded (nothing is
drawn for people to read; pypdf only needs the mapping).
"""

from __future__ import annotations

import io
import random
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from stdnum import luhn
from stdnum.cn import ric

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.records.models import Record
    from gongkai.screening.models import Finding

# Real county-level area codes (GB/T 2260), Liaocheng first.
_AREA_CODES_TEXT = """
371502 371521 371522 371523 371524 371525 371526 371581 370102 370202 110105 310104
440106 510107 130102 410105 220102 320102 420106 610113 650102 530102 460105 820000
"""
AREA_CODES = tuple(_AREA_CODES_TEXT.split())
_MOBILE_PREFIXES_TEXT = """
130 131 133 135 136 137 138 139 150 151 152 155 157 158 159 166 173 177 180
181 182 185 186 187 188 189 191 195 198 199
"""
_CARD_PREFIXES = "622202 622848 621700 622588 623058 621226 436742 524094 955880 603367"


def id_check_char(first17: str) -> str:
    return str(ric.calc_check_digit(first17 + "0"))


def make_id(rng: random.Random, *, born_from: int = 1950, born_to: int = 2018) -> str:
    """A valid 18-character resident ID number (real area code, real date, check char)."""
    area = rng.choice(AREA_CODES)
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    first17 = f"{area}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def wrong_check(id_number: str) -> str:
    """The same number with every check character but the right one, one at a time."""
    right = id_number[-1]
    return id_number[:-1] + ("X" if right == "0" else "0" if right != "0" else "1")


def make_legacy_id(rng: random.Random) -> str:
    """A 15-digit first-generation ID number (area, YYMMDD, sequence)."""
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    return f"{rng.choice(AREA_CODES)}{born:%y%m%d}{rng.randrange(1000):03d}"


def make_mobile(rng: random.Random) -> str:
    prefix = rng.choice(_MOBILE_PREFIXES_TEXT.split())
    return prefix + f"{rng.randrange(10**8):08d}"


def make_card(rng: random.Random, *, length: int | None = None) -> str:
    """A Luhn-valid card number with a real-looking bank prefix (62 UnionPay, 4 Visa, …)."""
    length = length or rng.choice([16, 19, 19, 19, 18, 17])
    prefix = rng.choice(_CARD_PREFIXES.split())
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def make_uscc(rng: random.Random, *, digits_only: bool = False) -> str:
    """A valid unified social credit code (机关 11…, 事业单位 12…, 企业 91…)."""
    from stdnum.cn import uscc

    alphabet = "0123456789" if digits_only else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    head = rng.choice(["11", "12", "52", "91"]) + rng.choice(AREA_CODES)
    body = head + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def spaced(number: str, shape: Sequence[int], sep: str = " ") -> str:
    parts, i = [], 0
    for size in shape:
        parts.append(number[i : i + size])
        i += size
    return sep.join(parts)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "X" else c for c in text)


# --- Files -------------------------------------------------------------------------------


def _to_unicode_cmap(codes: Iterable[int]) -> bytes:
    # Like a subset font from Word or WPS: only the characters the document uses.
    entries = [f"<{c:04X}> <{c:04X}>" for c in sorted(set(codes))] or ["<0020> <0020>"]
    blocks = []
    for i in range(0, len(entries), 100):  # at most 100 entries per block (PDF 32000 9.10.3)
        chunk = entries[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _stream(data: bytes, extra: str = "", *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += " /Filter /FlateDecode"
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


Placements = list[tuple[float, float, str]]


def make_pdf(pages: Sequence[str | Placements | None], *, compress: bool = True) -> bytes:
    """A PDF with one page per item: text (lines split on \\n), ``None`` for a scanned page
    (an image and no text layer), or a list of (x, y, text) drawn each at its own place,
    in the list's order."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in at the end
    pages_id = add(b"")
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )

    def texts(page: str | Placements) -> str:
        return page if isinstance(page, str) else "".join(t for _, _, t in page)

    used = (ord(c) for page in pages if page for c in texts(page) if 0x20 <= ord(c) < 0x10000)
    to_unicode = add(_stream(_to_unicode_cmap(used), compress=compress))
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        f"/DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    pixels = bytes(random.Random(1).randrange(256) for _ in range(64 * 64))
    image = add(
        _stream(
            pixels,
            " /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
            "/BitsPerComponent 8",
            compress=compress,
        )
    )
    kids = []
    for page in pages:
        if page is None:
            content = b"q 500 0 0 700 50 70 cm /Im1 Do Q"
        elif not isinstance(page, str):
            shown = [
                f"1 0 0 1 {x:g} {y:g} Tm <" + "".join(f"{ord(c):04X}" for c in text) + "> Tj"
                for x, y, text in page
            ]
            content = ("BT /F1 10.5 Tf\n" + "\n".join(shown) + "\nET").encode()
        else:
            lines = [
                "<" + "".join(f"{ord(c):04X}" for c in line if ord(c) < 0x10000) + "> Tj T*"
                for line in page.split("\n")
            ]
            content = ("BT /F1 10.5 Tf 15 TL 50 800 Td\n" + "\n".join(lines) + "\nET").encode()
        content_id = add(_stream(content, compress=compress))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> "
                f"/Contents {content_id} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def make_docx(
    paragraphs: Iterable[str] = (),
    *,
    tables: Iterable[Sequence[Sequence[str]]] = (),
    header: str | None = None,
) -> bytes:
    import docx

    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(
    sheets: Mapping[str, Sequence[Sequence[object]]], *, hidden: Iterable[str] = ()
) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if title in set(hidden):
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_zip_bomb(kind: str = "docx", *, unpacked_mb: int = 400) -> bytes:
    """A DOCX/XLSX-looking zip whose main part inflates to ``unpacked_mb`` of zeros.

    Built with a raw deflate stream written chunk by chunk, so the test never holds the
    inflated bytes in memory.
    """
    import zipfile

    member = "word/document.xml" if kind == "docx" else "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(member, "w", force_zip64=True) as target:
            chunk = b"\0" * (1 << 20)
            for _ in range(unpacked_mb):
                target.write(chunk)
    return out.getvalue()


# --- Files with text in every part a reader can open ----------------------------------------


def patch_zip(data: bytes, changes: Mapping[str, bytes | None]) -> bytes:
    """The zip with members replaced or added (bytes) or removed (None)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in changes:
                continue
            target.writestr(info, source.read(info.filename))
        for name, content in changes.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CUSTOM_PROPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{}'
    "</Properties>"
)


def make_docx_parts(
    *,
    body: Sequence[str] = (),
    table: Sequence[str] = (),
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
    footnotes: Sequence[str] = (),
    comments: Sequence[str] = (),
    hidden: Sequence[str] = (),
    split_by_hidden: Sequence[str] = (),
    textbox: Sequence[str] = (),
    field_codes: Sequence[str] = (),
    image_descriptions: Sequence[str] = (),
    tracked_deletions: Sequence[str] = (),
    core: Mapping[str, str] | None = None,
    custom: Mapping[str, str] | None = None,
    links: Sequence[str] = (),
) -> bytes:
    """A DOCX with each text in the named part: body paragraphs, one table column, headers,
    footers, footnotes, comments, paragraphs of hidden text (w:vanish), texts split in two
    by a hidden run in their middle (shown as the whole text), text boxes, field codes,
    image descriptions, tracked deletions, core and custom properties, link addresses."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    for text in body:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=1)
        for r, text in enumerate(table):
            grid.cell(r, 0).text = text
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header[0]
        for text in header[1:]:
            section.header.add_paragraph(text)
    if footer:
        section.footer.paragraphs[0].text = footer[0]
        for text in footer[1:]:
            section.footer.add_paragraph(text)
    for text in hidden:
        document.add_paragraph().add_run(text).font.hidden = True
    for text in split_by_hidden:
        middle = len(text) // 2
        paragraph = document.add_paragraph()
        paragraph.add_run(text[:middle])
        paragraph.add_run("（此处隐藏）").font.hidden = True
        paragraph.add_run(text[middle:])
    for text in comments:
        anchor = document.add_paragraph("见批注。")
        document.add_comment(anchor.runs[0], text=text, author="审核人")
    body_element = document.element.body
    section_properties = body_element[-1]
    for text in textbox:
        section_properties.addprevious(
            parse_xml(
                f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml">'
                "<w:r><w:t>文本框：</w:t></w:r><w:r><w:pict>"
                "<v:shape><v:textbox><w:txbxContent><w:p><w:r>"
                f"<w:t>{_xml_text(text)}</w:t></w:r></w:p></w:txbxContent></v:textbox>"
                "</v:shape></w:pict></w:r></w:p>"
            )
        )
    for text in field_codes:
        section_properties.addprevious(
            parse_xml(
                f'<w:p {nsdecls("w")}><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "{_xml_text(text)}" </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>点击查看</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            )
        )
    for number, text in enumerate(image_descriptions, start=1):
        section_properties.addprevious(
            parse_xml(
                f"<w:p {nsdecls('w', 'wp')}><w:r><w:drawing><wp:inline>"
                f'<wp:docPr id="{number + 100}" name="图片{number}" descr="{_xml_text(text)}"/>'
                "</wp:inline></w:drawing></w:r></w:p>"
            )
        )
    for text in tracked_deletions:
        section_properties.addprevious(
            parse_xml(
                f'<w:p {nsdecls("w")}><w:del w:id="9" w:author="x">'
                f"<w:r><w:delText>{_xml_text(text)}</w:delText></w:r></w:del></w:p>"
            )
        )
    for number, url in enumerate(links, start=1):
        rel = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True)
        section_properties.addprevious(
            parse_xml(
                f'<w:p {nsdecls("w", "r")}><w:hyperlink r:id="{rel}"><w:r><w:t>链接{number}</w:t>'
                "</w:r></w:hyperlink></w:p>"
            )
        )
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    changes: dict[str, bytes | None] = {}
    if core:
        # Written by hand: python-docx caps each property at 255 characters, Word does not.
        elements = "".join(f"<{k}>{_xml_text(v)}</{k}>" for k, v in core.items())
        changes["docProps/core.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"{elements}</cp:coreProperties>"
        ).encode()
    if footnotes:
        notes = "".join(
            f'<w:footnote w:id="{n}"><w:p><w:r><w:t>{_xml_text(t)}</w:t></w:r></w:p></w:footnote>'
            for n, t in enumerate(footnotes, start=1)
        )
        changes["word/footnotes.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {_W_NS}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f"</w:footnote>{notes}</w:footnotes>"
        ).encode()
    if custom:
        props = "".join(
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" '
            f'pid="{n}" name="{_xml_text(k)}"><vt:lpwstr>{_xml_text(v)}</vt:lpwstr></property>'
            for n, (k, v) in enumerate(custom.items(), start=2)
        )
        changes["docProps/custom.xml"] = _CUSTOM_PROPS.format(props).encode()
    return patch_zip(data, changes) if changes else data


def make_xlsx_parts(
    *,
    cells: Sequence[str] = (),
    cached_formulas: Sequence[str] = (),
    uncached_formulas: Sequence[str] = (),
    referencing_formulas: Sequence[str] = (),
    comments: Sequence[str] = (),
    hidden_sheet: Sequence[str] = (),
    hidden_rows: Sequence[str] = (),
    sheet_names: Sequence[str] = (),
    header: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
    custom: Mapping[str, str] | None = None,
    numbers: Sequence[int] = (),
) -> bytes:
    """An XLSX with each text in the named part. ``cached_formulas``: a formula that joins
    the text's two halves, with the text as its cached value (as Excel saves it);
    ``uncached_formulas``: the same with no cached value (as programs that do not calculate
    save it); ``referencing_formulas``: =A&B over two cells holding the halves, uncached."""
    import re as _re

    import openpyxl
    from openpyxl.comments import Comment

    def halves(text: str) -> tuple[str, str]:
        middle = len(text) // 2
        return text[:middle], text[middle:]

    def literal(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名单"
    row = 1
    sheet.cell(row, 1, "说明")
    for text in cells:
        row += 1
        sheet.cell(row, 1, text)
    for value in numbers:
        row += 1
        sheet.cell(row, 1, value)
    cached: dict[str, str] = {}
    for text in cached_formulas:
        row += 1
        first, second = halves(text)
        sheet.cell(row, 1, f"={literal(first)}&{literal(second)}")
        cached[f"A{row}"] = text
    for text in uncached_formulas:
        row += 1
        first, second = halves(text)
        sheet.cell(row, 1, f"=CONCATENATE({literal(first)},{literal(second)})")
    for text in referencing_formulas:
        row += 1
        first, second = halves(text)
        sheet.cell(row, 2, first)
        sheet.cell(row, 3, second)
        sheet.cell(row, 1, f"=B{row}&C{row}")
    for text in comments:
        row += 1
        sheet.cell(row, 1, "见批注")
        sheet.cell(row, 1).comment = Comment(text, "审核人")
    for text in hidden_rows:
        row += 1
        sheet.cell(row, 1, text)
        sheet.row_dimensions[row].hidden = True
    if header:
        sheet.oddHeader.center.text = "；".join(header)
    if hidden_sheet:
        secret = workbook.create_sheet("备用")
        secret.sheet_state = "hidden"
        for r, text in enumerate(hidden_sheet, start=1):
            secret.cell(r, 1, text)
    for name in sheet_names:
        workbook.create_sheet(name)
    for key, setting in (properties or {}).items():
        setattr(workbook.properties, key, setting)
    if custom:
        from openpyxl.packaging.custom import StringProperty

        for key, text in custom.items():
            workbook.custom_doc_props.append(StringProperty(name=key, value=text))
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    if not cached:
        return data
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    for ref, shown in cached.items():

        def with_value(match: _re.Match[str], shown: str = shown, ref: str = ref) -> str:
            return f'<c r="{ref}" t="str"><f>{match.group(1)}</f><v>{_xml_text(shown)}</v></c>'

        xml = _re.sub(rf'<c r="{ref}"><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', with_value, xml)
    return patch_zip(data, {"xl/worksheets/sheet1.xml": xml.encode()})


def make_pdf_parts(
    *,
    lines: Sequence[str] = (),
    glyph_by_glyph: Sequence[str] = (),
    wrapped: Sequence[str] = (),
    info: Mapping[str, str] | None = None,
    xmp: Sequence[str] = (),
    annotations: Sequence[str] = (),
    links: Sequence[str] = (),
    form_fields: Sequence[str] = (),
    bookmarks: Sequence[str] = (),
    attachments: Sequence[str] = (),
) -> bytes:
    """A PDF with each text in the named part. ``glyph_by_glyph``: every character drawn by
    its own operator at its own position, forty lines a page, all the page's characters in
    a shuffled order, so only positions give the reading order; ``wrapped``: the text broken in the middle, the second half on the next
    line (as a number wraps at the end of a line)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link, Text
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    pages: list[str | list[tuple[float, float, str]] | None] = []
    if lines or wrapped:
        page_lines = list(lines)
        for text in wrapped:
            middle = len(text) // 2
            page_lines += [text[:middle], text[middle:] + "。"]
        pages.append("\n".join(page_lines) or "本页无内容。")
    shuffle = random.Random(21)
    for first in range(0, len(glyph_by_glyph), 40):
        placements: list[tuple[float, float, str]] = []
        for k, text in enumerate(glyph_by_glyph[first : first + 40]):
            x = 60.0
            for c in text:
                placements.append((x, 780.0 - 18 * k, c))
                x += 10.5 if ord(c) > 0x2E80 else 5.5  # a CJK glyph is square, a digit half

        shuffle.shuffle(placements)
        pages.append(placements)
    if not pages:
        pages.append("本附件为说明材料，共一页，无其他内容。")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages))))
    if info:
        writer.add_metadata({f"/{k}": v for k, v in info.items()})
    if xmp:
        items = "".join(f"<rdf:li>{_xml_text(t)}</rdf:li>" for t in xmp)
        packet = (
            '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:description><rdf:Alt>{items}</rdf:Alt></dc:description>"
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
        ).encode()
        stream = DecodedStreamObject()
        stream.set_data(packet)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    for n, text in enumerate(annotations):
        writer.add_annotation(0, Text(rect=(50, 50 + 20 * n, 70, 70 + 20 * n), text=text))
    for n, url in enumerate(links):
        writer.add_annotation(0, Link(rect=(50, 300 + 20 * n, 200, 315 + 20 * n), url=url))
    if form_fields:
        fields = ArrayObject()
        for n, value in enumerate(form_fields):
            field = DictionaryObject(
                {
                    NameObject("/FT"): NameObject("/Tx"),
                    NameObject("/T"): TextStringObject(f"字段{n}"),
                    NameObject("/V"): TextStringObject(value),
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Widget"),
                    NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                }
            )
            fields.append(writer._add_object(field))
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): fields}
        )
    for text in bookmarks:
        writer.add_outline_item(title=text, page_number=0)
    for n, text in enumerate(attachments):
        writer.add_attachment(f"附件{n}.txt", text.encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dismiss_open_findings(record: Record, *, by: User, reason: str) -> list[Finding]:
    """Dismiss every open finding of ``record`` as reviewer ``by`` (audited like any other).

    A scanned page or an image cannot be read by machine, so publication waits for a
    reviewer's written dismissal; tests and demo data that publish such a record take that
    step like a reviewer would."""
    from gongkai.screening.models import Finding
    from gongkai.screening.services import dismiss_finding

    return [
        dismiss_finding(finding, by=by, reason=reason)
        for finding in Finding.objects.open().filter(record=record)
    ]
