"""Parts of files that a reader meets without looking for them: drop-down lists and tooltips
of a spreadsheet, simple fields and embedded workbooks of a document, formulas copied down a
column; and a damaged part is reported, never skipped."""

from __future__ import annotations

import io
import zipfile

from gongkai.screening.extract import UNREADABLE, Problem, extract
from gongkai.screening.scan import scan_file
from gongkai.screening.testing import make_docx_parts, make_xlsx_parts, patch_zip


def where(data: bytes, name: str) -> set[tuple[str, str, str]]:
    return {(f.kind, f.value, f.location) for f in scan_file(io.BytesIO(data), name)}


def test_a_spreadsheets_drop_down_list_prompt_and_link_tooltip_are_read() -> None:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    choices = DataValidation(
        type="list", formula1='"13812345678,13912345678"', prompt="联系人电话15912345678"
    )
    sheet.add_data_validation(choices)
    choices.add("A1")
    sheet["B1"] = "家长联系方式"
    sheet["B1"].hyperlink = "https://example.cn/"
    sheet["B1"].hyperlink.tooltip = "电话13612345678"
    out = io.BytesIO()
    workbook.save(out)
    found = where(out.getvalue(), "a.xlsx")
    for mobile in ("13812345678", "13912345678", "15912345678"):
        assert ("mobile_phone", mobile, "工作表“Sheet”A1单元格数据验证") in found
    assert ("mobile_phone", "13612345678", "工作表“Sheet”B1单元格链接") in found


def test_a_formula_copied_down_a_column_is_evaluated_in_each_row() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名单"
    for row, (first, second) in ((2, ("电话138", "12345678")), (3, ("电话139", "87654321"))):
        sheet[f"B{row}"], sheet[f"C{row}"], sheet[f"A{row}"] = first, second, f"=B{row}&C{row}"
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    # The second row's formula a dependant of the first, as Excel saves a filled-down column.
    xml = xml.replace("<f>B2&amp;C2</f>", '<f t="shared" ref="A2:A3" si="0">B2&amp;C2</f>')
    xml = xml.replace("<f>B3&amp;C3</f>", '<f t="shared" si="0"/>')
    assert 'si="0"/>' in xml
    data = patch_zip(data, {"xl/worksheets/sheet1.xml": xml.encode()})
    found = where(data, "a.xlsx")
    assert ("mobile_phone", "13812345678", "工作表“名单”A2单元格") in found
    assert ("mobile_phone", "13987654321", "工作表“名单”A3单元格") in found


def test_a_documents_simple_field_code_and_an_embedded_workbook_are_read() -> None:
    data = make_docx_parts(body=["见下表。"])
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    field = (
        '<w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://example.cn/?t=13812345678&quot; ">'
        "<w:r><w:t>详情</w:t></w:r></w:fldSimple></w:p>"
    )
    document = document.replace("<w:sectPr", field + "<w:sectPr", 1)
    workbook = make_xlsx_parts(cells=["家长电话13912345678"])
    data = patch_zip(
        data,
        {
            "word/document.xml": document.encode(),
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook,
        },
    )
    found = where(data, "a.docx")
    assert ("mobile_phone", "13812345678", "第2段") in found
    assert (
        "mobile_phone",
        "13912345678",
        "嵌入的文件“Microsoft_Excel_Worksheet.xlsx”工作表“名单”A2单元格",
    ) in found


def test_a_damaged_part_is_reported_not_skipped() -> None:
    data = patch_zip(make_docx_parts(body=["正文"]), {"word/charts/chart1.xml": b"<c:chart>"})
    problems = [i for i in extract(io.BytesIO(data), "a.docx") if isinstance(i, Problem)]
    assert [p.kind for p in problems] == [UNREADABLE]
    assert "word/charts/chart1.xml" in problems[0].reason


def test_an_embedded_legacy_file_is_reported_for_a_person_to_check() -> None:
    data = patch_zip(
        make_docx_parts(body=["正文"]), {"word/embeddings/oleObject1.xls": b"\xd0\xcf\x11\xe0"}
    )
    findings = scan_file(io.BytesIO(data), "a.docx")
    assert [(f.kind, f.location) for f in findings] == [(UNREADABLE, "嵌入的文件“oleObject1.xls”")]
