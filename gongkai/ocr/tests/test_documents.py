"""Pages of files (which need OCR, where a text layer's characters are) and redaction that
removes: rasterised pages keep no text, untouched pages stay as they were, nothing of the
document's catalogue or an image's EXIF comes along."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from gongkai.ocr import documents, redaction
from gongkai.ocr.engine import Engine, Settings
from gongkai.ocr.layout import from_page
from gongkai.ocr.testing import image_pdf, make_id, make_scanned_list, multipage_tiff
from gongkai.ocr.tests.files import text_pdf
from gongkai.screening.scan import scan_text

ID = make_id(random.Random(31))


def digits(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def id_boxes(text: documents.PositionedText) -> list[tuple[int, int, int, int]]:
    found = [f for f in scan_text(text.text) if f.kind == "id_card"]
    assert len(found) == 1, text.text
    return text.boxes_between(found[0].start, found[0].end, pad=2)


def inked(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(1 for v in image.convert("L").crop(box).get_flattened_data() if v < 128)


def test_pages_with_a_text_layer_are_text_and_image_pages_are_scans():
    scan = make_scanned_list(random.Random(1), dpi=100, rows=2, paper=(6, 2.5))
    data = text_pdf([["第一页有文字层，内容足够长。"], []])
    with documents.open_document(data, "a.pdf") as pdf:
        assert [pdf.info(n).kind for n in (1, 2)] == [documents.TEXT, documents.SCAN]
        assert pdf.info(1).width == round(595 * 200 / 72)
    with documents.open_document(image_pdf([scan.image], dpi=100), "b.pdf") as pdf:
        assert pdf.page_count == 1 and pdf.info(1).kind == documents.SCAN


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_text_layers_character_boxes_are_on_the_rendered_page(rotate):
    data = text_pdf([["学生张三，身份证号码 " + ID + "，准予转学。"]], rotate=rotate)
    with documents.open_document(data, "a.pdf") as pdf:
        text = pdf.text_layer(1)
        rendered = pdf.render(1)
        info = pdf.info(1)
    assert rendered.size == (info.width, info.height)
    (box,) = id_boxes(text)
    assert inked(rendered, box) > 300
    # Only the number: a box as long as 18 digits, not the whole line.
    long_side = max(box[2] - box[0], box[3] - box[1])
    assert 18 * 5 < long_side < 18 * 25


def test_redacting_a_text_pdf_page_removes_its_characters_and_keeps_the_others():
    source = PdfWriter(
        clone_from=PdfReader(
            io.BytesIO(text_pdf([["封面：本页照常公开。"], ["学生张三，身份证号码 " + ID + "。"]]))
        )
    )
    source.add_metadata({"/Title": "名单 " + ID, "/Author": "某某"})
    source.add_outline_item(title="张三 " + ID, page_number=1)
    source.add_attachment("原始名单.txt", ID.encode())
    buffer = io.BytesIO()
    source.write(buffer)
    data = buffer.getvalue()
    with documents.open_document(data, "a.pdf") as pdf:
        boxes = id_boxes(pdf.text_layer(2))

    cleaned = redaction.redact(data, "名单.pdf", {2: boxes}, dpi=200)

    assert cleaned.name == "名单（已脱敏）.pdf" and cleaned.rasterised == [2]
    reader = PdfReader(io.BytesIO(cleaned.data))
    original = PdfReader(io.BytesIO(data))
    assert reader.pages[0].get_contents().get_data() == original.pages[0].get_contents().get_data()
    assert reader.pages[1].extract_text().strip() == ""
    assert ID not in cleaned.data.decode("latin-1")
    assert not reader.outline and not reader.attachments
    assert "/Title" not in (reader.metadata or {})
    # What a reader sees: the page, with a black box where the number was.
    with documents.open_document(cleaned.data, "b.pdf") as pdf:
        assert pdf.text_layer(2).text.strip() == ""
        image = pdf.render(2)
    x0, y0, x1, y1 = boxes[0]
    centre = image.convert("L").getpixel(((x0 + x1) // 2, (y0 + y1) // 2))
    assert centre < 10


def test_a_cleaned_scan_reads_back_without_the_numbers():
    scan = make_scanned_list(random.Random(4), dpi=150, rows=3, paper=(6.2, 2.6))
    engine = Engine(Settings(threads=1))
    data = image_pdf([scan.image], dpi=150)
    with documents.open_document(data, "scan.pdf", dpi=200) as pdf:  # page pixels at 200 dpi
        text = from_page(engine.read(pdf.render(1)))
    regions = [
        box
        for f in scan_text(text.text)
        if f.is_maskable
        for box in text.boxes_between(f.start, f.end, pad=3)
    ]
    assert len(regions) == len(scan.numbers)
    cleaned = redaction.redact(data, "scan.pdf", {1: regions}, dpi=200)
    with documents.open_document(cleaned.data, "c.pdf") as pdf:
        reread = from_page(engine.read(pdf.render(1))).text
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(cleaned.data)).pages)
    for _, number in scan.numbers:
        assert number not in digits(reread)  # read back by OCR
        assert number not in digits(extracted)  # and by text extraction
    assert "补助" in reread  # the rest is still there


def test_an_images_exif_is_not_carried_over_and_it_is_turned_upright():
    scan = make_scanned_list(random.Random(2), dpi=100, rows=2, paper=(6, 2.5))
    upright = scan.image
    lying = upright.rotate(90, expand=True)  # as the camera stored it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show"
    exif[0x010F] = "某品牌手机"
    buffer = io.BytesIO()
    lying.save(buffer, format="JPEG", exif=exif, quality=95)
    data = buffer.getvalue()
    with documents.open_document(data, "photo.jpg") as image:
        assert image.render(1).size == upright.size
    cleaned = redaction.redact(data, "photo.jpg", {1: [(0, 0, 50, 40)]}, dpi=200)
    assert cleaned.name == "photo（已脱敏）.jpg"
    out = Image.open(io.BytesIO(cleaned.data))
    assert out.size == upright.size and not out.getexif()
    assert max(out.convert("L").crop((2, 2, 48, 38)).get_flattened_data()) < 30


def test_a_multi_page_tiff_has_a_page_per_frame_and_is_cleaned_into_a_pdf():
    frames = [
        make_scanned_list(random.Random(n), dpi=100, rows=2, paper=(6, 2.5)).image for n in (5, 6)
    ]
    data = multipage_tiff(frames, dpi=100)
    with documents.open_document(data, "scan.tif") as tiff:
        assert tiff.page_count == 2
        assert [tiff.info(n).kind for n in (1, 2)] == [documents.SCAN] * 2
    cleaned = redaction.redact(data, "scan.tif", {2: [(10, 10, 100, 60)]}, dpi=200)
    assert cleaned.name == "scan（已脱敏）.pdf"
    assert len(PdfReader(io.BytesIO(cleaned.data)).pages) == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n garbage", "PDF 文件已损坏"),
        (b"\x89PNG\r\n\x1a\n broken", "图片已损坏"),
        (b"plain text", "不是 PDF 或图片"),
    ],
)
def test_a_broken_file_is_unreadable_with_a_reason(data, reason):
    with pytest.raises(documents.Unreadable, match=reason):
        documents.open_document(data, "x")


def test_an_encrypted_pdf_is_unreadable_with_a_reason():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf([["机密内容"]]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(documents.Unreadable, match="已加密"):
        documents.open_document(buffer.getvalue(), "x.pdf")
