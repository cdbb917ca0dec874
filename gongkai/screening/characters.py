"""Characters as a reader sees them: which ones read as a digit, which are invisible, which
separate the groups of a number. Shared by the detectors, the HTML reading and masking.

A number is found however it is typed, because a reader reads it the same way:

* **Digits**: every character Unicode gives a digit value (``unicodedata.digit``): ASCII,
  full-width ０–９, circled ①–⑨ and ⓪, parenthesised ⑴, with a full stop ⒈, dingbats ➀ ❶ ➊,
  superscripts and subscripts, mathematical bold, double-struck, sans-serif and monospace
  digits 𝟏 𝟙 𝟣 𝟷, and the digits of other scripts. Chinese numerals written digit by digit
  (〇一二三四五六七八九, 零, 幺 as said on the phone, and the financial forms 壹贰叁…) are a
  separate class, because in a run of Arabic digits 〇 is more often a mask than a zero.
* **Invisible**: format characters (soft hyphen, zero-width space, joiner and non-joiner,
  word joiner, BOM, bidi marks and embeddings, invisible operators, tag characters),
  combining marks (variation selectors, the combining grapheme joiner, keycap and enclosing
  marks) and blank-looking fillers (Hangul fillers, the braille blank). They are skipped
  inside a number or a marking.
* **Separators** between the groups of a number, by family: spaces (ASCII, no-break,
  en/em/thin/figure, ideographic), hyphens and dashes (hyphen, non-breaking hyphen, figure
  dash, en and em dash, minus, full-width, box-drawing lines and the long vowel mark that
  input methods give for a dash), dots (full stop, full-width, middle dots · ・ ･, bullet,
  hyphenation point, ideographic full stop) and slashes. Tabs and line breaks are never
  separators: they part table cells and lines.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable

# Digit values beyond ASCII, from the Unicode database (the planes that have any: BMP and
# the supplementary multilingual plane).
_UNICODE_DIGITS = {
    c: str(value)
    for c in map(chr, range(0x80, 0x20000))
    if (value := unicodedata.digit(c, None)) is not None
}

CHINESE_NUMERALS = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "幺": "1",
    "壹": "1",
    "二": "2",
    "贰": "2",
    "貳": "2",
    "三": "3",
    "叁": "3",
    "參": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陆": "6",
    "陸": "6",
    "七": "7",
    "柒": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
}

#: Every character that reads as an Arabic digit, with its ASCII digit.
DIGITS = {**{d: d for d in "0123456789"}, **_UNICODE_DIGITS}
#: The check character X of an ID number as it may be typed (Ⅹ is the Roman numeral ten).
X_FORMS = dict.fromkeys("XxＸｘⅩⅹ", "X")
#: Everything that counts as a digit of some number, with its ASCII form.
DIGIT_VALUE = {**DIGITS, **CHINESE_NUMERALS, **X_FORMS}

SPACES = (
    " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
HYPHENS = (
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
    "\u2500\u2501\u30fc\u02d7\u2796\u23af"
)
DOTS = ".\uff0e\u00b7\u0387\u2022\u2024\u2027\u2219\u22c5\u30fb\uff65\u3002\uff61\u2e31"
SLASHES = "/\uff0f\\\uff3c\u2044\u2215\u29f8"
SEPARATORS = SPACES + HYPHENS + DOTS + SLASHES

_FILLERS = "\u115f\u1160\u3164\uffa0\u2800\u034f\u180e"
INVISIBLE = "".join(
    sorted(
        {
            c
            for c in map(chr, [*range(0x80, 0x20000), *range(0xE0000, 0xE01F0)])
            if unicodedata.category(c) in ("Cf", "Mn", "Me")
        }
        | set(_FILLERS)
    )
)
INVISIBLE_SET = frozenset(INVISIBLE)

#: Stars of a classification marking (秘密★1年): the black and white star, the asterisk
#: forms and the other stars a font or an input method offers.
STARS = "★☆*＊✩✪✫✬✭✮✯✰⭐⋆∗﹡٭✱✲✳✴✵✶✷✸✹✺"

#: A run of characters that only reads as a separator or nothing at all.
BLANK = frozenset(SPACES) | INVISIBLE_SET


def char_class(chars: str) -> str:
    """The body of a regex character class matching exactly ``chars`` (as ranges)."""
    points = sorted(set(map(ord, chars)))
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = chr(points[i]), chr(points[j])
        parts.append(_escape(first) if i == j else f"{_escape(first)}-{_escape(last)}")
        i = j + 1
    return "".join(parts)


def _escape(c: str) -> str:
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


def remove_invisible(text: str) -> str:
    return text.translate(_REMOVE_INVISIBLE) if any(c in INVISIBLE_SET for c in text) else text


_REMOVE_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


# --- Characters beyond the BMP -----------------------------------------------------------
# A regex class with characters beyond U+FFFF cannot use sre's 64K bitmap and tests its
# ranges one by one: five times slower over every character of the text. So the patterns
# hold only BMP characters, and the rare text with characters beyond the BMP (mathematical
# digits 𝟏, tag characters, emoji) is first given a view of the same length in which such
# digits are ASCII digits and such invisibles a zero-width space: offsets stay valid.
_ASTRAL_FOLD = {
    **{c: v for c, v in DIGITS.items() if ord(c) > 0xFFFF},
    **{c: "\u200b" for c in INVISIBLE if ord(c) > 0xFFFF},
}
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# The size of a one-character string stored four bytes a character; CPython stores a string
# that way exactly when it holds a character beyond the BMP, so sys.getsizeof tells in O(1).
_UCS4_BASE = sys.getsizeof("\U00010000") - 4


def bmp(chars: Iterable[str]) -> str:
    return "".join(c for c in chars if ord(c) <= 0xFFFF)


def bmp_view(text: str) -> str:
    """``text`` with digits and invisibles beyond the BMP folded into it, same length."""
    if sys.getsizeof(text) < _UCS4_BASE + 4 * len(text):
        return text
    return _ASTRAL_RE.sub(lambda m: _ASTRAL_FOLD.get(m.group(), m.group()), text)
