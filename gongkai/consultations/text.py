"""Chinese numerals and splitting a draft into its articles (第一条…) or parts (一、二、…).

Pure functions, no database: the splitter turns the sanitised HTML of a draft into sections
that comments can target; staff review and correct the result before the draft is opened.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# The numerals live in core (the anti-spam challenge uses them too); imported here for the splitter.
from gongkai.core.numerals import chinese_number, parse_number  # noqa: F401


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
