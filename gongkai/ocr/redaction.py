"""Redaction that removes: a new file in which the regions are black and nothing is beneath.

Drawing a black rectangle over a PDF's text hides it from the eye only: the characters are
still in the file, and a reader copies them out (or a search engine indexes them). So every
page that has a region is *rasterised*: drawn to an image at ``dpi`` (PDFium, with forms and
annotations), blacked out, and put back as a page that holds that image and nothing else. The
other pages of a PDF are copied as they were. Nothing of the document's catalogue comes along:
no metadata, bookmarks, attachments, form data or scripts (their text could repeat what was
removed).

Images are decoded, turned upright (EXIF), blacked out and written afresh, so no EXIF data
(camera, place, time, thumbnails that still show the original) survives. A multi-page image
(TIFF) becomes a PDF: browsers show PDFs, not TIFFs. JPEG stays JPEG, everything else
becomes PNG.

Regions are in page pixels (``ocr.documents``); this module has no Django.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
from PIL import Image, ImageDraw

from gongkai.ocr import documents
from gongkai.ocr.engine import Box


@dataclass(frozen=True, slots=True)
class Cleaned:
    data: bytes
    name: str
    #: Pages that were turned into images.
    rasterised: list[int]


def blackout(image: Image.Image, boxes: Sequence[Box], scale: float = 1.0) -> Image.Image:
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle(
            (int(x0 * scale), int(y0 * scale), int(x1 * scale + 0.999), int(y1 * scale + 0.999)),
            fill="black",
        )
    return out


def _name(name: str, suffix: str) -> str:
    stem = PurePosixPath(name).stem or "附件"
    return f"{stem}（已脱敏）{suffix}"


def redact(data: bytes, name: str, regions: Mapping[int, Sequence[Box]], *, dpi: int) -> Cleaned:
    kind = documents.kind_of(data, name)
    if kind == documents.PDF:
        return _redact_pdf(data, name, regions, dpi=dpi)
    if kind == documents.IMAGE:
        return _redact_image(data, name, regions)
    raise documents.Unreadable("只能对 PDF 和图片附件涂黑。")


def _image_page_pdf(image: Image.Image, width_pt: float, height_pt: float, *, photo: bool) -> bytes:
    """One PDF page of exactly this size, holding the image and nothing else."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(width_pt, height_pt), pageCompression=1, invariant=1)
    page.setCreator("")
    page.setProducer("")
    if photo:  # a scan: JPEG keeps the file small, as the scanner's own file was
        encoded = io.BytesIO()
        image.save(encoded, format="JPEG", quality=88, optimize=True)
        encoded.seek(0)
        source = ImageReader(encoded)
    else:  # vector text turned into pixels: lossless keeps the letters sharp
        source = ImageReader(image.convert("L") if _is_grey(image) else image)
    page.drawImage(source, 0, 0, width=width_pt, height=height_pt)
    page.showPage()
    page.save()
    return out.getvalue()


def _is_grey(image: Image.Image) -> bool:
    pixels = np.asarray(image.convert("RGB").resize((64, 64)), dtype=np.int16)
    return bool((pixels.max(axis=2) - pixels.min(axis=2) < 12).all())


def _redact_pdf(
    data: bytes, name: str, regions: Mapping[int, Sequence[Box]], *, dpi: int
) -> Cleaned:
    from pypdf import PdfReader, PdfWriter

    render_dpi = max(dpi, 200)
    replaced: dict[int, bytes] = {}
    with documents.PdfDocument(data, dpi=dpi) as document:
        for number, boxes in sorted(regions.items()):
            if not boxes:
                continue
            info = document.info(number)
            image = document.render(number, dpi=render_dpi)
            cleaned = blackout(image, boxes, scale=image.width / info.width)
            width_pt, height_pt = info.width / info.scale, info.height / info.scale
            replaced[number] = _image_page_pdf(
                cleaned, width_pt, height_pt, photo=info.kind == documents.SCAN
            )
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    writer = PdfWriter()
    for number, page in enumerate(reader.pages, start=1):
        if number in replaced:
            writer.add_page(PdfReader(io.BytesIO(replaced[number])).pages[0])
        else:
            writer.add_page(page)
    writer.add_metadata({"/Producer": "Gongkai"})
    out = io.BytesIO()
    writer.write(out)
    _check_no_text(out.getvalue(), replaced)
    return Cleaned(out.getvalue(), _name(name, ".pdf"), sorted(replaced))


def _check_no_text(data: bytes, pages: Iterable[int]) -> None:
    """Read the result back: a rasterised page must have no character left on it."""
    with documents.PdfDocument(data) as document:
        for number in pages:
            if document.text_layer(number).text.strip():
                raise documents.Unreadable(
                    f"第{number}页涂黑后仍有文字，未生成文件，请联系管理员。"
                )


def _redact_image(data: bytes, name: str, regions: Mapping[int, Sequence[Box]]) -> Cleaned:
    with documents.ImageDocument(data) as document:
        pages = [
            blackout(document.frame(n), regions.get(n, ()))
            for n in range(1, document.page_count + 1)
        ]
        source_format = document.format
    out = io.BytesIO()
    if len(pages) > 1:
        first, *rest = pages
        first.save(out, format="PDF", save_all=True, append_images=rest, resolution=200)
        suffix = ".pdf"
    elif source_format == "JPEG":
        pages[0].save(out, format="JPEG", quality=92, optimize=True)
        suffix = ".jpg"
    else:
        pages[0].save(out, format="PNG", optimize=True)
        suffix = ".png"
    return Cleaned(out.getvalue(), _name(name, suffix), sorted(n for n in regions if regions[n]))
