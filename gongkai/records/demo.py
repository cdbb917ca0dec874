"""Demo records: about 2,000 fictional records across all 34 items and 2024–2026.

Two parts, both deterministic (a fixed random seed, dates relative to today) and safe to run
twice:

* **History** — published records of every county bureau, township and school, as a site
  that has been running for three years would have them. They enter the way an old site's
  records do (``importing.import_record``): published once, with an index number, a version
  and a ``record.import`` audit row that says they are demo data; nobody in the system is
  named as their reviewer.
* **Work in progress** — records of the demo county that go through the real workflow
  services with the demo accounts, so every queue of the staff workbench has something in
  it: drafts (two of them overdue), records waiting for each review, approved, scheduled,
  revised (version 2), withdrawn with a notice, and 失效 / 废止 with a replacing record.

Bodies carry no personal data (screening would rightly stop them) and every organisation
and person is fictional.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.catalogue.models import Item
from gongkai.organisations.models import Kind, Organisation
from gongkai.records import services
from gongkai.records.importing import ImportRow, import_author, import_record
from gongkai.records.models import Record, Validity

SOURCE = "演示数据（虚构）"
YEARS = (2024, 2025, 2026)

#: Title patterns per item: {org}, {year}, {term} (学期), {n}.
TITLES: dict[str, list[str]] = {
    "01.01": ["《中华人民共和国义务教育法》（{year}年修正文本）", "《中华人民共和国教育法》全文"],
    "01.02": [
        "关于进一步规范义务教育阶段办学行为的通知",
        "{org}义务教育课后服务管理办法",
        "关于做好{year}年义务教育学校招生入学工作的实施意见",
    ],
    "02.01": ["{org}{year}年教育事业发展情况", "{year}年{org}教育工作总结"],
    "02.02": ["{org}{year}年教育事业统计公报", "{year}年{org}义务教育基本情况统计"],
    "02.03": ["{org}{year}年义务教育学校名录", "{year}年{org}中小学校名单"],
    "03.01": ["{year}年民办义务教育学校基本情况公示", "民办学校办学许可证信息（{year}年）"],
    "03.02": ["关于同意设立民办学校的批复（{year}年第{n}批）", "民办学校变更事项许可决定公示"],
    "03.03": ["{year}年民办学校年度检查结果公告", "民办学校日常监管情况通报（{year}年）"],
    "04.01": ["{org}{year}年部门预算公开", "{org}{year}年部门决算公开", "{year}年收费项目公示"],
    "05.01": ["{org}简介（{year}年更新）", "走进{org}"],
    "05.02": ["{org}{year}年义务教育招生入学政策", "{year}年{org}招生政策问答"],
    "05.03": ["{org}{year}年招生计划", "{year}年秋季一年级招生计划公告"],
    "05.04": ["{org}{year}年招生范围公告", "{year}年{org}学区划分方案"],
    "05.05": ["{org}{year}年新生录取结果公告", "{year}年{org}招生录取情况公示"],
    "06.01": ["义务教育学生学籍管理办法", "关于做好{year}年学籍管理工作的通知"],
    "06.02": ["{year}年义务教育学生资助政策简介", "{year}年家庭经济困难学生生活补助发放情况"],
    "06.03": ["{org}学生评优奖励办法", "{year}年{org}优秀学生评选结果公示"],
    "06.04": ["{year}年优抚对象子女入学优待政策", "关于落实特殊群体子女教育优待政策的通知"],
    "07.01": ["{year}年中小学教师全员培训计划", "{org}{year}年暑期教师研修安排"],
    "07.02": ["{year}年{term}中小学教师资格认定公告", "{year}年教师资格认定结果公示"],
    "07.03": ["{org}{year}年公开招聘教师简章", "{year}年公开招聘教师拟聘用人员公示"],
    "07.04": ["新时代中小学教师职业行为十项准则", "{org}师德师风建设实施方案"],
    "07.05": ["{year}年优秀教师评选结果公示", "{org}{year}年教学能手推荐人选公示"],
    "07.06": ["{year}年中小学教师职称评审工作通知", "{year}年中小学教师职称评审结果公示"],
    "07.07": ["{year}年特岗教师招聘公告", "{year}年特岗教师招聘拟聘人员公示"],
    "07.08": ["{year}年乡村教师生活补助发放情况", "{org}{year}年乡村教师生活补助标准"],
    "07.09": ["{year}年第{n}期普通话水平测试公告", "{year}年普通话培训测试安排"],
    "08.01": ["{org}{year}年控辍保学工作方案", "{year}年{term}控辍保学工作开展情况"],
    "08.02": ["{year}年营养改善计划实施情况", "{org}{year}年学生营养餐供餐公示"],
    "08.03": ["{org}{year}年学校体育工作评价报告", "{year}年学生体质健康测试情况"],
    "08.04": ["{org}{year}年学校美育工作评价报告", "{year}年中小学艺术展演活动结果"],
    "09.01": ["{year}年{term}责任督学挂牌督导情况", "{org}{year}年教育督导工作报告"],
    "09.02": ["{year}年义务教育优质均衡发展督导评估报告", "义务教育均衡发展整改情况（{year}年）"],
    "10.01": ["{org}{year}年{term}校园安全工作情况", "{year}年校园安全隐患排查整治情况通报"],
}

PARAGRAPHS = [
    "为深入贯彻落实国家和省、市有关义务教育工作的部署要求，保障适龄儿童少年依法接受义务教育，"
    "现将有关情况公开如下。",
    "本信息依据《中华人民共和国政府信息公开条例》和《聊城市义务教育基层政务公开标准》主动公开，"
    "欢迎社会各界监督。",
    "各学校要高度重视，明确责任分工，认真组织实施，确保各项工作落实到位。",
    "如有疑问，请在工作日上午8:30—12:00、下午14:00—17:30拨打本单位办公电话咨询。",
    "本信息自发布之日起施行，原有规定与本信息不一致的，以本信息为准。",
]

#: The 2024 and 2025 autumn and spring terms named in titles.
TERMS = ("春季学期", "秋季学期")


def seed(command: Any) -> None:
    if Record.objects.filter(title__endswith="（演示）").exists():
        command.stdout.write("demo records already present")
        return
    rng = random.Random(20261130)  # noqa: S311 - demo data, not security
    items = list(Item.objects.current().standard().select_related("section"))
    today = timezone.localdate()
    rows = list(_history(rng, items, today))
    rows.sort(key=lambda row: row[1])  # index-number serials follow publication order
    author = import_author(None)
    for n, (fields, published_at) in enumerate(rows, start=1):
        import_record(
            ImportRow(row=n, fields=fields, published_at=published_at),
            author=author,
            by=None,
            source=SOURCE,
            written_files=[],
        )
    _work_in_progress(rng, items, today)
    command.stdout.write(f"demo records: {len(rows)} published history records and a workload")


def _demo_usernames() -> list[str]:
    from gongkai.demo.steps import DEMO_ACCOUNTS

    return [username for username, *_ in DEMO_ACCOUNTS]


def _history(
    rng: random.Random, items: list[Item], today: date
) -> Any:  # yields (fields, published_at)
    counties = list(Organisation.objects.filter(kind=Kind.COUNTY_BUREAU, is_active=True))
    grassroots = list(
        Organisation.objects.filter(kind__in=[Kind.TOWNSHIP, Kind.SCHOOL], is_active=True)
    )
    for year in YEARS:
        for item in items:
            if "县级" in item.level:
                for org in counties:
                    # Every county publishes its enrolment items each year (parents look
                    # for them first); other items are published more unevenly.
                    if item.section.code == "05" or rng.random() < 0.85:
                        yield from _one(rng, item, org, year, today)
            if "乡级" in item.level:
                for org in grassroots:
                    if rng.random() < 0.5:
                        yield from _one(rng, item, org, year, today)


def _one(rng: random.Random, item: Item, org: Organisation, year: int, today: date) -> Any:
    formed_on = date(year, 1, 1) + timedelta(days=rng.randrange(0, 330))
    if formed_on > today - timedelta(days=45):
        return  # recent information is still in the pipeline, not history
    due = item.due(formed_on)
    # Most units publish within the limit; about one in twelve is late by a few days.
    if rng.random() < 0.08:
        published_on = due.due_on + timedelta(days=rng.randrange(1, 15))
    else:
        published_on = formed_on + timedelta(
            days=rng.randrange(1, max(2, (due.due_on - formed_on).days))
        )
    published_on = min(published_on, today - timedelta(days=1))
    published_at = timezone.make_aware(
        datetime.combine(published_on, time(rng.randrange(8, 18), rng.randrange(0, 60)))
    )
    title = _title(rng, item, org, year)
    fields: dict[str, Any] = {
        "title": title,
        "summary": f"演示数据，内容虚构。{org.display_name}按照标准目录“{item.name}”主动公开。",
        "body": _body(rng, title),
        "item": item,
        "organisation": org,
        "formed_on": formed_on,
        "written_on": formed_on - timedelta(days=rng.randrange(0, 3)),
        "five_disclosure": item.five_disclosure,
        "document_number": _document_number(rng, item, org, year),
        "validity": Validity.VALID,
    }
    yield fields, published_at


def _title(rng: random.Random, item: Item, org: Organisation, year: int) -> str:
    pattern = rng.choice(TITLES.get(item.code, ["{org}{year}年" + item.name + "公开"]))
    return pattern.format(
        org=org.display_name.removeprefix("（演示）"),
        year=year,
        term=rng.choice(TERMS),
        n=rng.randrange(1, 4),
    )


def _body(rng: random.Random, title: str) -> str:
    chosen = rng.sample(PARAGRAPHS, k=3)
    return f"<p>{title}。</p>" + "".join(f"<p>{p}</p>" for p in chosen)


def _document_number(rng: random.Random, item: Item, org: Organisation, year: int) -> str:
    if item.section.code not in {"01", "06"} and item.code not in {"05.02", "07.03"}:
        return ""
    if org.kind != Kind.COUNTY_BUREAU:
        return ""
    prefix = "".join(c for c in org.display_name if "\u4e00" <= c <= "\u9fa5")[:2]
    return f"{prefix}教体发〔{year}〕{rng.randrange(1, 90)}号"


# --- Work in progress through the real workflow ----------------------------------------------


def _work_in_progress(rng: random.Random, items: list[Item], today: date) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=_demo_usernames())}
    clerk = users.get("county_clerk")
    doc = users.get("county_doc_reviewer")
    dis = users.get("county_disclosure_reviewer")
    if clerk is None or doc is None or dis is None:
        return
    from gongkai.demo.steps import demo_county

    county = demo_county()
    # Items with no interpretation requirement, so each record can go the whole way.
    plain = [i for i in items if not i.needs_interpretation and "县级" in i.level]

    def draft(days_ago: int, label: str) -> Record:
        item = plain[rng.randrange(len(plain))]
        title = f"{_title(rng, item, county, today.year)}（演示）"
        return services.create_record(
            by=clerk,
            title=title,
            summary=f"演示数据，内容虚构（工作台示例：{label}）。",
            body=_body(rng, title),
            item=item,
            organisation=county,
            formed_on=today - timedelta(days=days_ago),
            written_on=today - timedelta(days=days_ago),
        )

    for days in (2, 5, 9):
        draft(days, "草稿")
    for days in (35, 48):
        draft(days, "已超期未发布")
    for days in (3, 6, 12):
        services.submit(draft(days, "待公文审核"), by=clerk)
    for days in (4, 15):
        record = services.submit(draft(days, "待政务公开审核"), by=clerk)
        services.approve_document(record, by=doc)
    returned = services.submit(draft(7, "退回修改"), by=clerk)
    services.return_for_changes(returned, by=doc, note="请补充招生咨询电话和报名时间安排。")

    def approved(days: int, label: str) -> Record:
        record = services.submit(draft(days, label), by=clerk)
        record = services.approve_document(record, by=doc)
        return services.approve_disclosure(record, by=dis)

    approved(8, "审核通过待发布")
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time(9, 0)))
    services.schedule(approved(6, "定时发布"), by=dis, at=tomorrow)

    published = [services.publish(approved(d, "已发布"), by=dis) for d in (10, 14, 20, 25)]
    revised = services.revise(published[0], by=clerk, change_note="更正咨询时间")
    revised = services.update_record(
        revised,
        by=clerk,
        revision=revised.revision,
        body=revised.body + "<p>更正：咨询电话调整为工作日全天受理。</p>",
    )
    revised = services.submit(revised, by=clerk)
    revised = services.approve_document(revised, by=doc)
    revised = services.approve_disclosure(revised, by=dis)
    services.publish(revised, by=dis, change_note="更正咨询时间")
    services.withdraw(published[1], by=dis, reason="信息发布有误，已重新核实后另行发布。")
    services.change_validity(
        published[2],
        by=dis,
        validity=Validity.REPEALED,
        on=today,
        replaced_by=published[3],
        note="已被新文件替代",
    )
