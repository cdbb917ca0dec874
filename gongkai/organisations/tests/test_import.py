"""Importing organisation lists: created or updated by code, all or nothing, every error at once."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Kind, Organisation
from gongkai.organisations.services import import_organisations
from gongkai.organisations.testing import HEADERS, SHORT_HEADER, write_sheet
from gongkai.testing import make_uscc, make_user

pytestmark = pytest.mark.django_db

# 编码, 名称, 类型, 上级编码, 统一社会信用代码
CITY_ROW = ["X00", "样例市教育局", "市教育和体育局", "", ""]
COUNTY_ROW = ["X10", "样例县教体局", "县（市、区）教体局", "X00", ""]


def test_a_new_tree_is_created_parents_first_whatever_the_file_order(tmp_path):
    path = write_sheet(
        tmp_path / "tree.csv",
        [
            ["X11-01", "样例小学", "学校", "X11", make_uscc(1)],
            ["X11", "样例镇中心学校", "乡镇", "X10", make_uscc(2)],
            COUNTY_ROW,
            CITY_ROW,
        ],
    )

    report = import_organisations(path, by=None)

    assert report.ok, report.errors
    assert sorted(report.created) == ["X00", "X10", "X11", "X11-01"]
    school = Organisation.objects.get(code="X11-01")
    assert school.path == "/X00/X10/X11/X11-01/"
    assert school.depth == 3
    assert school.uscc == make_uscc(1)


def test_importing_the_same_file_twice_changes_nothing_the_second_time_and_says_so(tmp_path):
    path = write_sheet(tmp_path / "tree.csv", [CITY_ROW, COUNTY_ROW])
    import_organisations(path, by=None)
    stamps = dict(Organisation.objects.values_list("code", "updated_at"))
    audit_rows = AuditEvent.objects.count()

    report = import_organisations(path, by=None)

    assert report.ok and not report.changed
    assert report.unchanged == ["X00", "X10"]
    assert "未作任何更改" in report.summary()
    assert dict(Organisation.objects.values_list("code", "updated_at")) == stamps
    assert AuditEvent.objects.count() == audit_rows


def test_an_import_updates_by_code_and_writes_one_audit_row_with_the_counts(tmp_path, county):
    clerk = make_user()
    path = write_sheet(
        tmp_path / "tree.csv",
        [
            ["C0100", "改名后的县教体局", "县级", "C0001", ""],
            ["C0110", "新建镇中心学校", "乡镇", "C0100", ""],
        ],
    )

    report = import_organisations(path, by=clerk)

    assert report.created == ["C0110"] and report.updated == ["C0100"]
    county.refresh_from_db()
    assert county.name == "改名后的县教体局"
    assert county.uscc == ""  # a row describes the organisation whole: blank clears
    event = AuditEvent.objects.get(verb="organisations.import")
    assert event.actor == clerk
    assert event.data["created"] == 1 and event.data["updated"] == 1
    assert event.data["codes"] == {"created": ["C0110"], "updated": ["C0100"]}


def test_a_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    path = write_sheet(tmp_path / "tree.csv", [CITY_ROW, COUNTY_ROW])

    report = import_organisations(path, by=None, dry_run=True)

    assert report.ok and report.created == ["X00", "X10"]
    assert "试运行" in report.summary()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(verb="organisations.import").exists()


@pytest.mark.parametrize(
    "word, kind",
    [
        ("市教育和体育局", Kind.CITY_BUREAU),
        ("市级", Kind.CITY_BUREAU),
        ("city", Kind.CITY_BUREAU),
        ("县（市、区）教体局", Kind.COUNTY_BUREAU),
        ("县(市、区)教体局", Kind.COUNTY_BUREAU),
        ("县级", Kind.COUNTY_BUREAU),
        ("County", Kind.COUNTY_BUREAU),
        ("乡镇（街道）", Kind.TOWNSHIP),
        ("乡镇", Kind.TOWNSHIP),
        ("township", Kind.TOWNSHIP),
        ("学校", Kind.SCHOOL),
        ("school", Kind.SCHOOL),
    ],
)
def test_the_type_column_accepts_labels_short_forms_and_values(word, kind):
    above = {
        Kind.CITY_BUREAU: [],
        Kind.COUNTY_BUREAU: [CITY_ROW],
        Kind.TOWNSHIP: [CITY_ROW, COUNTY_ROW],
        Kind.SCHOOL: [CITY_ROW, COUNTY_ROW],
    }[kind]
    parent = above[-1][0] if above else ""
    rows = [*above, ["NEW", "新机构", word, parent, ""]]

    report = import_organisations([dict(zip(SHORT_HEADER, r, strict=True)) for r in rows], by=None)

    assert report.ok, report.errors
    assert Organisation.objects.get(code="NEW").kind == kind


def test_all_other_columns_are_read_and_cleaned(tmp_path, county):
    path = write_sheet(
        tmp_path / "full.csv",
        [
            [
                " C0190 ",
                "样例民办学校",
                "样例民校",
                "学校",
                "C0100",
                make_uscc(7).lower(),
                "样例路 1 号",
                "0635-0000001",
                "www.example.com",
                "office@example.com",
                "九年一贯制学校",
                "是",
                "否",
                "3",
            ]
        ],
        header=HEADERS,
    )

    report = import_organisations(path, by=None)

    assert report.ok, report.errors
    school = Organisation.objects.get(code="C0190")
    assert (school.short_name, school.uscc, school.website) == (
        "样例民校",
        make_uscc(7),
        "https://www.example.com",
    )
    assert (school.phone, school.email, school.school_stage) == (
        "0635-0000001",
        "office@example.com",
        "九年一贯制学校",
    )
    assert school.is_private and not school.is_active and school.order == 3


def test_a_file_without_the_order_column_leaves_stored_order_alone(county):
    county.order = 5
    county.save()

    import_organisations(
        [
            {
                "编码": "C0100",
                "名称": county.name,
                "类型": "县级",
                "上级编码": "C0001",
                "统一社会信用代码": county.uscc,
            }
        ],
        by=None,
    )

    county.refresh_from_db()
    assert county.order == 5


def test_gb18030_csv_from_excel_on_chinese_windows_is_read(tmp_path, county):
    path = write_sheet(
        tmp_path / "gbk.csv",
        [["C0150", "样例镇中心学校", "乡镇（街道）", "C0100", ""]],
        encoding="gb18030",
    )

    report = import_organisations(path, by=None)

    assert report.ok, report.errors
    assert Organisation.objects.get(code="C0150").name == "样例镇中心学校"


def test_csv_with_a_byte_order_mark_is_read(tmp_path, county):
    path = write_sheet(
        tmp_path / "bom.csv",
        [["C0150", "样例镇中心学校", "乡镇", "C0100", ""]],
        encoding="utf-8-sig",
    )

    assert import_organisations(path, by=None).created == ["C0150"]


def test_xlsx_with_a_title_row_and_numeric_cells_is_read_with_sheet_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["样例市教育机构名录"])
    sheet.append(["编码", "名称", "类型", "上级编码", "办公电话"])
    sheet.append([100, "样例市教育局", "市级", None, None])
    sheet.append([101, "样例县教体局", "县级", 100, 6350000001])
    sheet.append([102, "", "县级", 100, None])
    workbook.save(tmp_path / "list.xlsx")

    report = import_organisations(tmp_path / "list.xlsx", by=None)

    assert [(e.row, e.column) for e in report.errors] == [(5, "名称")]
    fixed = tmp_path / "fixed.xlsx"
    sheet.delete_rows(5)
    workbook.save(fixed)
    assert import_organisations(fixed, by=None).created == ["100", "101"]
    assert Organisation.objects.get(code="101").parent.code == "100"


def test_a_file_object_from_an_upload_is_read(tmp_path):
    path = write_sheet(tmp_path / "tree.csv", [CITY_ROW])

    with path.open("rb") as upload:
        report = import_organisations(upload, by=None)

    assert report.created == ["X00"] and report.source == "tree.csv"


def test_unknown_columns_are_ignored_with_a_warning_but_notes_silently():
    report = import_organisations(
        [{"编码": "X00", "名称": "样例市教育局", "类型": "市级", "备注": "说明", "负责人": "某"}],
        by=None,
    )

    assert report.ok
    assert report.warnings == ["已忽略无法识别的列：负责人"]


# --- bad rows ------------------------------------------------------------------------------

BAD_ROWS = {
    "missing name": (["C0190", "", "学校", "C0100", ""], "名称不能为空"),
    "missing code": (["", "样例学校", "学校", "C0100", ""], "编码不能为空"),
    "code with bad characters": (["C 01/90", "样例学校", "学校", "C0100", ""], "只能包含字母"),
    "unknown type": (["C0190", "样例幼儿园", "幼儿园", "C0100", ""], "无法识别的类型"),
    "unknown parent code": (["C0190", "样例学校", "学校", "NOPE", ""], "都不存在"),
    "school under the city": (["C0190", "样例学校", "学校", "C0001", ""], "上级应为"),
    "township under a township": (["C0190", "样例镇", "乡镇", "C0101", ""], "不能是“乡镇（街道）”"),
    "county without parent": (["C0190", "样例县", "县级", "", ""], "必须填写上级编码"),
    "second city under the city": (["C0190", "样例市", "市级", "C0001", ""], "不能有上级机构"),
    "own parent": (["C0190", "样例学校", "学校", "C0190", ""], "不能是本机构自身"),
    "uscc check character": (
        ["C0190", "样例学校", "学校", "C0100", make_uscc(5)[:-1] + "0"],
        "校验码不正确",
    ),
    "uscc length": (["C0190", "样例学校", "学校", "C0100", "1237150000000"], "应为 18 位"),
    "uscc letters": (["C0190", "样例学校", "学校", "C0100", "12AB1500000000001X"], "不允许的字符"),
}


@pytest.mark.parametrize("row, reason", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    tmp_path, school, row, reason
):
    path = write_sheet(
        tmp_path / "bad.csv",
        [
            ["C0180", "样例好学校", "学校", "C0100", ""],
            row,
        ],
    )
    before = list(Organisation.objects.values_list("code", "path", "name"))

    report = import_organisations(path, by=None)

    assert [e.row for e in report.errors] == [3], report.errors
    assert reason in str(report.errors[0])
    assert str(report.errors[0]).startswith("第 3 行")
    assert list(Organisation.objects.values_list("code", "path", "name")) == before
    assert not AuditEvent.objects.filter(verb="organisations.import").exists()


BAD_CELLS = {
    "bad website": ("网站", "http://exa mple", "网址"),
    "bad email": ("电子邮箱", "office@", "电子邮箱"),
    "bad phone": ("办公电话", "call me", "办公电话"),
    "bad yes/no": ("民办", "也许", "请填“是”或“否”"),
    "bad order": ("排序", "第一", "非负整数"),
    "name too long": ("名称", "长" * 101, "不能超过 100"),
}


@pytest.mark.parametrize("column, value, reason", BAD_CELLS.values(), ids=BAD_CELLS.keys())
def test_a_bad_cell_is_reported_with_its_row_and_column(county, column, value, reason):
    row = {"编码": "C0190", "名称": "样例学校", "类型": "学校", "上级编码": "C0100", column: value}

    report = import_organisations([row], by=None)

    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert reason in report.errors[0].message
    assert not Organisation.objects.filter(code="C0190").exists()


def test_a_code_repeated_in_the_file_is_reported_on_the_second_row(county):
    report = import_organisations(
        [
            {"编码": "C0190", "名称": "甲校", "类型": "学校", "上级编码": "C0100"},
            {"编码": "C0190", "名称": "乙校", "类型": "学校", "上级编码": "C0100"},
        ],
        by=None,
    )

    assert [str(e) for e in report.errors] == ["第 3 行（编码）：编码“C0190”与第 2 行重复。"]


def test_a_credit_code_repeated_in_the_file_or_already_stored_is_reported(school):
    report = import_organisations(
        [
            {
                "编码": "C0190",
                "名称": "甲校",
                "类型": "学校",
                "上级编码": "C0100",
                "统一社会信用代码": make_uscc(42),
            },
            {
                "编码": "C0191",
                "名称": "乙校",
                "类型": "学校",
                "上级编码": "C0100",
                "统一社会信用代码": make_uscc(42),
            },
            {
                "编码": "C0192",
                "名称": "丙校",
                "类型": "学校",
                "上级编码": "C0100",
                "统一社会信用代码": school.uscc,
            },
        ],
        by=None,
    )

    assert [e.row for e in report.errors] == [3, 4]
    assert "与第 2 行重复" in report.errors[0].message
    assert f"已有机构“{school.name}”（编码 {school.code}）" in report.errors[1].message


def test_credit_codes_may_swap_between_two_organisations_in_one_file(county, other_county):
    report = import_organisations(
        [
            {
                "编码": "C0100",
                "名称": county.name,
                "类型": "县级",
                "上级编码": "C0001",
                "统一社会信用代码": other_county.uscc,
            },
            {
                "编码": "C0200",
                "名称": other_county.name,
                "类型": "县级",
                "上级编码": "C0001",
                "统一社会信用代码": county.uscc,
            },
        ],
        by=None,
    )

    assert report.ok, report.errors


def test_a_cycle_of_parents_is_reported_on_every_row_in_it(county):
    report = import_organisations(
        [
            {"编码": "C0190", "名称": "甲", "类型": "学校", "上级编码": "C0191"},
            {"编码": "C0191", "名称": "乙", "类型": "学校", "上级编码": "C0190"},
        ],
        by=None,
    )

    cycles = [e for e in report.errors if "循环" in e.message]
    assert [e.row for e in cycles] == [2, 3]
    assert "C0190 → C0191 → C0190" in cycles[0].message


def test_changing_a_type_that_would_strand_stored_children_is_refused(school):
    report = import_organisations(
        [{"编码": "C0101", "名称": "测试镇中心学校", "类型": "学校", "上级编码": "C0100"}], by=None
    )

    assert [e.row for e in report.errors] == [2]
    assert "下级机构“测试镇第一小学”" in report.errors[0].message


def test_every_error_in_a_file_is_reported_at_once_in_row_order(tmp_path, county):
    path = write_sheet(
        tmp_path / "bad.csv",
        [
            ["C0190", "", "学校", "C0100", ""],
            ["C0191", "样例学校", "学校", "C0100", ""],
            ["C0192", "样例学校", "幼儿园", "C0100", ""],
            ["C0193", "样例学校", "学校", "NOPE", "123"],
        ],
    )

    report = import_organisations(path, by=None)

    assert [e.row for e in report.errors] == [2, 4, 5, 5]
    assert "发现 4 处错误，未导入任何内容" in report.summary()
    assert not Organisation.objects.filter(code__startswith="C019").exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path):
    path = write_sheet(tmp_path / "bad.csv", [["X00", "样例市"]], header=["编码", "名称"])

    report = import_organisations(path, by=None)

    assert [str(e) for e in report.errors] == ["第 1 行：缺少必填列“类型”。"]


def test_an_old_xls_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)

    report = import_organisations(path, by=None)

    assert "另存为 .xlsx" in report.errors[0].message
