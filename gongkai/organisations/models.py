"""The organisation tree: city bureau → county bureaus → townships → schools.

Subtree queries use a materialised path of codes (``/371500/371502/371502101/``): a role granted
on a county covers everything under it with one prefix lookup on an indexed column
(``path__under=county.path``, a range of the path's index on every database).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import Lookup, StartsWith
from stdnum.cn import uscc

from gongkai.core.models import TimeStampedModel


def validate_uscc(value: str) -> None:
    if value and not uscc.is_valid(value):
        raise ValidationError(
            "统一社会信用代码“%(value)s”无效（18 位，末位校验码须正确）。", params={"value": value}
        )


class Kind(models.TextChoices):
    CITY_BUREAU = "city", "市教育和体育局"
    COUNTY_BUREAU = "county", "县（市、区）教体局"
    TOWNSHIP = "township", "乡镇（街道）"
    SCHOOL = "school", "学校"


class Level(models.TextChoices):
    """公开层级 in the catalogue."""

    COUNTY = "县级", "县级"
    TOWNSHIP = "乡级", "乡级"


KIND_LEVEL = {
    Kind.CITY_BUREAU: None,
    Kind.COUNTY_BUREAU: Level.COUNTY,
    Kind.TOWNSHIP: Level.TOWNSHIP,
    Kind.SCHOOL: Level.TOWNSHIP,
}

ALLOWED_PARENT: dict[Kind, set[Kind | None]] = {
    Kind.CITY_BUREAU: {None},
    Kind.COUNTY_BUREAU: {Kind.CITY_BUREAU},
    Kind.TOWNSHIP: {Kind.COUNTY_BUREAU},
    Kind.SCHOOL: {Kind.COUNTY_BUREAU, Kind.TOWNSHIP},
}


class Under(Lookup):
    """``path__under=root.path``: the path begins with ``root.path`` — ``root`` and everything
    below it.

    ``startswith`` is ``LIKE 'prefix%'``. PostgreSQL walks the path's pattern index for it,
    but SQLite's ``LIKE`` ignores ASCII case and so can use no index: it read all 30,000
    organisations of a province for each subtree (1.9 ms; a workbench has 25 of them).
    SQLite compares text byte by byte, so there the prefix is the range ``prefix ≤ path <
    the prefix with its last character raised by one``, which its index answers (10 µs).
    Elsewhere (PostgreSQL, whose collation may not order text by bytes) it is ``startswith``.
    """

    lookup_name = "under"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)
        return sql, list(params)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, str) or not self.rhs:  # an expression, or everything
            return self.as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        end = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*params, self.rhs, end]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def subtree(self, root: Organisation) -> OrganisationQuerySet:
        """``root`` and everything below it."""
        return self.filter(path__under=root.path)

    def of_kind(self, *kinds: str) -> OrganisationQuerySet:
        return self.filter(kind__in=kinds)


class Organisation(TimeStampedModel):
    code = models.CharField(
        "机构编码",
        max_length=32,
        unique=True,
        help_text="在本系统内唯一，可用行政区划代码加序号。只含字母、数字和连字符。",
    )
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)  # lookup: Under
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_uscc]
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("办公电话", max_length=40, blank=True)
    website = models.URLField("网站", blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    school_stage = models.CharField(
        "办学层次",
        max_length=20,
        blank=True,
        help_text="学校填写：小学、初级中学、九年一贯制学校等",
    )
    is_private = models.BooleanField("民办", default=False)
    is_active = models.BooleanField("在用", default=True)
    order = models.PositiveIntegerField("排序", default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]
        # Listings' filters read the counties (a dozen among thousands of schools) by kind.
        indexes = [models.Index(fields=["kind", "path"], name="organisation_kind_path")]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="organisation_uscc_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Za-z0-9-]+$"),
                name="organisation_code_charset",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> str | None:
        return KIND_LEVEL.get(Kind(self.kind))

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        parent_kind = Kind(self.parent.kind) if self.parent_id and self.parent else None
        if parent_kind not in ALLOWED_PARENT[Kind(self.kind)]:
            raise ValidationError({"parent": f"“{self.get_kind_display()}”不能隶属于该上级机构。"})
        if self.parent_id and self.pk and self.parent and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "上级机构不能是本机构或其下级。"})

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def ancestors(self) -> list[Organisation]:
        codes = list(self.path.strip("/").split("/"))[:-1]
        by_code = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)


Organisation._meta.get_field("path").register_lookup(Under)
