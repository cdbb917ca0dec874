"""Reading catalogues from files: the JSON layout Gongkai exports, and the spreadsheet layout
(序号, 一级事项, 二级事项, 公开内容（要素）, …) that published catalogues use.

Parsing never touches the database: it returns ``CatalogueData`` or raises ``CatalogueInvalid``
listing every bad row, so an import is all or nothing. ``tables`` reads and writes the
spreadsheets; ``from_edition`` and ``compare`` turn a stored edition into the same data so an
import can say what it would change before anything is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.catalogue.levels import Importer
from gongkai.catalogue.models import (
    ITEM_COLUMNS,
    FiveDisclosure,
    Item,
    Recurrence,
    Section,
    TimeLimitKind,
)
from gongkai.core.spreadsheets import LEGACY_SUFFIXES, ImportRefused, RowError

if TYPE_CHECKING:
    from gongkai.catalogue.models import Edition


class CatalogueInvalid(ImportRefused):
    what = "目录文件"


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
    #: What the import filled in or read in an unusual way (blank 公开对象 filled from the
    #: standard, 东阳市级 read as 县级, a column it ignored): reported, never refused.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


MANNERS = ("主动", "依申请")
#: What a blank 公开对象 or 公开方式 becomes when the standard has no item of that name
#: (公开层级 defaults to the importing body's own level, or 县级).
DEFAULTS = {"audience": ["全社会"], "manner": ["主动"], "level": ["县级"]}
LEVELS = ("县级", "乡级")

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """'20' / '二十' / '十五' / '三十' → int; None if it is not a number."""
    text = text.strip()
    if text.isdecimal():
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


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_LIMIT = re.compile(r"([0-9]+|[零一二两三四五六七八九十百]+)\s*个?\s*(工作日|日|天|自然日)")


def parse_time_limit(text: str) -> TimeLimit:
    """'信息形成或者变更之日起20个工作日内' → working days, 20, from 信息形成或者变更之日."""
    clean = re.sub(r"\s+", "", text or "").translate(_FULL_WIDTH_DIGITS)
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
                TimeLimitKind.WORKING_DAYS
                if match.group(2) == "工作日"
                else TimeLimitKind.CALENDAR_DAYS
            )
            return TimeLimit(kind=kind, days=days, start=start, text=text.strip())
    return TimeLimit(kind=TimeLimitKind.TEXT, days=None, start=start, text=text.strip())


def load(path: Path, *, importer: Importer | None = None) -> CatalogueData:
    """Read a catalogue file; ``importer`` (who imports it) decides what 市级 means."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_json(path)
    if suffix in {".xlsx", ".csv"} | LEGACY_SUFFIXES:
        from gongkai.catalogue.tables import load_table

        return load_table(path, importer=importer)
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
        section = SectionData(
            code=str(raw_section.get("code") or f"{s_index:02d}"),
            name=str(raw_section["name"]).strip(),
        )
        raw_items = raw_section.get("items") or []
        if not isinstance(raw_items, list):
            errors.append(RowError(where, f"“{section.name}”的二级事项（items）应为列表"))
            continue
        for i_index, raw_item in enumerate(raw_items, start=1):
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
        limit = TimeLimit(
            kind=kind,
            days=int(days) if days else None,
            start=str(limit_raw.get("from") or "信息形成或者变更之日"),
            text=str(limit_raw.get("text") or ""),
        )
        if not limit.text:
            unit = "个工作日" if kind == TimeLimitKind.WORKING_DAYS else "日"
            limit.text = f"{limit.start}起{limit.days}{unit}内"
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
            FiveDisclosure.from_label(str(five)).value
            if five
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
            "audience": list(item.get("audience") or []),
            "manner": list(item.get("manner") or []),
            "level": list(item.get("level") or []),
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


def _too_long(model: type[Section] | type[Item], code: str, name: str) -> list[str]:
    # The columns' limits, checked here so PostgreSQL never rejects a row mid-publish.
    problems = []
    for field_name, value in (("code", code), ("name", name)):
        model_field = model._meta.get_field(field_name)
        limit = getattr(model_field, "max_length", None)
        if limit and len(value) > limit:
            label = model_field.verbose_name  # type: ignore[union-attr]
            problems.append(f"{label}“{value[:20]}…”超过 {limit} 个字")
    return problems


def validate(data: CatalogueData) -> list[RowError]:
    """Checks shared by every input format."""
    errors: list[RowError] = []
    seen_codes: set[str] = set()
    seen_sections: set[str] = set()
    for section in data.sections:
        # Section codes are unique per edition in the database; catch it here so the
        # publish transaction never fails half-way on an IntegrityError.
        if section.code in seen_sections:
            errors.append(
                RowError(
                    section.items[0].row if section.items else f"一级事项“{section.name}”",
                    f"一级事项编号“{section.code}”重复",
                )
            )
        seen_sections.add(section.code)
        first_row = section.items[0].row if section.items else f"一级事项“{section.name}”"
        errors.extend(
            RowError(first_row, m) for m in _too_long(Section, section.code, section.name)
        )
        seen_names: set[str] = set()
        for item in section.items:
            where = item.row or f"{section.name}/{item.name}"
            errors.extend(RowError(where, m) for m in _too_long(Item, item.code, item.name))
            if item.code in seen_codes:
                errors.append(RowError(where, f"编号“{item.code}”重复"))
            seen_codes.add(item.code)
            # Two items with one name under one section would split records between them.
            if item.name and item.name in seen_names:
                errors.append(RowError(where, f"“{section.name}”下的二级事项“{item.name}”重复"))
            seen_names.add(item.name)
            missing = [
                label
                for label, value in (
                    ("公开内容（要素）", item.elements),
                    ("公开依据", item.basis),
                    ("公开主体", item.subject),
                    ("公开渠道和载体", item.channels),
                    ("公开对象", item.audience),
                    ("公开方式", item.manner),
                    ("公开层级", item.level),
                )
                if not value
            ]
            if missing:
                errors.append(RowError(where, "缺少" + "、".join(missing)))
            bad_manner = [m for m in item.manner if m not in MANNERS]
            if bad_manner:
                errors.append(
                    RowError(where, f"公开方式只能是主动或依申请，不能是“{bad_manner[0]}”")
                )
            bad_level = [lv for lv in item.level if lv not in LEVELS]
            if bad_level:
                errors.append(RowError(where, f"公开层级只能是县级或乡级，不能是“{bad_level[0]}”"))
            if not item.five_disclosure:
                errors.append(RowError(where, "缺少五公开归类（决策、执行、管理、服务、结果）"))
            if item.time_limit.kind != TimeLimitKind.TEXT and not item.time_limit.days:
                errors.append(RowError(where, "公开时限缺少天数"))
    return errors


@lru_cache(maxsize=1)
def channel_options() -> tuple[str, ...]:
    """The 公开渠道和载体 checklist printed as ■/□ boxes in published catalogues."""
    raw = json.loads(STANDARD_FILE.read_text(encoding="utf-8"))
    return tuple(raw.get("channel_options") or ())


def recurrence_from_label(text: str) -> str:
    """'每学期' / '每学期（…）' / 'semester' → Recurrence value."""
    clean = text.strip()
    for member in Recurrence:
        short = member.label.split("（")[0]
        if clean in {member.value, member.label, short}:
            return member.value
    choices = "、".join(m.label.split("（")[0] for m in Recurrence)
    raise ValueError(f"更新周期“{clean}”无效（应为{choices}）")


def from_edition(edition: Edition, *, include_local: bool = False) -> CatalogueData:
    """An edition in the database as ``CatalogueData``: what exports write and what an import
    is compared against. Local items are left out by default because the standard is the
    city's 10/34 and a county's own items travel with its organisation, not with the file."""
    items = Item.objects.filter(section__edition=edition).select_related("section", "organisation")
    if not include_local:
        items = items.filter(organisation__isnull=True)
    sections: dict[int, SectionData] = {}
    for section in edition.sections.order_by("order", "code"):
        sections[section.pk] = SectionData(code=section.code, name=section.name)
    for item in items.order_by("section__order", "order", "code"):
        sections[item.section_id].items.append(
            ItemData(
                code=item.code,
                name=item.name,
                elements=list(item.elements),
                basis=list(item.basis),
                time_limit=TimeLimit(
                    kind=item.time_limit_kind,
                    days=item.time_limit_days,
                    start=item.time_limit_from,
                    text=item.time_limit_text,
                ),
                subject=item.subject,
                channels=list(item.channels),
                audience=list(item.audience),
                manner=list(item.manner),
                level=list(item.level),
                five_disclosure=item.five_disclosure,
                recurrence=item.recurrence,
                needs_interpretation=item.needs_interpretation,
                verified=item.is_verified,
                note=item.note,
            )
        )
    return CatalogueData(title=edition.name, sections=list(sections.values()))


#: ItemData fields with the column names people know them by, for change summaries.
FIELD_LABELS = {column.key: column.header for column in ITEM_COLUMNS}


@dataclass
class Changes:
    """What publishing ``new`` would change relative to ``old``, item by item (by code,
    because publish_edition carries item keys over by code)."""

    added: list[ItemData] = field(default_factory=list)
    removed: list[ItemData] = field(default_factory=list)
    changed: list[tuple[ItemData, list[str]]] = field(default_factory=list)
    moved: list[tuple[ItemData, str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)


def compare(old: CatalogueData, new: CatalogueData) -> Changes:
    def by_code(data: CatalogueData) -> dict[str, tuple[SectionData, ItemData]]:
        return {i.code: (s, i) for s in data.sections for i in s.items}

    before, after = by_code(old), by_code(new)
    changes = Changes()
    for code, (section, item) in after.items():
        if code not in before:
            changes.added.append(item)
            continue
        old_section, old_item = before[code]
        if old_section.name != section.name:
            changes.moved.append((item, old_section.name, section.name))
        fields = [
            label
            for name, label in FIELD_LABELS.items()
            if _comparable(getattr(old_item, name)) != _comparable(getattr(item, name))
        ]
        if fields:
            changes.changed.append((item, fields))
    changes.removed = [item for code, (_, item) in before.items() if code not in after]
    return changes


def _comparable(value: Any) -> Any:
    # TextChoices members and plain strings compare equal already; TimeLimit needs its parts.
    if isinstance(value, TimeLimit):
        return (str(value.kind), value.days, value.start, value.text)
    return value
