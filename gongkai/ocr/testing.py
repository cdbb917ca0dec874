"""Scanned documents for tests and the benchmark (``bench/ocr_bench.py``).

``make_scanned_list`` draws a 公示名单 as a county prints, stamps and scans it: a title, a
sentence with a document number and dates, and a bordered table of pupils with their resident
ID numbers, mobile numbers or bank-card numbers, set in the Noto CJK faces Gongkai ships
(``core/fonts``). Then it is "scanned": a red seal printed over some of the digits, the page
turned by up to a degree or two, paper grey, noise and JPEG compression. The page knows which
numbers are on it (``numbers``: they must be found) and which look-alikes (``decoys``: dates,
amounts, masked numbers, landlines, the document number) must stay silent.

Every number is fictional but valid: real county area codes, real birth dates, the GB 11643
check character, real mobile prefixes, Luhn-valid card numbers with real bank prefixes.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ID_CARD, MOBILE_PHONE, BANK_CARD = "id_card", "mobile_phone", "bank_card"

FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"
SERIF = FONT_DIR / "NotoSerifSC-Regular-subset.ttf"
SANS_BOLD = FONT_DIR / "NotoSansSC-Bold-subset.ttf"

AREA_CODES = (
    "371502 371521 371522 371523 371524 371525 371526 371581 370102 370202 110105 "
    "310104 440106 510107 130102 410105 220102 320102 420106 610113"
).split()
MOBILE_PREFIXES = "130 133 135 136 137 138 139 150 151 152 158 159 177 180 186 187 189 199".split()
CARD_PREFIXES = "622202 622848 621700 622588 623058 621226 436742 524094".split()
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "子涵欣怡梓萱一诺浩宇雨泽俊杰思远嘉怡佳琪明轩晨曦若汐宇航文博语桐紫萱天佑沐阳"
SCHOOLS = ("东昌府区实验小学", "阳谷县第二实验小学", "茌平区振兴街道中学", "冠县东古城镇中心小学")
GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级")


# --- Numbers -------------------------------------------------------------------------------


def _id_check(first17: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def make_id(rng: random.Random, *, born_from: int = 1975, born_to: int = 2018) -> str:
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + _id_check(first17)


def make_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _luhn_check(body: str) -> str:
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def make_card(rng: random.Random, *, length: int | None = None) -> str:
    length = length or rng.choice([16, 19, 19, 19])
    prefix = rng.choice(CARD_PREFIXES)
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + _luhn_check(body)


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


# --- Drawing -------------------------------------------------------------------------------


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@dataclass
class ScannedPage:
    image: Image.Image
    dpi: int
    #: (kind, digits) of every number printed in full: screening must find each one.
    numbers: list[tuple[str, str]] = field(default_factory=list)
    #: Look-alikes printed on the page (dates, amounts, masked numbers, …): must stay silent.
    decoys: list[str] = field(default_factory=list)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, format="PNG", dpi=(self.dpi, self.dpi))
        return out.getvalue()

    def jpeg(self, quality: int = 85) -> bytes:
        out = io.BytesIO()
        self.image.convert("RGB").save(
            out, format="JPEG", quality=quality, dpi=(self.dpi, self.dpi)
        )
        return out.getvalue()


def _decoy(rng: random.Random, number_id: str, mobile: str) -> str:
    choice = rng.randrange(7)
    if choice == 0:
        return f"{rng.randrange(2023, 2026)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if choice == 1:
        return f"{rng.randrange(2023, 2026)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日"
    if choice == 2:
        return number_id[:6] + "********" + number_id[-4:]
    if choice == 3:
        return mobile[:3] + "****" + mobile[-4:]
    if choice == 4:
        return f"0635-{rng.randrange(2000000, 8999999)}"
    if choice == 5:
        return f"{rng.randrange(2023, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    return f"学号{rng.randrange(2023, 2026)}{rng.randrange(10**6):06d}"


def _draw_seal(size: int, rng: random.Random, name: str) -> Image.Image:
    """A round red seal (公章): ring, star, the body's name around the top. White background,
    to be multiplied onto the page like ink."""
    seal = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(seal)
    red = (rng.randrange(200, 235), rng.randrange(20, 60), rng.randrange(30, 70))
    ring = max(3, size // 40)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=red, width=ring)
    centre, star_r = size / 2, size * 0.14
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.4
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    draw.polygon(points, fill=red)
    glyph = font(SANS_BOLD, int(size * 0.12))
    span = math.radians(250)
    for i, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(name)
        tile = Image.new("L", (int(glyph.size * 2), int(glyph.size * 2)), 0)
        ImageDraw.Draw(tile).text((glyph.size // 2, glyph.size // 2), char, font=glyph, fill=255)
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        radius = size / 2 - ring * 2 - glyph.size * 0.75
        x = centre + radius * math.cos(angle) - tile.width / 2
        y = centre + radius * math.sin(angle) - tile.height / 2
        seal.paste(Image.new("RGB", tile.size, red), (int(x), int(y)), tile)
    # Ink is never even: some of the seal is faint (seeded: the same page every time).
    noise = np.random.default_rng(rng.randrange(2**32)).normal(128, 60, (size, size))
    mottled = Image.fromarray(np.where(noise > 110, 255, 0).astype(np.uint8), mode="L")
    return Image.composite(seal, Image.new("RGB", seal.size, "white"), mottled)


def make_scanned_list(
    rng: random.Random,
    *,
    dpi: int = 200,
    rows: int = 25,
    columns: Sequence[str] = (ID_CARD, MOBILE_PHONE),
    masked_share: float = 0.15,
    rotate: float | None = None,
    seal: bool = True,
    noise: bool = True,
    landscape: bool | None = None,
    paper: tuple[float, float] | None = None,
) -> ScannedPage:
    """One A4 page of a 公示名单, scanned at ``dpi``. ``columns`` picks the number columns
    (any of ``id_card``, ``mobile_phone``, ``bank_card``); ``masked_share`` of the rows
    already show the masked form (must stay silent); ``rotate`` in degrees (random within
    ±1.5° when ``None``); ``paper`` (inches) for a smaller sheet than A4, to keep tests fast."""
    if landscape is None:
        landscape = len(columns) > 2
    width_in, height_in = (11.69, 8.27) if landscape else (8.27, 11.69)
    if paper is not None:
        width_in, height_in = paper
    width, height = int(width_in * dpi), int(height_in * dpi)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    pt = dpi / 72
    body = font(SERIF, int(10.5 * pt))
    title_font = font(SANS_BOLD, int(15 * pt))
    school = rng.choice(SCHOOLS)
    margin = int(0.7 * dpi) if paper is None else int(0.25 * dpi)
    result = ScannedPage(page, dpi)

    title = f"{school}2025年秋季学期家庭经济困难学生生活补助名单公示"
    tw = draw.textlength(title, font=title_font)
    if tw > width - 2 * margin:
        title = title.replace("家庭经济困难学生", "")
        tw = draw.textlength(title, font=title_font)
    if tw > width - 2 * margin:
        title, title_font = f"{school}补助名单公示", body
        tw = draw.textlength(title, font=title_font)
    y = margin
    draw.text(((width - tw) / 2, y), title, font=title_font, fill="black")
    y += int(title_font.size * 2)
    number = rng.randrange(3, 40)
    start = date(2025, 9, rng.randrange(1, 20))
    sentence = (
        f"根据东教发〔2025〕{number}号文件，现将名单公示如下，公示期为"
        f"{start:%Y年%-m月%-d日}至{start + timedelta(days=4):%Y年%-m月%-d日}。"
    )
    result.decoys += [f"东教发〔2025〕{number}号", f"{start:%Y年%-m月%-d日}"]
    draw.text((margin, y), sentence, font=body, fill="black")
    y += int(body.size * 2.2)

    labels = {ID_CARD: "身份证号码", MOBILE_PHONE: "联系电话", BANK_CARD: "银行卡号"}
    headers = ["序号", "姓名", "年级", *[labels[c] for c in columns], "补助金额（元）", "备注"]
    table: list[list[str]] = []
    row_truths: list[tuple[list[tuple[str, str]], list[str]]] = []
    for index in range(1, rows + 1):
        id_number, mobile = make_id(rng, born_from=2008, born_to=2018), make_mobile(rng)
        cells = [str(index), make_name(rng), rng.choice(GRADES)]
        masked = rng.random() < masked_share
        numbers: list[tuple[str, str]] = []
        decoys: list[str] = []
        for column in columns:
            if column == ID_CARD:
                full, value = id_number, id_number[:6] + "********" + id_number[-4:]
            elif column == MOBILE_PHONE:
                full, value = mobile, mobile[:3] + "****" + mobile[-4:]
            else:
                full = make_card(rng)
                value = full[:4] + " **** **** " + full[-4:]
            if masked:
                decoys.append(value)
            else:
                numbers.append((column, full))
                value = full
            cells.append(value)
        amount = rng.choice(["1,000.00", "1500.00", "625", "2,500.00", "750.00"])
        remark = _decoy(rng, id_number, mobile)
        decoys += [amount, remark]
        cells += [amount, remark]
        table.append(cells)
        row_truths.append((numbers, decoys))

    pad = int(0.6 * body.size)
    widths = [
        int(max(draw.textlength(row[i], font=body) for row in [headers, *table]) + 2 * pad)
        for i in range(len(headers))
    ]
    spare = width - 2 * margin - sum(widths)
    if spare > 0:
        widths = [w + spare // len(widths) for w in widths]
    row_height = int(body.size * 1.9)
    x0 = margin
    line = max(1, dpi // 100)
    for r, row in enumerate([headers, *table]):
        if y > height - margin - 2 * row_height:
            break  # the page is full: the rest of the list is on the next page
        if r:
            result.numbers += row_truths[r - 1][0]
            result.decoys += row_truths[r - 1][1]
        x = x0
        for c, text in enumerate(row):
            draw.rectangle((x, y, x + widths[c], y + row_height), outline="black", width=line)
            tx = x + (widths[c] - draw.textlength(text, font=body)) / 2
            draw.text((tx, y + (row_height - body.size) / 2 - body.size * 0.1), text, font=body,
                      fill="black")  # fmt: skip
            x += widths[c]
        y += row_height
    y += int(body.size * 1.5)
    sign = f"{school}　2025年9月{rng.randrange(1, 28)}日"
    draw.text((width - margin - draw.textlength(sign, font=body), y), sign, font=body,
              fill="black")  # fmt: skip

    if seal:
        size = int(1.65 * dpi)  # a 42 mm seal
        stamp = _draw_seal(size, rng, school)
        # Over the number columns of the last rows, as seals over a list's foot often are.
        first_number_column = sum(widths[:3])
        span = sum(widths[3 : 3 + len(columns)])
        cx = x0 + first_number_column + rng.randrange(max(1, span - size // 2)) + size // 4
        cy = y - rng.randrange(size // 3, size)
        region = (cx - size // 2, cy - size // 2)
        patch = page.crop((*region, region[0] + size, region[1] + size))
        page.paste(ImageChops.multiply(patch, stamp), region)

    # The scan: paper grey, a slight turn, blur, noise, JPEG.
    angle = rng.uniform(-1.5, 1.5) if rotate is None else rotate
    scanned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor="white")
    if noise:
        pixels = np.asarray(scanned, dtype=np.float32) * (rng.randrange(228, 245) / 255)
        pixels += np.random.default_rng(rng.randrange(2**32)).normal(0, 9, pixels.shape[:2])[
            ..., None
        ]
        scanned = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        scanned = scanned.filter(ImageFilter.GaussianBlur(0.5 * dpi / 200))
        out = io.BytesIO()
        scanned.save(out, format="JPEG", quality=rng.randrange(70, 88))
        scanned = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    result.image = scanned
    return result


def image_pdf(pages: Sequence[Image.Image], *, dpi: int = 200) -> bytes:
    """A PDF of page images and nothing else (what a scanner writes): no text layer."""
    out = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=dpi)
    return out.getvalue()


def multipage_tiff(pages: Sequence[Image.Image], *, dpi: int = 200) -> bytes:
    out = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(
        out, format="TIFF", save_all=True, append_images=rest, compression="tiff_deflate",
        dpi=(dpi, dpi),
    )  # fmt: skip
    return out.getvalue()
