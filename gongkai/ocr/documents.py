"""Pages of a file: which need reading by OCR, what they look like, where their text is.

A *page* is one page of a PDF or one frame of an image (a multi-page TIFF has several). Every
page is described in *page pixels*: for an image its own pixels (after turning it upright by
its EXIF orientation, as a viewer shows it), for a PDF the page rendered at ``dpi`` (default
200). OCR boxes, the preview's highlights and the regions redaction blacks out all use these
pixels, so they never need converting between one another.

PDFs are opened with pypdfium2 (PDFium, the PDF engine of Chromium; Apache-2.0/BSD-3-Clause,
its wheel carries the binary). pypdf, which screening uses, reads text but cannot draw a page;
PDFium renders any page (scanned images, vector text, forms) and gives the box of every
character of a text layer, which redaction of text PDFs needs. A page counts as a scan when it
has fewer than ``MIN_PAGE_TEXT`` visible characters and an image on it: the same rule as
screening's extraction, so the two agree on which pages OCR covers.

Nothing here touches the database; bad input raises :class:`Unreadable` with a Chinese reason.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Self

from PIL import Image, ImageOps

from gongkai.ocr.engine import Box
from gongkai.ocr.layout import PositionedText

#: Fewer visible characters than this on a page with an image: the content is in the picture.
MIN_PAGE_TEXT = 10
PDF = "pdf"
IMAGE = "image"
SCAN, TEXT = "scan", "text"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
#: Pillow refuses larger images (decompression bombs); a 600 dpi A3 scan is ~70 MP.
MAX_PIXELS = 120_000_000


class Unreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(data: bytes, name: str) -> str | None:
    """``"pdf"``, ``"image"``, or ``None`` for anything OCR does not read."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return IMAGE
    return None


@dataclass(frozen=True, slots=True)
class PageInfo:
    number: int  # 1-based
    kind: str  # SCAN or TEXT
    width: int  # page pixels
    height: int
    #: Page pixels per PDF point (PDF) or per pixel of the stored image (image).
    scale: float


class Document:
    """An open file. Use as a context manager; not thread-safe (PDFium is not)."""

    kind: str
    page_count: int

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def info(self, number: int) -> PageInfo:  # pragma: no cover - overridden
        raise NotImplementedError

    def render(
        self, number: int, *, width: int | None = None, dpi: int | None = None
    ) -> Image.Image:
        """The page as an RGB image: in page pixels, or ``width`` pixels wide, or (PDF) at
        ``dpi``."""
        raise NotImplementedError  # pragma: no cover

    def text_layer(self, number: int) -> PositionedText:
        """The page's own text with a box per character (empty for images)."""
        return PositionedText("", ())

    def pages(self) -> Iterator[PageInfo]:
        for number in range(1, self.page_count + 1):
            yield self.info(number)


# --- PDF -----------------------------------------------------------------------------------


class PdfDocument(Document):
    kind = PDF

    def __init__(self, data: bytes, *, dpi: int = 200) -> None:
        import pypdfium2 as pdfium

        self.dpi = dpi
        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            message = str(exc)
            if "password" in message.lower():
                raise Unreadable("PDF 文件已加密，无法识别，请上传未加密的版本。") from exc
            raise Unreadable("PDF 文件已损坏或格式不正确，无法识别。") from exc
        self.page_count = len(self._pdf)
        self._infos: dict[int, PageInfo] = {}

    def close(self) -> None:
        self._pdf.close()

    @property
    def scale(self) -> float:
        return self.dpi / 72

    def _page(self, number: int) -> Any:
        if not 1 <= number <= self.page_count:
            raise Unreadable(f"没有第{number}页。")
        return self._pdf[number - 1]

    def info(self, number: int) -> PageInfo:
        if number in self._infos:
            return self._infos[number]
        import pypdfium2.raw as raw

        page = self._page(number)
        width, height = page.get_size()  # with /Rotate applied
        textpage = page.get_textpage()
        visible = len("".join(textpage.get_text_range().split()))
        textpage.close()
        kind = TEXT
        if visible < MIN_PAGE_TEXT:
            has_image = any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE]))
            kind = SCAN if has_image or visible == 0 else TEXT
        info = PageInfo(
            number, kind, round(width * self.scale), round(height * self.scale), self.scale
        )
        self._infos[number] = info
        return info

    def render(
        self, number: int, *, width: int | None = None, dpi: int | None = None
    ) -> Image.Image:
        page = self._page(number)
        scale = self.scale if dpi is None else dpi / 72
        if width is not None:
            scale = width / page.get_width()
        bitmap = page.render(scale=scale, may_draw_forms=True)
        return bitmap.to_pil().convert("RGB")

    def text_layer(self, number: int) -> PositionedText:
        import pypdfium2.raw as raw

        page = self._page(number)
        left, bottom, right, top = page.get_cropbox()
        width, height = right - left, top - bottom
        rotation = page.get_rotation() % 360
        scale = self.scale

        def to_page(x: float, y: float) -> tuple[float, float]:
            x, y = x - left, y - bottom
            if rotation == 90:
                return y * scale, x * scale
            if rotation == 180:
                return (width - x) * scale, y * scale
            if rotation == 270:
                return (height - y) * scale, (width - x) * scale
            return x * scale, (height - y) * scale

        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            chars = textpage.get_text_range(0, count) if count else ""
            boxes: list[Box | None] = []
            for index, char in enumerate(chars):
                if char.isspace() or raw.FPDFText_IsGenerated(textpage.raw, index):
                    boxes.append(None)
                    continue
                x0, y0, x1, y1 = textpage.get_charbox(index, loose=True)
                (ax, ay), (bx, by) = to_page(x0, y0), to_page(x1, y1)
                boxes.append((int(min(ax, bx)), int(min(ay, by)), int(max(ax, bx)) + 1,
                              int(max(ay, by)) + 1))  # fmt: skip
        finally:
            textpage.close()
        # PDFium ends lines with \r\n; a space in place of \r keeps offsets one to one.
        return PositionedText(chars.replace("\r", " "), tuple(boxes))


# --- Images --------------------------------------------------------------------------------


class ImageDocument(Document):
    kind = IMAGE

    def __init__(self, data: bytes) -> None:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            self._image = Image.open(io.BytesIO(data))
            self._image.load()
        except Image.DecompressionBombError as exc:
            raise Unreadable("图片像素过多（超过 1.2 亿），无法识别，请缩小后上传。") from exc
        except Exception as exc:  # Pillow raises many kinds for a damaged file
            raise Unreadable("图片已损坏或格式不正确，无法识别。") from exc
        self.page_count = max(1, getattr(self._image, "n_frames", 1))
        self.format = self._image.format or ""

    def close(self) -> None:
        self._image.close()

    def frame(self, number: int) -> Image.Image:
        """The frame upright (EXIF orientation applied), in RGB."""
        if not 1 <= number <= self.page_count:
            raise Unreadable(f"没有第{number}页。")
        try:
            self._image.seek(number - 1)
            frame = ImageOps.exif_transpose(self._image.copy())
        except Exception as exc:
            raise Unreadable(f"图片第{number}页无法读取。") from exc
        if frame.mode in ("RGBA", "LA", "P", "PA"):
            frame = frame.convert("RGBA")
            white = Image.new("RGBA", frame.size, "white")
            frame = Image.alpha_composite(white, frame)
        return frame.convert("RGB")

    def info(self, number: int) -> PageInfo:
        frame = self.frame(number)
        return PageInfo(number, SCAN, frame.width, frame.height, 1.0)

    def render(
        self, number: int, *, width: int | None = None, dpi: int | None = None
    ) -> Image.Image:
        frame = self.frame(number)
        if width is not None and width != frame.width:
            height = max(1, round(frame.height * width / frame.width))
            frame = frame.resize((width, height), Image.Resampling.LANCZOS)
        return frame


def open_document(data: bytes, name: str = "", *, dpi: int = 200) -> Document:
    kind = kind_of(data, name)
    if kind == PDF:
        return PdfDocument(data, dpi=dpi)
    if kind == IMAGE or PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
        return ImageDocument(data)
    raise Unreadable("该文件不是 PDF 或图片，不需要文字识别。")
