"""The embedded engine: its models are in the installed package, it reads with the network off,
it keeps two numbers printed one space apart apart, reads through a red seal and upside down,
and every character's box is where the character is printed."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from gongkai.ocr.engine import Engine, Settings
from gongkai.ocr.layout import from_page
from gongkai.ocr.testing import SERIF, _draw_seal, font, make_id, make_mobile
from gongkai.screening.scan import scan_text


def numbers(text: str) -> set[tuple[str, str]]:
    return {(f.kind, "".join(c for c in f.text if c.isalnum())) for f in scan_text(text)}


def line_image(
    text: str, *, dpi: int = 150, pt: float = 10.5
) -> tuple[Image.Image, tuple[int, int]]:
    size = int(pt * dpi / 72)
    glyphs = font(SERIF, size)
    width = int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(text, font=glyphs)) + 2 * size
    image = Image.new("RGB", (width, size * 3), "white")
    ImageDraw.Draw(image).text((size, size), text, font=glyphs, fill="black")
    return image, (size, size)


@pytest.fixture(scope="module")
def engine() -> Engine:
    reader = Engine(Settings(threads=1))
    reader.load()
    return reader


def test_the_models_ship_inside_the_installed_package():
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    sizes = {p.name: p.stat().st_size for p in models.glob("*.onnx")}
    assert set(sizes) == {
        "ch_PP-OCRv4_det_infer.onnx",
        "ch_PP-OCRv4_rec_infer.onnx",
        "ch_ppocr_mobile_v2.0_cls_infer.onnx",
    }
    assert all(size > 500_000 for size in sizes.values())
    # The engine's sessions load exactly these files.
    pipeline = Engine(Settings(threads=1))._pipeline
    for session in (pipeline.text_det.infer, pipeline.text_cls.infer, pipeline.text_rec.session):
        assert Path(session.session._model_path).parent == models


def test_reading_works_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    id_number = make_id(random.Random(3))
    image, _ = line_image(f"身份证号码 {id_number}")
    reader = Engine(Settings(threads=1))  # a new engine: models loaded now, offline
    assert ("id_card", id_number) in numbers(from_page(reader.read(image)).text)


def test_two_numbers_one_space_apart_are_two_numbers(engine):
    rng = random.Random(5)
    id_number, mobile = make_id(rng), make_mobile(rng)
    image, _ = line_image(f"张三 {id_number} {mobile} 1500.00元")
    text = from_page(engine.read(image)).text
    assert f"{id_number} {mobile}" in text
    assert numbers(text) == {("id_card", id_number), ("mobile_phone", mobile)}


def test_a_number_under_a_red_seal_is_read(engine):
    id_number = make_id(random.Random(11))
    image, _ = line_image(f"学生 {id_number}", pt=12)
    seal = _draw_seal(int(image.height * 1.6), random.Random(2), "某某县实验小学")
    seal = seal.crop(
        (0, (seal.height - image.height) // 2, seal.width, (seal.height + image.height) // 2)
    )
    left = image.width // 2 - seal.width // 2
    patch = image.crop((left, 0, left + seal.width, image.height))
    image.paste(ImageChops.multiply(patch, seal.resize(patch.size)), (left, 0))
    assert ("id_card", id_number) in numbers(from_page(engine.read(image)).text)


def test_each_character_box_is_on_its_printed_character(engine):
    id_number = make_id(random.Random(13))
    image, (x, y) = line_image(f"号码 {id_number}")
    page = engine.read(image)
    text = from_page(page)
    found = [f for f in scan_text(text.text) if f.kind == "id_card"]
    assert len(found) == 1
    (x0, y0, x1, y1), *rest = text.boxes_between(found[0].start, found[0].end)
    assert not rest
    # The number is drawn after "号码 " from x; its box starts there and covers all 18 digits.
    glyphs = font(SERIF, int(10.5 * 150 / 72))
    drawn_left = x + ImageDraw.Draw(image).textlength("号码 ", font=glyphs)
    drawn_right = x + ImageDraw.Draw(image).textlength(f"号码 {id_number}", font=glyphs)
    assert abs(x0 - drawn_left) < glyphs.size * 0.6
    assert abs(x1 - drawn_right) < glyphs.size * 0.6
    assert y0 <= y + glyphs.size * 0.3 and y1 >= y + glyphs.size * 0.8


def test_a_page_scanned_upside_down_is_read_with_boxes_on_the_page(engine):
    id_number = make_id(random.Random(17))
    image, _ = line_image(f"身份证号码 {id_number}")
    turned = image.rotate(180)
    text = from_page(engine.read(turned))
    found = [f for f in scan_text(text.text) if f.kind == "id_card"]
    assert [f.text for f in found] == [id_number]
    (x0, y0, x1, y1), *_ = text.boxes_between(found[0].start, found[0].end)
    # Turned over, the number is on the left half of the image.
    assert x1 < turned.width * 0.75
    inked = sum(
        1 for v in turned.convert("L").crop((x0, y0, x1, y1)).get_flattened_data() if v < 100
    )
    assert inked > 200


def test_an_empty_or_tiny_image_reads_as_no_text(engine):
    assert engine.read(Image.new("RGB", (4, 4), "white")).lines == []
    page = engine.read(Image.new("RGB", (600, 400), "white"))
    assert page.lines == [] and page.confidence == 0.0
