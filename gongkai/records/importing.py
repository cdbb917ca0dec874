"""Moving an existing site's records in from a spreadsheet (``manage.py records import``).

A county that already publishes on an old site brings its history along: one row per record,
the attachments in a folder next to the sheet. The import is all or nothing. Every row is
checked first — item, organisation, dates, 文号, 索引号 (in the file and in the database), the
disclosure attribute, and each attachment by its content — and if anything is wrong nothing is
written and every problem is reported with the row number the spreadsheet shows.

A row with a 发布日期 was already published on the old site: it becomes a published record with
version 1 dated that day. That history is not reviewed again (``import_record`` documents why);
rows without a 发布日期 become drafts that go through the normal review.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import has_role
from gongkai.catalogue.models import FiveDisclosure, Item
from gongkai.core.audit import record_event
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.core.spreadsheets import (
    Columns,
    ImportReport,
    RowError,
    Sheet,
    UnreadableFile,
    cell_text,
    read_sheets,
    read_source,
)
from gongkai.core.verbs import Verb
from gongkai.organisations.models import Organisation
from gongkai.records import permissions as can
from gongkai.records import public
from gongkai.records.indexing import claim_serial
from gongkai.records.models import (
    THEMES,
    Attachment,
    Disclosure,
    Record,
    RecordVersion,
    Status,
    Validity,
    WithheldGround,
    snapshot_metadata,
    validate_document_number,
)
from gongkai.records.services import next_index_number, sanitise_body
from gongkai.records.uploads import inspect_upload

#: The author of imported records when no ``--as`` user is named: an inactive account that
#: cannot sign in, so the records still have an author and the audit shows where they came from.
IMPORT_USERNAME = "records-import"
IMPORT_FULL_NAME = "（系统）数据迁移导入"
#: 条例第十八条 asks for periodic re-assessment of withheld information; an old site rarely
#: kept the date, so an imported WITHHELD row without one is due for review in a year.
DEFAULT_REASSESS_AFTER = timedelta(days=365)

# --- The sheet's columns --------------------------------------------------------------------

#: (field, the header used in messages, other spellings found in old sites' exports)
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("title", "标题", ("信息标题", "文件标题", "信息名称", "名称", "题名")),
    ("item", "目录事项", ("事项", "二级事项", "目录", "所属事项", "事项编号", "目录编号", "栏目")),
    ("organisation", "发布机构", ("发文机构", "发布单位", "发布机关", "信息发布机构", "机构")),
    ("document_number", "文号", ("发文字号", "发文文号", "文件编号")),
    ("written_on", "成文日期", ("成文时间", "发文日期")),
    (
        "formed_on",
        "信息形成日期",
        ("形成日期", "信息形成或者变更日期", "信息形成或变更日期", "形成或变更日期"),
    ),
    ("published_at", "发布日期", ("发布时间", "公开日期", "公开时间")),
    ("index_number", "索引号", ("索引编号",)),
    ("theme", "主题分类", ("主题", "分类", "主题词")),
    ("disclosure", "公开属性", ("公开方式", "公开类型")),
    ("withheld_ground", "不予公开依据", ("不公开依据", "不予公开理由", "不公开理由")),
    ("reassess_on", "复审日期", ("复核日期", "评估日期")),
    ("validity", "有效性", ("效力", "效力状态", "时效")),
    ("validity_changed_on", "失效/废止日期", ("失效日期", "废止日期", "失效或废止日期")),
    ("five_disclosure", "五公开类别", ("五公开", "五公开归类")),
    ("summary", "内容概述", ("摘要", "概述")),
    ("body", "正文", ("内容", "信息内容", "正文内容")),
    ("attachments", "附件", ("附件文件名", "附件名称", "附件名")),
]
SPELLINGS = Columns(COLUMNS)
HEADER_OF = SPELLINGS.header_of
REQUIRED = ("title", "item", "organisation")

_DISCLOSURE_WORDS = {
    **{d.label: d.value for d in Disclosure},
    **{d.value: d.value for d in Disclosure},
    "不公开": Disclosure.WITHHELD,
    "依申请": Disclosure.ON_REQUEST,
    "主动": Disclosure.PROACTIVE,
}
_VALIDITY_WORDS = {
    **{v.label: v.value for v in Validity},
    **{v.value: v.value for v in Validity},
    "现行有效": Validity.VALID,
    "已失效": Validity.EXPIRED,
    "已废止": Validity.REPEALED,
}
#: Old sites write the ground in their own words; these phrases identify the article.
_GROUND_PHRASES: list[tuple[str, str]] = [
    ("国家秘密", WithheldGround.STATE_SECRET),
    ("禁止公开", WithheldGround.BANNED_BY_LAW),
    ("社会稳定", WithheldGround.THREE_SECURITIES),
    ("三安全一稳定", WithheldGround.THREE_SECURITIES),
    ("商业秘密", WithheldGround.THIRD_PARTY),
    ("个人隐私", WithheldGround.THIRD_PARTY),
    ("第三方", WithheldGround.THIRD_PARTY),
    ("内部事务", WithheldGround.INTERNAL_AFFAIRS),
    ("过程性", WithheldGround.PROCESS),
    ("执法案卷", WithheldGround.ENFORCEMENT),
]
_THEME_WORDS = {
    **{value: value for value, _ in THEMES},
    **{label: value for value, label in THEMES},
}
_ITEM_CODE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\s*(.*))?$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SEPARATORS = re.compile(r"[；;\n]+")


# --- Results ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    """One row, checked and turned into the values a ``Record`` is built from."""

    row: int
    fields: dict[str, Any]
    published_at: datetime | None = None
    index_number: str = ""
    attachments: list[Path] = field(default_factory=list)


@dataclass
class RecordImport(ImportReport):
    rows: list[ImportRow] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    @property
    def published_count(self) -> int:
        return sum(1 for r in self.rows if r.published_at is not None)

    @property
    def attachment_count(self) -> int:
        return sum(len(r.attachments) for r in self.rows)

    def summary(self) -> str:
        if self.errors:
            return f"{self.source}：发现 {len(self.errors)} 处错误，未导入任何内容。"
        drafts = len(self.rows) - self.published_count
        counts = (
            f"{len(self.rows)} 条信息（已发布 {self.published_count} 条，草稿 {drafts} 条），"
            f"附件 {self.attachment_count} 个"
        )
        if self.dry_run:
            return f"{self.source}：试运行，检查通过，可导入 {counts}；未写入任何内容。"
        return f"{self.source}：已导入 {counts}。"


# --- The service ----------------------------------------------------------------------------


def import_records(
    path: Path,
    *,
    attachments_dir: Path | None = None,
    by: User | None = None,
    dry_run: bool = False,
) -> RecordImport:
    """Check every row of the sheet at ``path``; unless there are errors or it is a dry run,
    import them all in one transaction. ``by`` is the person doing the import (the author of
    the records and the actor in the audit); without one the import runs as the system."""
    report = RecordImport(source=path.name, dry_run=dry_run)
    try:
        raw_rows = _header_and_rows(_pick_sheet(read_sheets(*read_source(path))), report)
    except UnreadableFile as exc:
        report.errors.append(RowError(1, str(exc)))
        return report
    if report.errors:
        return report
    checker = _RowChecker(attachments_dir=attachments_dir, by=by)
    for number, values in raw_rows:
        row, errors = checker.check(number, values)
        report.errors.extend(errors)
        report.warnings.extend(checker.take_warnings())
        if row is not None:
            report.rows.append(row)
    report.errors.extend(_duplicate_index_numbers(report.rows))
    if not report.rows and not report.errors:
        report.errors.append(RowError(1, "表中没有任何信息行。"))
    report.errors.sort(key=lambda e: e.row)
    if report.errors or dry_run:
        return report
    _write(report, by=by)
    return report


def import_record(
    row: ImportRow, *, author: User, by: User | None, source: str, written_files: list[str]
) -> Record:
    """Create one imported record with its attachments, and its published version if the old
    site had published it. Runs inside the caller's transaction.

    The names of attachment files saved to storage are appended to ``written_files``, so
    the caller can remove them if its transaction fails.

    Imported history is not sent through 公文审核 and 政务公开审核 again: it was published
    under the old site's own process years ago, and "reviewing" it now would put reviewers'
    names on decisions they never took. The audit row ``record.import`` says where each
    record came from instead (file, row, the old 发布日期).
    """
    record = Record(author=author, **row.fields)
    record.due_on = _due_on(record)
    if row.published_at is not None:
        record.status = Status.PUBLISHED
        record.published_at = row.published_at
        record.first_published_at = row.published_at
    record.save()
    saved = _save_attachments(record, row.attachments, author=author, written_files=written_files)
    data: dict[str, Any] = {
        "source": source,
        "row": row.row,
        "item": record.item.code,
        "disclosure": record.disclosure,
        "attachments": [{"name": a.original_name, "sha256": a.sha256} for a in saved],
    }
    if row.published_at is None:
        record_event(
            Verb.RECORD_IMPORT, actor=by, target=record, to_status=record.status, data=data
        )
        return record
    record.index_number = row.index_number or _unused_index_number(record)
    claim_serial(record)
    version = RecordVersion.objects.create(
        record=record,
        number=1,
        title=record.title,
        summary=record.summary,
        body=record.body,
        metadata=snapshot_metadata(record),
        attachment_ids=[a.pk for a in saved],
        change_note="从原网站迁移导入",
        published_at=row.published_at,
        published_by=None,  # published on the old site, by nobody in this system
    )
    record.current_version = version
    record.save(update_fields=["index_number", "current_version", "updated_at"])
    if record.disclosure == Disclosure.PROACTIVE:
        public.publish(record, version)
    data |= {"published_at": row.published_at.isoformat(), "index": record.index_number}
    record_event(Verb.RECORD_IMPORT, actor=by, target=record, to_status=record.status, data=data)
    record_event(
        Verb.RECORD_VERSION,
        actor=by,
        target=record,
        data={"version": 1, "index": record.index_number},
    )
    return record


def import_author(by: User | None) -> User:
    if by is not None:
        return by
    user, created = User.objects.get_or_create(
        username=IMPORT_USERNAME, defaults={"full_name": IMPORT_FULL_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _write(report: RecordImport, *, by: User | None) -> None:
    # Published rows first and in date order, so generated 索引号 serials follow publication.
    def order(row: ImportRow) -> tuple[bool, datetime, int]:
        far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
        return (row.published_at is None, row.published_at or far, row.row)

    written: list[str] = []
    current = 0
    try:
        with transaction.atomic():
            author = import_author(by)
            for row in sorted(report.rows, key=order):
                current = row.row
                record = import_record(
                    row, author=author, by=by, source=report.source, written_files=written
                )
                report.records.append(record)
    except BaseException as exc:
        # The database rolled back; the files already copied into storage did not. (Inside
        # an outer transaction that fails later, the caller has to clean up the files.)
        for name in written:
            default_storage.delete(name)
        report.records = []
        if not isinstance(exc, ValidationError | DatabaseError | OSError):
            raise
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        report.errors.append(RowError(current, f"写入时出错，已全部撤销：{reason}"))


def _save_attachments(
    record: Record, paths: list[Path], *, author: User, written_files: list[str]
) -> list[Attachment]:
    saved = []
    for order, path in enumerate(paths, start=1):
        with path.open("rb") as handle:
            # Checked again at write time: the folder may have changed since the check.
            info = inspect_upload(handle, path.name)
            attachment = Attachment(
                record=record,
                **info.fields(),
                uploaded_by=author,
                order=order,
            )
            attachment.file.save(info.name, File(handle), save=False)
            written_files.append(attachment.file.name)
        attachment.save()
        saved.append(attachment)
    return saved


def _due_on(record: Record) -> date | None:
    try:
        due = record.compute_due()
    except CalendarNotLoaded:
        return None
    return due.due_on if due else None


def _unused_index_number(record: Record) -> str:
    # A generated number can meet one that an earlier import brought in verbatim; serials are
    # never reused, so skipping past it is safe.
    while True:
        number = next_index_number(record)
        if not Record.objects.filter(index_number=number).exists():
            return number


def _duplicate_index_numbers(rows: list[ImportRow]) -> list[RowError]:
    errors = []
    first_row: dict[str, int] = {}
    for row in rows:
        if not row.index_number:
            continue
        if row.index_number in first_row:
            errors.append(
                RowError(
                    row.row,
                    f"索引号“{row.index_number}”与第 {first_row[row.index_number]} 行重复。",
                    "索引号",
                )
            )
        else:
            first_row[row.index_number] = row.row
    taken = {
        number
        for number in Record.objects.filter(index_number__in=list(first_row)).values_list(
            "index_number", flat=True
        )
        if number is not None
    }
    for number in sorted(taken, key=first_row.__getitem__):
        errors.append(
            RowError(first_row[number], f"索引号“{number}”已被系统中的其他信息使用。", "索引号")
        )
    return errors


# --- Checking one row -----------------------------------------------------------------------


@dataclass
class _Draft:
    """One row while it is checked: its cells, the Record fields made of them so far, and
    every problem found in it."""

    number: int
    values: Mapping[str, Any]
    text: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    published_at: datetime | None = None
    attachments: list[Path] = field(default_factory=list)
    index_number: str = ""

    def error(self, name: str, message: str) -> None:
        self.errors.append(RowError(self.number, message, HEADER_OF.get(name, "")))


class _RowChecker:
    """Turns a row's cells into Record field values, collecting every problem it finds.

    Items and organisations are read once up front: a migration sheet has thousands of rows.
    """

    def __init__(self, *, attachments_dir: Path | None, by: User | None) -> None:
        self.attachments_dir = attachments_dir.resolve() if attachments_dir else None
        self.by = by
        self.items = list(Item.objects.current().select_related("organisation"))
        self.organisations = list(Organisation.objects.all())
        self._items_for: dict[int, list[Item]] = {}
        self._warnings: list[str] = []
        self.today = timezone.localdate()

    def take_warnings(self) -> list[str]:
        warnings, self._warnings = self._warnings, []
        return warnings

    def check(
        self, number: int, values: Mapping[str, Any]
    ) -> tuple[ImportRow | None, list[RowError]]:
        """The row as an ``ImportRow``, or every problem found in it. The steps run in the
        order a clerk reads the row; later steps see what earlier ones found."""
        row = _Draft(number, values, {name: cell_text(values.get(name)) for name in HEADER_OF})
        for step in (
            self._what_and_who,
            self._dates,
            self._disclosure,
            self._validity,
            self._content,
            self._authority,
            self._model_rules,
            self._index_number,
        ):
            step(row)
        if row.errors:
            return None, row.errors
        return (
            ImportRow(
                row=number,
                fields=row.fields,
                published_at=row.published_at,
                index_number=row.index_number,
                attachments=row.attachments,
            ),
            [],
        )

    # -- the steps ------------------------------------------------------------------------

    def _what_and_who(self, row: _Draft) -> None:
        """Title, the organisation and catalogue item it is filed under, its 文号."""
        row.fields["title"] = row.text["title"]
        if not row.text["title"]:
            row.error("title", "标题不能为空。")
        organisation = self._organisation(row.text["organisation"], row.error)
        row.fields["organisation"] = organisation
        row.fields["item"] = self._item(row.values.get("item"), organisation, row.error)
        document_number = row.text["document_number"].replace(" ", "")
        try:
            validate_document_number(document_number)
        except ValidationError as exc:
            row.error("document_number", f"文号“{document_number}”不正确：{exc.messages[0]}")
        row.fields["document_number"] = document_number

    def _dates(self, row: _Draft) -> None:
        """成文日期, 信息形成日期 (the 公开时限 counts from it) and the old site's 发布日期."""
        written_on = self._date(row.values.get("written_on"), "written_on", row.error)
        formed_on = self._date(row.values.get("formed_on"), "formed_on", row.error) or written_on
        if formed_on is None and not (row.text["formed_on"] or row.text["written_on"]):
            row.error("formed_on", "请填写信息形成日期或成文日期（公开时限从这一天起算）。")
        row.fields["written_on"] = written_on
        row.fields["formed_on"] = formed_on
        row.published_at = self._published_at(row.values.get("published_at"), row.error)
        if (
            row.published_at
            and formed_on
            and timezone.localtime(row.published_at).date() < formed_on
        ):
            row.error("published_at", "发布日期早于信息形成日期。")

    def _disclosure(self, row: _Draft) -> None:
        """Theme and disclosure attribute; withheld information needs its legal ground and a
        date to reassess it (条例第十八条); only proactive records were published."""
        row.fields["theme"] = self._choice(
            row.text["theme"], _THEME_WORDS, "theme", "教育", row.error
        )
        disclosure = self._choice(
            row.text["disclosure"], _DISCLOSURE_WORDS, "disclosure", Disclosure.PROACTIVE, row.error
        )
        row.fields["disclosure"] = disclosure
        row.fields["withheld_ground"] = ""
        row.fields["reassess_on"] = None
        if disclosure == Disclosure.WITHHELD:
            row.fields["withheld_ground"] = self._ground(row.text["withheld_ground"], row.error)
            reassess_on = self._date(row.values.get("reassess_on"), "reassess_on", row.error)
            if reassess_on is None and not row.text["reassess_on"]:
                reassess_on = self.today + DEFAULT_REASSESS_AFTER
                self._warnings.append(
                    f"第 {row.number} 行：不予公开的信息未填复审日期，已定为 {reassess_on:%Y-%m-%d}"
                    "（条例第十八条）。"
                )
            row.fields["reassess_on"] = reassess_on
        if row.published_at and disclosure != Disclosure.PROACTIVE:
            row.error(
                "disclosure",
                f"公开属性为“{Disclosure(disclosure).label}”的信息不能在专栏发布，"
                "请删去发布日期或改正公开属性。",
            )

    def _validity(self, row: _Draft) -> None:
        """有效性: only a published document can have expired or been repealed."""
        validity = self._choice(
            row.text["validity"], _VALIDITY_WORDS, "validity", Validity.VALID, row.error
        )
        row.fields["validity"] = validity
        row.fields["validity_changed_on"] = (
            self._date(row.values.get("validity_changed_on"), "validity_changed_on", row.error)
            if validity != Validity.VALID
            else None
        )
        if validity != Validity.VALID and row.published_at is None:
            row.error("validity", "只有已发布的文件才能标为失效或废止，请填写发布日期。")

    def _content(self, row: _Draft) -> None:
        """五公开 category (the item's unless given), summary, body and attachments."""
        item = row.fields["item"]
        if row.text["five_disclosure"]:
            try:
                row.fields["five_disclosure"] = FiveDisclosure.from_label(
                    row.text["five_disclosure"]
                )
            except ValueError as exc:
                row.error("five_disclosure", str(exc))
        elif item is not None:
            row.fields["five_disclosure"] = item.five_disclosure
        row.fields["summary"] = row.text["summary"]
        row.fields["body"] = body_html(row.values.get("body"))
        row.attachments = self._attachments(row.text["attachments"], row.error)
        if row.published_at and not row.fields["body"] and not row.attachments and not row.errors:
            row.error("body", "已发布的信息正文和附件不能都为空。")

    def _authority(self, row: _Draft) -> None:
        """Whoever imports may only make records in the name of an organisation they write for."""
        organisation = row.fields["organisation"]
        if (
            organisation is not None
            and self.by is not None
            and not _may_import(self.by, organisation)
        ):
            row.error(
                "organisation",
                f"导入人“{self.by.username}”无权以“{organisation.name}”的名义制作信息。",
            )

    def _model_rules(self, row: _Draft) -> None:
        """The model's own rules (lengths, future dates, 成文日期 after 形成日期, …)."""
        fields = row.fields
        if fields["item"] is None or fields["organisation"] is None or fields["formed_on"] is None:
            return
        try:
            Record(**fields).full_clean(
                exclude=[
                    "author",
                    "current_version",
                    "replaced_by",
                    "index_number",  # checked across the file and the database below
                    "document_number",  # checked above, with the cell's value quoted
                ]
            )
        except ValidationError as exc:
            # A column already reported above gets no second, vaguer message.
            reported = {e.column for e in row.errors}
            for name, messages in exc.message_dict.items():
                if HEADER_OF.get(name, "") in reported:
                    continue
                for message in messages:
                    row.error(name, message)

    def _index_number(self, row: _Draft) -> None:
        """索引号: kept from the old site for a published row, never invented for a draft."""
        row.index_number = row.text["index_number"].replace(" ", "")
        if len(row.index_number) > 80:
            row.error("index_number", "索引号不能超过 80 个字符。")
        if row.index_number and row.published_at is None:
            row.error(
                "index_number", "索引号在发布时生成；未发布的信息（无发布日期）不能填写索引号。"
            )

    # -- lookups --------------------------------------------------------------------------

    def _organisation(self, text: str, error: Any) -> Organisation | None:
        if not text:
            error("organisation", "发布机构不能为空。")
            return None
        wanted = _fold(text)
        by_code = [o for o in self.organisations if o.code == text]
        found = by_code or [
            o for o in self.organisations if wanted in {_fold(o.name), _fold(o.short_name)}
        ]
        if len(found) == 1:
            return found[0]
        if not found:
            error("organisation", f"找不到发布机构“{text}”（请填写机构编码或全称）。")
        else:
            codes = "、".join(o.code for o in found)
            error("organisation", f"发布机构“{text}”有多个同名机构（{codes}），请改填机构编码。")
        return None

    def _candidates(self, organisation: Organisation | None) -> list[Item]:
        if organisation is None:
            return [i for i in self.items if i.organisation_id is None]
        if organisation.pk not in self._items_for:
            own = set(
                Item.objects.current().for_organisation(organisation).values_list("pk", flat=True)
            )
            self._items_for[organisation.pk] = [i for i in self.items if i.pk in own]
        return self._items_for[organisation.pk]

    def _item(self, value: Any, organisation: Organisation | None, error: Any) -> Item | None:
        if isinstance(value, float):
            # Excel stores a typed 05.04 as the number 5.04.
            value = f"{value:05.2f}"
        text = cell_text(value)
        if not text:
            error("item", "目录事项不能为空（填写事项编号如 05.04 或事项名称）。")
            return None
        candidates = self._candidates(organisation)
        match = _ITEM_CODE.match(text)
        if match:
            code = f"{int(match.group(1)):02d}.{int(match.group(2)):02d}"
            name = (match.group(3) or "").strip()
            found = [i for i in candidates if i.code == code]
            if found and name and _fold(name) != _fold(found[0].name):
                error(
                    "item",
                    f"目录事项编号 {code} 是“{found[0].name}”，与所填名称“{name}”不一致。",
                )
                return None
        else:
            name = re.split(r"[/／>＞\-—]", text)[-1].strip()
            found = [i for i in candidates if _fold(i.name) == _fold(name)]
        if len(found) == 1:
            return found[0]
        if not found:
            error("item", f"现行目录中没有事项“{text}”。")
        else:
            error("item", f"事项“{text}”在目录中不唯一，请改填事项编号。")
        return None

    # -- values ---------------------------------------------------------------------------

    def _date(self, value: Any, name: str, error: Any) -> date | None:
        if cell_text(value) == "":
            return None
        try:
            return parse_datetime(value)[0]
        except ValueError:
            error(name, f"日期“{cell_text(value)}”无法识别（应如 2025-06-03 或 2025年6月3日）。")
            return None

    def _published_at(self, value: Any, error: Any) -> datetime | None:
        if cell_text(value) == "":
            return None
        try:
            day, at = parse_datetime(value)
        except ValueError:
            error("published_at", f"日期“{cell_text(value)}”无法识别（应如 2025-06-05）。")
            return None
        if day > self.today:
            error("published_at", "发布日期不能是将来的日期（定时发布请在系统中操作）。")
            return None
        # A bare date becomes noon: the day shown is the same in any time zone a reader uses.
        moment = datetime.combine(day, at or time(12, 0))
        return timezone.make_aware(moment)

    def _choice(
        self, text: str, words: Mapping[str, str], name: str, default: str, error: Any
    ) -> str:
        if not text:
            return default
        value = words.get(text.replace(" ", ""))
        if value is None:
            options = "、".join(dict.fromkeys(k for k in words if not k.isascii()))
            error(name, f"“{text}”无法识别，应为：{options}。")
            return default
        return value

    def _ground(self, text: str, error: Any) -> str:
        if not text:
            error("withheld_ground", "不予公开须注明法定依据（条例第十四、十五或十六条）。")
            return ""
        for ground in WithheldGround:
            if text in {ground.value, ground.label}:
                return ground.value
        for phrase, ground_value in _GROUND_PHRASES:
            if phrase in text:
                return ground_value
        error(
            "withheld_ground",
            f"不予公开依据“{text}”无法识别，应为条例第十四、十五或十六条规定的情形之一。",
        )
        return ""

    def _attachments(self, text: str, error: Any) -> list[Path]:
        names = [n.strip() for n in _SEPARATORS.split(text) if n.strip()]
        if not names:
            return []
        if self.attachments_dir is None:
            error("attachments", "该行列有附件，但没有指定附件目录（--attachments）。")
            return []
        found = []
        for name in names:
            path = (self.attachments_dir / name).resolve()
            if not path.is_relative_to(self.attachments_dir):
                error("attachments", f"附件“{name}”不在附件目录中。")
            elif not path.is_file():
                error("attachments", f"附件目录中找不到文件“{name}”。")
            else:
                with path.open("rb") as handle:
                    try:
                        inspect_upload(handle, name)
                    except ValidationError as exc:
                        error("attachments", f"附件“{name}”被拒绝：{'；'.join(exc.messages)}")
                        continue
                found.append(path)
        return found


def _may_import(user: User, organisation: Organisation) -> bool:
    probe = Record(organisation=organisation)
    return can.can_edit(user, probe) or has_role(user, Role.SYSTEM_ADMIN, organisation)


# --- Cells and values -----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Names compared as people type them: full-width or half-width brackets, no spaces."""
    return text.replace("(", "（").replace(")", "）").replace(" ", "").strip()


_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime(value: Any) -> tuple[date, time | None]:
    """A date (and the time, if the cell has one) from what old sites' exports hold:
    Excel dates, 2025-06-03, 2025/6/3, 2025.6.3, 2025年6月3日, 20250603."""
    if isinstance(value, datetime):
        clock = value.time()
        return value.date(), (clock if clock != time(0, 0) else None)
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):  # a sheet may hold inf or NaN in a date column
            raise ValueError(value)
        number = int(value)
        if 19000101 <= number <= 21001231:
            return _date_from_digits(str(number)), None
        if 1 < number < 100000:  # an Excel serial day number in a cell not formatted as date
            from openpyxl.utils.datetime import from_excel

            return from_excel(number).date(), None
        raise ValueError(value)
    text = cell_text(value)
    if re.fullmatch(r"\d{8}", text):
        return _date_from_digits(text), None
    text = re.sub(r"[年月/.]", "-", text).replace("日", " ").replace("号", " ").strip()
    match = _DATE_TEXT.match(re.sub(r"\s+", " ", text))
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second = match.groups()
    on = date(int(year), int(month), int(day))
    at = time(int(hour), int(minute), int(second or 0)) if hour is not None else None
    return on, at


def _date_from_digits(digits: str) -> date:
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def body_html(value: Any) -> str:
    """正文 as the portal shows it: HTML from old sites is sanitised; plain text becomes
    paragraphs (one per line), escaped first so it cannot smuggle markup in."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if _HTML_TAG.search(text):
        return sanitise_body(text)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return sanitise_body("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


# --- Reading the sheet ----------------------------------------------------------------------


def _pick_sheet(sheets: list[Sheet]) -> list[tuple[int, list[Any]]]:
    """The first sheet with a recognisable header; old exports often start with a cover."""
    for sheet in sheets:
        rows = sheet.numbered()
        if SPELLINGS.header_index(rows, ("title", "item"), within=10) is not None:
            return rows
    return sheets[0].numbered() if sheets else []


def _header_and_rows(
    sheet: list[tuple[int, list[Any]]], report: RecordImport
) -> list[tuple[int, dict[str, Any]]]:
    table = SPELLINGS.read(
        sheet,
        required=REQUIRED,
        locate=("title", "item"),
        within=10,
        either=[("formed_on", "written_on")],
        refuse_repeated=True,
    )
    report.errors.extend(table.errors)
    report.warnings.extend(table.warnings)
    return table.rows
