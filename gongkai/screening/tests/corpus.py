"""A labelled corpus of county education announcements, with and without leaks.

Each generator writes a realistic notice the way a school clerk would — 招生结果公示,
资助名单公示, 教师招聘拟聘人员公示, ordinary notices with statistics — and records the exact
span of every ID number, mobile number and card number it puts in (the labels). Everything
else is a look-alike that must stay silent: masked numbers, document and index numbers,
credit codes (some all digits), landlines and hotlines, amounts, statistics rows, exam and
student numbers, serial numbers, wrong check characters, school accounts.

Deterministic for a given seed, so precision and recall are reproducible numbers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.screening.detectors import BANK_CARD, ID_CARD, MOBILE_PHONE
from gongkai.screening.testing import (
    fullwidth,
    make_card,
    make_id,
    make_legacy_id,
    make_mobile,
    make_uscc,
    spaced,
    wrong_check,
)

Label = tuple[str, int, int]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "子涵梓轩浩宇欣怡一诺雨桐思远嘉怡俊杰明轩诗琪晨曦博文佳豪雅婷志强秀英建华丽娟海燕"
COUNTIES = ("东昌府区", "临清市", "阳谷县", "莘县", "东阿县", "冠县", "高唐县", "茌平区")
SCHOOLS = ("实验小学", "第一中学", "育才小学", "光明路小学", "振华中学", "新区实验学校", "第二小学")
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "道德与法治", "体育与健康", "音乐", "美术")


@dataclass
class LabelledText:
    text: str
    labels: list[Label] = field(default_factory=list)


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.labels: list[Label] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    def leak(self, kind: str, text: str) -> None:
        self.labels.append((kind, self.size, self.size + len(text)))
        self.add(text)

    def done(self) -> LabelledText:
        return LabelledText("".join(self.parts), self.labels)


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _landline(rng: random.Random) -> str:
    return rng.choice(["0635-", "0635－", "（0635）", "0635 "]) + str(
        rng.randrange(2000000, 8999999)
    )


def _written_id(rng: random.Random, number: str) -> str:
    form = rng.random()
    if form < 0.60:
        return number
    if form < 0.72:
        return spaced(number, (6, 8, 4))
    if form < 0.80:
        return spaced(number, (6, 4, 4, 4), rng.choice([" ", "-"]))
    if form < 0.90:
        return fullwidth(number)
    return number[:-1] + number[-1].lower()


def _written_mobile(rng: random.Random, number: str) -> str:
    form = rng.random()
    if form < 0.65:
        return number
    if form < 0.78:
        return spaced(number, (3, 4, 4), "-")
    if form < 0.86:
        return spaced(number, (3, 4, 4), " ")
    if form < 0.93:
        return "+86 " + number
    return fullwidth(number)


def _written_card(rng: random.Random, number: str) -> str:
    form = rng.random()
    if form < 0.7:
        return number
    shape = (4,) * (len(number) // 4) + ((len(number) % 4,) if len(number) % 4 else ())
    return spaced(number, shape, rng.choice([" ", "-"]))


def _masked_id(rng: random.Random) -> str:
    number = make_id(rng)
    return rng.choice(
        [
            number[:6] + "********" + number[-4:],
            number[:3] + "***********" + number[-4:],
            number[:4] + "**********" + number[-4:],
            number[:10] + "****" + number[-4:],
        ]
    )


def _masked_mobile(rng: random.Random) -> str:
    number = make_mobile(rng)
    return rng.choice([number[:3] + "****" + number[-4:], number[:3] + "*****" + number[-3:]])


def _masked_card(rng: random.Random) -> str:
    number = make_card(rng)
    return rng.choice(["*" * (len(number) - 4) + number[-4:], number[:6] + "******" + number[-4:]])


def _header(w: _Writer, rng: random.Random, title: str) -> tuple[str, str]:
    county = rng.choice(COUNTIES)
    year = rng.choice([2023, 2024, 2025])
    bureau = f"{county}教育和体育局"
    uscc = make_uscc(rng, digits_only=rng.random() < 0.3)
    w.add(f"{title}\n")
    w.add(f"索引号：{uscc}/{year}-{rng.randrange(1, 99999):05d}　发布机构：{bureau}\n")
    w.add(
        f"文号：聊{county[:2]}教体发〔{year}〕{rng.randrange(1, 120)}号　成文日期：{year}年"
        f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日\n"
    )
    return bureau, str(year)


def _closing(w: _Writer, rng: random.Random, bureau: str, year: str) -> None:
    w.add(
        f"公示期为{year}年7月{rng.randrange(1, 20)}日至7月{rng.randrange(21, 29)}日（5个工作日）。"
        f"如有异议，请在公示期内以书面形式向{bureau}反映。\n"
        f"监督电话：{_landline(rng)}，{_landline(rng)}；政务服务便民热线：12345；"
        f"教育服务热线：400-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}。\n"
        f"单位地址：{bureau[:3]}振兴路{rng.randrange(1, 300)}号，邮编252000。\n"
        f"{bureau}\n{year}年7月{rng.randrange(1, 28)}日\n"
    )


def enrolment_results(rng: random.Random, leak_rate: float) -> LabelledText:
    """招生结果公示: names with ID numbers and a parent's phone, usually masked."""
    w = _Writer()
    school = rng.choice(SCHOOLS)
    bureau, year = _header(
        w, rng, f"关于{school}{rng.choice(['一年级', '七年级'])}新生招生结果的公示"
    )
    w.add(
        f"根据《{bureau}关于做好{year}年义务教育阶段学校招生入学工作的通知》要求，经资格审查、"
        f"信息比对，现将{school}{year}年招生结果予以公示。本次共录取新生{rng.randrange(80, 600)}人，"
        f"其中学区内{rng.randrange(50, 400)}人，随迁子女{rng.randrange(5, 80)}人。\n"
        "序号 姓名 性别 出生日期 身份证号 家长联系电话 备注\n"
    )
    for i in range(1, rng.randrange(15, 60)):
        w.add(
            f"{i} {_name(rng)} {rng.choice('男女')} {year[:2]}{rng.randrange(14, 20)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)} "
        )
        if rng.random() < leak_rate:
            w.leak(ID_CARD, _written_id(rng, make_id(rng, born_from=2012, born_to=2019)))
        else:
            w.add(_masked_id(rng))
        w.add(" ")
        if rng.random() < leak_rate:
            w.leak(MOBILE_PHONE, _written_mobile(rng, make_mobile(rng)))
        else:
            w.add(_masked_mobile(rng))
        w.add(f" {rng.choice(['学区内', '随迁子女', '政策性照顾', ''])}\n")
    _closing(w, rng, bureau, year)
    return w.done()


def aid_list(rng: random.Random, leak_rate: float) -> LabelledText:
    """资助名单公示: student, ID number, bank card, amount; amounts and totals nearby."""
    w = _Writer()
    bureau, year = _header(w, rng, f"{year_word(rng)}家庭经济困难学生生活补助资金发放名单公示")
    w.add(
        "根据《山东省家庭经济困难学生资助资金管理办法》，经学生申请、学校评议、公示、"
        f"县级审核，现将资助名单公示如下。本批次共资助学生{rng.randrange(100, 900)}人，"
        f"发放资金{rng.randrange(10, 90)},{rng.randrange(100, 999)}.00元，通过银行卡直接发放。\n"
        "序号 姓名 学校 年级 身份证号 银行卡号 资助金额（元）\n"
    )
    for i in range(1, rng.randrange(15, 60)):
        w.add(f"{i} {_name(rng)} {rng.choice(SCHOOLS)} {rng.choice('一二三四五六七八九')}年级 ")
        if rng.random() < leak_rate:
            w.leak(ID_CARD, _written_id(rng, make_id(rng, born_from=2007, born_to=2019)))
        else:
            w.add(_masked_id(rng))
        w.add(" ")
        if rng.random() < leak_rate:
            w.leak(BANK_CARD, _written_card(rng, make_card(rng)))
        else:
            w.add(_masked_card(rng))
        w.add(f" {rng.choice(['1,000.00', '625.00', '1250', '500.00', '2,500'])}\n")
    w.add(
        f"合计 {rng.randrange(100, 900)}人 {rng.randrange(100, 999)},{rng.randrange(100, 999)}.00元\n"
    )
    w.add(f"资金拨付账户：{bureau}对公账户 {_school_account(rng)}\n")
    _closing(w, rng, bureau, year)
    return w.done()


def year_word(rng: random.Random) -> str:
    return f"{rng.choice([2023, 2024, 2025])}年{rng.choice(['春季', '秋季'])}学期"


def teacher_shortlist(rng: random.Random, leak_rate: float) -> LabelledText:
    """教师招聘拟聘人员公示: exam numbers, scores, birth months; phones sometimes leak."""
    w = _Writer()
    title = f"{rng.choice([2023, 2024, 2025])}年公开招聘教师拟聘用人员公示"
    bureau, year = _header(w, rng, title)
    w.add(
        f"根据《{bureau}{year}年公开招聘教师简章》，经笔试、面试、考察、体检等程序，"
        "现将拟聘用人员名单予以公示。笔试成绩、面试成绩均按百分制计算，总成绩=笔试成绩×50%+面试成绩×50%。\n"
        "序号 岗位代码 准考证号 姓名 性别 出生年月 学历 笔试成绩 面试成绩 总成绩 联系电话\n"
    )
    for i in range(1, rng.randrange(10, 40)):
        exam = (
            f"{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 40):02d}{rng.randrange(1, 999):03d}"
        )
        w.add(
            f"{i} {rng.randrange(1, 60):03d} {exam} {_name(rng)} {rng.choice('男女')} "
            f"{rng.randrange(1990, 2003)}.{rng.randrange(1, 13):02d} "
            f"{rng.choice(['本科', '硕士研究生'])} {rng.randrange(600, 950) / 10:.1f} "
            f"{rng.randrange(700, 960) / 10:.2f} {rng.randrange(650, 950) / 10:.2f} "
        )
        if rng.random() < leak_rate:
            w.leak(MOBILE_PHONE, _written_mobile(rng, make_mobile(rng)))
        else:
            w.add(_masked_mobile(rng))
        w.add("\n")
    if rng.random() < leak_rate:
        w.add("联系人：")
        w.add(_name(rng))
        w.add("，手机")
        w.leak(MOBILE_PHONE, make_mobile(rng))
        w.add("。\n")
    _closing(w, rng, bureau, year)
    return w.done()


def _school_account(rng: random.Random) -> str:
    # A unit's own account (对公账户) is public: 16–20 digits, Luhn-valid one time in ten.
    length = rng.choice([16, 17, 18, 19, 20])
    return rng.choice("12369") + "".join(str(rng.randrange(10)) for _ in range(length - 1))


def statistics_notice(rng: random.Random, leak_rate: float) -> LabelledText:
    """An ordinary notice full of numbers that are not personal data, sometimes with a
    contact person's phone or ID number in it (that part is labelled)."""
    w = _Writer()
    bureau, year = _header(w, rng, f"{bureau_word(rng)}{year_word(rng)}教育事业统计公报")
    w.add(
        f"一、基本情况。全县共有各级各类学校{rng.randrange(80, 300)}所，在校生"
        f"{rng.randrange(10, 99)},{rng.randrange(100, 999)}人，教职工{rng.randrange(1, 9)},"
        f"{rng.randrange(100, 999)}人。全年教育经费总投入{rng.randrange(1, 99)},{rng.randrange(100, 999)},"
        f"{rng.randrange(100, 999)}.{rng.randrange(10, 99)}元，同比增长{rng.randrange(1, 20)}.{rng.randrange(0, 9)}%。\n"
        "二、分学段情况（学校数 班级数 在校生数 毕业生数）\n"
    )
    for stage in ("小学", "初中", "高中", "幼儿园"):
        w.add(
            f"{stage} {rng.randrange(100, 199)} {rng.randrange(1000, 9999)} "
            f"{rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}\n"
        )
    w.add(
        f"生均公用经费 {rng.randrange(600, 1500)} {rng.randrange(800, 1800)} "
        f"{rng.randrange(1000, 2000)} 元\n"
        f"学校统一社会信用代码：{make_uscc(rng, digits_only=True)}；"
        f"{rng.choice(SCHOOLS)}统一社会信用代码：{make_uscc(rng)}\n"
        f"营业执照注册号：{make_legacy_id(rng)}；税务登记号 {make_legacy_id(rng)}\n"
        f"采购合同编号：{year}{rng.randrange(10**9, 10**10)}；"
        f"缴费流水号：{make_card(rng, length=19)}；发票号码：{rng.randrange(10**19, 10**20)}\n"
        f"学籍辅号：L{year}{rng.randrange(10**9, 10**10)}；身份证号为{wrong_check(make_id(rng))}的考生成绩无效。\n"
        f"{year}年{rng.randrange(1, 12)}月{rng.randrange(1, 28)}日至{year}年12月31日，"
        f"受理咨询{rng.randrange(1000, 99999)}件次，办结率{rng.randrange(90, 100)}.{rng.randrange(0, 99)}%。\n"
    )
    if rng.random() < leak_rate:
        w.add("全国学籍号：G")
        w.leak(ID_CARD, make_id(rng, born_from=2010, born_to=2018))
        w.add("。\n")
    if rng.random() < leak_rate:
        w.add("联系人：")
        w.add(_name(rng))
        w.add(rng.choice(["，联系电话：", "（手机：", " Tel:"]))
        w.leak(MOBILE_PHONE, _written_mobile(rng, make_mobile(rng)))
        w.add("\n")
    if rng.random() < leak_rate:
        w.add("（退休教师，原身份证号码：")
        w.leak(ID_CARD, make_legacy_id(rng))
        w.add("）\n")
    if rng.random() < leak_rate:
        w.add("请将补助汇入本人银行卡，卡号：")
        w.leak(BANK_CARD, _written_card(rng, make_card(rng)))
        w.add("。\n")
    _closing(w, rng, bureau, year)
    return w.done()


def bureau_word(rng: random.Random) -> str:
    return rng.choice(COUNTIES)


GENERATORS: tuple[Callable[[random.Random, float], LabelledText], ...] = (
    enrolment_results,
    aid_list,
    teacher_shortlist,
    statistics_notice,
)


def corpus(seed: int = 20250701, documents: int = 240) -> list[LabelledText]:
    """Documents of every kind; a third leak nothing, the rest leak some or all rows."""
    rng = random.Random(seed)
    out = []
    for n in range(documents):
        generator = GENERATORS[n % len(GENERATORS)]
        leak_rate = rng.choice([0.0, 0.0, 0.05, 0.3, 1.0])
        out.append(generator(rng, leak_rate))
    return out
