"""Reading and writing catalogue spreadsheets in the layouts county catalogues publish."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gongkai.catalogue import importing
from gongkai.catalogue.importing import CatalogueData, CatalogueInvalid
from gongkai.catalogue.models import Edition, FiveDisclosure, TimeLimitKind
from gongkai.catalogue.tables import load_table, split_list, write_table
from gongkai.catalogue.testing import make_xlsx

HEADER = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
          "公开渠道和载体", "公开对象", "公开方式", "公开层级"]  # fmt: skip
LIMIT = "信息形成或者变更之日起20个工作日内"
LAW = "《中华人民共和国政府信息公开条例》"


def content(data: CatalogueData) -> list[Any]:
    """Everything an import carries, minus the row numbers it was read from."""
    return [
        (s.code, s.name, [{**dataclasses.asdict(i), "row": None} for i in s.items])
        for s in data.sections
    ]


def item(data: CatalogueData, code: str) -> importing.ItemData:
    return next(i for s in data.sections for i in s.items if i.code == code)


def errors_of(path: Path) -> list[str]:
    with pytest.raises(CatalogueInvalid) as caught:
        load_table(path)
    return [str(e) for e in caught.value.errors]


# -- the variants published catalogues come in -------------------------------------------------


@pytest.fixture
def county_workbook(tmp_path: Path) -> Path:
    """A two-row √ header under two title rows, merged 一级事项, ■/□ channel boxes."""
    return make_xlsx(
        tmp_path / "阳谷县目录.xlsx",
        [
            ["阳谷县义务教育领域基层政务公开标准目录"],
            ["填报单位：阳谷县教育和体育局（盖章）"],
            ["序号", "一级\n事项", "二级事项", "公开内容\n（要素）", "公开 依据", "公开时限",
             "公开主体", "公开渠道\n和载体", "公开对象", None, "公开方式", None, "公开层级", None],
            [None, None, None, None, None, None, None, None,
             "全社会", "特定群体", "主动", "依申请", "县级", "乡级"],
            [1, "政策文件", "教育法律",
             "1.《中华人民共和国教育法》；2.《中华人民共和国义务教育法》", LAW,
             "信息形成或者变更之日起二十个工作日内", "县级教育行政部门",
             "■政府网站 □政府公报 ■两微一端 □公开查阅点", "√", None, "✓", None, "●", None],
            [2, None, "规范性文件", "①部门和地方政府规章②本级教育行政规范性文件",
             f"{LAW}\n《山东省政府信息公开办法》", LIMIT, "县级教育行政部门",
             "☑政府网站\n☐政府公报", "✔", "", "是", "", "√", "√"],
            [3, "招生入学", "招生结果", "1.录取结果\n2.分班结果", LAW, "录取结束后5个工作日内",
             "县级教育行政部门\n学校", "□政府网站 √社区/企事业单位/村公示栏（电子屏）",
             "√", "√", "√", None, "√", "√"],
            ["注：打“√”的为适用项。"],
        ],
        merges=("A1:N1", "A2:N2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4",
                "H3:H4", "I3:J3", "K3:L3", "M3:N3", "B5:B6", "A8:N8"),
    )  # fmt: skip


def test_two_row_header_with_ticks_and_channel_boxes_is_read(county_workbook: Path) -> None:
    data = load_table(county_workbook)

    assert data.title == "阳谷县义务教育领域基层政务公开标准目录"
    assert [(s.code, s.name, len(s.items)) for s in data.sections] == [
        ("01", "政策文件", 2),
        ("02", "招生入学", 1),
    ]
    law = item(data, "01.01")
    assert law.name == "教育法律"
    assert law.elements == ["《中华人民共和国教育法》", "《中华人民共和国义务教育法》"]
    assert law.channels == ["政府网站", "两微一端"]
    assert (law.audience, law.manner, law.level) == (["全社会"], ["主动"], ["县级"])
    assert law.time_limit.kind == TimeLimitKind.WORKING_DAYS
    assert law.time_limit.days == 20
    assert law.row == 5


def test_merged_first_level_cells_carry_down_to_every_row(county_workbook: Path) -> None:
    data = load_table(county_workbook)

    rules = item(data, "01.02")
    assert rules.name == "规范性文件"
    assert rules.elements == ["部门和地方政府规章", "本级教育行政规范性文件"]
    assert rules.basis == [LAW, "《山东省政府信息公开办法》"]
    assert rules.channels == ["政府网站"]
    assert rules.level == ["县级", "乡级"]


def test_multi_line_subject_and_time_limit_start_are_kept(county_workbook: Path) -> None:
    result = item(load_table(county_workbook), "02.01")

    assert result.subject == "县级教育行政部门；学校"
    assert result.audience == ["全社会", "特定群体"]
    assert result.channels == ["社区/企事业单位/村公示栏（电子屏）"]
    assert (result.time_limit.days, result.time_limit.start) == (5, "录取结束后")


def test_five_disclosure_comes_from_the_standard_or_a_guess(county_workbook: Path) -> None:
    data = load_table(county_workbook)

    assert item(data, "01.01").five_disclosure == FiveDisclosure.DECISION
    standard = importing.standard_defaults()["招生结果"]["five_disclosure"]
    assert item(data, "02.01").five_disclosure == standard


def test_single_column_variants_with_section_rows_are_read(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "single.xlsx",
        [
            ["序 号", "一级事项", "二级事项", "公开内容(要素)", "公开依据", "公开\n时限",
             "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级", "备注"],
            ["一", "政策文件", None, None, None, None, None, None, None, None, None, None],
            ["（1）", None, "1.1 教育法律", "教育法", LAW, "十五个工作日内", "县教体局",
             "政府网站、两微一端\n公开查阅点", "■全社会 □特定群体", "主动公开", "县级、乡级",
             "每年更新"],
            ["（2）", None, "（2）教师招聘", "招聘公告", LAW, "招聘结束后30日内", "县教体局",
             "政府网站，纸质媒体", "全社会", "主动、依申请", "县级", None],
            ["二、学生管理"],
            ["（1）", None, "学籍管理", "学籍政策", LAW, "及时公开", "学校",
             "公开查阅点", "特定群体", "依申请", "乡镇", None],
        ],
        merges=("A5:L5",),
    )  # fmt: skip

    data = load_table(path)

    assert [(s.code, s.name) for s in data.sections] == [("01", "政策文件"), ("02", "学生管理")]
    law, hiring = data.sections[0].items
    assert (law.code, law.name, law.note) == ("01.01", "教育法律", "每年更新")
    assert law.channels == ["政府网站", "两微一端", "公开查阅点"]
    assert (law.audience, law.manner, law.level) == (["全社会"], ["主动"], ["县级", "乡级"])
    assert (law.time_limit.kind, law.time_limit.days) == (TimeLimitKind.WORKING_DAYS, 15)
    assert (hiring.code, hiring.name) == ("01.02", "教师招聘")
    assert hiring.manner == ["主动", "依申请"]
    assert (hiring.time_limit.kind, hiring.time_limit.days) == (TimeLimitKind.CALENDAR_DAYS, 30)
    registry = data.sections[1].items[0]
    assert (registry.code, registry.level) == ("02.01", ["乡级"])
    assert registry.time_limit.kind == TimeLimitKind.TEXT


def test_item_codes_in_the_number_column_are_kept(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "codes.xlsx",
        [HEADER,
         ["3.1", "财务信息", "经费预算", "预算", LAW, LIMIT, "县教体局", "政府网站", "全社会",
          "主动", "县级"],
         ["3.4", "财务信息", "收费标准", "收费", LAW, LIMIT, "县教体局", "政府网站", "全社会",
          "主动", "县级"]],
    )  # fmt: skip

    data = load_table(path)

    assert data.sections[0].code == "03"
    assert [i.code for i in data.sections[0].items] == ["03.01", "03.04"]


def test_gb18030_csv_with_title_and_two_row_header_is_read(tmp_path: Path) -> None:
    lines = [
        "东阿县义务教育政务公开目录,,,,,,,,,,,,,",
        ",".join(HEADER[:9]) + ",,公开方式,,公开层级,",
        ",,,,,,,,全社会,特定群体,主动,依申请,县级,乡级",
        f'1,政策文件,教育法律,"1.教育法；2.义务教育法",{LAW},{LIMIT},县教体局,'
        "■政府网站 □政府公报,√,,√,,√,",
        f"2,,规范性文件,规章,{LAW},{LIMIT},县教体局,政府网站、政府公报,√,,√,,√,√",
    ]
    path = tmp_path / "东阿县.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))

    data = load_table(path)

    assert data.title == "东阿县义务教育政务公开目录"
    law, rules = data.sections[0].items
    assert law.elements == ["教育法", "义务教育法"]
    assert law.channels == ["政府网站"]
    assert rules.channels == ["政府网站", "政府公报"]
    assert rules.level == ["县级", "乡级"]


def test_utf8_csv_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    row = ["1", "政策文件", "教育法律", "教育法", LAW, LIMIT, "县教体局", "政府网站", "全社会",
           "主动", "县级"]  # fmt: skip
    path.write_text(",".join(HEADER) + "\n" + ",".join(row) + "\n", encoding="utf-8-sig")

    assert load_table(path).sections[0].items[0].name == "教育法律"


def test_numbered_and_circled_lists_are_split_but_enumerations_are_not() -> None:
    assert split_list("1.设立、变更的条件；2.程序。") == ["设立、变更的条件", "程序"]
    assert split_list("①预算②决算 ③收费标准") == ["预算", "决算", "收费标准"]
    assert split_list("1、招生计划 2、招生范围") == ["招生计划", "招生范围"]
    assert split_list("（1）2024年计划\n（2）2.5万元补助") == ["2024年计划", "2.5万元补助"]


# -- bad rows ------------------------------------------------------------------------------


def good_row(number: Any, name: str, **changes: Any) -> list[Any]:
    values = dict(zip(HEADER, [number, "政策文件", name, "要素", LAW, LIMIT, "县教体局",
                               "政府网站", "全社会", "主动", "县级"], strict=True))  # fmt: skip
    values.update(changes)
    return list(values.values())


def test_every_bad_row_is_reported_with_the_row_number_excel_shows(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["某县目录"],
            HEADER,
            good_row("1.1", "教育法律"),
            good_row("1.2", "", 二级事项=None),
            good_row("1.3", "规范性文件", 公开方式="公开"),
            good_row("1.4", "教育统计", 公开时限=None),
            good_row("1.4", "学校名录"),
        ],
    )

    assert errors_of(path) == [
        "第 4 行：缺少二级事项名称",
        "第 5 行：公开方式只能是主动或依申请，不能是“公开”",
        "第 6 行：缺少公开时限",
        "第 7 行：编号“01.04”重复",
    ]


def test_unreadable_tick_and_missing_columns_are_reported(tmp_path: Path) -> None:
    ticks = make_xlsx(
        tmp_path / "ticks.xlsx",
        [[*HEADER[:8], "公开对象", None, "公开方式", "公开层级"],
         [*[None] * 8, "全社会", "特定群体", None, None],
         [*good_row(1, "教育法律")[:8], "x", None, "主动", "县级"]],
    )  # fmt: skip
    assert errors_of(ticks) == [
        "第 3 行：公开对象“全社会”列的“x”无法识别，请打 √ 或留空",
        "第 3 行：缺少公开对象",
    ]

    short = make_xlsx(tmp_path / "short.xlsx", [HEADER[:5], ["1", "政策文件", "教育法律"]])
    assert errors_of(short)[0] == "第 1 行：表头缺少“公开时限”列"


def test_a_section_without_items_and_a_file_without_header_are_errors(tmp_path: Path) -> None:
    empty_section = make_xlsx(
        tmp_path / "empty.xlsx", [HEADER, ["一", "政策文件"], good_row(1, "教育法律")]
    )
    # The item row names its own section, so 政策文件 is still used; a stray section is not.
    stray = make_xlsx(
        tmp_path / "stray.xlsx",
        [HEADER, good_row(1, "教育法律"), ["二", "财务信息"]],
    )
    assert load_table(empty_section).item_count == 1
    assert errors_of(stray) == ["第 3 行：一级事项“财务信息”下没有二级事项"]

    nothing = make_xlsx(tmp_path / "nothing.xlsx", [["名单"], ["张三"]])
    assert errors_of(nothing) == ["nothing.xlsx：找不到表头：表格中须有“一级事项”和“二级事项”两列"]


def test_legacy_xls_files_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    with pytest.raises(CatalogueInvalid, match=r"另存为 \.xlsx"):
        importing.load(path)


# -- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_standard_edition_survives_export_and_import(db: None, tmp_path: Path, fmt: str) -> None:
    edition = Edition.objects.current()
    exported = importing.from_edition(edition)

    back = load_table(write_table(edition, tmp_path / f"catalogue.{fmt}", fmt))

    assert back.item_count == 34
    assert len(back.sections) == 10
    assert content(back) == content(exported)
    assert content(back) == content(importing.load_json(importing.STANDARD_FILE))


def test_xlsx_export_has_tick_sub_columns_boxes_and_merged_sections(
    db: None, tmp_path: Path
) -> None:
    path = write_table(Edition.objects.current(), tmp_path / "catalogue.xlsx")

    sheet = load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[3]][8:14] == [
        "全社会",
        "特定群体",
        "主动",
        "依申请",
        "县级",
        "乡级",
    ]
    assert "I2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert "B4:B5" in {str(r) for r in sheet.merged_cells.ranges}  # 政策文件's two items
    assert sheet["H4"].value.startswith("■政府网站 □政府公报")
    assert sheet.freeze_panes == "D4"
    assert sheet["D4"].alignment.wrap_text


def test_names_longer_than_the_database_allows_are_row_errors(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "long.xlsx",
        [HEADER, good_row(1, "教育法律" * 30, 公开层级="县级和乡级")],
    )

    assert errors_of(path) == [
        "第 2 行：二级事项“教育法律教育法律教育法律教育法律教育法律…”超过 100 个字"
    ]
