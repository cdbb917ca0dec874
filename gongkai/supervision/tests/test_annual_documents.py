"""The annual report's HTML, Word and PDF are the official form of 国办公开办函〔2021〕30号,
cell by cell; their narrative quotes the numbers of their tables; a stale report is not filed.

The expected layout below is written out from the form itself (国办公开办函〔2021〕30号,
tables 二 to 四), not from the code that draws it: (text, row, column, rowspan, colspan).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import html as lxml_html
from pypdf import PdfReader

from gongkai.records.models import Record
from gongkai.supervision import annual
from gongkai.supervision.models import AnnualReport
from gongkai.supervision.testing import Team, make_application, make_remedy

pytestmark = pytest.mark.django_db
D = date

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
KINDS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
THREE_HEADER = {
    (NOTE, 0, 0, 3, 3), ("申请人情况", 0, 3, 1, 7), ("自然人", 1, 3, 2, 1),
    ("法人或其他组织", 1, 4, 1, 5), ("总计", 1, 9, 2, 1),
    *((kind, 2, 4 + i, 1, 1) for i, kind in enumerate(KINDS)),
}  # fmt: skip
WITHHELD = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
            "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
            "7.属于行政执法案卷", "8.属于行政查询事项"]  # fmt: skip
UNAVAILABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
               "3.补正后申请内容仍不明确"]  # fmt: skip
NOT_PROCESSED = ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                 "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]  # fmt: skip
OTHER = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "3.其他"]  # fmt: skip
THREE_LABELS = {
    ("一、本年新收政府信息公开申请数量", 3, 0, 1, 3),
    ("二、上年结转政府信息公开申请数量", 4, 0, 1, 3),
    ("三、本年度办理结果", 5, 0, 22, 1),
    ("（一）予以公开", 5, 1, 1, 2),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 6, 1, 1, 2),
    ("（三）不予公开", 7, 1, 8, 1), *((t, 7 + i, 2, 1, 1) for i, t in enumerate(WITHHELD)),
    ("（四）无法提供", 15, 1, 3, 1), *((t, 15 + i, 2, 1, 1) for i, t in enumerate(UNAVAILABLE)),
    ("（五）不予处理", 18, 1, 5, 1), *((t, 18 + i, 2, 1, 1) for i, t in enumerate(NOT_PROCESSED)),
    ("（六）其他处理", 23, 1, 3, 1), *((t, 23 + i, 2, 1, 1) for i, t in enumerate(OTHER)),
    ("（七）总计", 26, 1, 1, 2),
    ("四、结转下年度继续办理", 27, 0, 1, 3),
}  # fmt: skip
#: The fixture's 表三 (conftest ``applications``), row by row from r1 to r4, columns 自然人,
#: 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
THREE_VALUES = {
    3: [2, 1, 1, 1, 1, 1, 7], 4: [2, 0, 0, 0, 0, 0, 2], 5: [2, 0, 0, 0, 0, 0, 2],
    6: [1, 0, 0, 0, 0, 0, 1], 10: [0, 1, 0, 0, 0, 0, 1], 15: [0, 0, 0, 0, 1, 0, 1],
    19: [0, 0, 0, 1, 0, 0, 1], 23: [0, 0, 0, 0, 0, 1, 1], 26: [3, 1, 0, 1, 1, 1, 7],
    27: [1, 0, 1, 0, 0, 0, 2],
}  # fmt: skip
OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
FOUR_LAYOUT = {
    ("行政复议", 0, 0, 2, 5), ("行政诉讼", 0, 5, 1, 10), ("未经复议直接起诉", 1, 5, 1, 5),
    ("复议后起诉", 1, 10, 1, 5), *((OUTCOMES[i % 5], 2, i, 1, 1) for i in range(15)),
}  # fmt: skip
FOUR_VALUES = [1, 0, 0, 1, 2, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1]
TWO_LAYOUT = {
    ("第二十条第（一）项", 0, 0, 1, 4), ("信息内容", 1, 0, 1, 1), ("本年制发件数", 1, 1, 1, 1),
    ("本年废止件数", 1, 2, 1, 1), ("现行有效件数", 1, 3, 1, 1), ("规章", 2, 0, 1, 1),
    ("行政规范性文件", 3, 0, 1, 1),
    ("第二十条第（五）项", 4, 0, 1, 4), ("信息内容", 5, 0, 1, 1), ("本年处理决定数量", 5, 1, 1, 3),
    ("行政许可", 6, 0, 1, 1),
    ("第二十条第（六）项", 7, 0, 1, 4), ("信息内容", 8, 0, 1, 1), ("本年处理决定数量", 8, 1, 1, 3),
    ("行政处罚", 9, 0, 1, 1), ("行政强制", 10, 0, 1, 1),
    ("第二十条第（八）项", 11, 0, 1, 4), ("信息内容", 12, 0, 1, 1),
    ("本年收费金额（单位：万元）", 12, 1, 1, 3), ("行政事业性收费", 13, 0, 1, 1),
}  # fmt: skip


@pytest.fixture
def report(county, applications, supervisor):
    report = annual.draft_report(county, 2025, by=supervisor)
    return annual.save_report(
        report, by=supervisor, manual={"fees": {"amount": "1.25"}},
        sections={"1": "政府信息管理方面，完善了公开前审查制度。"},
    )  # fmt: skip


# --- Reading the three formats back into (text, row, column, rowspan, colspan) -------------


def cells_of_html_table(table) -> set[tuple[str, int, int, int, int]]:
    taken: set[tuple[int, int]] = set()
    found = set()
    for r, tr in enumerate(table.findall(".//tr")):
        c = 0
        for cell in tr:
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            found.add((cell.text_content().strip(), r, c, rs, cs))
            taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
            c += cs
    return found


def cells_of_docx_table(table) -> set[tuple[str, int, int, int, int]]:
    """From the XML: w:gridSpan for columns, w:vMerge restart/continue for rows."""
    anchors: dict[tuple[int, int], list] = {}
    open_by_column: dict[int, list] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
            cs = int(span.get(qn("w:val"))) if span is not None else 1
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            value = merge.get(qn("w:val")) if merge is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
            if merge is not None and value != "restart":
                open_by_column[c][3] += 1  # continues the cell above
            else:
                entry = [text, r, c, 1, cs]
                anchors[(r, c)] = entry
                open_by_column[c] = entry
            c += cs
    return {tuple(entry) for entry in anchors.values()}


def html_tables(report):
    page = lxml_html.fromstring(annual.render_html(report))
    return {key: page.find_class(f"annual-{key}")[0] for key in ("two", "three", "four")}


def assert_official_layout(found, values_of) -> None:
    three, four, two = found["three"], found["four"], found["two"]
    assert three >= THREE_HEADER
    assert three >= THREE_LABELS
    for r in range(3, 28):
        expected = THREE_VALUES.get(r, [0] * 7)
        assert [values_of(three, r, 3 + k) for k in range(7)] == [str(v) for v in expected], r
    assert len(three) == len(THREE_HEADER) + len(THREE_LABELS) + 25 * 7
    assert four >= FOUR_LAYOUT
    assert [values_of(four, 3, c) for c in range(15)] == [str(v) for v in FOUR_VALUES]
    assert len(four) == len(FOUR_LAYOUT) + 15
    assert len(two) == len(TWO_LAYOUT) + 10
    assert two >= TWO_LAYOUT
    assert ("1.25", 13, 1, 1, 3) in two


def value_at(cells, r, c) -> str:
    (text,) = [t for t, row, col, rs, cs in cells if (row, col, rs, cs) == (r, c, 1, 1)]
    return text


def test_html_tables_are_the_official_form_cell_by_cell(report):
    tables = html_tables(report)
    assert_official_layout({k: cells_of_html_table(t) for k, t in tables.items()}, value_at)
    # Column headers are <th scope="col">, row labels <th scope="row">: readable by a screen reader.
    assert tables["three"].xpath('.//th[@scope="row"][normalize-space()="（七）总计"]')
    assert tables["four"].xpath('.//th[@scope="col"][normalize-space()="复议后起诉"]')


def test_the_filed_record_body_keeps_the_merged_cells(county, applications):
    team = Team(county)
    report = annual.draft_report(county, 2025, by=team.clerk)
    record = annual.file_report(report, by=team.clerk)
    body = lxml_html.fromstring(f"<div>{record.body}</div>")
    tables = body.findall(".//table")
    assert [len(cells_of_html_table(t)) for t in tables] == [
        len(TWO_LAYOUT) + 10, len(THREE_HEADER) + len(THREE_LABELS) + 175, len(FOUR_LAYOUT) + 15,
    ]  # fmt: skip
    assert cells_of_html_table(tables[1]) >= THREE_LABELS


# --- Word ------------------------------------------------------------------------------------


def test_docx_tables_have_real_merged_cells_in_the_official_layout(report):
    doc = Document(io.BytesIO(annual.render_docx(report)))
    assert len(doc.tables) == 3
    found = dict(zip(("two", "three", "four"), map(cells_of_docx_table, doc.tables), strict=True))
    assert_official_layout(found, value_at)
    header = doc.tables[1].rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeated on a new page


def test_docx_is_a4_with_official_fonts_on_chinese_named_styles(report):
    data = annual.render_docx(report)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    paragraphs = list(doc.paragraphs) + [
        p for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs
    ]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    names = {p.style.name for p in paragraphs}
    assert all(cjk.search(name) for name in names), names  # no "Heading 1", no "Normal"

    def east_asian(style_name: str) -> str:
        fonts = doc.styles[style_name].element.rPr.find(qn("w:rFonts"))
        return fonts.get(qn("w:eastAsia"))

    title, heading, body = doc.paragraphs[0], doc.paragraphs[3], doc.paragraphs[4]
    assert "2025年政府信息公开工作年度报告" in title.text
    assert east_asian(title.style.name) == "方正小标宋简体"
    assert heading.text == "一、总体情况" and east_asian(heading.style.name) == "黑体"
    assert east_asian(body.style.name) == "仿宋_GB2312"
    assert heading.style.element.pPr.find(qn("w:outlineLvl")) is not None
    assert doc.styles[body.style.name].font.size.pt == 16  # 三号
    # Fallbacks Word uses where the official fonts are missing.
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', font_table)
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="宋体"/>', font_table)


# --- PDF -------------------------------------------------------------------------------------


def pdf_fragments(page) -> list[tuple[float, float, str]]:
    """(x, y, text) of each line of text on the page, in page coordinates. A line set in
    several font subsets comes as several pieces drawn in one paragraph (same transformation,
    same baseline): they are joined."""
    pieces: list[tuple[tuple, float, float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((tuple(cm), tm[5], x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    found: list[list] = []
    previous = None
    for cm, baseline, x, y, text in pieces:
        if previous == (cm, baseline) and found:
            found[-1][2] += text
        else:
            found.append([x, y, text])
        previous = (cm, baseline)
    return [tuple(f) for f in found]


def pdf_page_with(reader, text):
    return next(p for p in reader.pages if text in p.extract_text())


def test_pdf_tables_read_cell_by_cell_as_the_official_form(report):
    reader = PdfReader(io.BytesIO(annual.render_pdf(report)))
    assert all(abs(float(p.mediabox.width) - 595.28) < 1 for p in reader.pages)  # A4
    assert all(abs(float(p.mediabox.height) - 841.89) < 1 for p in reader.pages)
    page = pdf_page_with(reader, "一、本年新收政府信息公开申请数量")
    frags = pdf_fragments(page)
    text = "".join(t for _, _, t in frags)
    for label, *_ in THREE_HEADER | THREE_LABELS:
        assert label in text or all(part in text for part in re.findall(r".{1,6}", label)), label

    def position(label):
        (found,) = [(x, y) for x, y, t in frags if t == label]
        return found

    def row_numbers(label):
        _, y = position(label)
        return [t for x, yy, t in sorted(frags) if abs(yy - y) < 1 and re.fullmatch(r"\d+", t)]

    one_line = {3: "一、本年新收政府信息公开申请数量", 4: "二、上年结转政府信息公开申请数量",
                5: "（一）予以公开", 26: "（七）总计", 27: "四、结转下年度继续办理",
                **{7 + i: t for i, t in enumerate(WITHHELD)},
                **{18 + i: t for i, t in enumerate(NOT_PROCESSED[:4])}}  # fmt: skip
    for r, label in one_line.items():
        assert row_numbers(label) == [str(v) for v in THREE_VALUES.get(r, [0] * 7)], label
    # Merged cells: a header spanning columns is centred over them; a label spanning rows is
    # centred between its first and last row; the three label levels step right.
    columns = [
        x for x, y, t in sorted(frags) if abs(y - position(one_line[3])[1]) < 1 and t.isdigit()
    ]

    def centre(label, size=9.0):
        x, _ = position(label)
        return x + len(label) * size / 2

    assert abs(centre("申请人情况") - (columns[0] + columns[6]) / 2) < 6
    assert abs(centre("法人或其他组织") - (columns[1] + columns[5]) / 2) < 6
    assert position("申请人情况")[1] > position("法人或其他组织")[1] > position("商业")[1]
    assert position("法人或其他组织")[1] > position("总计")[1] > position("商业")[1] - 12
    first, last = position("（一）予以公开")[1], position("（七）总计")[1]
    merged = next(y for x, y, t in frags if t.startswith("三、本年"))
    assert last < merged < first
    assert (
        position("一、本年新收政府信息公开申请数量")[0]
        < position("（一）予以公开")[0]
        < position(WITHHELD[0])[0]
    )
    # 表四: one row of 15 figures under the two-level header.
    frags = next(
        f for f in map(pdf_fragments, reader.pages) if any(t == "复议后起诉" for *_, t in f)
    )
    (y_four,) = {y for x, y, t in frags if t == "行政复议"}
    (y_suit,) = {y for x, y, t in frags if t == "行政诉讼"}
    assert y_four < y_suit  # 行政复议 spans the header's first two rows
    figures = [(x, y) for x, y, t in frags if re.fullmatch(r"\d", t) and y < y_four - 20]
    lowest = min(y for _, y in figures)
    row = [t for x, y, t in sorted(frags) if abs(y - lowest) < 1 and re.fullmatch(r"\d", t)]
    assert row == [str(v) for v in FOUR_VALUES]


def test_pdf_embeds_its_chinese_fonts(report):
    reader = PdfReader(io.BytesIO(annual.render_pdf(report)))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font
                      else font)["/FontDescriptor"].get_object()  # fmt: skip
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
    assert any("NotoSerifCJKsc" in name for name in fonts)
    assert any("NotoSansCJKsc" in name for name in fonts)  # headings (黑体)


def test_a_rare_character_missing_from_the_bold_face_is_still_printed(county, supervisor):
    county.name = "堌堆镇教育办公室"  # 堌 is not in GB2312, so not in the bold title face
    county.save()
    report = annual.draft_report(county, 2025, by=supervisor)
    reader = PdfReader(io.BytesIO(annual.render_pdf(report)))
    assert "堌堆镇教育办公室" in reader.pages[0].extract_text()


# --- The narrative quotes the tables ---------------------------------------------------------

NUMBERS = {
    "本年新收政府信息公开申请(\\d+)件": ("three", "r1", "total"),
    "上年结转(\\d+)件": ("three", "r2", "total"),
    "本年度办结(\\d+)件": ("three", "r3_7", "total"),
    "结转下年度继续办理(\\d+)件": ("three", "r4", "total"),
    "自然人(\\d+)件": ("three", "r1", "natural"),
    "被申请行政复议(\\d+)件": ("four", "review", "total"),
    "现行有效(\\d+)件": ("two", "normative", "in_force"),
}


def assert_narrative_matches(text: str, tables: dict) -> None:
    text = re.sub(r"\s+", "", text)
    for pattern, (table, row, column) in NUMBERS.items():
        match = re.search(pattern, text)
        assert match, pattern
        assert int(match.group(1)) == tables[table][row][column], pattern


def exported_texts(report) -> list[str]:
    doc = Document(io.BytesIO(annual.render_docx(report)))
    pdf = PdfReader(io.BytesIO(annual.render_pdf(report)))
    return [
        lxml_html.fromstring(annual.render_html(report)).text_content(),
        "\n".join(p.text for p in doc.paragraphs),
        "".join(p.extract_text() for p in pdf.pages),
    ]


def test_the_narrative_in_every_format_quotes_the_numbers_of_its_tables(report):
    for text in exported_texts(report):
        assert_narrative_matches(text, report.tables)
        assert "政府信息管理方面，完善了公开前审查制度。" in re.sub(r"\s+", "", text)


def test_recomputing_refreshes_the_tables_and_the_narrative_together(county, report, supervisor):
    make_application(county, kind="business", received_on=D(2025, 11, 3))
    assert annual.stale_numbers(report)
    before = report.tables["three"]["r1"]["total"]
    report = annual.save_report(report, by=supervisor, recompute=True)
    assert report.tables["three"]["r1"]["total"] == before + 1
    assert report.tables["two"]["fees"] == {"amount": "1.25"}  # kept by hand, kept
    assert annual.stale_numbers(report) == []
    for text in exported_texts(report):
        assert_narrative_matches(text, report.tables)
        assert f"本年新收政府信息公开申请{before + 1}件" in re.sub(r"\s+", "", text)


def test_filing_a_report_whose_numbers_are_stale_is_refused(county, applications):
    team = Team(county)
    report = annual.draft_report(county, 2025, by=team.clerk)
    make_application(county, received_on=D(2025, 12, 1))
    with pytest.raises(ValidationError) as refused:
        annual.file_report(report, by=team.clerk)
    message = " ".join(refused.value.messages)
    assert "不是最新数据" in message and "按最新数据重算" in message
    assert "一、本年新收政府信息公开申请数量”总计：报告中 7，最新数据 8" in message
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and report.record is None
    assert (
        not Record.objects.filter(organisation=county)
        .exclude(title__contains="规范")
        .filter(title__contains="年度报告")
        .exists()
    )
    annual.save_report(report, by=team.clerk, recompute=True)
    record = annual.file_report(report, by=team.clerk)
    assert "本年新收政府信息公开申请8件" in record.body


# --- One source for tables 三 and 四 ----------------------------------------------------------


def test_a_review_recorded_on_a_voided_registration_counts_in_table_four_only(county):
    """A voided registration is not an application (表三), but the review filed against the
    body is a case all the same (表四)."""
    voided = make_application(county, received_on=D(2025, 3, 2), status="void")
    make_remedy(voided, kind="review", filed_on=D(2025, 4, 1), outcome="upheld",
                decided_on=D(2025, 5, 1))  # fmt: skip
    tables = annual.compute_tables(county, 2025)
    assert tables["three"]["r1"]["total"] == 0
    assert tables["four"]["review"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1
    }  # fmt: skip
    assert annual.check_tables(tables) == []


def test_no_other_module_computes_the_annual_tables():
    import gongkai

    root = __import__("pathlib").Path(gongkai.__file__).parent
    definers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"^def table_(three|four)\(", path.read_text(encoding="utf-8"), re.M)
    )
    assert definers == ["supervision/annual/tables.py"]
