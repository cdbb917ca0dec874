"""Reading the State Council's holiday notice from its text.

The notice (国务院办公厅关于××年部分节假日安排的通知) has kept one drafting style since 2008: a
numbered section per festival, each a few standard sentences —

* ``2月10日至17日放假调休，共8天。``  ``5月31日（周六）至6月2日（周一）放假，共3天。``
* ``1月1日（周三）放假1天，不调休。``  ``1月1日放假，与周末连休。``  ``2020年1月1日放假，共1天。``
* ``2月4日（星期日）、2月18日（星期日）上班。``  ``1月2日（星期一）补休。``
* ``2022年12月31日至2023年1月2日放假调休，共3天。`` (a year written out when it changes)

The parser reads dates with the month and year carried from the date before, checks the
weekday written in brackets and the stated number of days, and reports every sentence of a
section that it could not read, so a person checks it in the preview before loading.
Encouragements (``鼓励各单位……安排职工在除夕（2月9日）休息``) change no working day and are
kept as notes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai.core.calendar.loading import CalendarDataError, YearNotice

WEEKDAYS = "一二三四五六日"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９：", "0123456789:")
_NUMERALS = "一二三四五六七八九十"
_TITLE = re.compile(r"国务院办公厅关于\s*(\d{4})\s*年部分节假日安排的通知")
_YEAR = re.compile(r"(?:现将|关于)\s*(\d{4})\s*年")
_NUMBER = re.compile(r"[\u4e00-\u9fa5]{2,6}〔\s*\d{4}\s*〕\s*\d+\s*号")
_SIGNED = re.compile(r"国务院办公厅\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$")
_SECTION = re.compile(
    r"(?:^|(?<=[\s。；]))([一二三四五六七八九十]{1,3})\s*[、.．]\s*([^:：\s。]{1,24}?)\s*[:：]"
)
#: Sections pasted without their numbers ("元旦：1月1日放假……"): the festival names start them.
_FESTIVALS = "元旦|春节|清明节|劳动节|端午节|中秋节|国庆节"
_NAMED_SECTION = re.compile(
    rf"(?:^|(?<=[\s。；]))()((?:{_FESTIVALS})(?:[、和](?:{_FESTIVALS}))*)\s*[:：]"
)
_END = re.compile(r"节假日期间|国务院办公厅\s*\d{4}年\d{1,2}月\d{1,2}日\s*$")
_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*日"
    r"(?:\s*[(（](?P<note>[^)）]*)[)）])?"
)
_RANGE_JOIN = re.compile(r"^\s*(?:至|到|—|–|-|~)\s*$")
_COUNT = re.compile(r"共\s*(\d{1,2})\s*天|放假\s*(\d{1,2})\s*天")
_ADVISORY = ("鼓励", "倡导", "提倡")


@dataclass
class Section:
    number: str
    name: str
    text: str
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)


@dataclass
class ParsedNotice:
    """What the text says, and what a person must look at before it is loaded."""

    year: int | None
    title: str
    document_number: str = ""
    issued_on: date | None = None
    sections: list[Section] = field(default_factory=list)
    #: Sentences inside a section that hold a date but were not understood.
    unread: list[str] = field(default_factory=list)
    #: Things that are certainly wrong (a weekday that does not match, a count that does
    #: not add up): the notice cannot be loaded until the text is corrected.
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def holidays(self) -> dict[date, str]:
        return {day: s.name for s in self.sections for day in s.holidays}

    @property
    def workdays(self) -> frozenset[date]:
        return frozenset(day for s in self.sections for day in s.workdays)

    @property
    def can_load(self) -> bool:
        return self.year is not None and not self.errors and bool(self.holidays)

    @property
    def source(self) -> str:
        extra = "，".join(
            part for part in (self.document_number, self.issued_on and _fmt(self.issued_on)) if part
        )
        return f"{self.title}（{extra}）" if extra else self.title

    def as_year_notice(self, source_url: str = "") -> YearNotice:
        if not self.can_load or self.year is None:
            raise CalendarDataError("；".join(self.errors) or "没有读到任何放假安排。")
        return YearNotice(
            year=self.year,
            source=self.source,
            source_url=source_url,
            holidays=self.holidays,
            workdays=self.workdays,
        )


def _fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def normalise(text: str) -> str:
    text = text.replace("\u3000", " ").replace("\xa0", " ").translate(_FULL_WIDTH)
    return re.sub(r"[ \t]*\r?\n[ \t]*", "\n", text).strip()


def parse_notice_text(text: str, *, year: int | None = None) -> ParsedNotice:
    """Read a pasted or uploaded notice. ``year`` overrides the year of the title."""
    text = normalise(text)
    title_match = _TITLE.search(text)
    if year is None:
        found = title_match or _YEAR.search(text)
        year = int(found.group(1)) if found else None
    title = (
        title_match.group(0)
        if title_match
        else (f"国务院办公厅关于{year}年部分节假日安排的通知" if year else "节假日安排通知")
    )
    notice = ParsedNotice(year=year, title=re.sub(r"\s+", "", title))
    number = _NUMBER.search(text)
    if number:
        notice.document_number = re.sub(r"\s+", "", number.group(0))
    signed = _SIGNED.search(text)
    if signed:
        notice.issued_on = date(*(int(g) for g in signed.groups()))
    if year is None:
        notice.errors.append(
            "没有找到年份：请粘贴通知全文（含标题“国务院办公厅关于××年部分节假日安排的通知”）。"
        )
        return notice
    flat = text.replace("\n", " ")
    heads = list(_SECTION.finditer(flat)) or list(_NAMED_SECTION.finditer(flat))
    if not heads:
        notice.errors.append("没有找到“一、元旦：……”这样的分节内容。")
        return notice
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(flat)
        body = flat[head.end() : end]
        closing = _END.search(body)
        if closing:
            body = body[: closing.start()]
        section = Section(head.group(1), head.group(2), body.strip())
        _read_section(notice, section, year)
        notice.sections.append(section)
    _check_whole(notice, year)
    return notice


def _read_section(notice: ParsedNotice, section: Section, year: int) -> None:
    context: dict[str, int | None] = {"y": year, "m": None}
    for sentence in filter(None, (s.strip() for s in re.split(r"[。；;]", section.text))):
        if any(word in sentence for word in _ADVISORY):
            notice.notes.append(f"{section.name}：{sentence}。")
            continue
        run: list[date] = []
        unread = False
        for clause in filter(None, (c.strip() for c in re.split(r"[,，]", sentence))):
            kind, days, stated = _read_clause(notice, section, clause, context)
            if kind == "holiday":
                section.holidays.extend(d for d in days if d not in section.holidays)
                run = days
            elif kind == "workday":
                section.workdays.extend(d for d in days if d not in section.workdays)
            elif kind == "count" and run and stated != len(run):
                notice.errors.append(
                    f"{section.name}：写明“共{stated}天”，但日期范围是 {len(run)} 天"
                    f"（{sentence}）。"
                )
            elif kind == "unknown" and _DATE.search(clause):
                unread = True
        if unread:
            notice.unread.append(f"{section.name}：{sentence}。")


def _read_clause(
    notice: ParsedNotice, section: Section, clause: str, context: dict[str, int | None]
) -> tuple[str, list[date], int]:
    """(kind, days, stated number of days) of one clause: holiday, workday, count, ignore or
    unknown."""
    dates = list(_DATE.finditer(clause))
    count = _COUNT.search(clause)
    stated = int(count.group(1) or count.group(2)) if count else 0
    if not dates:
        if count and count.group(1):
            return "count", [], stated
        return ("ignore" if re.search(r"连休|不调休", clause) else "unknown"), [], 0
    resolved = [_resolve(notice, section, m, context) for m in dates]
    days = [d for d in resolved if d is not None]
    if len(days) != len(resolved):
        return "unknown", [], 0
    if "上班" in clause and "放假" not in clause:
        return "workday", days, 0
    if not re.search(r"放假|补休|休息", clause):
        return "unknown", [], 0
    if len(dates) == 2 and _RANGE_JOIN.match(clause[dates[0].end() : dates[1].start()]):
        first, last = days
        if last < first:
            notice.errors.append(f"{section.name}：结束日期早于开始日期（{clause}）。")
            return "unknown", [], 0
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    elif len(dates) > 1 and not re.fullmatch(r"[\s,，、和及]*", _between(clause, dates)):
        return "unknown", [], 0
    if count and count.group(2) and stated != len(days):
        notice.errors.append(
            f"{section.name}：写明放假{stated}天，但列出的是 {len(days)} 天（{clause}）。"
        )
    return "holiday", days, stated


def _between(clause: str, dates: list[re.Match[str]]) -> str:
    return "".join(clause[a.end() : b.start()] for a, b in itertools.pairwise(dates))


def _resolve(
    notice: ParsedNotice, section: Section, match: re.Match[str], context: dict[str, int | None]
) -> date | None:
    if match.group("y"):
        context["y"] = int(match.group("y"))
    if match.group("m"):
        context["m"] = int(match.group("m"))
    year, month = context["y"], context["m"]
    if month is None or year is None:
        return None
    try:
        day = date(year, month, int(match.group("d")))
    except ValueError:
        notice.errors.append(f"{section.name}：“{match.group(0)}”不是有效的日期。")
        return None
    note = match.group("note") or ""
    written = re.search(r"(?:星期|周)([一二三四五六日天])", note)
    if written:
        expected = WEEKDAYS[day.weekday()]
        actual = "日" if written.group(1) == "天" else written.group(1)
        if actual != expected:
            notice.errors.append(
                f"{section.name}：{_fmt(day)}是星期{expected}，通知里写的是“{written.group(0)}”。"
            )
    return day


def _check_whole(notice: ParsedNotice, year: int) -> None:
    seen: dict[date, str] = {}
    for section in notice.sections:
        if not section.holidays and not section.workdays:
            notice.unread.append(f"{section.name}：没有读到放假或上班日期。")
        for day in section.holidays:
            if abs(day.year - year) > 1:
                notice.errors.append(f"{section.name}：{_fmt(day)} 不属于 {year} 年的安排。")
            if day in seen and seen[day] != section.name:
                notice.errors.append(f"{_fmt(day)} 同时出现在“{seen[day]}”和“{section.name}”。")
            seen[day] = section.name
        for day in section.workdays:
            if day.weekday() < 5:
                notice.errors.append(f"{section.name}：上班日 {_fmt(day)} 不是周末，无需调休。")
            if day in seen:
                notice.errors.append(f"{_fmt(day)} 既是放假日又是上班日。")
    if not notice.holidays and not notice.errors:
        notice.errors.append("没有读到任何放假日期。")


#: Files a notice can be uploaded as (the text is read; nothing is kept).
NOTICE_FILE_TYPES = (".txt", ".docx", ".pdf")
MAX_NOTICE_BYTES = 5 * 1024 * 1024


def notice_text_from_file(name: str, data: bytes) -> str:
    """The text of an uploaded notice: plain text (UTF-8 or GB18030), Word (.docx) or PDF."""
    import io

    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if len(data) > MAX_NOTICE_BYTES:
        raise CalendarDataError("文件超过 5 MB，请只上传通知本身。")
    if suffix == "docx":
        from docx import Document

        try:
            document = Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises several kinds for a broken file
            raise CalendarDataError(
                "无法读取该 Word 文件，请另存为 .docx 或直接粘贴文字。"
            ) from exc
        return "\n".join(p.text for p in document.paragraphs)
    if suffix == "pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception as exc:
            raise CalendarDataError(
                "无法读取该 PDF 文件（可能是扫描件），请直接粘贴文字。"
            ) from exc
    if suffix in ("txt", ""):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise CalendarDataError("无法识别该文本文件的编码，请另存为 UTF-8 或直接粘贴文字。")
    raise CalendarDataError("只能上传 .txt、.docx 或 .pdf 文件，或直接粘贴通知文字。")
