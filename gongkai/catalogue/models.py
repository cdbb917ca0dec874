"""The standard catalogue (标准目录): editions of 10 sections (一级事项) and their items (二级事项).

The catalogue is data. The city bureau publishes revised editions; old editions are kept and
records keep pointing at the item they were filed under. Items of different editions that are
"the same item" share a ``key``. A county may add local items (主动拓宽公开范围).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models

from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Organisation


class FiveDisclosure(models.TextChoices):
    DECISION = "decision", "决策"
    EXECUTION = "execution", "执行"
    MANAGEMENT = "management", "管理"
    SERVICE = "service", "服务"
    RESULT = "result", "结果"

    @classmethod
    def from_label(cls, label: str) -> FiveDisclosure:
        for member in cls:
            if label.strip() in {member.label, member.value, f"{member.label}公开"}:
                return member
        raise ValueError(f"“{label}”不是五公开类别（决策、执行、管理、服务、结果）。")


class TimeLimitKind(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    CALENDAR_DAYS = "calendar_days", "自然日"
    TEXT = "text", "按文字说明（默认 20 个工作日）"


class Recurrence(models.TextChoices):
    """How often an item is expected to have new content: drives the compliance engine."""

    EVENT = "event", "随时（信息形成即公开）"
    YEARLY = "yearly", "每年"
    SEMESTER = "semester", "每学期"
    ONE_OFF = "one_off", "一次性（长期有效，变更时更新）"


#: 条例第二十六条: the statutory default when an item's limit is only text.
STATUTORY_WORKING_DAYS = 20


@dataclass(frozen=True)
class ItemColumn:
    """One column of a catalogue item, as every shape of it names it: ``key`` in ``ItemData``
    and the export, ``header`` in spreadsheets and change summaries."""

    key: str
    header: str
    #: One of the eleven columns published catalogues print (the others Gongkai adds after).
    standard: bool = True
    #: The name in the JSON export, where it differs from ``key``.
    export_key: str = ""
    #: How the export reads the stored item (default: the attribute named ``key``, lists copied).
    export: Callable[[Item], Any] | None = None

    def exported(self, item: Item) -> Any:
        if self.export is not None:
            return self.export(item)
        value = getattr(item, self.key)
        return list(value) if isinstance(value, list) else value


class EditionQuerySet(models.QuerySet["Edition"]):
    def current(self) -> Edition:
        edition = self.filter(status=Edition.Status.CURRENT).order_by("-published_at").first()
        if edition is None:
            raise Edition.DoesNotExist("尚未发布标准目录。请先导入目录：manage.py catalogue import")
        return edition


class Edition(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        CURRENT = "current", "现行"
        SUPERSEDED = "superseded", "已被替代"

    name = models.CharField("版本名称", max_length=200)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发布人",
    )
    source = models.CharField("来源文件", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "目录版本"
        verbose_name_plural = "目录版本"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="current"),
                name="edition_one_current",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="sections")
    code = models.CharField("编号", max_length=8)
    name = models.CharField("一级事项", max_length=60)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "一级事项"
        verbose_name_plural = "一级事项"
        ordering = ["edition", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="section_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Due:
    """A due date with its explanation (working days name the holidays they skipped)."""

    due_on: date
    explanation: str


class ItemQuerySet(models.QuerySet["Item"]):
    def current(self) -> ItemQuerySet:
        return self.filter(section__edition__status=Edition.Status.CURRENT)

    def standard(self) -> ItemQuerySet:
        return self.filter(organisation__isnull=True)

    def for_organisation(self, org: Organisation) -> ItemQuerySet:
        """Standard items plus local items of ``org``'s county (or its own)."""
        paths = _prefixes(org.path)
        return self.filter(
            models.Q(organisation__isnull=True) | models.Q(organisation__path__in=paths)
        )


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class Item(models.Model):
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="items", verbose_name="一级事项"
    )
    code = models.CharField("编号", max_length=24)
    key = models.CharField(
        "事项标识",
        max_length=64,
        db_index=True,
        help_text="跨版本不变的标识：新版目录中的同一事项沿用它，旧信息据此归入新版栏目。",
    )
    name = models.CharField("二级事项", max_length=100)
    elements = models.JSONField("公开内容（要素）", default=list)
    basis = models.JSONField("公开依据", default=list)
    time_limit_kind = models.CharField(
        "时限类型",
        max_length=16,
        choices=TimeLimitKind.choices,
        default=TimeLimitKind.WORKING_DAYS,
    )
    time_limit_days = models.PositiveSmallIntegerField("时限天数", null=True, blank=True)
    time_limit_from = models.CharField("起算事件", max_length=60, default="信息形成或者变更之日")
    time_limit_text = models.CharField("公开时限", max_length=200)
    subject = models.CharField("公开主体", max_length=100)
    channels = models.JSONField("公开渠道和载体", default=list)
    audience = models.JSONField("公开对象", default=list)
    manner = models.JSONField("公开方式", default=list)
    level = models.JSONField("公开层级", default=list)
    five_disclosure = models.CharField("五公开归类", max_length=16, choices=FiveDisclosure.choices)
    recurrence = models.CharField(
        "更新周期", max_length=16, choices=Recurrence.choices, default=Recurrence.EVENT
    )
    needs_interpretation = models.BooleanField(
        "须同步解读", default=False, help_text="发布时须同步发布政策解读（谁起草、谁解读）。"
    )
    is_verified = models.BooleanField("已与正式目录核对", default=False)
    note = models.TextField("备注", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_items",
        verbose_name="扩展机构",
        help_text="为空表示市局标准事项；填写则为该县（市、区）自行扩展的事项。",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "二级事项"
        verbose_name_plural = "二级事项"
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(time_limit_kind="text") | models.Q(time_limit_days__gt=0),
                name="item_time_limit_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def due(self, formed_on: date) -> Due:
        """The publication deadline for information formed or changed on ``formed_on``."""
        from gongkai.core.calendar import add_working_days, fmt

        if self.time_limit_kind == TimeLimitKind.CALENDAR_DAYS and self.time_limit_days:
            due_on = formed_on + timedelta(days=self.time_limit_days)
            return Due(
                due_on,
                f"自 {fmt(formed_on)} 起 {self.time_limit_days} 日（自然日），截止 {fmt(due_on)}。",
            )
        days = self.time_limit_days or STATUTORY_WORKING_DAYS
        count = add_working_days(formed_on, days)
        return Due(count.due_on, count.explain())

    def as_export(self) -> dict[str, Any]:
        return {
            "code": self.code,
            **{c.export_key or c.key: c.exported(self) for c in ITEM_COLUMNS},
            "local": self.organisation.code if self.organisation is not None else None,
        }


#: The item's columns in the order catalogues print them: the one list the spreadsheet
#: headers, the change summaries and the JSON export are made from.
ITEM_COLUMNS: tuple[ItemColumn, ...] = (
    ItemColumn("name", "二级事项"),
    ItemColumn("elements", "公开内容（要素）"),
    ItemColumn("basis", "公开依据"),
    ItemColumn(
        "time_limit",
        "公开时限",
        export=lambda item: {
            "kind": item.time_limit_kind,
            "days": item.time_limit_days,
            "from": item.time_limit_from,
            "text": item.time_limit_text,
        },
    ),
    ItemColumn("subject", "公开主体"),
    ItemColumn("channels", "公开渠道和载体"),
    ItemColumn("audience", "公开对象"),
    ItemColumn("manner", "公开方式"),
    ItemColumn("level", "公开层级"),
    ItemColumn(
        "five_disclosure",
        "五公开归类",
        standard=False,
        export_key="five_disclosures",
        export=lambda item: item.get_five_disclosure_display(),
    ),
    ItemColumn("recurrence", "更新周期", standard=False),
    ItemColumn("needs_interpretation", "须同步解读", standard=False),
    ItemColumn("verified", "已核对", standard=False, export=lambda item: item.is_verified),
    ItemColumn("note", "备注", standard=False),
)
