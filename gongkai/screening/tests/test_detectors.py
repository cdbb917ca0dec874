"""Each detector rule, both sides: what must be found and what must stay silent."""

from __future__ import annotations

import random
import unicodedata

import pytest
from stdnum.cn import ric

from gongkai.screening.detectors import (
    _FOLD,
    BANK_CARD,
    CLASSIFIED_MARKING,
    ID_CARD,
    INTERNAL_MARKING,
    MOBILE_PHONE,
    SENSITIVE_TERM,
    detect,
    find_markings,
    find_numbers,
    find_terms,
)
from gongkai.screening.testing import (
    fullwidth,
    make_card,
    make_id,
    make_uscc,
    spaced,
    wrong_check,
)

RNG = random.Random(7)
ID = "37150219900101123" + ric.calc_check_digit("37150219900101123" + "0")
MOBILE = "13812345678"
CARD = make_card(RNG, length=19)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in detect(text)]


# --- ID numbers ----------------------------------------------------------------------------


def test_an_id_number_is_found_with_its_exact_span() -> None:
    text = f"身份证号：{ID}。"
    [finding] = detect(text)
    assert (finding.kind, finding.text) == (ID_CARD, ID)
    assert text[finding.start : finding.end] == ID


@pytest.mark.parametrize(
    "written",
    [
        spaced(ID, (6, 8, 4)),
        spaced(ID, (6, 4, 4, 4), "-"),
        spaced(ID, (3, 3, 4, 4, 4)),
        fullwidth(ID),
        spaced(fullwidth(ID), (6, 8, 4), "\u3000"),
        ID[:6] + "\u200b" + ID[6:],
    ],
)
def test_an_id_number_is_found_however_it_is_written(written: str) -> None:
    assert kinds(f"证件号码 {written} 。") == [(ID_CARD, written)]


def test_a_lower_case_x_check_character_counts() -> None:
    number = next(n for n in (make_id(RNG) for _ in range(500)) if n.endswith("X"))
    assert kinds(f"号码{number[:-1]}x，") == [(ID_CARD, number[:-1] + "x")]


def test_the_fold_to_ascii_is_nfkc() -> None:
    assert all(unicodedata.normalize("NFKC", c).upper() == v for c, v in _FOLD.items())


@pytest.mark.parametrize(
    "text",
    [
        f"身份证号：{wrong_check(ID)}",  # wrong check character
        "身份证号：371502********1234",  # masked
        "身份证号：3715021990****1234",
        f"编号{ID}7",  # inside a longer digit run
        f"1{ID}",
        f"单号AB{ID}",  # inside a code
        "身份证号：371502189901011230",  # born before 1900
        "身份证号：991502199001011234",  # no such province
    ],
)
def test_things_that_are_not_id_numbers_stay_silent(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == ID_CARD] == []


def test_a_student_number_is_g_plus_the_id_number_and_leaks_it() -> None:
    assert kinds(f"全国学籍号：G{ID}") == [(ID_CARD, ID)]


def test_a_credit_code_that_also_passes_the_id_check_is_silent_where_it_is_named() -> None:
    # Search for an all-digit string that is both a valid USCC and a valid ID number.
    from stdnum.cn import uscc

    candidates = (f"110105199001{d:02d}{n:03d}" for d in range(10, 29) for n in range(1000))
    both = next(
        c + ric.calc_check_digit(c + "0")
        for c in candidates
        if uscc.is_valid(c + ric.calc_check_digit(c + "0"))
    )
    assert kinds(f"统一社会信用代码：{both}") == []
    assert kinds(f"索引号：{both}/2025-00012") == []
    assert kinds(f"身份证号：{both}") == [(ID_CARD, both)]


def test_credit_codes_document_numbers_and_index_numbers_are_silent() -> None:
    text = (
        f"统一社会信用代码：12371500MB1234567X，{make_uscc(RNG)}，{make_uscc(RNG, digits_only=True)}\n"
        "聊教体发〔2025〕12号 索引号：11371500004308XXXX/2025-00012\n"
    )
    assert kinds(text) == []


def test_a_legacy_id_number_needs_evidence() -> None:
    legacy = "371502900101123"
    assert kinds(f"原身份证号：{legacy}") == [(ID_CARD, legacy)]
    assert kinds(f"营业执照注册号：{legacy}") == []
    assert kinds(f"数据 {legacy}") == []  # no identity word anywhere before it
    assert kinds(f"身份证号码变更：{ID}，原号码 {legacy}") == [(ID_CARD, ID), (ID_CARD, legacy)]
    assert kinds("身份证号 371502901301123") == []  # month 13


def test_a_legacy_id_number_in_an_identity_column_is_found_without_words() -> None:
    legacy = "371502900101123"
    assert find_numbers(legacy, identity_context=lambda offset: True)[0].text == legacy
    assert find_numbers(legacy, identity_context=lambda offset: False) == []


# --- Mobile numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        MOBILE,
        "138-1234-5678",
        "138 1234 5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "+8613812345678",
        "0086 13812345678",
        "8613812345678",
        fullwidth(MOBILE),
        "１３８－１２３４－５６７８",
    ],
)
def test_a_mobile_number_is_found_however_it_is_written(written: str) -> None:
    assert kinds(f"联系电话：{written}。") == [(MOBILE_PHONE, written)]


def test_two_mobile_numbers_side_by_side_are_two_findings() -> None:
    assert kinds("手机 13812345678 15912345678") == [
        (MOBILE_PHONE, "13812345678"),
        (MOBILE_PHONE, "15912345678"),
    ]
    assert kinds("13812345678/15912345678") == [
        (MOBILE_PHONE, "13812345678"),
        (MOBILE_PHONE, "15912345678"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "监督电话：0635-8241234",
        "（0635）8241234",
        "010-12345678",
        "便民热线12345，服务热线400-123-4567，95588",
        "共计13812345678元",  # an amount
        "13812345678.50",
        "138****5678",
        "订单号202503121381234567890",  # inside a longer run
        "学号X13812345678",
        "12812345678",  # 12x is not a mobile prefix
        "小学 150 2300 4500 6800",  # a row of statistics
        "联系电话见附件。\n初中 150 2300 4500 6800",  # even where phones were mentioned
        "在校生 150 2300 4500",  # spaced groups and no phone word: a row of figures
    ],
)
def test_things_that_are_not_mobile_numbers_stay_silent(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == MOBILE_PHONE] == []


def test_a_mobile_number_after_a_masked_id_is_still_found() -> None:
    assert kinds("家长电话\n1 张三 371502********1234 138 1234 5678") == [
        (MOBILE_PHONE, "138 1234 5678")
    ]


# --- Bank cards ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [CARD, spaced(CARD, (4, 4, 4, 4, 3)), spaced(CARD, (4, 4, 4, 4, 3), "-"), fullwidth(CARD)],
)
def test_a_card_number_is_found_however_it_is_written(written: str) -> None:
    assert kinds(f"银行卡号：{written}") == [(BANK_CARD, written)]


def test_a_card_number_before_an_amount_column_is_found() -> None:
    written = spaced(CARD, (4, 4, 4, 4, 3))
    assert kinds(f"银行卡号 资助金额\n张三 {written} 1250\n") == [(BANK_CARD, written)]
    assert kinds(f"银行卡号 资助金额\n张三 {written} 1,000.00\n") == [(BANK_CARD, written)]


def test_a_card_number_that_fails_luhn_is_silent() -> None:
    broken = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert kinds(f"银行卡号：{broken}") == []


@pytest.mark.parametrize(
    "text",
    [
        f"缴费流水号：{CARD}",
        f"{ID}",  # an ID number is never also a card, even when it passes Luhn
        f"身份证号{wrong_check(ID)}",
        "20250312143055123456",  # a timestamp-like serial
        "发票号码：12345678901234567890",
        "1,234,567.00元",
        "全年支出 4367 4262 3352 9839 435 万元",  # spaced figures, no bank word before
    ],
)
def test_things_that_are_not_card_numbers_stay_silent(text: str) -> None:
    assert [k for k, _ in kinds(text) if k == BANK_CARD] == []


def test_an_id_number_that_passes_luhn_is_only_an_id_number() -> None:
    from stdnum import luhn

    rng = random.Random(3)
    number = next(n for n in (make_id(rng) for _ in range(1000)) if luhn.is_valid(n))
    assert kinds(number) == [(ID_CARD, number)]


# --- Markings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marking"),
    [
        ("秘密★1年\n关于……的通知", "秘密★1年"),
        ("机密★\n标题", "机密★"),
        ("绝密★长期", "绝密★长期"),
        ("秘密 ★ 6个月", "秘密 ★ 6个月"),
        ("000123\n机密\n特急\n关于……", "机密"),
        ("机密　特急", "机密"),
        ("密级：秘密　　公开属性：依申请公开", "秘密"),
        ("【秘密】关于……", "秘密"),
    ],
)
def test_a_classification_marking_is_found(text: str, marking: str) -> None:
    assert [(f.kind, f.text) for f in find_markings(text)] == [(CLASSIFIED_MARKING, marking)]


@pytest.mark.parametrize(
    "text",
    [
        "各单位要做好保密审查工作，严禁涉密信息上网。",
        "要保守国家秘密和工作秘密。",
        "确保数据的机密性、完整性和可用性。",
        "秘密级文件的保密期限一般不超过10年。",
        "不得泄露国家\n秘密。",
        "“绝密”“机密”“秘密”三个密级",
    ],
)
def test_classification_words_in_prose_are_silent(text: str) -> None:
    assert find_markings(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("内部资料\n注意保存\n", ["内部资料", "注意保存"]),
        ("内部资料，注意保存", ["内部资料", "注意保存"]),
        ("【内部资料】2025年工作要点", ["内部资料"]),
        ("（内部文件）", ["内部文件"]),
        ("公开属性：不宜公开", ["不宜公开"]),
        ("（此件不公开）", ["此件不公开"]),
        ("抄送：各学校。（此件不宜公开）", ["此件不宜公开"]),
        ("  内部传阅  ", ["内部传阅"]),
    ],
)
def test_an_internal_marking_is_found(text: str, found: list[str]) -> None:
    assert [(f.kind, f.text) for f in find_markings(text)] == [(INTERNAL_MARKING, t) for t in found]


@pytest.mark.parametrize(
    "text",
    [
        "不宜公开的信息应当按规定报批。",
        "（涉密信息不宜公开）",
        "对标注“内部资料”的文件，不得上网。",
        "本文件由内部资料室整理，注意保存期限。",
        "请勿外传的要求要落实到人。",
        "标注“此件不公开”的公文不得公开。",
    ],
)
def test_internal_words_in_prose_are_silent(text: str) -> None:
    assert find_markings(text) == []


# --- Terms and the whole ---------------------------------------------------------------------


def test_sensitive_terms_are_found_longest_first() -> None:
    found = find_terms("某某工程和某某工程二期", ["某某工程", "某某工程二期", " ", ""])
    assert [(f.kind, f.text, f.start) for f in found] == [
        (SENSITIVE_TERM, "某某工程", 0),
        (SENSITIVE_TERM, "某某工程二期", 5),
    ]


def test_no_terms_means_no_term_findings() -> None:
    assert find_terms("任何文字", []) == []
    assert detect("任何文字", terms=None) == []


def test_findings_come_back_in_text_order() -> None:
    text = f"秘密★1年\n张三 {ID} 电话{MOBILE} 卡号{CARD} 涉及某项目"
    found = detect(text, terms=["某项目"])
    assert [f.kind for f in found] == [
        CLASSIFIED_MARKING,
        ID_CARD,
        MOBILE_PHONE,
        BANK_CARD,
        SENSITIVE_TERM,
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "准考证号：13371502001",
        "学号 15010203045",
        "工号18000123456",
        "订单号 13812345678",
        "编号：13912345678",
    ],
)
def test_a_mobile_shaped_number_labelled_as_another_number_is_silent(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text",
    ["微信账号13812345678", "编号1，联系电话13812345678", "准考证号：001 家长手机13812345678"],
)
def test_a_mobile_after_a_phone_word_nearer_than_any_other_label_is_found(text: str) -> None:
    assert kinds(text) == [(MOBILE_PHONE, "13812345678")]
