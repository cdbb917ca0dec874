"""Demo data for the five disclosures: service guides, a power list with supervision matters,
and three tracked reforms with two progress updates each.

Everything goes through the real services and the full review path (the demo county's clerk
and two reviewers), so the demo shows versions and audit rows as production would. Names,
telephone numbers and addresses are fictional (555 numbers). Safe to run twice: an entry whose
title already exists for the organisation is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from gongkai.accounts.models import User
from gongkai.disclosures import services
from gongkai.disclosures.testing import make_structured, publish_through_review
from gongkai.organisations.models import Organisation
from gongkai.records import services as records
from gongkai.records.models import Kind, Record

HALL = "县政务服务中心二楼教育窗口（演示地址：幸福路100号）"
HOURS = "法定工作日 上午9:00—12:00，下午13:00—17:00（夏季下午13:30—17:30）"
ENQUIRY = "0635-5550101（基础教育科）"
COMPLAINT = "0635-5550199（县教体局监督电话）；12345政务服务便民热线"


def _guide(
    item: str,
    title: str,
    basis: str,
    conditions: str,
    steps: list[str],
    materials: list[tuple[str, str]],
    promised: int,
    statutory: int | None,
) -> dict[str, Any]:
    return {
        "kind": Kind.SERVICE_GUIDE,
        "item": item,
        "title": title,
        "detail": {
            "legal_basis": basis,
            "conditions": conditions,
            "fee_kind": "free",
            "promised_days": promised,
            "statutory_days": statutory,
            "statutory_unspecified": statutory is None,
            "location": HALL,
            "hours": HOURS,
            "enquiry": ENQUIRY,
            "complaint": COMPLAINT,
        },
        "rows": {
            "steps": [{"name": s.split("：")[0], "description": s} for s in steps],
            "materials": [
                {"name": name, "form": form, "copies": 1, "note": ""} for name, form in materials
            ],
        },
    }


STATUS = "《中小学生学籍管理办法》（教基一〔2013〕7号）"
GUIDES = [
    _guide(
        "06.01",
        "义务教育阶段学生转学",
        f"{STATUS}第十三条至第十六条",
        "在本县义务教育学校就读、因户籍迁移或随监护人居住地变动需要转学的学生。",
        [
            "申请：监护人向转入学校提出申请",
            "审核：转出、转入学校及县教体局核办",
            "办结：学籍系统完成转接",
        ],
        [("转学申请表", "original"), ("户口簿或居住证", "copy")],
        5,
        15,
    ),
    _guide(
        "06.01",
        "义务教育阶段学生休学、复学",
        f"{STATUS}第十八条、第十九条",
        "因病或其他特殊原因需休学的学生；休学期满申请复学的学生。",
        ["申请：监护人向就读学校提出书面申请", "审核：学校审核后报县教体局备案"],
        [("休学（复学）申请表", "original"), ("二级以上医院诊断证明（因病休学）", "copy")],
        5,
        None,
    ),
    _guide(
        "05.02",
        "进城务工人员随迁子女入学",
        "《中华人民共和国义务教育法》第十二条；《山东省义务教育条例》第十四条",
        "监护人在本县务工并居住，持有本县居住证的适龄儿童少年。",
        [
            "登记：网上或现场登记",
            "审核：县教体局会同公安、人社部门核验",
            "安排：统筹安排学位并通知",
        ],
        [("居住证", "copy"), ("务工或经营证明", "copy"), ("户口簿", "copy")],
        10,
        None,
    ),
    _guide(
        "07.02",
        "教师资格认定",
        "《中华人民共和国教师法》第十三条；《教师资格条例》第十三条",
        "具备规定学历、普通话水平达标、教师资格考试合格的中国公民。",
        [
            "网上申报：登录中国教师资格网",
            "现场确认：携带材料到认定机构",
            "审核认定：认定机构审查决定",
        ],
        [("身份证", "original"), ("学历证书", "original"), ("体检合格证明", "original")],
        20,
        30,
    ),
    _guide(
        "06.01",
        "学生学籍信息变更",
        f"{STATUS}第二十一条",
        "学籍信息登记有误或身份信息依法变更的在校学生。",
        ["申请：监护人向学校提出", "核验：学校核验后在学籍系统提交", "审核：县教体局审核通过"],
        [("学籍信息变更申请表", "original"), ("公安机关出具的变更证明", "copy")],
        5,
        None,
    ),
    _guide(
        "05.02",
        "义务教育入学登记",
        "《中华人民共和国义务教育法》第十一条、第十二条",
        "年满六周岁、户籍或居住在学区范围内的适龄儿童。",
        ["登记：在规定时间网上或到学区学校登记", "审核：学校审核材料", "公示：公布录取结果"],
        [("户口簿", "original"), ("房产证明或租赁合同", "copy")],
        10,
        None,
    ),
    _guide(
        "03.02",
        "民办义务教育学校设立审批",
        "《中华人民共和国民办教育促进法》第十二条、第十三条；《民办教育促进法实施条例》",
        "举办者符合条件、办学资金和场所达到设置标准。",
        ["筹设申请", "正式设立申请", "专家评审和实地考察", "作出批准或不批准决定"],
        [("申办报告", "original"), ("举办者资格证明", "copy"), ("资产来源证明", "copy")],
        60,
        90,
    ),
    _guide(
        "06.02",
        "义务教育家庭经济困难学生生活补助申请",
        "《山东省学生资助政策简介》；财政部、教育部学生资助资金管理办法",
        "在本县义务教育学校就读的家庭经济困难寄宿生及非寄宿生。",
        [
            "申请：学生或监护人向学校提出",
            "评议：学校资助工作小组评议并公示",
            "审核：县学生资助中心审核",
        ],
        [("家庭经济困难学生认定申请表", "original")],
        20,
        None,
    ),
    _guide(
        "07.09",
        "普通话水平测试报名",
        "《中华人民共和国国家通用语言文字法》第十九条；《普通话水平测试管理规定》",
        "需要取得普通话水平测试等级证书的教师和社会人员。",
        ["网上报名", "缴费确认（本县考点免收）", "参加测试", "领取证书"],
        [("身份证", "original")],
        0,
        None,
    ),
]

POWERS = [
    (
        "民办学校设立、分立、合并、变更、终止审批",
        "licence",
        "《中华人民共和国民办教育促进法》第十二条、第五十三条",
    ),
    ("教师资格认定", "licence", "《中华人民共和国教师法》第十三条"),
    ("对民办学校违法办学行为的处罚", "penalty", "《中华人民共和国民办教育促进法》第六十二条"),
    ("对适龄儿童少年入学的确认", "confirmation", "《中华人民共和国义务教育法》第十二条"),
]

MATTERS = [
    (
        "民办学校年度检查",
        "03.03",
        "本县民办义务教育学校",
        [
            (date(2024, 12, 20), "检查民办学校3所，均合格。"),
            (date(2025, 12, 18), "检查民办学校4所，3所合格，1所限期整改，整改已完成。"),
        ],
    ),
    (
        "校园安全专项检查",
        "10.01",
        "本县中小学校",
        [
            (date(2025, 3, 10), "春季开学检查学校32所，发现隐患11处，已全部整改。"),
            (date(2025, 9, 8), "秋季开学检查学校33所，发现隐患6处，已全部整改。"),
        ],
    ),
]

REFORMS = [
    (
        "县域义务教育集团化办学改革",
        "reform",
        "08.01",
        "城区优质学校与乡镇学校组建6个教育集团，统一教学管理、教师交流和质量评价。",
        [
            (30, date(2025, 4, 30), "完成集团组建方案，6个集团签订协议，覆盖学校24所。"),
            (65, date(2025, 9, 30), "集团内教师交流轮岗86人次，联合教研活动42次。"),
        ],
    ),
    (
        "农村义务教育学生营养改善计划",
        "policy",
        "08.02",
        "为农村义务教育学生提供营养膳食补助，食堂供餐全覆盖，陪餐制度全覆盖。",
        [
            (50, date(2025, 3, 31), "春季学期补助资金足额拨付，覆盖学生1.2万人。"),
            (100, date(2025, 7, 15), "全年资金拨付完毕，食堂供餐率100%，专项督查无问题。"),
        ],
    ),
    (
        "城区学校扩容建设项目",
        "project",
        "08.01",
        "新建小学1所、改扩建初中2所，新增学位3600个，缓解城区大班额。",
        [
            (20, date(2025, 5, 31), "新建小学主体开工，两所初中完成设计招标。"),
            (55, date(2025, 10, 31), "新建小学主体封顶，初中改扩建工程完成投资的一半。"),
        ],
    ),
]


def seed(command: Any) -> None:
    from gongkai.demo.steps import demo_county

    county = demo_county()
    people = {
        "clerk": User.objects.get(username="county_clerk"),
        "document_reviewer": User.objects.get(username="county_doc_reviewer"),
        "disclosure_reviewer": User.objects.get(username="county_disclosure_reviewer"),
    }
    clerk = people["clerk"]

    def missing(kind: str, title: str) -> bool:
        return not Record.objects.filter(kind=kind, title=title, organisation=county).exists()

    def publish(record: Record, note: str = "") -> Record:
        return publish_through_review(record, **people, note=note)

    body = county.name
    for g in GUIDES:
        if missing(g["kind"], g["title"]):
            detail = {**g["detail"], "responsible_body": body}
            publish(_make(g["kind"], clerk, county, g["item"], g["title"], detail, g["rows"]))
    for title, power_kind, basis in POWERS:
        if missing(Kind.POWER_ITEM, title):
            detail = {
                "power_kind": power_kind,
                "legal_basis": basis,
                "responsible_body": body,
                "method": "受理—审查—决定—送达，全程网上留痕。",
                "responsibilities": "受理责任、审查责任、决定责任、送达责任、事后监管责任。",
                "accountability": "因不履行或不正确履行职责，依法追究责任。",
            }
            publish(_make(Kind.POWER_ITEM, clerk, county, "03.02", title, detail, None))
    for title, item, targets, results in MATTERS:
        if missing(Kind.SUPERVISION_MATTER, title):
            detail = {
                "legal_basis": "《中华人民共和国民办教育促进法》；《中小学幼儿园安全管理办法》",
                "responsible_body": body,
                "targets": targets,
                "method": "“双随机、一公开”抽查与专项检查相结合",
                "frequency": "每年至少一次",
            }
            rows = [{"checked_on": on, "summary": text} for on, text in results[:1]]
            record = publish(
                _make(Kind.SUPERVISION_MATTER, clerk, county, item, title, detail, rows, "results")
            )
            later = [{"checked_on": on, "summary": text} for on, text in reversed(results)]
            _revise(record, clerk, {}, {"results": later}, publish, "新增监管结果")
    for title, reform_kind, item, measures, updates in REFORMS:
        if missing(Kind.REFORM, title):
            progress, on, text = updates[0]
            detail = {
                "reform_kind": reform_kind,
                "starts_on": date(2025, 1, 1),
                "ends_on": date(2026, 8, 31),
                "measures": measures,
                "responsible_units": "县教育和体育局基础教育科、计划财务科",
                "supervision_method": "县教育督导室按季度督查，督查结果在执行公开栏目公布。",
                "progress": progress,
                "progress_on": on,
                "progress_text": text,
            }
            steps = [
                {
                    "name": "制定方案",
                    "due_on": date(2025, 3, 31),
                    "state": "done",
                    "done_on": date(2025, 3, 25),
                },
                {
                    "name": "组织实施",
                    "due_on": date(2026, 6, 30),
                    "state": "underway",
                    "done_on": None,
                },
                {
                    "name": "评估验收",
                    "due_on": date(2026, 8, 31),
                    "state": "planned",
                    "done_on": None,
                },
            ]
            record = publish(_make(Kind.REFORM, clerk, county, item, title, detail, steps, "steps"))
            for progress, on, text in updates[1:]:
                new = {"progress": progress, "progress_on": on, "progress_text": text}
                record = _revise(record, clerk, new, None, publish, "进展更新")
    command.stdout.write(
        "five disclosures: "
        f"{Record.objects.filter(kind=Kind.SERVICE_GUIDE, organisation=county).count()} guides"
    )


def _make(
    kind: str,
    clerk: User,
    county: Organisation,
    item: str,
    title: str,
    detail: dict[str, Any],
    rows: Any,
    rows_name: str = "",
) -> Record:
    if rows_name:
        rows = {rows_name: rows}
    return make_structured(
        kind,
        by=clerk,
        organisation=county,
        item_code=item,
        title=title,
        detail=detail,
        rows=rows,
        formed_on=date(2025, 1, 6),
    )


def _revise(
    record: Record,
    clerk: User,
    detail: dict[str, Any],
    rows: Any,
    publish: Callable[[Record, str], Record],
    note: str,
) -> Record:
    record = records.revise(record, by=clerk, change_note=note)
    record = services.save_structured(
        record, by=clerk, revision=record.revision, detail=detail, rows=rows
    )
    return publish(record, note)
