"""The report as a PDF laid out like the printed 公文: A4 with GB/T 9704's margins, a bold
serif title (the role 方正小标宋 plays), headings in a sans face (黑体), serif text, tables
with the form's merged header cells, page numbers as "— 1 —". The fonts are embedded
(``core.pdffonts``), so the file reads the same on a machine with no Chinese font."""

from __future__ import annotations

import io
from typing import Any

from gongkai.core import pdffonts
from gongkai.supervision.annual import layout
from gongkai.supervision.annual.document import outline
from gongkai.supervision.models import AnnualReport

MM = 72 / 25.4
MARGINS = {"top": 37 * MM, "bottom": 35 * MM, "left": 28 * MM, "right": 26 * MM}


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    serif, serif_bold, sans_bold = pdffonts.register()
    cell = {"fontSize": 9, "leading": 11.5, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontName=serif_bold, fontSize=20, leading=30,
                                alignment=TA_CENTER, spaceAfter=18, wordWrap="CJK"),
        "heading": ParagraphStyle("heading", fontName=sans_bold, fontSize=15, leading=26,
                                  firstLineIndent=30, spaceBefore=4, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=serif, fontSize=14, leading=26,
                               firstLineIndent=28, alignment=TA_JUSTIFY, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=serif, alignment=TA_CENTER, **cell),
        "cell_header": ParagraphStyle("cell_header", fontName=serif_bold, alignment=TA_CENTER,
                                      **cell),
        "cell_label": ParagraphStyle("cell_label", fontName=serif, alignment=TA_LEFT, **cell),
    }  # fmt: skip


def _paragraph(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(pdffonts.markup(text, style.fontName), style)


def _table(grid: layout.Table, styles: dict[str, Any], width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        # Covered cells are drawn as empty strings in the cell font: make it ours, not the
        # default Helvetica, which would be named in the file without being embedded.
        ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for row in grid.grid():
        line: list[Any] = []
        for cell in row:
            if cell is None:
                line.append("")
                continue
            line.append(_paragraph(cell.text, styles[cell.style]))
            if cell.rowspan > 1 or cell.colspan > 1:
                end = (cell.column + cell.colspan - 1, cell.row + cell.rowspan - 1)
                commands.append(("SPAN", (cell.column, cell.row), end))
        data.append(line)
    total = sum(grid.widths)
    table = Table(data, colWidths=[width * w / total for w in grid.widths],
                  repeatRows=grid.header_rows, hAlign="CENTER")  # fmt: skip
    table.setStyle(TableStyle(commands))
    return table


def _page_number(canvas: Any, doc: Any) -> None:
    serif, _, _ = pdffonts.register()
    canvas.saveState()
    canvas.setFont(serif, 12)
    canvas.drawCentredString(doc.pagesize[0] / 2, 20 * MM, f"— {doc.page} —")
    canvas.restoreState()


def render_pdf(report: AnnualReport) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    plan = outline(report)
    width = A4[0] - MARGINS["left"] - MARGINS["right"]
    title = "<br/>".join(
        pdffonts.markup(line, styles["title"].fontName) for line in plan.title_lines
    )
    story: list[Any] = [Paragraph(title, styles["title"]), _paragraph(plan.preface, styles["body"])]
    for section in plan.sections:
        block = [_paragraph(section.title, styles["heading"])]
        block.extend(_paragraph(text, styles["body"]) for text in section.paragraphs)
        if section.table is None:
            story.extend(block)
            continue
        # A table starts on the page of its heading and is not split after a row or two:
        # table 三 fits one page, as in print.
        block.extend([Spacer(1, 6), _table(section.table, styles, width)])
        story.extend([KeepTogether(block), Spacer(1, 10)])
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=plan.title,
        author=report.organisation.name,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        # Without an initial font of ours the canvas names Helvetica, which is not embedded.
        initialFontName=pdffonts.SERIF,
    ).build(
        story,
        onFirstPage=_page_number,
        onLaterPages=_page_number,
    )
    return buffer.getvalue()
