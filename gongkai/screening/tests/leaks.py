"""The leak corpus: personal data and markings written out every way we have seen (and a few
more), and the look-alikes that must stay silent.

Each :class:`Leak` is one distinct thing (a fresh valid number, or a marking with its own
period) with the text it is written as and what it reads as, so a part holding all of them
must give one finding per leak, each known by its value. ``bmp`` says whether the writing
stays within the Basic Multilingual Plane (a PDF's text layer, as the test writer makes it,
cannot hold more); ``inline`` whether it is a marking (or number) that reads as one in the
middle of a line (markings by ★, brackets or a label), not only alone on its line; ``safe``
whether it can stand in a sheet name or an attribute (no ``[]:*?/\\`` or quotes).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import uscc

from gongkai.screening.detectors import (
    BANK_CARD,
    CLASSIFIED_MARKING,
    ID_CARD,
    INTERNAL_MARKING,
    MOBILE_PHONE,
)
from gongkai.screening.testing import (
    make_card,
    make_id,
    make_legacy_id,
    make_mobile,
    make_uscc,
)


@dataclass(frozen=True)
class Leak:
    kind: str
    how: str
    written: str
    value: str
    inline: bool = True
    #: The writing alone, without the word before it (身份证号码：…).
    bare: str = ""

    @property
    def bmp(self) -> bool:
        return all(ord(c) <= 0xFFFF for c in self.written)

    @property
    def safe(self) -> bool:
        return not any(c in self.written for c in '[]:：*?/\\"<>&★☆＊')


# --- Writings of digits --------------------------------------------------------------------


def _by_table(table: str) -> Callable[[str], str]:
    """Digits 0–9 written with the ten characters of ``table``; X kept."""
    return lambda number: "".join(table[int(c)] if c.isdigit() else c for c in number)


def _astral(first: int) -> Callable[[str], str]:
    return lambda number: "".join(chr(first + int(c)) if c.isdigit() else c for c in number)


def _groups(number: str, shape: tuple[int, ...], separator: str) -> str:
    parts, i = [], 0
    for size in shape:
        parts.append(number[i : i + size])
        i += size
    return separator.join(parts)


def _inside(number: str, invisible: str, every: int = 3) -> str:
    return invisible.join(number[i : i + every] for i in range(0, len(number), every))


FULLWIDTH = _by_table("０１２３４５６７８９")
CIRCLED = _by_table("⓪①②③④⑤⑥⑦⑧⑨")
NEGATIVE_CIRCLED = _by_table("⓿❶❷❸❹❺❻❼❽❾")
PARENTHESISED = _by_table("0⑴⑵⑶⑷⑸⑹⑺⑻⑼")  # there is no parenthesised zero
FULL_STOP = _by_table("0⒈⒉⒊⒋⒌⒍⒎⒏⒐")
SUPERSCRIPT = _by_table("⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPT = _by_table("₀₁₂₃₄₅₆₇₈₉")
CHINESE = _by_table("〇一二三四五六七八九")
CHINESE_ZERO_LING = _by_table("零一二三四五六七八九")
FINANCIAL = _by_table("零壹贰叁肆伍陆柒捌玖")
ARABIC_INDIC = _by_table("٠١٢٣٤٥٦٧٨٩")
MATH_BOLD = _astral(0x1D7CE)
DOUBLE_STRUCK = _astral(0x1D7D8)
SANS_SERIF = _astral(0x1D7E2)
MONOSPACE = _astral(0x1D7F6)

_ID_WRITINGS: list[tuple[str, Callable[[str], str]]] = [
    ("连写", lambda n: n),
    ("6-8-4空格", lambda n: _groups(n, (6, 8, 4), " ")),
    ("6-4-4-4连字符", lambda n: _groups(n, (6, 4, 4, 4), "-")),
    ("3-3-4-4-4空格", lambda n: _groups(n, (3, 3, 4, 4, 4), " ")),
    ("全角", FULLWIDTH),
    ("全角加全角空格", lambda n: _groups(FULLWIDTH(n), (6, 8, 4), "\u3000")),
    ("点号分隔", lambda n: _groups(n, (6, 8, 4), ".")),
    ("全角点号分隔", lambda n: _groups(n, (6, 8, 4), "．")),
    ("斜线分隔", lambda n: _groups(n, (6, 8, 4), "/")),
    ("间隔号分隔", lambda n: _groups(n, (6, 8, 4), "·")),
    ("片假名中点分隔", lambda n: _groups(n, (6, 8, 4), "・")),
    ("短破折号分隔", lambda n: _groups(n, (6, 8, 4), "–")),
    ("长破折号分隔", lambda n: _groups(n, (6, 8, 4), "—")),
    ("中文破折号分隔", lambda n: _groups(n, (6, 8, 4), "——")),
    ("负号分隔", lambda n: _groups(n, (6, 8, 4), "−")),
    ("双空格分隔", lambda n: _groups(n, (6, 8, 4), "  ")),
    ("不换行空格分隔", lambda n: _groups(n, (6, 8, 4), "\u00a0")),
    ("混合分隔", lambda n: n[:6] + "." + n[6:14] + "-" + n[14:]),
    ("软连字符", lambda n: _inside(n, "\u00ad")),
    ("零宽空格", lambda n: _inside(n, "\u200b")),
    ("零宽连接符", lambda n: _inside(n, "\u200d", 2)),
    ("零宽非连接符", lambda n: _inside(n, "\u200c", 4)),
    ("单词连接符", lambda n: _inside(n, "\u2060")),
    ("字节顺序标记", lambda n: _inside(n, "\ufeff", 5)),
    ("双向控制符", lambda n: _inside(n, "\u200e\u202a", 6)),
    ("变体选择符", lambda n: _inside(n, "\ufe0f", 1)),
    ("圈码数字", CIRCLED),
    ("反白圈码数字", NEGATIVE_CIRCLED),
    ("括号数字", PARENTHESISED),
    ("带点数字", FULL_STOP),
    ("上标数字", SUPERSCRIPT),
    ("下标数字", SUBSCRIPT),
    ("中文数字", CHINESE),
    ("中文数字零", CHINESE_ZERO_LING),
    ("大写数字", FINANCIAL),
    ("阿拉伯-印度数字", ARABIC_INDIC),
    ("数学粗体数字", MATH_BOLD),
    ("数学双线数字", DOUBLE_STRUCK),
    ("数学等线数字", SANS_SERIF),
    ("数学等宽数字", MONOSPACE),
]
_MOBILE_WRITINGS: list[tuple[str, Callable[[str], str]]] = [
    ("连写", lambda n: n),
    ("3-4-4连字符", lambda n: _groups(n, (3, 4, 4), "-")),
    ("3-4-4空格", lambda n: _groups(n, (3, 4, 4), " ")),
    ("加86", lambda n: "+86 " + n),
    ("加0086", lambda n: "0086-" + n),
    ("全角", FULLWIDTH),
    ("中文数字", CHINESE),
    ("口语幺", lambda n: CHINESE(n).replace("一", "幺")),
    ("圈码数字", CIRCLED),
    ("点号分隔", lambda n: _groups(n, (3, 4, 4), ".")),
    ("长破折号分隔", lambda n: _groups(n, (3, 4, 4), "—")),
    ("软连字符", lambda n: _inside(n, "\u00ad", 4)),
    ("零宽空格", lambda n: _inside(n, "\u200b", 2)),
    ("逐字空格", lambda n: " ".join(n)),
    ("数学等线数字", SANS_SERIF),
]
_CARD_WRITINGS: list[tuple[str, Callable[[str], str]]] = [
    ("19位连写", lambda n: n),
    ("4-4-4-4-3空格", lambda n: _groups(n, (4, 4, 4, 4, 3), " ")),
    ("4-4-4-4-3连字符", lambda n: _groups(n, (4, 4, 4, 4, 3), "-")),
    ("全角", FULLWIDTH),
    ("点号分隔", lambda n: _groups(n, (4, 4, 4, 4, 3), ".")),
    ("短破折号分隔", lambda n: _groups(n, (4, 4, 4, 4, 3), "–")),
    ("零宽空格", lambda n: _inside(n, "\u200b", 4)),
]

# Markings: the classification levels with a period (GB/T 9704), and internal markings,
# written with stars, invisible characters and spaces. Each has its own period, so each is
# its own finding. Not inline: only a marking alone on its line.
_MARKINGS: list[tuple[str, str, str, str, bool]] = [
    (CLASSIFIED_MARKING, "秘密★期限", "秘密★1年", "秘密★1年", True),
    (CLASSIFIED_MARKING, "机密★期限", "机密★10年", "机密★10年", True),
    (CLASSIFIED_MARKING, "绝密★长期", "绝密★长期", "绝密★长期", True),
    (CLASSIFIED_MARKING, "绝密★启用前", "绝密★启用前", "绝密★启用前", True),
    (CLASSIFIED_MARKING, "零宽连接符", "秘\u200d密★2年", "秘密★2年", True),
    (CLASSIFIED_MARKING, "软连字符", "机\u00ad密★3年", "机密★3年", True),
    (CLASSIFIED_MARKING, "字间空格", "绝 密★4年", "绝密★4年", True),
    (CLASSIFIED_MARKING, "全角空格", "秘　密　★　5年", "秘密★5年", True),
    (CLASSIFIED_MARKING, "空心星", "秘密☆6个月", "秘密★6个月", True),
    (CLASSIFIED_MARKING, "全角星号", "机密＊七年", "机密★七年", True),
    (CLASSIFIED_MARKING, "繁体", "機密★8年", "機密★8年", True),
    (CLASSIFIED_MARKING, "全角数字期限", "秘密★９年", "秘密★９年", True),
    (INTERNAL_MARKING, "方括号", "【内部资料】", "内部资料", True),
    (INTERNAL_MARKING, "附注", "（此件不公开）", "此件不公开", True),
    (INTERNAL_MARKING, "单独成行", "内部文件", "内部文件", False),
    (INTERNAL_MARKING, "单独成行零宽", "注\u200b意\u200b保\u200b存", "注意保存", False),
    (INTERNAL_MARKING, "单独成行间隔", "仅 供 内 部 参 考", "仅供内部参考", False),
]
_CONTEXT = {ID_CARD: "身份证号码：", MOBILE_PHONE: "联系电话：", BANK_CARD: "银行卡号："}


def leaks(seed: int = 16) -> list[Leak]:
    """At least 60 leaks: ID numbers (18 with valid check characters, X and x among them,
    and 15-digit legacy numbers), mobile numbers and bank cards (Luhn) in every writing, and
    classification and internal markings."""
    rng = random.Random(seed)
    found: list[Leak] = []
    values: set[str] = set()

    def fresh(make: Callable[[], str]) -> str:
        while (number := make()) in values:
            pass
        values.add(number)
        return number

    def add(kind: str, how: str, written: str, value: str) -> None:
        # A number carries the word a clerk writes before it; the writing is what varies.
        found.append(Leak(kind, how, _CONTEXT[kind] + written, value, bare=written))

    for how, write in _ID_WRITINGS:
        number = fresh(lambda: make_id(rng))
        add(ID_CARD, how, write(number), number)
    for how, write in (
        ("校验码X", lambda n: n),
        ("小写校验码x", lambda n: n[:-1] + "x"),
        ("全角校验码Ｘ", lambda n: FULLWIDTH(n[:-1]) + "Ｘ"),
        ("罗马数字十作校验码", lambda n: n[:-1] + "Ⅹ"),
    ):
        number = fresh(lambda: _id_ending_in_x(rng))
        add(ID_CARD, how, write(number), number)
    student = fresh(lambda: make_id(rng, born_from=2010))
    found.append(
        Leak(ID_CARD, "学籍号G加身份证号", "全国学籍号：G" + student, student, bare="G" + student)
    )
    for how, shape in (("15位旧号码", (15,)), ("15位旧号码6-6-3", (6, 6, 3))):
        legacy = fresh(lambda: make_legacy_id(rng))
        add(ID_CARD, how, _groups(legacy, shape, " "), legacy)
    for how, write in _MOBILE_WRITINGS:
        number = fresh(lambda: make_mobile(rng))
        add(MOBILE_PHONE, how, write(number), number)
    for how, write in _CARD_WRITINGS:
        number = fresh(lambda: _unionpay(rng))
        add(BANK_CARD, how, write(number), number)
    for how, shape in (("16位连写", (16,)), ("16位4-4-4-4空格", (4, 4, 4, 4))):
        number = fresh(lambda: make_card(rng, length=16))
        add(BANK_CARD, how, _groups(number, shape, " "), number)
    for kind, how, written, value, inline in _MARKINGS:
        found.append(Leak(kind, how, written, value, inline, bare=written))
    return found


def _id_ending_in_x(rng: random.Random) -> str:
    while not (number := make_id(rng)).endswith("X"):
        pass
    return number


def _unionpay(rng: random.Random) -> str:
    """A 19-digit UnionPay debit card number, the card of every Chinese aid list."""
    from stdnum import luhn

    body = rng.choice(["622202", "622848", "621700", "623058", "621226"]) + "".join(
        str(rng.randrange(10)) for _ in range(12)
    )
    return body + luhn.calc_check_digit(body)


# --- Look-alikes --------------------------------------------------------------------------


def look_alikes(seed: int = 16) -> list[str]:
    """Text that looks like a leak and is not one: each must stay silent wherever it is."""
    rng = random.Random(seed)
    id_number = make_id(rng)
    credit_codes = [make_uscc(rng), make_uscc(rng, digits_only=True)]
    assert all(uscc.is_valid(c) for c in credit_codes)
    return [
        "发布日期：2025-09-01",
        "成文日期：20250901",
        "2025年9月1日起施行",
        "二〇二五年九月一日",
        "2025/09/01 08:30:00",
        "2025.09.01",
        "金额：12,345,678.00元",
        "合计人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元整",
        "合计13812345678元",
        "比例为0.15384615385",
        "依据《中华人民共和国政府信息公开条例》第十四条、第十五条",
        "《居民身份证号码》（GB 11643-1999）",
        "国务院令第711号",
        "聊教体发〔2025〕12号",
        "鲁政办字〔2019〕137号",
        f"统一社会信用代码：{credit_codes[0]}",
        f"统一社会信用代码：{credit_codes[1]}",
        "索引号：11371500004308XXXX/2025-00012",
        f"身份证号：{id_number[:6]}********{id_number[-4:]}",
        "身份证号：3715**********1234",
        "手机：138****5678",
        "手机：138〇〇〇〇5678",
        "银行卡号：6222 **** **** **** 123",
        "订单号：202509011234567890123",
        "缴费流水号：6222021234567890123",
        "ISBN 978-7-04-051234-5",
        "ISBN 9787040512345",
        "咨询电话：0635-8241234",
        "监督电话：（0635）8241234",
        "服务热线：12345，400-123-4567",
        "传真：0635－8241235",
        "邮政编码：252000",
        "学校对公账户：收款账号 6222021234567890123",
        "在校生 150 2300 4500 6800",
        "全年支出 4367 4262 3352 9839 435 万元",
        "考生号 25371502110123",
        "准考证号：13371502001",
        "学号 15010203045，工号 18000123456",
        "准考证号 2025371502001",
        "保守国家秘密，做好保密审查工作。",
        "确保数据的机密性、完整性和可用性。",
        "对标注“内部资料”的文件，不得上网公开。",
        "不宜公开的信息应当按规定报批。",
        "第一章 第二节 一二三四五",
        "第①条 第②款",
    ]
