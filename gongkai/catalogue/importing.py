"""Reading catalogues from files: the JSON layout Gongkai exports, and the spreadsheet layout
(序号, 一级事项, 二级事项, 公开内容（要素）, …) that published catalogues use.

Parsing never touches the database: it returns ``CatalogueData`` or raises ``CatalogueInvalid``
listing every bad row, so an import is all or nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from gongkai.catalogue.models import FiveDisclosure, Recurrence, TimeLimitKind


@dataclass(frozen=True)
class RowError:
    row: int | str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}" if isinstance(self.row, int) else (
            f"{self.row}：{self.message}"
        )


class CatalogueInvalid(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("目录文件有错误，未导入任何内容：\n" + "\n".join(map(str, errors)))


@dataclass
class TimeLimit:
    kind: str
    days: int | None
    start: str
    text: str


@dataclass
class ItemData:
    code: str
    name: str
    elements: list[str]
    basis: list[str]
    time_limit: TimeLimit
    subject: str
    channels: list[str]
    audience: list[str]
    manner: list[str]
    level: list[str]
    five_disclosure: str
    recurrence: str = Recurrence.EVENT
    needs_interpretation: bool = False
    verified: bool = False
    note: str = ""
    row: int | str = ""


@dataclass
class SectionData:
    code: str
    name: str
    items: list[ItemData] = field(default_factory=list)


@dataclass
class CatalogueData:
    title: str
    sections: list[SectionData]

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


MANNERS = ("主动", "依申请")
LEVELS = ("县级", "乡级")

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """'20' / '二十' / '十五' / '三十' → int; None if it is not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


_LIMIT = re.compile(r"([0-9]+|[零一二两三四五六七八九十百]+)\s*个?\s*(工作日|日|天|自然日)")


def parse_time_limit(text: str) -> TimeLimit:
    """'信息形成或者变更之日起20个工作日内' → working days, 20, from 信息形成或者变更之日."""
    clean = re.sub(r"\s+", "", text or "")
    if not clean:
        raise ValueError("公开时限为空")
    match = _LIMIT.search(clean)
    start = "信息形成或者变更之日"
    head = clean[: match.start()] if match else ""
    start_match = re.search(r"(?:自|从)?(.+?之日|.+?后)起?$", head)
    if start_match:
        start = start_match.group(1)
    if match:
        days = chinese_number(match.group(1))
        if days and days > 0:
            kind = (
                TimeLimitKind.WORKING_DAYS if match.group(2) == "工作日"
                else TimeLimitKind.CALENDAR_DAYS
            )
            return TimeLimit(kind=kind, days=days, start=start, text=text.strip())
    return TimeLimit(kind=TimeLimitKind.TEXT, days=None, start=start, text=text.strip())


def load(path: Path) -> CatalogueData:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix in {".xlsx", ".csv"}:
        from gongkai.catalogue.tables import load_table

        return load_table(path)
    raise CatalogueInvalid([RowError(str(path), "只支持 .json、.xlsx 和 .csv 文件")])


def load_json(path: Path) -> CatalogueData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueInvalid([RowError(str(path), f"无法读取 JSON：{exc}")]) from exc
    title = ""
    if isinstance(raw, dict):
        title = str(raw.get("title", ""))
        sections = raw.get("sections") or raw.get("first_level_items")
    else:
        sections = raw
    if not isinstance(sections, list):
        raise CatalogueInvalid([RowError(str(path), "找不到一级事项列表（sections）")])
    return from_sections(sections, title=title)


def from_sections(sections: list[Any], *, title: str = "") -> CatalogueData:
    errors: list[RowError] = []
    out: list[SectionData] = []
    for s_index, raw_section in enumerate(sections, start=1):
        where = f"一级事项 {s_index}"
        if not isinstance(raw_section, dict) or not raw_section.get("name"):
            errors.append(RowError(where, "缺少名称"))
            continue
        section = SectionData(code=str(raw_section.get("code") or f"{s_index:02d}"),
                              name=str(raw_section["name"]).strip())
        for i_index, raw_item in enumerate(raw_section.get("items") or [], start=1):
            item_where = f"{section.name} 第 {i_index} 个二级事项"
            try:
                section.items.append(_item_from_dict(raw_item, section, i_index, item_where))
            except (ValueError, TypeError, KeyError) as exc:
                errors.append(RowError(item_where, str(exc)))
        if not section.items:
            errors.append(RowError(where, f"“{section.name}”没有二级事项"))
        out.append(section)
    data = CatalogueData(title=title, sections=out)
    errors.extend(validate(data))
    if errors:
        raise CatalogueInvalid(errors)
    return data


def _strings(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[\n；;]", value) if part.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    raise TypeError(f"{name} 应为文字或文字列表")


def _item_from_dict(raw: dict[str, Any], section: SectionData, index: int, where: str) -> ItemData:
    if not isinstance(raw, dict):
        raise TypeError("二级事项应为对象")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValueError("缺少二级事项名称")
    limit_raw = raw.get("time_limit")
    if isinstance(limit_raw, dict):
        kind = str(limit_raw.get("kind") or TimeLimitKind.WORKING_DAYS)
        if kind not in TimeLimitKind.values:
            raise ValueError(f"时限类型“{kind}”无效")
        days = limit_raw.get("days")
        limit = TimeLimit(kind=kind, days=int(days) if days else None,
                          start=str(limit_raw.get("from") or "信息形成或者变更之日"),
                          text=str(limit_raw.get("text") or ""))
        if not limit.text:
            limit.text = f"{limit.start}起{limit.days}个{'工作日' if kind == 'working_days' else '日'}内"
    else:
        limit = parse_time_limit(str(limit_raw or ""))
    five = raw.get("five_disclosures") or raw.get("five_disclosure") or ""
    known = standard_defaults().get(name, {})
    recurrence = str(raw.get("recurrence") or known.get("recurrence") or Recurrence.EVENT)
    if recurrence not in Recurrence.values:
        raise ValueError(f"更新周期“{recurrence}”无效")
    return ItemData(
        code=str(raw.get("code") or f"{section.code}.{index:02d}"),
        name=name,
        elements=_strings(raw.get("elements"), "公开内容"),
        basis=_strings(raw.get("basis"), "公开依据"),
        time_limit=limit,
        subject=str(raw.get("subject") or "").strip(),
        channels=_strings(raw.get("channels"), "公开渠道"),
        audience=_strings(raw.get("audience"), "公开对象"),
        manner=_strings(raw.get("manner"), "公开方式"),
        level=_strings(raw.get("level"), "公开层级"),
        five_disclosure=(
            FiveDisclosure.from_label(str(five)).value if five
            else known.get("five_disclosure") or infer_five_disclosure(name)
        ),
        recurrence=recurrence,
        needs_interpretation=bool(
            raw.get("needs_interpretation", known.get("needs_interpretation", False))
        ),
        verified=bool(raw.get("verified", False)),
        note=str(raw.get("note") or ""),
        row=where,
    )


STANDARD_FILE = Path(__file__).parent / "data" / "standard.json"


@lru_cache(maxsize=1)
def standard_defaults() -> dict[str, dict[str, Any]]:
    """Columns published spreadsheets lack (五公开, 更新周期, 须解读), by item name, from the
    standard data file shipped with Gongkai."""
    raw = json.loads(STANDARD_FILE.read_text(encoding="utf-8"))
    return {
        item["name"]: {
            "five_disclosure": FiveDisclosure.from_label(item["five_disclosures"]).value,
            "recurrence": item.get("recurrence", Recurrence.EVENT),
            "needs_interpretation": item.get("needs_interpretation", False),
        }
        for section in raw["sections"]
        for item in section["items"]
    }


_FIVE_HINTS = (
    (FiveDisclosure.RESULT, ("结果", "名单", "评价", "督导", "统计", "决算", "总结")),
    (FiveDisclosure.SERVICE, ("指南", "名录", "认定", "办理", "服务", "资助", "测试")),
    (FiveDisclosure.DECISION, ("政策", "文件", "规划", "办法", "法律", "规定", "方案")),
    (FiveDisclosure.EXECUTION, ("计划", "招聘", "培训", "实施", "执行", "落实", "进展")),
)


def infer_five_disclosure(name: str) -> str:
    """A first guess for items not in the standard; the city bureau can correct it."""
    for value, hints in _FIVE_HINTS:
        if any(h in name for h in hints):
            return value.value
    return FiveDisclosure.MANAGEMENT.value


def validate(data: CatalogueData) -> list[RowError]:
    """Checks shared by every input format."""
    errors: list[RowError] = []
    seen_codes: set[str] = set()
    for section in data.sections:
        for item in section.items:
            where = item.row or f"{section.name}/{item.name}"
            if item.code in seen_codes:
                errors.append(RowError(where, f"编号“{item.code}”重复"))
            seen_codes.add(item.code)
            missing = [
                label for label, value in (
                    ("公开内容（要素）", item.elements), ("公开依据", item.basis),
                    ("公开主体", item.subject), ("公开渠道和载体", item.channels),
                    ("公开对象", item.audience), ("公开方式", item.manner),
                    ("公开层级", item.level),
                ) if not value
            ]
            if missing:
                errors.append(RowError(where, "缺少" + "、".join(missing)))
            bad_manner = [m for m in item.manner if m not in MANNERS]
            if bad_manner:
                errors.append(RowError(where, f"公开方式只能是主动或依申请，不能是“{bad_manner[0]}”"))
            bad_level = [lv for lv in item.level if lv not in LEVELS]
            if bad_level:
                errors.append(RowError(where, f"公开层级只能是县级或乡级，不能是“{bad_level[0]}”"))
            if not item.five_disclosure:
                errors.append(RowError(where, "缺少五公开归类（决策、执行、管理、服务、结果）"))
            if item.time_limit.kind != TimeLimitKind.TEXT and not item.time_limit.days:
                errors.append(RowError(where, "公开时限缺少天数"))
    return errors
