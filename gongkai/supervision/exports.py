"""Writing tables to xlsx and PDF (reportlab's built-in CID font renders Chinese)."""

from __future__ import annotations

import io
from typing import Any

from gongkai.core.spreadsheets import append_row

PDF_FONT = "STSong-Light"


def xlsx_workbook(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            append_row(sheet, row)  # formula-safe: organisation names are typed by people
        for cell in sheet[1] if rows else []:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_document(blocks: list[tuple[str, Any]], *, landscape_page: bool = False) -> bytes:
    """Blocks: ("title"|"heading"|"text", str) or ("table", rows)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    styles = {
        "title": ParagraphStyle("t", fontName=PDF_FONT, fontSize=16, leading=22, spaceAfter=8),
        "heading": ParagraphStyle("h", fontName=PDF_FONT, fontSize=13, leading=18, spaceBefore=8),
        "text": ParagraphStyle("p", fontName=PDF_FONT, fontSize=10, leading=15, wordWrap="CJK"),
        "cell": ParagraphStyle("c", fontName=PDF_FONT, fontSize=7, leading=9, wordWrap="CJK"),
        "tiny": ParagraphStyle("s", fontName=PDF_FONT, fontSize=4.5, leading=6, wordWrap="CJK"),
    }
    pagesize = landscape(A4) if landscape_page else A4
    margin = 36
    available = pagesize[0] - 2 * margin
    story: list[Any] = []
    for kind, value in blocks:
        if kind == "table":
            columns = max(len(row) for row in value)
            style = styles["cell"] if columns <= 12 else styles["tiny"]
            data = [[Paragraph(_escape(str(v)), style) for v in row] for row in value]
            # The first column holds names: it gets three shares of the width.
            share = available / (columns + 2)
            table = Table(data, repeatRows=1, colWidths=[3 * share] + [share] * (columns - 1))
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 1),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                    ]
                )
            )
            story.extend([table, Spacer(1, 6)])
        else:
            story.append(Paragraph(_escape(str(value)), styles[kind]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        title="监督评估",
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    ).build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
