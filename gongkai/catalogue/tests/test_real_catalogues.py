"""Catalogues as counties actually publish them import, each variant named after the real
catalogue its rows are transcribed from (a few rows each, layout as published):

* 大姚县石羊镇义务教育领域基层政务公开标准目录 (dayao.gov.cn, 2023): “公开事项” over
  一级事项 | 二级事项, √ sub-columns 县级 | 乡级, ● bullets, 财务信息 under both columns;
* 东阳市义务教育领域基层政务公开标准目录 (a county-level city in 浙江, 2024): levels 东阳市级 |
  镇街乡 | 村, an extra 公开 column, a 五公开 column printing an unticked “□决策”;
* 青浦区教育局义务教育领域基层政务公开标准目录（2023年）(shqp.gov.cn): no 公开层级 column,
  公开对象 “特定对象”;
* 香山街道义务教育领域基层政务公开标准目录 (厦门市翔安区, 2024): no 公开层级 column either.

The sites' text was read as published; where a transcription had lost the position of a √ in
its sub-columns the tick is placed where the 教育部 standard puts it. Where no published table
of a variant was at hand (县(区)级, 街道级, a section merged across 二级事项 in a spreadsheet)
the test says so and builds the rows itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.catalogue.importing import CatalogueInvalid
from gongkai.catalogue.levels import Importer, LevelReader
from gongkai.catalogue.tables import load_table
from gongkai.catalogue.testing import make_xlsx as xlsx
from gongkai.organisations.models import Kind
from gongkai.testing import make_organisation

LAW = "《中华人民共和国政府信息公开条例》"
LIMIT = "信息形成或者变更之日起20个工作日内"
BOXES = ("■政府网站 □政府公报 ■两微一端 □发布会/听证会 □广播电视 □纸质媒体 ■公开查阅点"
         "□政务服务中心 □便民服务站□入户/现场 □社区/企事业单位/村公示栏(电子屏) □精准推送 □其他")  # fmt: skip


def items(data):
    return {(s.name, i.name): i for s in data.sections for i in s.items}


def warnings(data) -> list[str]:
    return [str(w) for w in data.warnings]


def test_shiyang_township_catalogue_with_a_split_header_and_bullets(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "石羊镇.xlsx", [
        ["石羊镇义务教育领域基层政务公开标准目录"],
        ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体",
         "公开渠道和载体", "公开对象", None, "公开方式", None, "公开层级", None],
        [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动",
         "依申请", "县级", "乡级"],
        [1, "财务信息", "财务信息", "●财务管理及监督办法 ●年度经费预决算信息 ●收费项目及收费标准",
         LAW, LIMIT, "石羊镇中心学校", BOXES, "√", None, "√", None, "√", "√"],
        [2, "招生管理", "学校介绍", "●办学性质 ●办学地点 ●办学规模 ●办学基本条件 ●联系方式等",
         LAW, LIMIT, "石羊镇中心学校", BOXES, "√", None, "√", None, None, "√"],
    ], merges=("B2:C2", "A2:A3", "I2:J2", "K2:L2", "M2:N2"))  # fmt: skip
    data = load_table(path, importer=Importer(level="乡级", place="石羊镇"))
    found = items(data)
    finance = found[("财务信息", "财务信息")]
    assert finance.elements == ["财务管理及监督办法", "年度经费预决算信息", "收费项目及收费标准"]
    assert finance.level == ["县级", "乡级"] and finance.audience == ["全社会"]
    assert finance.channels == ["政府网站", "两微一端", "公开查阅点"]
    assert found[("招生管理", "学校介绍")].level == ["乡级"]
    assert warnings(data) == []


@pytest.fixture
def dongyang(tmp_path: Path) -> Path:
    header = ["序号", "公开事项", None, "公开内容(要素)", "公开依据", "公开时限", "公开主体",
              "公开渠道和载体", "公开对象", None, "公开方式", None, "公开层级", None, None, "公开",
              "五公开"]  # fmt: skip
    sub = [None, "一级 事项", "二级 事项", *[None] * 5, "全社会", "特定群众", "主动", "依申请公开",
           "东阳市级", "镇街乡", "村", None, None]  # fmt: skip
    ticks = ["√", None, "√", None, "√", None, None, "■文本", "□决策"]
    return xlsx(tmp_path / "东阳市.xlsx", [
        ["(三)义务教育领域基层政务公开标准目录"], header, sub,
        [1, "政策文件", "规范性文件", "部门和地方政府规章、各类教育政策文件", LAW, LIMIT,
         "市教育局", "■政府网站 ■政府公报 ■两微一端", *ticks],
        [2, "教育概况", "教育事业发展主要情况", "教育事业发展主要情况",
         "《中华人民共和国统计法》、" + LAW + "、《教育统计管理规定》", LIMIT, "市教育局",
         "■政府网站 ■两微一端 ■公开查阅点", *ticks],
        [None, None, "教育统计数据", "学校数据、在校生数据、教师数据、办学条件数据、县级汇总数据",
         LAW, LIMIT, "市教育局", "■政府网站 ■两微一端 ■公开查阅点", *ticks],
    ], merges=("B2:C2", "A2:A3", "I2:J2", "K2:L2", "M2:O2", "P2:P3", "Q2:Q3", "B5:B6"))  # fmt: skip


def test_dongyang_a_county_level_city_reads_its_own_level_and_ignores_extra_columns(
    db: None, dongyang: Path
) -> None:
    jinhua = make_organisation(kind=Kind.CITY_BUREAU, code="J0001", name="金华市教育局")
    own = make_organisation(kind=Kind.COUNTY_BUREAU, parent=jinhua, code="J0783",
                            name="东阳市教育局")  # fmt: skip
    data = load_table(dongyang, importer=Importer.of(own))
    found = items(data)
    assert {i.level[0] for i in found.values()} == {"县级"}
    assert found[("教育概况", "教育统计数据")].manner == ["主动"]
    # 五公开 printed as an unticked □决策: as good as blank, filled from the standard.
    assert found[("政策文件", "规范性文件")].five_disclosure == "decision"
    assert found[("教育概况", "教育统计数据")].five_disclosure == "result"
    shown = warnings(data)
    assert "第 2 行：表头“公开”不是目录的列，已忽略" in shown
    assert "第 4 行：五公开归类未勾选，已按标准目录“规范性文件”填为“决策”" in shown
    assert not any("东阳市级" in w for w in shown)  # its own level: nothing unusual


def test_dongyang_imported_elsewhere_reads_the_named_city_as_a_county_level_city(
    db: None, dongyang: Path
) -> None:
    liaocheng = make_organisation(kind=Kind.CITY_BUREAU, code="L0001", name="聊城市教育和体育局")
    data = load_table(dongyang, importer=Importer.of(liaocheng))
    assert {i.level[0] for s in data.sections for i in s.items} == {"县级"}
    assert "第 4 行：“东阳市级”按东阳市为县级市读作县级" in warnings(data)


def test_qingpu_district_catalogue_without_a_level_column(tmp_path: Path) -> None:
    boxes = ("■政府网站□政府公报 □两微一端□发布会/听证会 □广播电视□纸质媒体 □公开查阅点□政务服务中心"
             " □便民服务站□入户/现场 □村居/企事业单位公示栏(电子屏) □精准推送□其他")  # fmt: skip
    path = xlsx(tmp_path / "青浦区.xlsx", [
        ["青浦区教育局义务教育领域基层政务公开标准目录(2023年)"],
        ["公开事项", None, "公开内容", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
         "公开对象", None, "公开方式", None],
        ["一级 事项", "二级 事项", None, None, None, None, None, "全社会", "特定对象", "主动",
         "依申请"],
        ["政策文件", "教育法律", "教育法律、规章制度", LAW, LIMIT, "区教育局", boxes, "√", None,
         "√", None],
        [None, "规范性文件", "部门规范性文件", LAW, LIMIT, "区教育局", boxes, "√", None, "√", None],
        ["教育概况", "教育统计数据", "学校、学生、教师数据统计信息", LAW, LIMIT, "区教育局", boxes,
         None, "√", "√", None],
    ], merges=("A2:B2", "H2:I2", "J2:K2", "A4:A5"))  # fmt: skip
    data = load_table(path, importer=Importer(level="县级", place="青浦区"))
    found = items(data)
    assert found[("政策文件", "教育法律")].level == ["县级"]  # from the standard's item
    assert found[("教育概况", "教育统计数据")].audience == ["特定群体"]
    assert found[("政策文件", "规范性文件")].channels == ["政府网站"]
    assert warnings(data) == ["第 2 行：表格没有“公开层级”列，各事项按标准目录同名事项或默认值填写"]


def test_xiangshan_street_catalogue_fills_a_blank_audience_and_level(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "香山街道.xlsx", [
        ["香山街道义务教育领域基层政务公开标准目录"],
        ["序号", "公开事项", None, "公开内容 (要素)", "公开依据", "公开 时限", "公开 主体",
         "公开渠道和载体", "公开对象", None, "公开方式", None],
        [None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群体", "主动",
         "依申请"],
        [1, "招生管理", "招生政策", "●随迁子女入学办法", LAW, LIMIT, "翔安区教育局", BOXES,
         "√", None, "√", None],
        [None, None, "招生范围", "●招生范围 ●学区划分详细情况", LAW, LIMIT, "翔安区教育局",
         BOXES, None, None, "√", None],
    ], merges=("B2:C2", "A2:A3", "I2:J2", "K2:L2", "B4:B5"))  # fmt: skip
    data = load_table(path, importer=Importer(level="乡级", place="香山街道"))
    scope = items(data)[("招生管理", "招生范围")]
    assert scope.audience == ["全社会"] and scope.elements == ["招生范围", "学区划分详细情况"]
    assert scope.level == ["县级", "乡级"]  # the standard's 招生范围
    assert "第 5 行：公开对象为空，已按标准目录“招生范围”填为“全社会”" in warnings(data)


def test_a_section_merged_across_the_second_level_column_is_one_item(tmp_path: Path) -> None:
    """The 教育部 standard prints 财务信息 and 校园安全 as first-level items with no second
    level; in a spreadsheet the 一级事项 cell is merged across 二级事项 (rows built here)."""
    header = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
              "公开渠道和载体", "公开对象", "公开方式", "公开层级"]  # fmt: skip
    path = xlsx(tmp_path / "merged.xlsx", [
        header,
        [1, "财务信息", None, "财务管理及监督；年度经费预决算", LAW, LIMIT, "县教体局；学校",
         "政府网站", "全社会", "主动", "县级、乡级"],
        [2, "校园安全", None, "校园安全制度", LAW, LIMIT, "县教体局", "政府网站", "全社会", "主动",
         "县(区)级"],
    ], merges=("B2:C2", "B3:C3"))  # fmt: skip
    data = load_table(path)
    found = items(data)
    assert found[("财务信息", "财务信息")].level == ["县级", "乡级"]
    assert found[("校园安全", "校园安全")].level == ["县级"]
    assert "第 3 行：二级事项为空，按一级事项“校园安全”导入为同名事项" in warnings(data)


def test_unticked_boxes_in_a_five_disclosure_column_and_bad_levels_name_their_rows(
    tmp_path: Path,
) -> None:
    header = ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体",
              "公开渠道和载体", "公开对象", "公开方式", "公开层级", "五公开", "说明"]  # fmt: skip

    def row(n, name, level, five):
        return [n, "招生管理", name, "要素", LAW, LIMIT, "县教体局", "政府网站", "全社会", "主动",
                level, five, "（自拟）"]  # fmt: skip

    good = xlsx(tmp_path / "good.xlsx", [
        header, row(1, "招生计划", "镇级", "□决策 ☑执行 □管理 □服务 □结果"),
        row(2, "招生范围", "街道级", "■执行"), row(3, "招生结果", "乡镇（街道）级", "✓结果"),
    ])  # fmt: skip
    data = load_table(good, importer=Importer(level="县级", place="阳谷县"))
    assert [(i.level, i.five_disclosure) for i in data.sections[0].items] == [
        (["乡级"], "execution"), (["乡级"], "execution"), (["乡级"], "result")
    ]  # fmt: skip
    assert "第 1 行：表头“说明”不是目录的列，已忽略" in warnings(data)
    bad = xlsx(tmp_path / "bad.xlsx", [
        header, row(1, "招生计划", "村级", "执行"), row(2, "招生范围", "市级", "执行"),
        row(3, "招生结果", "县级", "■决策 ■结果"),
    ])  # fmt: skip
    with pytest.raises(CatalogueInvalid) as refused:
        load_table(bad, importer=Importer(level="县级", place="阳谷县", upper_places=("聊城市",)))
    assert [str(e) for e in refused.value.errors] == [
        "第 2 行：公开层级“村级”不是县级或乡级，本系统的目录只有这两级",
        "第 3 行：公开层级“市级”是设区的市一级，目录只能写县级或乡级",
        "第 4 行：五公开归类只能选一项，不能同时选“决策、结果”",
    ]


@pytest.mark.parametrize(
    ("word", "importer", "level"),
    [
        ("县级", Importer(), "县级"),
        ("县(区)级", Importer(), "县级"),
        ("县（市、区）级", Importer(), "县级"),
        ("区级", Importer(), "县级"),
        ("阳谷县级", Importer(), "县级"),
        ("乡级", Importer(), "乡级"),
        ("镇级", Importer(), "乡级"),
        ("街道级", Importer(), "乡级"),
        ("乡镇（街道）级", Importer(), "乡级"),
        ("石羊镇级", Importer(), "乡级"),
        ("镇街乡", Importer(), "乡级"),
        ("市级", Importer(level="县级", place="临清市", upper_places=("聊城市",)), "县级"),
        ("临清市级", Importer(level="县级", place="临清市", upper_places=("聊城市",)), "县级"),
        ("聊城市级", Importer(level="县级", place="临清市", upper_places=("聊城市",)), None),
        ("市级", Importer(level="县级", place="阳谷县", upper_places=("聊城市",)), None),
        ("聊城市级", Importer(level=None, place="聊城市"), None),
        ("东阳市级", Importer(level=None, place="聊城市"), "县级"),
        ("省级", Importer(), None),
    ],
)
def test_level_words_map_by_their_unit_and_the_importing_body(word, importer, level) -> None:
    assert LevelReader(importer, {word}).read(word).level == level


def test_the_importing_body_knows_whether_it_is_a_county_level_city(db: None) -> None:
    city = make_organisation(kind=Kind.CITY_BUREAU, code="L0001", name="聊城市教育和体育局")
    linqing = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="L0181",
                                name="临清市教育和体育局")  # fmt: skip
    district = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="L0102",
                                 name="聊城市东昌府区教育和体育局")  # fmt: skip
    assert Importer.of(linqing) == Importer("县级", "临清市", ("聊城市",))
    assert Importer.of(linqing).is_county_level_city
    assert Importer.of(district).place == "东昌府区"
    assert not Importer.of(district).is_county_level_city
