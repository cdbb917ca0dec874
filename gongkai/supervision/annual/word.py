"""The report as a Word document laid out like a 公文 (GB/T 9704): A4, title in 方正小标宋简体,
headings in 黑体, text in 仿宋_GB2312, tables with real merged cells (gridSpan, vMerge).

Fonts are named on styles with Chinese names (never Word's English "Heading 1"), with the
East-Asian slot set (``w:eastAsia``) because Word picks the font for Chinese text from that
slot alone. The font table names what Word may use where a machine lacks the official fonts
(``w:altName``): 宋体 for 方正小标宋简体, 仿宋 for 仿宋_GB2312.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from gongkai.supervision.annual import layout
from gongkai.supervision.annual.document import outline
from gongkai.supervision.models import AnnualReport

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
#: Word's substitutes where the official fonts are not installed (w:altName), with GB2312's
#: charset so Word treats them as Chinese fonts.
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei"}

#: (style name, East-Asian font, Latin font, size in pt, bold, centred, outline level)
STYLES = {
    "title": ("报告标题", TITLE_FONT, TITLE_FONT, 22, False, True, None),
    "heading": ("报告一级标题", HEADING_FONT, HEADING_FONT, 16, False, False, 0),
    "body": ("报告正文", BODY_FONT, LATIN_FONT, 16, False, False, None),
    "cell": ("表格文字", BODY_FONT, LATIN_FONT, 9, False, True, None),
    "cell_header": ("表格表头", HEADING_FONT, HEADING_FONT, 9, False, True, None),
    "cell_label": ("表格行名", BODY_FONT, LATIN_FONT, 9, False, False, None),
}
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}  # GB/T 9704
TEXT_WIDTH_MM = 210 - 28 - 26


def set_fonts(element: Any, east_asian: str, latin: str) -> None:
    """Name the font in every slot of a style's or run's rPr (ascii, hAnsi, eastAsia, cs)."""
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for slot, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin),
                        ("w:eastAsia", east_asian)):  # fmt: skip
        fonts.set(qn(slot), value)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _styles(doc: Any) -> None:
    styles = doc.styles
    # Defaults for anything without a style of ours: Chinese text in 仿宋_GB2312.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    r_pr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = r_pr_default.find(qn("w:rFonts"))
    for theme in list(fonts.attrib):
        del fonts.attrib[theme]
    for slot, value in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT),
                        ("w:eastAsia", BODY_FONT), ("w:cs", LATIN_FONT)):  # fmt: skip
        fonts.set(qn(slot), value)
    lang = r_pr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr_default.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, east_asian, latin, size, bold, centred, level in STYLES.values():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = None
        style.quick_style = True
        set_fonts(style.element, east_asian, latin)
        style.font.size = Pt(size)
        style.font.bold = bold
        fmt = style.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        if centred:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if size >= 16:
            # 公文: 22 lines a page, about 28.95 pt each.
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(28.95)
        if name == STYLES["body"][0]:
            fmt.first_line_indent = Pt(size * 2)
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if name == STYLES["heading"][0]:
            fmt.first_line_indent = Pt(size * 2)
            fmt.keep_with_next = True
        if level is not None:
            outline_level = OxmlElement("w:outlineLvl")
            outline_level.set(qn("w:val"), str(level))
            style.element.get_or_add_pPr().append(outline_level)


def _font_table(doc: Any) -> None:
    from lxml import etree

    part = doc.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for font, alternative in FALLBACKS.items():
        entry = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{font}"><w:altName w:val="{alternative}"/>'
            '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>'
            "</w:font>"
        )
        root.append(entry)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)


def _borders(table: Any) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)
    # Narrow margins (1 mm) so the figures' headers wrap two characters a line, as in print.
    margins = parse_xml(
        f"<w:tblCellMar {nsdecls('w')}>"
        + "".join(f'<w:{side} w:w="57" w:type="dxa"/>' for side in ("left", "right"))
        + "</w:tblCellMar>"
    )
    table._tbl.tblPr.append(margins)


def _table(doc: Any, grid: layout.Table) -> None:
    table = doc.add_table(rows=grid.rows, cols=grid.columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    layout_el = OxmlElement("w:tblLayout")
    layout_el.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout_el)
    total = sum(grid.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in grid.widths]
    for index, column in enumerate(table.columns):
        column.width = widths[index]
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = widths[index]
    for r, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if r < grid.header_rows:
            properties.append(OxmlElement("w:tblHeader"))  # repeated at the top of each page
    for anchor in grid.cells:
        cell = table.cell(anchor.row, anchor.column)
        if anchor.rowspan > 1 or anchor.colspan > 1:
            cell = cell.merge(
                table.cell(anchor.row + anchor.rowspan - 1, anchor.column + anchor.colspan - 1)
            )
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.style = doc.styles[STYLES[anchor.style][0]]
        # Every row keeps with the next, so Word moves a table that fits one page to a page
        # of its own rather than splitting it after a row or two.
        paragraph.paragraph_format.keep_with_next = anchor.row + anchor.rowspan < grid.rows
        paragraph.add_run(anchor.text)


def render_docx(report: AnnualReport) -> bytes:
    doc = Document()
    _page(doc)
    _styles(doc)
    _font_table(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    plan = outline(report)
    title = body if body is not None else doc.add_paragraph()
    title.style = doc.styles[STYLES["title"][0]]
    for index, line in enumerate(plan.title_lines):
        run = title.add_run(line)
        if index < len(plan.title_lines) - 1:
            run.add_break()
    doc.add_paragraph("", style=STYLES["body"][0])
    doc.add_paragraph(plan.preface, style=STYLES["body"][0])
    for section in plan.sections:
        doc.add_paragraph(section.title, style=STYLES["heading"][0])
        for text in section.paragraphs:
            doc.add_paragraph(text, style=STYLES["body"][0])
        if section.table is not None:
            _table(doc, section.table)
            doc.add_paragraph("", style=STYLES["body"][0])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
