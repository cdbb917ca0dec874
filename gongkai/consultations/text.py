"""Chinese numerals and splitting a draft into its articles (第一条…) or parts (一、二、…).

Pure functions, no database: the splitter turns the sanitised HTML of a draft into sections
that comments can target; staff review and correct the result before the draft is opened.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}


def chinese_number(n: int) -> str:
    """0–9999 in Chinese as written in 条款 and questions: 十、十二、二十、一百零五."""
    if not 0 <= n <= 9999:
        raise ValueError("只支持 0 至 9999。")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    parts: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(DIGITS[digit] + unit)
    return "".join(parts)


def parse_number(text: str) -> int | None:
    """An answer typed by a person: 12, １２, 十二, 一十二 → 12; anything else → None."""
    value = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.")
    if not value:
        return None
    if value.isdecimal():
        return int(value)
    if value.startswith("-") and value[1:].isdecimal():
        return -int(value[1:])
    total, digit = 0, None
    for char in value:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        elif char in _UNIT_VALUE:
            total += (1 if digit is None else digit) * _UNIT_VALUE[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def article_heading(number: int) -> str:
    return f"第{chinese_number(number)}条"


@dataclass(frozen=True)
class SplitSection:
    heading: str
    body: str
    chapter: str = ""


_NUMERAL = r"[〇零一二三四五六七八九十百千两\d]+"
ARTICLE = re.compile(rf"^\s*(第{_NUMERAL}条)[\s　]*(.*)$")
CHAPTER = re.compile(rf"^\s*第{_NUMERAL}[章节编](\s|　|$)")
PART = re.compile(r"^\s*([一二三四五六七八九十]+、)(.*)$")
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|h[1-6]|tr|div|blockquote)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_lines(body: str) -> list[str]:
    text = _TAG.sub("", _BLOCK_END.sub("\n", body or ""))
    return [line.strip() for line in html.unescape(text).splitlines() if line.strip()]


def split_draft(body: str) -> list[SplitSection]:
    """Articles (第一条…) if the draft has them, else top-level parts (一、二、…), else []."""
    lines = html_to_lines(body)
    if any(ARTICLE.match(line) for line in lines):
        return _split(lines, ARTICLE, keep_first_line=False)
    if any(PART.match(line) for line in lines):
        return _split(lines, PART, keep_first_line=True)
    return []


def _split(
    lines: list[str], marker: re.Pattern[str], *, keep_first_line: bool
) -> list[SplitSection]:
    found: list[SplitSection] = []
    chapter = ""
    current: SplitSection | None = None
    body: list[str] = []
    for line in lines:
        matched = marker.match(line)
        if matched or (marker is ARTICLE and CHAPTER.match(line)):
            if current is not None:
                found.append(_with_body(current, body))
            current, body = None, []
        if matched:
            if keep_first_line:
                current = SplitSection(line[:100], "", chapter)
            else:
                current = SplitSection(matched.group(1), "", chapter)
                body = [matched.group(2).strip()]
        elif marker is ARTICLE and CHAPTER.match(line):
            chapter = line[:100]
        elif current is not None:
            body.append(line)
    if current is not None:
        found.append(_with_body(current, body))
    return found


def _with_body(section: SplitSection, lines: list[str]) -> SplitSection:
    return SplitSection(section.heading, "\n".join(x for x in lines if x).strip(), section.chapter)
