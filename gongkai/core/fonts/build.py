"""Rebuild the embedded PDF fonts from Noto CJK SC (SIL Open Font License 1.1).

Not run by Gongkai itself: the .ttf files it writes are committed. ReportLab embeds only
TrueType outlines, while Noto CJK ships PostScript (CFF) outlines, so each font is subset to
the characters official documents use and its outlines converted to quadratic curves:

    pip install fonttools
    python gongkai/core/fonts/build.py /usr/share/fonts/opentype/noto   # Debian's fonts-noto-cjk

The regular serif face keeps every character of the CJK Unified Ideographs block (U+4E00–
U+9FA5, which covers GBK's 21,000-odd and rare place-name characters such as 堌); the bold and
sans faces keep GB2312's 6,763, and the PDF writer falls back to the regular face per character.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).parent
#: (output, source collection, face index of "SC" in the collection, hanzi repertoire)
FONTS = (
    ("NotoSerifSC-Regular-subset.ttf", "NotoSerifCJK-Regular.ttc", "SC", "unified"),
    ("NotoSerifSC-Bold-subset.ttf", "NotoSerifCJK-Bold.ttc", "SC", "gb2312"),
    ("NotoSansSC-Bold-subset.ttf", "NotoSansCJK-Bold.ttc", "SC", "gb2312"),
)
SYMBOLS = [
    *range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2010, 0x2028), *range(0x2030, 0x203C),
    *range(0x2160, 0x216C), *range(0x2190, 0x2194), *range(0x2460, 0x2474), 0x2116, 0x2103,
    *range(0x25A0, 0x2600), 0x2610, 0x2611, 0x2612, 0x2713, 0x2714, 0x2715, 0x2717,
    *range(0x3000, 0x3040), *range(0xFF01, 0xFF5F), *range(0xFFE0, 0xFFE7),
]  # fmt: skip


def gb2312() -> set[int]:
    codes = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                codes.add(ord(bytes([high, low]).decode("gb2312")))
    return codes


def face(path: Path, region: str) -> TTFont:
    for index in range(10):
        font = TTFont(path, fontNumber=index)
        if font["name"].getDebugName(1).endswith(f" {region}"):
            return font
    raise SystemExit(f"{path} has no {region} face")


def to_truetype(font: TTFont) -> None:
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG", "GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    for name in order:
        width, _ = font["hmtx"][name]
        font["hmtx"][name] = (width, getattr(glyf[name], "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, attr, 0)
    font["post"].formatType = 3.0  # no glyph names: CID names mean nothing to a reader
    font.sfntVersion = "\x00\x01\x00\x00"


def build(source_dir: Path) -> None:
    hanzi = {"gb2312": gb2312(), "unified": set(range(0x4E00, 0x9FA6)) | gb2312()}
    for output, collection, region, repertoire in FONTS:
        font = face(source_dir / collection, region)
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(hanzi[repertoire] | set(SYMBOLS)))
        subsetter.subset(font)
        to_truetype(font)
        font.save(HERE / output)
        TTFont(HERE / output).save(HERE / output)  # recompiles maxp from the glyphs
        print(output, (HERE / output).stat().st_size)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto"))
