"""Detectors: personal data and confidentiality markings in plain text.

Pure functions, no Django, no I/O. ``detect(text)`` returns a sorted list of :class:`Finding`;
``Finding.text`` is exactly ``text[start:end]`` (full-width digits, spaces and all), so a
reviewer sees what a citizen would see and :func:`gongkai.screening.masking.mask_text` can
rewrite the same span.

Kinds: ``id_card``, ``mobile_phone``, ``bank_card``, ``classified_marking``,
``internal_marking``, ``sensitive_term``.

How numbers are found, and why
------------------------------
A plain regex-plus-checksum scan per kind was too slow (7.2 MB/s) and too noisy. Instead one
compiled regex finds *digit runs*: at least 11 digits, optionally split into groups by short
stretches of visible separators (``characters.py``: spaces of every width, hyphens and
dashes, dots and middle dots, slashes) and ending in an optional X. A digit is any
character with a Unicode digit value (full-width, circled, parenthesised, superscript,
mathematical …); Chinese numerals written digit by digit (〇一二…九, 零, 幺, 壹贰…) make runs
of their own. Everything shorter (dates, amounts, document numbers 〔2025〕12号, landlines
0635-8241234, hotlines 12345, 400-xxx-xxxx) is rejected inside the regex engine, which is
where the speed comes from. Only the rare long runs reach Python, and there most are
rejected by the lengths of their groups alone: a window is only looked at when its group
lengths are one of the shapes below (``_CANDIDATE_SHAPES``), and which windows those are is
worked out once per tuple of lengths (``_windows``), since the same few dozen shapes
(dates, landlines, list columns) come back all the time. Checksums are plain arithmetic.

Inside a run each *group* is a maximal stretch of digits, so a number is never taken out of
the middle of a longer digit run. Groups are combined left to right, longest first, into
windows whose group lengths match how people actually write each kind (``_ID_SHAPES``,
``_MOBILE_SHAPES``, ``_CARD_SHAPES``). Every digit form and X is folded to ASCII one
character at a time, so offsets still point into the original text (NFKC over the whole
text would change lengths, e.g. ㈠ → (一)); the regex classes hold only BMP characters
(five times faster), and the rare text beyond the BMP (𝟏, tag characters) is first given a
view of the same length (``characters.bmp_view``). Invisible characters inside a number
(soft hyphens, zero-width and bidi characters, variation selectors …) are ignored: the
number still reads as one. ``Finding.value`` is what it reads as: its ASCII digits.

Separators: a window joined by one kind of separator throughout is a mobile or card; an
ID number's checksum and birth date hold however its groups are separated, so mixed
separators do not hide it. A window right after a dot is the decimals of a figure
(0.15384615385), never a phone or card. Eleven or more single digits, each after a space,
are one number typed with letter spacing (and, like any spaced number, need context).

* ``id_card`` (GB 11643-1999): 18 characters with a valid check character, a province code
  as the first two digits and a birth date between 1900-01-01 and today. An all-digit
  string that is *also* a valid unified social credit code is taken for a credit code only
  when the words before it say so (信用代码, 索引号, 纳税人识别号 …) or it is followed by an
  index-number tail (``/2025-00012``). A single capital letter glued in front is allowed:
  a national student number (全国学籍号) is ``G`` + the ID number.
* ``id_card``, 15-digit legacy numbers (issued until 2004): a province code and a valid
  date YYMMDD in positions 7–12 say "could be" — old business registration and tax numbers
  share that structure, so it also needs *evidence*: an identity word (身份证, 证件号 …)
  within the 100 characters before it, or the caller saying the offset is in an identity
  column (``identity_context``; the extractor knows table headers), or an 18-digit ID
  elsewhere in the same text (mixed old/new lists). A registration word right before it
  (注册号, 税号, 编号 …) always wins.
* ``mobile_phone``: 11 digits ``1[3-9]x``, written whole or 3-4-4 / 3-8 / 7-4, optionally
  after 86 / +86 / 0086. Not when an amount or count unit follows (…元, …人).
* ``bank_card``: 16–19 digits passing Luhn, first digit 3/4/5/6/8/9 (card schemes; years,
  dates and timestamps start with 1 or 2), never an ID-shaped number, not after words that
  name another long number (流水号, 订单号, 发票 …, or a unit's own 对公/收款 account), and
  not when a unit follows (…435 万元 is one figure, and no card is carved out of it).

Space-separated groups look exactly like a row of statistics flattened out of a PDF table
("150 2300 4500"). So a *grouped* mobile or card number written with spaces needs a word
nearby (电话/手机/联系 for phones, 卡号/账号/银行 … for cards) and, for every grouped kind, the
groups next to it must not continue the same series. Hyphenated groups and the checksummed
ID number need no context, and neither does a UnionPay card (62…, the card of every Chinese
aid list) in the card's own 4-4-4-4(-3) grouping.

Markings, and why
-----------------
绝密/机密/秘密 and 内部资料/内部文件/注意保存/不宜公开 … are ordinary words in prose
(保守国家秘密, 机密性, 不宜公开的信息应当…). They count as *markings* only where a marking
stands: followed by ★ and an optional period (秘密★1年, 机密★, 绝密★长期); alone on
their line (possibly with other markings and urgency words: "内部资料  注意保存", "机密 特急");
inside brackets of their own (【内部资料】, （不宜公开）); or after a label (密级：秘密,
公开属性：不宜公开). "此件不公开" (a 公文 附注) is a marking anywhere except in quotes.
Between its characters a marking may hold invisible characters and a few spaces
(秘\u200d密★, 绝 密★); any star a font offers counts (★☆＊✱ …), and the period may be
长期, 启用前 (an exam paper) or a number of 年/个月/天 in any digits. ``Finding.value`` is the
marking as it reads (秘密★1年). The traditional forms 絕密/機密/祕密 count too.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import ahocorasick
from django.utils import timezone
from stdnum.cn import uscc

from gongkai.screening import characters
from gongkai.screening.characters import char_class

ID_CARD = "id_card"
MOBILE_PHONE = "mobile_phone"
BANK_CARD = "bank_card"
CLASSIFIED_MARKING = "classified_marking"
INTERNAL_MARKING = "internal_marking"
SENSITIVE_TERM = "sensitive_term"

#: Kinds whose text is personal data with a usual masked form (see ``masking.py``).
PERSONAL_DATA_KINDS = frozenset({ID_CARD, MOBILE_PHONE, BANK_CARD})


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found: ``text == source[start:end]``, exactly as written.

    ``value`` is what it reads as, whatever the writing: the ASCII digits of a number
    (the 11 national digits of a mobile, with no +86), a marking without the invisible
    characters and spaces between its characters. The same value is the same finding."""

    kind: str
    text: str
    start: int
    end: int
    value: str = ""


#: Called with the offset of a 15-digit candidate; True when the caller knows the offset is
#: in an identity column (a table whose header says 身份证号).
IdentityContext = Callable[[int], bool]

# --- Characters --------------------------------------------------------------------------

_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_DIGIT_CHARS = "0123456789" + _FULLWIDTH_DIGITS
_X_CHARS = "XxＸｘ"
# NFKC folds full-width forms to ASCII one character to one character, so the fold keeps
# offsets. Built from unicodedata rather than typed out, so it is NFKC by construction. The
# wider fold (circled, mathematical, Chinese numerals …) is ``characters.DIGIT_VALUE``:
# those are digits by their Unicode digit value, not by NFKC (NFKC turns ⑴ into "(1)").
_FOLD = {c: unicodedata.normalize("NFKC", c).upper() for c in _DIGIT_CHARS + _X_CHARS}

# BMP characters only (``characters.bmp_view`` folds the others in first): five times faster.
_D = char_class(characters.bmp(characters.DIGITS))
_C = char_class("".join(characters.CHINESE_NUMERALS))
_S = char_class(characters.SEPARATORS)
_I = char_class(characters.bmp(characters.INVISIBLE))
_X = char_class("".join(characters.X_FORMS))
# A run starts at a digit with at least ten more run characters after it (so fewer than 11
# digits can never match — the whole speed trick), then digits/invisibles, and stretches of
# up to five separators (double spaces, " - ", the Chinese dash ——) that are followed by a
# digit, and an optional trailing X (glued, or after one separator as in "… 000 X").
# Arabic digits of every form and Chinese numerals make runs of their own: in a run of
# Arabic digits, 〇 is a mask (138〇〇〇〇5678), not a zero.
# Possessive quantifiers: a run is read left to right once and never given back (nothing
# after the loop could use what it took), which is three times faster in the regex engine.
_RUN_RE = re.compile(
    rf"(?:[{_D}](?=[{_D}{_S}{_I}]{{10}})(?:[{_D}{_I}]++|[{_S}][{_S}{_I}]{{0,4}}+(?=[{_D}]))*+"
    rf"|[{_C}](?=[{_C}{_S}{_I}]{{10}})(?:[{_C}{_I}]++|[{_S}][{_S}{_I}]{{0,4}}+(?=[{_C}]))*+)"
    rf"(?:[{_S}]?[{_X}])?"
)

# --- Shapes: group lengths as people write them ------------------------------------------

_ID18_SHAPES = frozenset(
    {
        (18,),
        (6, 8, 4),
        (6, 4, 4, 4),
        (3, 3, 4, 4, 4),
        (6, 8, 3, 1),
        (4, 4, 4, 4, 2),
        (6, 12),
        (14, 4),
        (6, 6, 6),
        (9, 9),
    }
)
_ID15_SHAPES = frozenset({(15,), (6, 6, 3)})
_MOBILE_SHAPES = frozenset({(11,), (3, 4, 4), (3, 8), (7, 4)})
_CARD_SHAPES = frozenset(
    {
        (16,),
        (17,),
        (18,),
        (19,),
        (4, 4, 4, 4),
        (4, 4, 4, 4, 1),
        (4, 4, 4, 4, 2),
        (4, 4, 4, 4, 3),
        (6, 10),
        (6, 13),
    }
)
# Every shape ``_classify`` can say anything about (a mobile may carry 86/0086 as its own
# group, or glued: 13 or 15 digits). Any other window is nothing, so it is never built:
# most runs (landlines 0635-8241234, dates 2025-03-12 3715…, rows of figures) are rejected
# by a dictionary lookup on their group lengths, before any digits are joined or checked.
_CANDIDATE_SHAPES = (
    _ID18_SHAPES
    | _ID15_SHAPES
    | _MOBILE_SHAPES
    | {(prefix, *shape) for prefix in (2, 4) for shape in _MOBILE_SHAPES}
    | {(13,), (15,)}
    | _CARD_SHAPES
)
_MAX_WINDOW_GROUPS = max(map(len, _CANDIDATE_SHAPES))


@lru_cache(maxsize=4096)
def _windows(lengths: tuple[int, ...]) -> tuple[tuple[tuple[int, ...], ...], ...] | None:
    """For a run with these group lengths: per group, the candidate shapes of the windows
    starting there, widest first (the widest window that is something wins); ``None`` when
    there is none anywhere. Depends on the lengths only, and the same few dozen come back
    over and over (dates, landlines, list columns), so it is worked out once per shape."""
    windows = tuple(
        tuple(
            lengths[i : i + k]
            for k in range(min(len(lengths) - i, _MAX_WINDOW_GROUPS), 0, -1)
            if lengths[i : i + k] in _CANDIDATE_SHAPES
        )
        for i in range(len(lengths))
    )
    return windows if any(windows) else None


# GB/T 2260 province-level codes (and 71/81/82/83 for Taiwan, Hong Kong, Macao residents).
_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_CARD_FIRST_DIGITS = frozenset("345689")

# --- Context words -------------------------------------------------------------------------

_CREDIT_CODE_WORDS = ("信用代码", "社会信用", "机构代码", "索引号", "识别号", "税号", "登记证号")
_INDEX_TAIL_RE = re.compile(r"/\d{4}-\d")
_IDENTITY_WORDS = ("身份证", "身份号", "证件号", "公民身份", "身份证明")
_REGISTRATION_WORDS = ("注册号", "登记号", "识别号", "信用代码", "税号", "编号", "代码", "索引号")
_PHONE_WORDS = ("电话", "手机", "联系", "致电", "Tel", "TEL", "tel", "Mobile", "mobile", "微信")
# Labels of the other eleven-digit numbers of a school's lists: after one of these (and no
# phone word between), a number shaped like a mobile is what the label says.
_NOT_PHONE_WORDS = (
    "准考证号",
    "考号",
    "考生号",
    "考籍号",
    "学号",
    "学籍号",
    "工号",
    "编号",
    "序号",
    "订单号",
    "单号",
    "流水号",
    "发票",
    "票号",
    "代码",
    "批次",
    "条码",
)
_LABEL_RE = re.compile("|".join(map(re.escape, (*_NOT_PHONE_WORDS, *_PHONE_WORDS))))
_BANK_WORDS = (
    "卡号",
    "账号",
    "帐号",
    "银行",
    "开户",
    "账户",
    "帐户",
    "社保卡",
    "一卡通",
    "银联",
    "储蓄",
    "存折",
)
_OTHER_LONG_NUMBER_WORDS = (
    "流水号",
    "订单号",
    "单号",
    "发票",
    "编号",
    "索引号",
    "文号",
    "代码",
    "登记号",
    "注册号",
    "对公",
    "收款账",
    "收款帐",
    "单位账",
    "单位帐",
)
_UNIT_AFTER = frozenset("元万亿人次%％个份件台套")
# Labels that may be glued to a number: "Tel13812345678", "No.…" is not glued (dot).
_GLUE_LABELS = frozenset({"tel", "mobile", "phone", "mob", "id", "no", "card", "qq"})

_WORD_LOOKBACK = 16
_AMOUNT_MARKS = frozenset(",.，%％")
_MASK_CHARS = frozenset("*＊●○×")


def _is_ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _glue_before(text: str, i: int) -> str:
    """What is glued to the left of a run starting at ``i``.

    ``""`` nothing, ``"letter"`` one capital letter (全国学籍号 = G + ID number), ``"code"``
    part of a longer code or decimal (MB1234…, 3.14159…).
    """
    if i == 0:
        return ""
    c = text[i - 1]
    if c == "." and i >= 2 and text[i - 2].isdigit():
        return "code"
    if c == "_" or c in _MASK_CHARS:
        return "code"  # 371502********1234: the 1234 is what is left of a masked number
    if not (_is_ascii_alnum(c) or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ"):
        return ""
    j = i - 1
    while j >= 0 and i - j <= 10 and text[j].isascii() and text[j].isalpha():
        j -= 1
    token = text[j + 1 : i]
    if not token or (j >= 0 and _is_ascii_alnum(text[j])):
        return "code"
    if token.lower() in _GLUE_LABELS:
        return ""
    if len(token) == 1 and token.isupper():
        return "letter"
    return "code"


def _glued_after(text: str, j: int) -> bool:
    if j >= len(text):
        return False
    c = text[j]
    if _is_ascii_alnum(c) or c == "_" or c in _MASK_CHARS or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ":
        return True
    return c == "." and j + 1 < len(text) and text[j + 1].isdigit()


@lru_cache(maxsize=1)
def _started_year() -> int:
    """A year before the one this process started in is in the past for good: only birth
    dates from that year on need asking for today's date (in China's time zone)."""
    return timezone.localdate().year


def _plausible_birth(year: int, month: int, day: int) -> bool:
    if year < 1900:
        return False
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return year < _started_year() or born <= timezone.localdate()


def _id18_structure(digits: str) -> bool:
    """Province code and a plausible birth date: it *looks* like an ID number."""
    return (
        digits[:2] in _PROVINCES
        and digits[:17].isdigit()
        and _plausible_birth(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    )


# ISO 7064 MOD 11-2 as GB 11643 uses it: weight 2^(17-i) mod 11 for the i-th digit, and the
# check character for each remainder of the weighted sum (X stands for 10). Same answer as
# stdnum.cn.ric.calc_check_digit, without its per-call generic machinery.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"


def _id18_check(digits: str) -> str:
    return _ID_CHECK[sum(map(operator.mul, map(int, digits[:17]), _ID_WEIGHTS)) % 11]


def is_valid_id18(digits: str) -> bool:
    """GB 11643: structure plus the ISO 7064 MOD 11-2 check character (X for 10)."""
    return len(digits) == 18 and _id18_structure(digits) and _id18_check(digits) == digits[17]


# Luhn (ISO/IEC 7812): from the right, every second digit is doubled, and a doubled digit
# counts as the sum of its two digits. Same answer as stdnum.luhn.is_valid for digit strings.
_LUHN_DOUBLED = {str(d): 2 * d - 9 if d > 4 else 2 * d for d in range(10)}


def _luhn_valid(digits: str) -> bool:
    total = sum(map(int, digits[-1::-2])) + sum(map(_LUHN_DOUBLED.__getitem__, digits[-2::-2]))
    return total % 10 == 0


def _id15_structure(digits: str) -> bool:
    return (
        digits.isdigit()
        and digits[:2] in _PROVINCES
        and _plausible_birth(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    )


@dataclass(slots=True)
class _Run:
    groups: list[str]  # ASCII digits (and a final X) per group
    spans: list[tuple[int, int]]  # original offsets per group
    joints: list[str]  # "space", "hyphen", "dot" or "slash" between group k and k+1
    # Letter-spaced digits (1 3 8 1 2 3 4 5 6 7 8) read as one number, and as a spaced one.
    spaced: bool = False


# A run folded character for character (so offsets still hold): every digit form and X to
# ASCII, every separator to its family's ASCII character (" ", "-", ".", "/") and invisibles
# to "_" (a character a run never holds). Then a run splits into groups at its separators.
_RUN_FOLD = str.maketrans(
    {
        **characters.DIGIT_VALUE,
        **dict.fromkeys(characters.SPACES, " "),
        **dict.fromkeys(characters.HYPHENS, "-"),
        **dict.fromkeys(characters.DOTS, "."),
        **dict.fromkeys(characters.SLASHES, "/"),
        **dict.fromkeys(characters.INVISIBLE, "_"),
    }
)
_JOINT_RE = re.compile(r"([ \-./][ \-./_]*)")
_JOINT_CHARS = frozenset(" -./")


_JOINT_KINDS = {" ": "space", "-": "hyphen", ".": "dot", "/": "slash"}


def _joint_kind(joint: str) -> str:
    """A stretch of separators by its most telling character: "1 - 2" is hyphenated."""
    if "-" in joint:
        return "hyphen"
    if "." in joint:
        return "dot"
    if "/" in joint:
        return "slash"
    return "space"


def _fold_run(text: str, start: int, end: int) -> tuple[list[str], tuple[int, ...]]:
    """The run folded and cut at its separators (group, separator, group, …; a group may
    still hold invisibles as "_"), and the number of digits in each group."""
    run = text[start:end]
    if run.isascii() and "\\" not in run:
        # Most runs: ASCII digits and separators are their own fold (only x is not).
        folded = run.replace("x", "X") if "x" in run else run
        if _JOINT_CHARS.isdisjoint(folded):
            return [folded], (len(folded),)
        pieces = _JOINT_RE.split(folded)
        return pieces, tuple(map(len, pieces[::2]))
    folded = run.translate(_RUN_FOLD)
    pieces = [folded] if _JOINT_CHARS.isdisjoint(folded) else _JOINT_RE.split(folded)
    if "_" in folded:  # invisibles are not digits
        return pieces, tuple(len(g) - g.count("_") for g in pieces[::2])
    return pieces, tuple(map(len, pieces[::2]))


def _split_run(start: int, pieces: list[str]) -> _Run:
    """Groups (ASCII digits, invisibles dropped), their spans in the text, and the joints,
    from ``_fold_run``'s pieces of the run that starts at ``start``."""
    if len(pieces) == 1 and "_" not in pieces[0]:  # one plain group: the whole run
        return _Run(pieces, [(start, start + len(pieces[0]))], [])
    groups: list[str] = []
    spans: list[tuple[int, int]] = []
    joints: list[str] = []
    position = start
    for index in range(0, len(pieces), 2):
        piece = pieces[index]
        if index:
            joint = pieces[index - 1]
            kind = _JOINT_KINDS.get(joint)
            if kind is None:
                kind = _JOINT_KINDS[joint] = _joint_kind(joint)
            joints.append(kind)
            position += len(joint)
        first, last = position, position + len(piece)
        if "_" in piece:  # invisibles: not part of the digits, nor of the span at its edges
            first += len(piece) - len(piece.lstrip("_"))
            last -= len(piece) - len(piece.rstrip("_"))
            piece = piece.replace("_", "")
        groups.append(piece)
        spans.append((first, last))
        position += len(pieces[index])
    return _Run(groups, spans, joints)


def _letter_spaced(lengths: tuple[int, ...], pieces: list[str]) -> bool:
    """Eleven or more single digits, each after one space-like separator: one number typed
    (or laid out) with letter spacing."""
    return (
        len(lengths) >= 11
        and all(n == 1 for n in lengths)
        and all(_joint_kind(j) == "space" for j in pieces[1::2])
    )


def _collapse(run: _Run) -> _Run:
    return _Run(["".join(run.groups)], [(run.spans[0][0], run.spans[-1][1])], [], spaced=True)


@lru_cache(maxsize=32)
def _words_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation for a tuple of context words: one C-level search instead of
    a substring test per word."""
    return re.compile("|".join(map(re.escape, words)))


class _Scan:
    """One ``find_numbers`` call: the text, the caller's hint, and lazily found context."""

    __slots__ = ("_first_mention", "identity_context", "text")

    def __init__(self, text: str, identity_context: IdentityContext | None) -> None:
        self.text = text
        self.identity_context = identity_context
        self._first_mention: dict[tuple[str, ...], int] = {}

    def near(self, position: int, words: tuple[str, ...], lookback: int) -> bool:
        """Whether any of ``words`` lies wholly within the ``lookback`` characters before
        ``position``."""
        pattern = _words_re(words)
        return pattern.search(self.text, max(0, position - lookback), position) is not None

    def mentioned_before(self, position: int, words: tuple[str, ...]) -> bool:
        """Whether any of ``words`` occurs anywhere before ``position`` (found once per text:
        linear however many candidates ask)."""
        first = self._first_mention.get(words)
        if first is None:
            first = self._first_mention[words] = self._first_end(words)
        return first <= position

    def _first_end(self, words: tuple[str, ...]) -> int:
        """Where the earliest-ending occurrence of any of ``words`` ends (past the text's
        end when there is none). One regex pass finds the leftmost occurrence; a word that
        ends sooner can only lie inside that one (say 身份证 inside 身份证明), so only that
        span is searched again. A ``str.find`` per word would scan the whole text for each
        word that is absent."""
        leftmost = _words_re(words).search(self.text)
        if leftmost is None:
            return len(self.text) + 1
        inside = self.text[leftmost.start() : leftmost.end()]
        return leftmost.start() + min(i + len(w) for w in words if (i := inside.find(w)) >= 0)


def find_numbers(text: str, *, identity_context: IdentityContext | None = None) -> list[Finding]:
    """Find ``id_card``, ``mobile_phone`` and ``bank_card`` numbers (rules: module docstring)."""
    view = characters.bmp_view(text)
    scan = _Scan(view, identity_context)
    found: list[Finding] = []
    legacy: list[Finding] = []
    for match in _RUN_RE.finditer(view):
        _scan_run(scan, *match.span(), found, legacy)
    if legacy:
        has_id18 = any(f.kind == ID_CARD for f in found)
        for candidate in legacy:
            if has_id18 or scan.mentioned_before(candidate.start, _IDENTITY_WORDS):
                found.append(candidate)
        found.sort(key=lambda f: f.start)
    return _as_written(found, text, view)


def _as_written(found: list[Finding], text: str, view: str) -> list[Finding]:
    """Findings in the BMP view carry the text as written (the offsets are the same)."""
    if view is text:
        return found
    return [replace(f, text=text[f.start : f.end]) for f in found]


def _scan_run(
    scan: _Scan, start: int, end: int, found: list[Finding], legacy: list[Finding]
) -> None:
    text = scan.text
    pieces, lengths = _fold_run(text, start, end)
    windows = _windows(lengths)
    if windows is not None:
        run = _split_run(start, pieces)
    elif _letter_spaced(lengths, pieces):
        run = _collapse(_split_run(start, pieces))
        windows = _windows((len(run.groups[0]),))
        if windows is None:
            return
    else:
        return  # no window of a shape that could be anything: most runs end here
    n = len(run.groups)
    glue = _glue_before(text, start)
    low = 1 if glue == "code" else 0
    high = n - 1 if _glued_after(text, end) else n
    accepted: list[tuple[int, int, Finding, bool]] = []  # (first group, count, finding, legacy)
    i = low
    while i < high:
        for shape in windows[i]:
            k = len(shape)
            if i + k > high:
                continue  # the last group is glued to what follows: not part of a window
            result = _classify(
                scan,
                run,
                i,
                shape,
                letter_glued=(glue == "letter" and i == 0),
                after_dot=i > 0 and run.joints[i - 1] == "dot",
            )
            if result is not None:
                finding, is_legacy = result
                if finding is not None:
                    accepted.append((i, k, finding, is_legacy))
                i += k
                break
        else:
            i += 1
    if not accepted:
        return
    if len(accepted) == 1 and accepted[0][1] == 1:  # one ungrouped number: no series test
        _, _, finding, is_legacy = accepted[0]
        (legacy if is_legacy else found).append(finding)
        return
    covered = {g for first, count, _, _ in accepted for g in range(first, first + count)}
    for first, count, finding, is_legacy in accepted:
        # The checksum and birth date make an ID number strong enough on its own; phones
        # and cards (Luhn is one digit in ten) need the series test.
        if (
            count > 1
            and finding.kind != ID_CARD
            and _continues_series(text, run, first, count, covered, finding.kind)
        ):
            continue
        (legacy if is_legacy else found).append(finding)


def _continues_series(
    text: str, run: _Run, first: int, count: int, covered: set[int], kind: str
) -> bool:
    """Whether a grouped window is part of a row of figures ("150 2300 4500 6800").

    A neighbour joined by the same separator continues the series when it is itself a
    figure: 3–8 digits, not part of another finding, not the start of an amount or decimal
    (1,000.00), and not a fragment of something else (the 1234 of 371502********1234, or of
    a code glued to letters). A serial number (1, 12) or a long number beside it is another
    column, not the same series.
    """
    joint = run.joints[first]
    last_group = len(run.groups) - 1

    def member(g: int, joined_by: str) -> bool:
        if g in covered or joined_by != joint or not 3 <= len(run.groups[g]) <= 8:
            return False
        start, end = run.spans[g]
        if g == 0 and start > 0 and _is_fragment_mark(text[start - 1]):
            return False
        return not (
            end < len(text)
            and (text[end] in _AMOUNT_MARKS or (g == last_group and _is_fragment_mark(text[end])))
        )

    left, right = first - 1, first + count
    if left >= 0 and member(left, run.joints[left]):
        return True
    # A card is the column before an amount in every aid list ("… 6228 4803 7304 0077 1250"),
    # so for cards only what comes before can make a series.
    return kind != BANK_CARD and right <= last_group and member(right, run.joints[right - 1])


def _amount_follows(text: str, end: int) -> bool:
    """A decimal point and a digit, or a thousands comma and exactly three digits, follow."""
    if end + 1 >= len(text) or not text[end + 1].isdigit():
        return False
    if text[end] == ".":
        return True
    return (
        text[end] == ","
        and text[end + 1 : end + 4].isdigit()
        and not (end + 4 < len(text) and text[end + 4].isdigit())
    )


def _is_fragment_mark(c: str) -> bool:
    return c in _MASK_CHARS or _is_ascii_alnum(c)


#: ``_classify``'s answer for "this is something else (a credit code, an ID number with a
#: typo): take these groups out of the run, so no card or phone is carved out of them".
_SOMETHING_ELSE: tuple[None, bool] = (None, False)


def _classify(
    scan: _Scan,
    run: _Run,
    i: int,
    shape: tuple[int, ...],
    *,
    letter_glued: bool,
    after_dot: bool = False,
) -> tuple[Finding | None, bool] | None:
    """What the window of groups from group ``i`` with group lengths ``shape`` (one of
    ``_CANDIDATE_SHAPES``) is: ``None`` for nothing (try a shorter window), else a finding
    (or ``_SOMETHING_ELSE``) and whether it is a legacy ID candidate that still needs
    evidence. ``after_dot``: the window follows a dot, so it may be the decimals of a
    figure (0.15384615385); only the checksummed ID number is strong enough there."""
    k = len(shape)
    text = scan.text
    start, end = run.spans[i][0], run.spans[i + k - 1][1]
    if _amount_follows(text, end):
        return None  # the window's last group is the integer part of 1,000.00 or 12.5
    if k == 1:
        digits, joints, uniform = run.groups[i], [], True
    else:
        digits = "".join(run.groups[i : i + k])
        joints = run.joints[i : i + k - 1]
        uniform = len(set(joints)) <= 1
    size = len(digits)

    def make(kind: str, legacy: bool = False) -> tuple[Finding, bool]:
        return Finding(kind, text[start:end], start, end, digits), legacy

    # An ID number's checksum and birth date hold however its groups are separated, so a
    # mix of separators (371502.19900101-1234) does not hide it.
    if size == 18 and shape in _ID18_SHAPES:
        if is_valid_id18(digits):
            # The context test first: it is cheap, and most ID numbers have no such words.
            if (
                not letter_glued
                and _reads_as_credit_code(scan, start, end)
                and uscc.is_valid(digits)
            ):
                return _SOMETHING_ELSE
            return make(ID_CARD)
        if letter_glued or after_dot:
            return None
        if _id18_structure(digits):
            return _SOMETHING_ELSE  # an ID number with a typo: not a card or phone either
    if letter_glued or after_dot:
        # Only the student-number case (G + ID) may carry a glued letter.
        return None
    if digits[-1] == "X":
        return None

    if size == 15 and uniform and shape in _ID15_SHAPES and _id15_structure(digits):
        if scan.near(start, _REGISTRATION_WORDS, _WORD_LOOKBACK):
            return None
        if scan.identity_context is not None and scan.identity_context(start):
            return make(ID_CARD)
        return make(ID_CARD, legacy=True)

    mobile = _mobile(scan, run, i, k, digits, shape, joints, start, end)
    if mobile is not None:
        return mobile, False

    if 16 <= size <= 19 and uniform and shape in _CARD_SHAPES and _unit_follows(text, end):
        # 4367 4262 3352 9839 435 万元 is one figure: no card is carved out of it either.
        return _SOMETHING_ELSE
    if (
        16 <= size <= 19
        and uniform
        and shape in _CARD_SHAPES
        and _is_card(
            scan,
            digits,
            start,
            end,
            spaced=run.spaced or (bool(joints) and joints[0] == "space"),
            card_grouped=shape in _CARD_GROUPINGS,
        )
    ):
        return make(BANK_CARD)
    return None


def _reads_as_credit_code(scan: _Scan, start: int, end: int) -> bool:
    return scan.near(start, _CREDIT_CODE_WORDS, 30) or bool(_INDEX_TAIL_RE.match(scan.text, end))


def _mobile(
    scan: _Scan,
    run: _Run,
    i: int,
    k: int,
    digits: str,
    shape: tuple[int, ...],
    joints: list[str],
    start: int,
    end: int,
) -> Finding | None:
    text = scan.text
    prefixed = False
    core_shape, core_joints = shape, joints
    if run.groups[i] in ("86", "0086") and k > 1:
        prefixed = True
        core_shape, core_joints = shape[1:], joints[1:]
        digits = digits[len(run.groups[i]) :]
    elif k == 1 and len(digits) in (13, 15) and digits[: len(digits) - 11] in ("86", "0086"):
        prefixed = True
        core_shape = (11,)
        digits = digits[-11:]
    if len(digits) != 11 or core_shape not in _MOBILE_SHAPES or len(set(core_joints)) > 1:
        return None
    if digits[0] != "1" or digits[1] not in "3456789":
        return None
    if end < len(text) and text[end] in _UNIT_AFTER:
        return None
    if not prefixed and _labelled_otherwise(scan, start):
        return None  # 准考证号：13371502001 is an exam number
    if (
        not prefixed
        and (run.spaced or (core_joints and core_joints[0] == "space"))
        and not scan.mentioned_before(start, _PHONE_WORDS)
    ):
        return None
    if prefixed and start > 0 and text[start - 1] in "+＋":
        start -= 1
    return Finding(MOBILE_PHONE, text[start:end], start, end, digits)


def _labelled_otherwise(scan: _Scan, start: int) -> bool:
    """The nearest label within reach before ``start`` names another kind of number."""
    labels = _LABEL_RE.findall(scan.text, max(0, start - _WORD_LOOKBACK), start)
    return bool(labels) and labels[-1] in _NOT_PHONE_WORDS


_CARD_GROUPINGS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3)})


def _unit_follows(text: str, end: int) -> bool:
    """An amount or count unit right after the number, or after one space."""
    if end < len(text) and text[end] in " \u3000\u00a0":
        end += 1
    return end < len(text) and text[end] in _UNIT_AFTER


def _is_card(
    scan: _Scan,
    digits: str,
    start: int,
    end: int,
    *,
    spaced: bool,
    card_grouped: bool = False,
) -> bool:
    if digits[0] not in _CARD_FIRST_DIGITS or not _luhn_valid(digits):
        return False
    if len(digits) == 18 and _id18_structure(digits):
        return False
    if len(digits) == 18 and _reads_as_credit_code(scan, start, start) and uscc.is_valid(digits):
        return False
    if scan.near(start, _OTHER_LONG_NUMBER_WORDS, _WORD_LOOKBACK):
        return False
    # Spaced groups look like a row of figures unless a bank word says otherwise, or the
    # number is a UnionPay card (62…, the cards of every Chinese aid list) in the card's own
    # 4-4-4-4(-3) grouping, where the checksum and the issuer prefix speak for it.
    return (
        not spaced
        or (card_grouped and digits.startswith("62"))
        or scan.mentioned_before(start, _BANK_WORDS)
    )


# --- Markings ---------------------------------------------------------------------------

_CLASSIFIED_WORDS = ("绝密", "机密", "秘密", "絕密", "機密", "祕密")
_INTERNAL_WORDS = (
    "内部资料",
    "内部文件",
    "内部材料",
    "内部传阅",
    "内部参考",
    "仅供内部使用",
    "仅供内部参考",
    "仅供内部传阅",
    "注意保存",
    "不宜公开",
    "请勿外传",
    "不得外传",
    "严禁外传",
    "此件不公开",
    "此件不宜公开",
)
# Between the characters of a marking, what a reader does not see or reads past: invisible
# characters and a few spaces (秘\u200d密★, 绝 密★, 内 部 资 料).
_GAP_CHARS = characters.bmp(characters.INVISIBLE) + characters.SPACES
_GAP = f"[{char_class(_GAP_CHARS)}]{{0,3}}"
_GAP_FOLD = dict.fromkeys(map(ord, _GAP_CHARS))


def _gapped(word: str) -> str:
    return _GAP.join(map(re.escape, word))


def _canonical(written: str) -> str:
    """A marking as it reads: without the gaps, every star as ★."""
    return written.translate(_GAP_FOLD).translate(_STAR_FOLD)


_CLASSIFIED = "|".join(map(_gapped, _CLASSIFIED_WORDS))
# Longest first so 此件不宜公开 is not cut short. A flat alternation without groups lets
# the regex engine skip ahead on the set of first characters.
_INTERNAL = "|".join(map(_gapped, sorted(_INTERNAL_WORDS, key=len, reverse=True)))
_MARKING_RE = re.compile(f"{_CLASSIFIED}|{_INTERNAL}")
_STARS = char_class(characters.STARS)
_STAR_FOLD = dict.fromkeys(map(ord, characters.STARS), "★")
_NUMERAL = f"[{_D}{_C}十两]+"
_BLANKS = f"[{char_class(_GAP_CHARS)}]*"
_PERIOD_RE = re.compile(
    rf"{_BLANKS}[{_STARS}]{_BLANKS}(?:长期|启用前|解密前|{_NUMERAL}{_BLANKS}(?:个月|年|月|天|日))?"
)
_LABEL_WORDS = (
    "密级",
    "保密期限",
    "紧急程度",
    "公开属性",
    "公开方式",
    "公开类型",
    "公开形式",
    "发布范围",
)
_LABELS = "|".join(map(_gapped, _LABEL_WORDS))
_LINE_TOKEN_RE = re.compile(
    rf"(?:{_CLASSIFIED}|{_INTERNAL})(?:{_PERIOD_RE.pattern})?|{_LABELS}|特急|加急|特提|平急"
)
_DECORATIVE = (
    frozenset(" \t\r\u3000【】[]（）()〔〕〈〉<>:：-—_|·•")
    | frozenset(characters.STARS)
    | characters.BLANK
)
_DECORATIVE_OR_SOFT = _DECORATIVE | frozenset("，,、；;")
_OPENERS = {"【": "】", "[": "]", "（": "）", "(": ")", "〔": "〕", "〈": "〉", "<": ">"}
_QUOTES = frozenset("“”\"‘’'「」『』")
_LINE_REACH = 200
# A line holding only markings, labels and decoration is short; longer lines are prose.
_MAX_MARKING_LINE = 60
_BLANK_STRIP = _GAP_CHARS + "\t"


def find_markings(text: str) -> list[Finding]:
    """Find ``classified_marking`` and ``internal_marking`` where a marking stands."""
    view = characters.bmp_view(text)
    return _as_written(_find_markings(view), text, view)


def _find_markings(text: str) -> list[Finding]:
    found: list[Finding] = []
    for match in _MARKING_RE.finditer(text):
        word = _canonical(match.group())
        kind = CLASSIFIED_MARKING if word in _CLASSIFIED_WORDS else INTERNAL_MARKING
        start, end = match.span()
        period = _PERIOD_RE.match(text, end)
        if period is not None and period.end() > end:
            if kind == CLASSIFIED_MARKING:
                # ★ after a classification level is never prose: 秘密★1年, 机密★.
                written = text[start : period.end()]
                found.append(Finding(kind, written, start, period.end(), _canonical(written)))
                continue
            end_with_period = period.end()
        else:
            end_with_period = end
        if _stands_as_marking(text, start, end, end_with_period, word):
            written = text[start:end_with_period]
            found.append(Finding(kind, written, start, end_with_period, _canonical(written)))
    return found


def _stands_as_marking(text: str, start: int, end: int, end_with_period: int, word: str) -> bool:
    # Bounded look-around: a marking line is short, and an unbounded search for the line
    # ends would make a long single-line text quadratic. Cheapest tests first: most hits are
    # prose (不宜公开的信息应当…) and must cost little.
    window_start = max(0, start - _LINE_REACH)
    line_start = text.rfind("\n", window_start, start) + 1 or window_start
    before = text[line_start:start].rstrip(_BLANK_STRIP)
    if before and before[-1] in _QUOTES:
        return False  # a mention: 标注“内部资料”的文件
    if word.startswith("此件"):
        return True  # 公文附注 (此件不公开) is a marking wherever it stands
    if _canonical(before[-30:]).rstrip(":：").endswith(_LABEL_WORDS):
        return True  # 密级：秘密, 公开属性：不宜公开
    line_end = text.find("\n", end, end + _LINE_REACH)
    if line_end < 0:
        line_end = min(len(text), end + _LINE_REACH)
    if before and before[-1] in _OPENERS:
        # Brackets of its own: 【内部资料】, （不宜公开）.
        after = text[end_with_period:line_end].lstrip(_BLANK_STRIP)
        if after and after[0] == _OPENERS[before[-1]]:
            return True
    # Alone on its line, possibly with other markings, labels and urgency words.
    line = text[line_start:line_end]
    if len(line) > _MAX_MARKING_LINE:
        return False
    tokens = _LINE_TOKEN_RE.findall(line)
    residue = _LINE_TOKEN_RE.sub("", line)
    allowed = _DECORATIVE_OR_SOFT if len(tokens) > 1 else _DECORATIVE
    return all(c in allowed for c in residue)


# --- Sensitive terms ----------------------------------------------------------------------


@lru_cache(maxsize=16)
def _automaton(terms: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for term in terms:
        automaton.add_word(term, term)
    automaton.make_automaton()
    return automaton


def find_terms(text: str, terms: Iterable[str]) -> list[Finding]:
    """Find ``sensitive_term`` occurrences (longest match, no overlaps)."""
    cleaned = tuple(sorted({t.strip() for t in terms if t and t.strip()}))
    if not cleaned or not text:
        return []
    found = []
    for last, term in _automaton(cleaned).iter_long(text):
        start = last - len(term) + 1
        found.append(Finding(SENSITIVE_TERM, text[start : last + 1], start, last + 1, term))
    return found


def detect(
    text: str,
    *,
    terms: Iterable[str] | None = None,
    identity_context: IdentityContext | None = None,
) -> list[Finding]:
    """Run every detector over ``text``; findings sorted by position."""
    found = find_numbers(text, identity_context=identity_context)
    found += find_markings(text)
    if terms:
        found += find_terms(text, terms)
    found.sort(key=lambda f: (f.start, f.end, f.kind))
    return found
