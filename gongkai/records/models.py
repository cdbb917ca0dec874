"""Records (政府信息), their attachments and their published versions.

A ``Record`` is the working copy that clerks edit and reviewers check; each publication freezes
a ``RecordVersion``. The public page always shows the newest published version, so a revision
under review never changes what the public sees until it is published itself.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gongkai.catalogue.models import Due, FiveDisclosure, Item
from gongkai.core.models import TimeStampedModel
from gongkai.organisations.models import Kind as OrganisationKind
from gongkai.organisations.models import Organisation

#: 聊教体发〔2025〕12号: issuing-body abbreviation, 〔year〕 in hexagonal brackets, serial, 号.
DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fa5A-Za-z]{1,20}〔(19|20)\d{2}〕\d{1,5}号$")


def validate_document_number(value: str) -> None:
    if value and not DOCUMENT_NUMBER.match(value):
        raise ValidationError(
            "文号格式应如“聊教体发〔2025〕12号”：机关代字、六角括号〔〕内的年份、序号和“号”。"
            "请勿使用方括号[]或圆括号()代替〔〕。"
        )


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待公文审核"
    DOCUMENT_REVIEWED = "document_reviewed", "待政务公开审核"
    APPROVED = "approved", "审核通过待发布"
    SCHEDULED = "scheduled", "定时发布"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Disclosure(models.TextChoices):
    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    WITHHELD = "withheld", "不予公开"


class WithheldGround(models.TextChoices):
    """The legal grounds of 条例第十四、十五、十六条, as the annual report counts them."""

    STATE_SECRET = "art14_secret", "第十四条：依法确定为国家秘密"
    BANNED_BY_LAW = "art14_law", "第十四条：法律、行政法规禁止公开"
    THREE_SECURITIES = "art14_security", "第十四条：危及国家安全、公共安全、经济安全、社会稳定"
    THIRD_PARTY = "art15_third_party", "第十五条：涉及商业秘密、个人隐私等第三方合法权益"
    INTERNAL_AFFAIRS = "art16_internal", "第十六条：内部事务信息"
    PROCESS = "art16_process", "第十六条：过程性信息"
    ENFORCEMENT = "art16_enforcement", "第十六条：行政执法案卷信息"


class Kind(models.TextChoices):
    """What sort of record this is; apps add structured detail for their kinds."""

    DOCUMENT = "document", "一般信息"
    INTERPRETATION = "interpretation", "政策解读"
    RESPONSE = "response", "回应关切"
    SERVICE_GUIDE = "service_guide", "办事指南"
    POWER_ITEM = "power_item", "行政权力事项"
    SUPERVISION_MATTER = "supervision_matter", "监管事项"
    REFORM = "reform", "执行落实事项"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"


THEMES = [
    ("教育", "教育"),
    ("综合政务", "综合政务"),
    ("财政", "财政、金融、审计"),
    ("人事", "人事、监察"),
    ("安全", "公安、安全生产"),
    ("卫生", "卫生、体育"),
    ("其他", "其他"),
]


class RecordQuerySet(models.QuerySet["Record"]):
    def public(self) -> RecordQuerySet:
        """Records with a page on the portal: those with a ``PublicRecord`` (published while
        proactive, not reclassified since; withdrawn ones keep their address and show a
        notice). Never decided by the editable fields: a revision that changes the disclosure
        attribute changes nothing public until it has been reviewed."""
        return self.filter(public_record__isnull=False)

    def published(self) -> RecordQuerySet:
        """Public and not withdrawn: listed in feeds and search."""
        return self.filter(public_record__isnull=False, public_record__withdrawn_at__isnull=True)

    def in_organisations(self, orgs: Any) -> RecordQuerySet:
        return self.filter(organisation__in=orgs)

    def awaiting_publication(self) -> RecordQuerySet:
        """Formed but not yet out: the publication clock is running."""
        return self.filter(
            current_version__isnull=True,
            disclosure=Disclosure.PROACTIVE,
        ).exclude(status=Status.WITHDRAWN)

    def overdue(self, today: date) -> RecordQuerySet:
        return self.awaiting_publication().filter(due_on__lt=today)

    def due_between(self, start: date, end: date) -> RecordQuerySet:
        return self.awaiting_publication().filter(due_on__gte=start, due_on__lte=end)

    def under_item(self, item: Item) -> RecordQuerySet:
        """Records filed under this item in any catalogue edition (items share a key)."""
        return self.filter(item__key=item.key)


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random names: an uploaded file's own name never becomes a path on disk.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Record(TimeStampedModel):
    title = models.CharField("标题", max_length=300)
    kind = models.CharField(
        "类别", max_length=24, choices=Kind.choices, default=Kind.DOCUMENT, db_index=True
    )
    summary = models.TextField("内容概述", blank=True)
    body = models.TextField("正文", blank=True)
    item = models.ForeignKey(
        Item, verbose_name="目录事项", on_delete=models.PROTECT, related_name="records"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="发布机构", on_delete=models.PROTECT, related_name="records"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制作人",
        on_delete=models.PROTECT,
        related_name="authored_records",
    )
    document_number = models.CharField(
        "文号", max_length=60, blank=True, validators=[validate_document_number]
    )
    written_on = models.DateField("成文日期", null=True, blank=True)
    formed_on = models.DateField("信息形成或者变更日期", help_text="公开时限从这一天的次日起计算。")
    due_on = models.DateField("公开截止日期", null=True, blank=True, db_index=True)
    index_number = models.CharField("索引号", max_length=80, null=True, blank=True, unique=True)
    theme = models.CharField("主题分类", max_length=20, choices=THEMES, default="教育")
    five_disclosure = models.CharField("五公开类别", max_length=16, choices=FiveDisclosure.choices)
    disclosure = models.CharField(
        "公开属性", max_length=16, choices=Disclosure.choices, default=Disclosure.PROACTIVE
    )
    withheld_ground = models.CharField(
        "不予公开依据", max_length=32, blank=True, choices=WithheldGround.choices
    )
    reassess_on = models.DateField(
        "复审日期",
        null=True,
        blank=True,
        help_text="条例第十八条：不予公开的信息定期评估，可以公开的应当公开。",
    )
    validity = models.CharField(
        "有效性", max_length=12, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField("失效/废止日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替代文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    validity_note = models.CharField(
        "失效/废止说明", max_length=300, blank=True, help_text="在公开页面上与失效或废止一并显示。"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    document_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公文审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="政务公开审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_at = models.DateTimeField("定时发布时间", null=True, blank=True, db_index=True)
    published_at = models.DateTimeField("发布日期", null=True, blank=True, db_index=True)
    first_published_at = models.DateTimeField("首次发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回原因", blank=True)
    #: Why the last review sent it back; shown on top of the draft until it is submitted again.
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    change_note = models.CharField(
        "修订说明",
        max_length=300,
        blank=True,
        help_text="修订已发布的信息时必填，发布后显示在公开页面的“修订记录”中。",
    )
    current_version = models.ForeignKey(
        "RecordVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(
        "修改计数", default=1, help_text="每次保存加一；两人同时保存时后者被拒绝，内容不丢失。"
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "政府信息"
        verbose_name_plural = "政府信息"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["item", "-published_at"]),
            models.Index(fields=["organisation", "-published_at"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(disclosure="withheld") | ~models.Q(withheld_ground=""),
                name="record_withheld_needs_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """It has a public page (see ``PublicRecord``)."""
        if self.pk is None:
            return False
        try:
            self.public_record  # noqa: B018 - the reverse one-to-one is read (and kept) here
        except PublicRecord.DoesNotExist:
            return False
        return True

    @property
    def is_revision(self) -> bool:
        return self.current_version_id is not None and self.status != Status.PUBLISHED

    @property
    def is_returned(self) -> bool:
        """A draft the last review sent back (its reason is in ``return_reason``)."""
        return self.status == Status.DRAFT and self.returned_at is not None

    def compute_due(self) -> Due | None:
        if not self.formed_on or not self.item_id:
            return None
        return self.item.due(self.formed_on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.disclosure == Disclosure.WITHHELD:
            if not self.withheld_ground:
                errors["withheld_ground"] = "不予公开须注明法定依据（条例第十四、十五或十六条）。"
            if not self.reassess_on:
                errors["reassess_on"] = "不予公开须确定复审日期（条例第十八条）。"
        if self.written_on and self.formed_on and self.written_on > self.formed_on:
            errors["written_on"] = "成文日期不能晚于信息形成日期。"
        if self.formed_on and self.formed_on > timezone.localdate():
            errors["formed_on"] = "信息形成日期不能是将来的日期。"
        if errors:
            raise ValidationError(errors)


class RecordVersion(models.Model):
    """An immutable snapshot of a record as it was published."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=300)
    summary = models.TextField("内容概述", blank=True)
    body = models.TextField("正文", blank=True)
    metadata = models.JSONField("元数据", default=dict)
    attachment_ids = models.JSONField("附件", default=list)
    change_note = models.CharField("修订说明", max_length=300, blank=True)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "发布版本"
        verbose_name_plural = "发布版本"
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"

    def attachments(self) -> models.QuerySet[Attachment]:
        return Attachment.objects.filter(pk__in=self.attachment_ids).order_by("order", "pk")


class Attachment(models.Model):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    text = models.TextField("提取的文字", blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_current = models.BooleanField(
        "随信息发布",
        default=True,
        help_text="被清理版替换或移除的附件保留存档（不公开），供审计查阅。",
    )
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.original_name


class IndexSequence(models.Model):
    """The last serial used for an index-number prefix; numbers are never reused."""

    prefix = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "索引号序列"

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"


def snapshot_metadata(record: Record) -> dict[str, Any]:
    return {
        "index_number": record.index_number,
        "document_number": record.document_number,
        "organisation": record.organisation.name,
        "written_on": record.written_on.isoformat() if record.written_on else None,
        "formed_on": record.formed_on.isoformat(),
        "theme": record.theme,
        "five_disclosure": record.five_disclosure,
        "item": record.item.code,
    }


#: Which column of ``PublicRecord`` holds a record's organisation of each kind (the
#: organisation's own kind value as key): a listing filtered by a county walks the
#: (item, county, date) index, and so on.
PUBLIC_LEVEL_COLUMNS: dict[str, str] = {
    OrganisationKind.CITY_BUREAU: "city",
    OrganisationKind.COUNTY_BUREAU: "county",
    OrganisationKind.TOWNSHIP: "township",
    OrganisationKind.SCHOOL: "organisation",
}


class PublicRecordQuerySet(models.QuerySet["PublicRecord"]):
    def within(self, org: Organisation | None) -> PublicRecordQuerySet:
        """Records published by ``org`` or anything below it (none for no organisation)."""
        if org is None:
            return self.none()
        return self.filter(**{PUBLIC_LEVEL_COLUMNS[org.kind]: org.pk})


class PublicRecord(models.Model):
    """What readers see of a record: its published version and the facts frozen with it.

    One row per record with a public page: published while proactive, and not reclassified
    since (依申请公开/不予公开 takes the page down). It is written only by publication,
    withdrawal, a validity change and reclassification, inside their transactions
    (``records.public``); saving a draft or a revision under review never touches it. Every
    public page, feed, sitemap and the search index read this row and its version, never
    the editable ``Record`` (docs/decisions/0016). The organisation's city, county and
    township are copied in so that a filtered listing walks one index in date order.
    """

    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="public_record"
    )
    version = models.OneToOneField(RecordVersion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=24, choices=Kind.choices)
    title = models.CharField("标题", max_length=300)
    item = models.ForeignKey(
        Item, verbose_name="目录事项", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    item_key = models.CharField("事项标识", max_length=64)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="发布机构",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    city = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    county = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    township = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    document_number = models.CharField("文号", max_length=60, blank=True)
    index_number = models.CharField("索引号", max_length=80, blank=True)
    written_on = models.DateField("成文日期", null=True, blank=True)
    theme = models.CharField("主题分类", max_length=20, choices=THEMES, default="教育")
    five_disclosure = models.CharField("五公开类别", max_length=16, choices=FiveDisclosure.choices)
    published_at = models.DateTimeField("发布日期")
    first_published_at = models.DateTimeField("首次发布时间")
    validity = models.CharField(
        "有效性", max_length=12, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField("失效/废止日期", null=True, blank=True)
    validity_note = models.CharField("失效/废止说明", max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回原因", blank=True)
    #: The last change readers can see (publication, withdrawal, validity): sitemap lastmod.
    changed_at = models.DateTimeField("变更时间")
    #: The form the published version names for a kind that has forms (an interpretation's
    #: 解读形式, ``RecordExtension.public_form``), copied from the version's metadata when the
    #: row is written; NULL for the kinds without forms, which the form indexes leave out.
    form = models.CharField("形式", max_length=24, null=True, blank=True)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"
        ordering = ["-published_at", "-record_id"]
        # Each listing and feed walks one of these in date order and stops after a page:
        # its cost does not depend on how many records there are (docs/decisions/0016).
        indexes = [
            models.Index(fields=["published_at", "record"], name="public_newest"),
            models.Index(fields=["item_key", "published_at", "record"], name="public_item"),
            models.Index(
                fields=["item_key", "city", "published_at", "record"], name="public_item_city"
            ),
            models.Index(
                fields=["item_key", "county", "published_at", "record"], name="public_item_county"
            ),
            models.Index(
                fields=["item_key", "township", "published_at", "record"],
                name="public_item_township",
            ),
            models.Index(
                fields=["item_key", "organisation", "published_at", "record"],
                name="public_item_org",
            ),
            models.Index(fields=["organisation", "published_at", "record"], name="public_org"),
            models.Index(fields=["city", "published_at", "record"], name="public_city"),
            models.Index(fields=["county", "published_at", "record"], name="public_county"),
            models.Index(fields=["township", "published_at", "record"], name="public_township"),
            models.Index(fields=["kind", "first_published_at", "record"], name="public_kind_first"),
            # A kind's listing (政策解读, 办事服务 …) filtered by a place: the same walk within it.
            *(
                models.Index(
                    fields=["kind", level, "first_published_at", "record"],
                    name=f"public_kind_{level[:3]}_first",
                )
                for level in ("city", "county", "township", "organisation")
            ),
            # A kind's listing filtered by form (政策解读 by 解读形式), alone or with a place:
            # partial, only the rows that have a form (3 % of them), each walk a page long.
            models.Index(
                fields=["kind", "form", "first_published_at", "record"],
                name="public_kind_form_first",
                condition=models.Q(form__isnull=False),
            ),
            *(
                models.Index(
                    fields=["kind", "form", level, "first_published_at", "record"],
                    name=f"public_form_{level[:3]}_first",
                    condition=models.Q(form__isnull=False),
                )
                for level in ("city", "county", "township", "organisation")
            ),
            # An item's listing filtered by a county and 失效/废止 (4 % of the rows, 1 % for
            # 废止): the walk of (item, county, date) skipped the county's valid ones, so it
            # grew with them. Partial: only the rows that are not valid. The query names the
            # condition (``validity <> 'valid'``) for SQLite, which does not infer it.
            models.Index(
                fields=["item_key", "county", "validity", "published_at", "record"],
                name="public_item_cou_invalid",
                condition=~models.Q(validity="valid"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def status(self) -> str:
        """``withdrawn`` or ``published``, as templates written for records test it."""
        return Status.WITHDRAWN if self.withdrawn_at is not None else Status.PUBLISHED

    def get_disclosure_display(self) -> str:
        return str(Disclosure.PROACTIVE.label)  # only proactive records have a public page

    def as_record(self) -> Record:
        """A ``Record`` holding only what was published, for the record page's template and
        the extensions' public panels, which are written for records. It is never saved."""
        version = self.version
        return Record(
            id=self.record_id,
            kind=self.kind,
            title=version.title,
            summary=version.summary,
            body=version.body,
            item_id=self.item_id,
            organisation_id=self.organisation_id,
            document_number=self.document_number,
            index_number=self.index_number or None,
            written_on=self.written_on,
            theme=self.theme,
            five_disclosure=self.five_disclosure,
            disclosure=Disclosure.PROACTIVE,
            validity=self.validity,
            validity_changed_on=self.validity_changed_on,
            validity_note=self.validity_note,
            replaced_by_id=self.replaced_by_id,
            status=self.status,
            published_at=self.published_at,
            first_published_at=self.first_published_at,
            withdrawn_at=self.withdrawn_at,
            withdrawn_reason=self.withdrawn_reason,
            current_version=version,
        )


class PublicTally(models.Model):
    """A kept count of public records (and when that set last changed) for one listing.

    ``key`` names the listing, a filter of it, or a sitemap part (``records.public.key``).
    Publication, withdrawal, validity changes and reclassification add to the counts they
    change in their own transaction, so a listing's "共 N 条" and a sitemap's lastmod are
    one row read, however many records there are."""

    key = models.CharField(max_length=160, primary_key=True)
    count = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "公开信息计数"
        verbose_name_plural = "公开信息计数"

    def __str__(self) -> str:
        return f"{self.key} {self.count}"


class SitemapPart(models.Model):
    """A kept row per sitemap part: the public records whose id ÷ ``records.public.PART_SIZE``
    is ``number``, how many there are, and when the last of them changed.

    Publication, withdrawal, validity changes and reclassification move it in their own
    transaction, like the tallies. ``lastmod`` is ``changed_at`` as the sitemap writes it
    (W3C, the site's time zone, to the second), kept with it so that the sitemap index —
    one line per part, 200 at 10M records — reads its lines' text and converts nothing."""

    number = models.BigIntegerField(primary_key=True)
    count = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()
    lastmod = models.CharField(max_length=40)

    class Meta:
        verbose_name = "站点地图分卷"
        verbose_name_plural = "站点地图分卷"

    def __str__(self) -> str:
        return f"{self.number} {self.count}"
