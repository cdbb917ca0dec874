"""CJK fonts embedded in the PDFs Gongkai writes, shipped in ``core/fonts`` (Noto CJK SC
subsets, SIL Open Font License; see ``fonts/build.py``). Nothing is looked up on the machine
and nothing is downloaded: a reader without any Chinese font sees the same page.

ReportLab embeds TrueType fonts as subsets (``FontFile2``), so a report carries only the glyphs
it uses. The bold faces hold GB2312's characters; ``markup`` sets any other character in the
regular face, which holds the whole CJK Unified Ideographs block.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).parent / "fonts"
SERIF = "GongkaiSerif"  # body text and tables (宋体 style)
SERIF_BOLD = "GongkaiSerifBold"  # titles (the role 方正小标宋 plays in print)
SANS_BOLD = "GongkaiSansBold"  # headings (黑体)
FILES = {
    SERIF: "NotoSerifSC-Regular-subset.ttf",
    SERIF_BOLD: "NotoSerifSC-Bold-subset.ttf",
    SANS_BOLD: "NotoSansSC-Bold-subset.ttf",
}

#: Chinese punctuation that may not begin a line.
CANNOT_START_LINE = "，。、；：？！”’）》〉」』】〕…—·％"


@cache
def register() -> tuple[str, str, str]:
    """Register the fonts with ReportLab once per process; returns their names."""
    from reportlab.lib import textsplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import paragraph

    # ReportLab's list of characters that may not start a line is Japanese: add Chinese
    # full-width punctuation, or "，" and "。" begin lines (GB/T 15834 forbids it). Both
    # line breakers (one frag, several frags) read their module's copy.
    for module in (textsplit, paragraph):
        if "，" not in module.ALL_CANNOT_START:
            module.ALL_CANNOT_START += CANNOT_START_LINE
    for name, filename in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    return SERIF, SERIF_BOLD, SANS_BOLD


@cache
def _characters(font: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register()
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def markup(text: str, font: str) -> str:
    """``text`` escaped for a ReportLab Paragraph set in ``font``, each run of characters the
    font lacks wrapped in the regular face."""
    if font == SERIF:
        return escape(text)
    own = _characters(font)
    out: list[str] = []
    run: list[str] = []
    for char in text:
        if ord(char) in own or char.isspace():
            if run:
                out.append(f'<font name="{SERIF}">{escape("".join(run))}</font>')
                run = []
            out.append(escape(char))
        else:
            run.append(char)
    if run:
        out.append(f'<font name="{SERIF}">{escape("".join(run))}</font>')
    return "".join(out)
