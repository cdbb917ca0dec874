"""Builders for screening tests and benchmarks: valid numbers and real files.

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

from stdnum import luhn
from stdnum.cn import ric

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


def make_pdf(pages: Sequence[str | None], *, compress: bool = True) -> bytes:
    """A PDF with one page per item: text (lines split on \\n) or ``None`` for a scanned page
    (an image and no text layer)."""
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
    used = (ord(c) for page in pages if page for c in page if 0x20 <= ord(c) < 0x10000)
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
