"""Writing records: every change goes through here, in a transaction, with an audit row.

The publishing process of 标准 四(二): the unit that writes a record marks its disclosure
attribute at source; a document reviewer (公文审核) and then a disclosure reviewer (政务公开审核)
check it; only proactive records are published; publication freezes a version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gongkai.core.audit import record_event
from gongkai.core.calendar import CalendarNotLoaded, MovedDeadline
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, TransitionNotAllowed, Workflow
from gongkai.records import hooks, public
from gongkai.records import permissions as can
from gongkai.records.indexing import index_pattern, index_values
from gongkai.records.models import (
    Attachment,
    Disclosure,
    IndexSequence,
    Kind,
    Record,
    RecordVersion,
    Status,
    Validity,
    snapshot_metadata,
)
from gongkai.records.uploads import inspect_upload, save_with_file

if TYPE_CHECKING:
    from gongkai.accounts.models import User

S = Status

# --- Body sanitising ------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "a",
    "span",
    "sup",
    "sub",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def sanitise_body(html: str) -> str:
    """Keep the structure a government notice needs; drop scripts, styles and event handlers."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


# --- Checks that guard transitions ----------------------------------------------------------


def _check_complete(user: Any, record: Record) -> None:
    record.full_clean(exclude=["current_version", "replaced_by"])
    if not record.title.strip():
        raise ValidationError("请填写标题。")
    if not record.body.strip() and not record.attachments.filter(is_current=True).exists():
        raise ValidationError("正文和附件不能都为空。")


def _check_submittable(user: Any, record: Record) -> None:
    _check_complete(user, record)
    hooks.run_checks(record, "submit")


def _check_publishable(user: Any, record: Record) -> None:
    if record.disclosure != Disclosure.PROACTIVE:
        raise TransitionNotAllowed(
            f"该信息的公开属性是“{record.get_disclosure_display()}”，不能在专栏发布。"
            "如需公开，请退回修改公开属性并重新审核。"
        )
    if record.current_version_id is not None and not record.change_note.strip():
        raise TransitionNotAllowed(
            "这是已发布信息的修订，须填写修订说明（公开页面的“修订记录”中显示）。"
            "请退回修改并填写修订说明。"
        )
    _check_complete(user, record)
    hooks.run_checks(record, "publish")


def _is_system(user: Any, record: Record) -> bool:
    return user is None


TRANSITIONS = [
    Transition(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        "提交审核",
        allowed=can.can_edit,
        guard=_check_submittable,
        timestamp="submitted_at",
    ),
    Transition(
        "approve_document",
        (S.SUBMITTED,),
        S.DOCUMENT_REVIEWED,
        "公文审核通过",
        allowed=can.can_document_review,
        denied_message="公文审核须由本单位公文审核人员进行，且不能审核自己制作的信息。",
    ),
    Transition(
        "return_document",
        (S.SUBMITTED,),
        S.DRAFT,
        "公文审核退回修改",
        allowed=can.can_document_review,
        needs_note=True,
        denied_message="公文审核须由本单位公文审核人员进行，且不能审核自己制作的信息。",
    ),
    Transition(
        "approve_disclosure",
        (S.DOCUMENT_REVIEWED,),
        S.APPROVED,
        "政务公开审核通过",
        allowed=can.can_disclosure_review,
        denied_message="政务公开审核须由另一位审核人员进行：不能是制作人，也不能是公文审核人。",
    ),
    Transition(
        "return_disclosure",
        (S.DOCUMENT_REVIEWED,),
        S.DRAFT,
        "政务公开审核退回修改",
        allowed=can.can_disclosure_review,
        needs_note=True,
        denied_message="政务公开审核须由另一位审核人员进行：不能是制作人，也不能是公文审核人。",
    ),
    Transition(
        "approve_fast",
        (S.SUBMITTED,),
        S.APPROVED,
        "快速审核通过（回应关切）",
        allowed=can.can_fast_approve,
        denied_message="快速审核只用于回应关切，须由本单位审核人员（非制作人）进行。",
    ),
    Transition(
        "return_approved",
        (S.APPROVED,),
        S.DRAFT,
        "退回修改（须重新审核）",
        allowed=can.can_publish,
        needs_note=True,
    ),
    Transition(
        "publish",
        (S.APPROVED,),
        S.PUBLISHED,
        "发布",
        allowed=can.can_publish,
        guard=_check_publishable,
        timestamp="published_at",
    ),
    Transition(
        "schedule",
        (S.APPROVED,),
        S.SCHEDULED,
        "定时发布",
        allowed=can.can_publish,
        guard=_check_publishable,
    ),
    Transition("unschedule", (S.SCHEDULED,), S.APPROVED, "取消定时", allowed=can.can_publish),
    Transition(
        "publish_scheduled",
        (S.SCHEDULED,),
        S.PUBLISHED,
        "定时发布到点",
        allowed=_is_system,
        guard=_check_publishable,
        timestamp="published_at",
    ),
    Transition("revise", (S.PUBLISHED,), S.DRAFT, "修订（生成新版本）", allowed=can.can_edit),
    Transition(
        "withdraw",
        (S.DRAFT, S.SUBMITTED, S.DOCUMENT_REVIEWED, S.APPROVED, S.SCHEDULED, S.PUBLISHED),
        S.WITHDRAWN,
        "撤回",
        allowed=can.can_withdraw,
        needs_note=True,
        timestamp="withdrawn_at",
    ),
]

workflow: Workflow[Record] = Workflow("record", TRANSITIONS)

#: Actions whose form on the review page asks for a note.
NOTE_ACTIONS = {t.action for t in TRANSITIONS if t.needs_note}


def offered_actions(record: Record, user: Any) -> list[Transition]:
    """The buttons the record's page offers ``user``: what the table and its predicates
    allow, less what cannot apply to this record — the job runner's own transition, 撤回 of a
    draft nobody has seen yet, 发布 of a record that is not proactive (its guard would refuse
    it), and the second review of a concern response (it takes the one-reviewer fast path)."""
    hidden = {"publish_scheduled"}
    if (
        record.status == S.DRAFT
        and record.submitted_at is None
        and record.current_version_id is None
    ):
        hidden.add("withdraw")
    if record.disclosure != Disclosure.PROACTIVE:
        hidden |= {"publish", "schedule"}
    if record.kind == Kind.RESPONSE:
        hidden.add("approve_document")
    return [t for t in workflow.available(record, user) if t.action not in hidden]


# --- Creating and editing -------------------------------------------------------------------

EDITABLE_FIELDS = (
    "change_note",
    "title",
    "summary",
    "body",
    "item",
    "organisation",
    "document_number",
    "written_on",
    "formed_on",
    "theme",
    "five_disclosure",
    "disclosure",
    "withheld_ground",
    "reassess_on",
)


class EditConflict(Exception):
    """Someone else saved the record since this form was loaded."""

    def __init__(self, current: Record) -> None:
        self.current = current
        super().__init__(
            f"保存失败：{current.updated_at:%H:%M} 该信息已被他人修改。您填写的内容仍在表单中，"
            "请核对最新内容后再保存。"
        )


def _refresh_due(record: Record) -> None:
    try:
        due = record.compute_due()
    except CalendarNotLoaded:
        due = None
    record.due_on = due.due_on if due else None


def create_record(*, by: User, kind: str = Kind.DOCUMENT, **fields: Any) -> Record:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"create_record got unknown fields: {sorted(unknown)}")
    record = Record(author=by, kind=kind, **fields)
    record.body = sanitise_body(record.body)
    if not record.five_disclosure and record.item_id:
        record.five_disclosure = record.item.five_disclosure
    if not can.can_edit(by, record):
        raise ValidationError("您不能以该机构的名义制作信息。")
    record.full_clean(exclude=["current_version", "replaced_by", "author"])
    _refresh_due(record)
    with transaction.atomic():
        record.save()
        record_event(
            Verb.RECORD_CREATE,
            actor=by,
            target=record,
            to_status=record.status,
            data={"disclosure": record.disclosure, "item": record.item.code},
        )
    return record


def update_record(record: Record, *, by: User, revision: int, **fields: Any) -> Record:
    """Save edits to a draft. ``revision`` is the one the form was loaded with: if someone
    saved in between, ``EditConflict`` is raised and nothing is written."""
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.revision != revision:
            raise EditConflict(locked)
        if locked.status != S.DRAFT:
            raise TransitionNotAllowed(
                f"当前状态为“{locked.get_status_display()}”，不能修改。请先退回修改。"
            )
        if not can.can_edit(by, locked):
            raise ValidationError("您不能修改该信息。")
        before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        for name, value in fields.items():
            if name in EDITABLE_FIELDS:
                setattr(locked, name, value)
        locked.body = sanitise_body(locked.body)
        if not can.can_edit(by, locked):  # moved to an organisation they do not write for
            raise ValidationError("您不能以该机构的名义制作信息。")
        locked.full_clean(exclude=["current_version", "replaced_by"])
        if locked.current_version_id is not None and not locked.change_note.strip():
            raise ValidationError({"change_note": "修订已发布的信息须填写修订说明。"})
        changed = [n for n in EDITABLE_FIELDS if getattr(locked, n) != before[n]]
        disclosure_before = before["disclosure"]
        locked.revision += 1
        _refresh_due(locked)
        locked.save()
        record_event(Verb.RECORD_EDIT, actor=by, target=locked, data={"fields": changed})
        if locked.disclosure != disclosure_before:
            record_event(
                Verb.RECORD_DISCLOSURE_CHANGE,
                actor=by,
                target=locked,
                from_status=str(disclosure_before),
                to_status=locked.disclosure,
            )
    return locked


def change_disclosure(
    record: Record,
    *,
    by: User,
    disclosure: str,
    withheld_ground: str = "",
    reassess_on: Any = None,
    note: str = "",
) -> Record:
    """A reviewer corrects the disclosure attribute during review; the change is recorded."""
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        reviewing = (locked.status == S.SUBMITTED and can.can_document_review(by, locked)) or (
            locked.status == S.DOCUMENT_REVIEWED and can.can_disclosure_review(by, locked)
        )
        if not reviewing:
            raise ValidationError("只有正在审核该信息的审核人员可以修改公开属性。")
        previous = locked.disclosure
        locked.disclosure = disclosure
        locked.withheld_ground = withheld_ground if disclosure == Disclosure.WITHHELD else ""
        locked.reassess_on = reassess_on if disclosure == Disclosure.WITHHELD else None
        locked.full_clean(exclude=["current_version", "replaced_by"])
        locked.revision += 1
        locked.save()
        # A reviewer's word that the record may not be public takes its page down at once;
        # making it public again goes through publication like any other change.
        taken_down = disclosure != Disclosure.PROACTIVE and public.take_down(locked)
        record_event(
            Verb.RECORD_DISCLOSURE_CHANGE,
            actor=by,
            target=locked,
            from_status=previous,
            to_status=disclosure,
            note=note,
            data={"ground": locked.withheld_ground, "taken_down": taken_down},
        )
    return locked


def add_attachment(record: Record, fileobj: IO[bytes], name: str, *, by: User) -> Attachment:
    if record.status != S.DRAFT:
        raise ValidationError("只有草稿可以添加附件。")
    if not can.can_edit(by, record):
        raise ValidationError("您不能修改该信息。")
    info = inspect_upload(fileobj, name)
    attachment = Attachment(
        record=record,
        **info.fields(),
        uploaded_by=by,
        order=record.attachments.count() + 1,
    )
    save_with_file(
        attachment,
        fileobj,
        info.name,
        then=lambda: record_event(
            Verb.RECORD_ATTACH,
            actor=by,
            target=record,
            data={"attachment": attachment.pk, "name": info.name, "sha256": info.sha256},
        ),
    )
    transaction.on_commit(lambda: hooks.run_attachment_actions(attachment, by))
    return attachment


def remove_attachment(attachment: Attachment, *, by: User) -> Attachment:
    """Take an attachment off the record; the file is kept (not public) for the audit."""
    record = attachment.record
    if record.status != S.DRAFT or not can.can_edit(by, record):
        raise ValidationError("只有草稿可以移除附件。")
    with transaction.atomic():
        attachment.is_current = False
        attachment.save(update_fields=["is_current"])
        record_event(
            Verb.RECORD_DETACH,
            actor=by,
            target=record,
            data={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return attachment


# --- Workflow verbs -------------------------------------------------------------------------


#: Submitting again clears the reason of the last return (it stays in the history).
_NOT_RETURNED = {"return_reason": "", "returned_at": None}


def submit(record: Record, *, by: User, note: str = "") -> Record:
    return workflow.apply(record, "submit", by=by, note=note, changes=_NOT_RETURNED)


def approve_document(record: Record, *, by: User, note: str = "") -> Record:
    return workflow.apply(
        record, "approve_document", by=by, note=note, changes={"document_reviewer": by}
    )


def return_for_changes(record: Record, *, by: User, note: str) -> Record:
    # From "approved" (e.g. screening found a leak before publication) both reviews start over.
    action = {S.SUBMITTED: "return_document", S.APPROVED: "return_approved"}.get(
        S(record.status), "return_disclosure"
    )
    return workflow.apply(
        record,
        action,
        by=by,
        note=note,
        changes={
            "document_reviewer": None,
            "disclosure_reviewer": None,
            "return_reason": (note or "").strip(),
            "returned_at": timezone.now(),
        },
    )


def approve_fast(record: Record, *, by: User, note: str = "") -> Record:
    """One-step review for concern responses (see permissions.can_fast_approve)."""
    with transaction.atomic():
        approved = workflow.apply(
            record,
            "approve_fast",
            by=by,
            note=note,
            changes={"document_reviewer": by, "disclosure_reviewer": by},
        )
        _apply_reviewed_disclosure(approved, by=by)
    return approved


def approve_disclosure(record: Record, *, by: User, note: str = "") -> Record:
    with transaction.atomic():
        approved = workflow.apply(
            record, "approve_disclosure", by=by, note=note, changes={"disclosure_reviewer": by}
        )
        _apply_reviewed_disclosure(approved, by=by)
    return approved


def _apply_reviewed_disclosure(record: Record, *, by: User) -> None:
    """A revision that reclassifies a published record as 依申请公开 or 不予公开 ends here:
    both reviews have confirmed it, and such a record is never published, so its public
    page goes now (until then the published version stayed public, as for any revision)."""
    if record.disclosure != Disclosure.PROACTIVE and public.take_down(record):
        record_event(
            Verb.RECORD_TAKEN_DOWN,
            actor=by,
            target=record,
            to_status=record.disclosure,
            data={"ground": record.withheld_ground},
        )


def publish(record: Record, *, by: User, note: str = "", change_note: str = "") -> Record:
    """Publish an approved record. A revision publishes with the 修订说明 given when it was
    started (``change_note`` here replaces it)."""
    changes = {"change_note": change_note.strip()[:300]} if change_note.strip() else None
    with transaction.atomic():
        published = workflow.apply(record, "publish", by=by, note=note, changes=changes)
        return complete_publication(published, by=by, change_note=published.change_note)


def complete_publication(record: Record, *, by: User | None, change_note: str) -> Record:
    """What follows every publication transition, in its transaction: freeze the version
    (index number, metadata), run the extensions' after-publish actions, and queue their
    after-commit work. Apps that publish a record together with another one (an
    interpretation with its policy) call this after their own transition."""
    record = _freeze_version(record, by=by, change_note=change_note)
    hooks.run_actions(record, by, "after_publish")
    transaction.on_commit(lambda: hooks.run_actions(record, by, "on_commit_publish"))
    return record


def schedule(record: Record, *, by: User, at: datetime, note: str = "") -> Record:
    if at <= timezone.now():
        raise ValidationError("定时发布时间须晚于现在。")
    with transaction.atomic():
        scheduled = workflow.apply(
            record,
            "schedule",
            by=by,
            note=note,
            changes={"scheduled_at": at},
            data={"scheduled_at": at.isoformat()},
        )
        hooks.run_actions(scheduled, by, "after_schedule")
    return scheduled


def unschedule(record: Record, *, by: User, note: str = "") -> Record:
    return workflow.apply(record, "unschedule", by=by, note=note, changes={"scheduled_at": None})


def publish_due(now: datetime | None = None) -> list[int]:
    """Publish every scheduled record whose time has come (run each minute by the job runner).

    Each record is published in its own transaction with the row locked; a second worker, or
    a run after a crash, finds it already published and skips it: exactly once.
    """
    now = now or timezone.now()
    done: list[int] = []
    for pk in Record.objects.filter(status=S.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            with transaction.atomic():
                record = Record.objects.get(pk=pk)
                if not hooks.publishes_alone(record):
                    continue  # published in the same transaction as the record it goes with
                published = workflow.apply(
                    record, "publish_scheduled", by=None, at=record.scheduled_at
                )
                complete_publication(published, by=None, change_note="")
            done.append(pk)
        except (TransitionNotAllowed, Record.DoesNotExist):
            continue  # another worker got there first
        except ValidationError as exc:
            record_event(
                Verb.RECORD_SCHEDULE_FAILED,
                target=Record(pk=pk, title=str(pk)),
                note="; ".join(exc.messages),
            )
    return done


def revise(record: Record, *, by: User, change_note: str, note: str = "") -> Record:
    """Start a new version of a published record. ``change_note`` (修订说明) says publicly
    what the revision changes and why; it is shown in the page's 修订记录 once published.
    The public keeps seeing the published version until the revision is published."""
    change_note = (change_note or "").strip()
    if not change_note:
        raise ValidationError({"change_note": "修订须填写修订说明（公开页面的“修订记录”中显示）。"})
    return workflow.apply(
        record,
        "revise",
        by=by,
        note=note or change_note,
        changes={
            "document_reviewer": None,
            "disclosure_reviewer": None,
            "scheduled_at": None,
            "change_note": change_note[:300],
            **_NOT_RETURNED,
        },
    )


def withdraw(record: Record, *, by: User, reason: str) -> Record:
    """Withdraw: the page stays at its address with a public notice and the reason."""
    with transaction.atomic():
        withdrawn = workflow.apply(
            record,
            "withdraw",
            by=by,
            note=reason,
            changes={"withdrawn_reason": (reason or "").strip()},
        )
        public.withdraw(withdrawn)
        hooks.run_actions(withdrawn, by, "after_withdraw")
        transaction.on_commit(lambda: hooks.run_actions(withdrawn, by, "on_commit_withdraw"))
    return withdrawn


def change_validity(
    record: Record,
    *,
    by: User,
    validity: str,
    on: Any = None,
    replaced_by: Record | None = None,
    note: str = "",
) -> Record:
    """Mark a published document 失效 or 废止 (or valid again): the page is marked, not
    removed, with the date, the reason (``note``, shown publicly) and the record that
    replaces it, if any (a published one)."""
    if validity not in Validity.values:
        raise ValidationError("有效性只能是有效、失效或废止。")
    if not can.can_withdraw(by, record):
        raise ValidationError("您不能修改该信息的有效性。")
    if record.current_version_id is None or record.status == S.WITHDRAWN:
        raise ValidationError("只有已发布的信息可以标注失效或废止。")
    note = (note or "").strip()
    if validity != Validity.VALID and on is None:
        raise ValidationError({"on": "请填写失效或废止的日期。"})
    if replaced_by is not None and replaced_by.pk == record.pk:
        raise ValidationError({"replaced_by": "替代文件不能是本文件。"})
    if (
        replaced_by is not None
        and not Record.objects.published().filter(pk=replaced_by.pk).exists()
    ):
        raise ValidationError({"replaced_by": "替代文件须是已在专栏发布的信息。"})
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        previous = locked.validity
        locked.validity = validity
        locked.validity_changed_on = on if validity != Validity.VALID else None
        locked.replaced_by = replaced_by if validity != Validity.VALID else None
        locked.validity_note = note[:300] if validity != Validity.VALID else ""
        locked.save(
            update_fields=[
                "validity",
                "validity_changed_on",
                "replaced_by",
                "validity_note",
                "updated_at",
            ]
        )
        public.change_validity(locked)
        record_event(
            Verb.RECORD_VALIDITY,
            actor=by,
            target=locked,
            from_status=previous,
            to_status=validity,
            note=note,
            data={
                "on": on.isoformat() if on else None,
                "replaced_by": replaced_by.pk if replaced_by else None,
            },
        )
        transaction.on_commit(lambda: hooks.run_actions(locked, by, "on_commit_validity"))
    return locked


# --- Publication ----------------------------------------------------------------------------


def _freeze_version(record: Record, *, by: User | None, change_note: str) -> Record:
    if not record.index_number:
        record.index_number = next_index_number(record)
    if record.first_published_at is None:
        record.first_published_at = record.published_at
    number = record.versions.count() + 1
    version = RecordVersion.objects.create(
        record=record,
        number=number,
        title=record.title,
        summary=record.summary,
        body=record.body,
        metadata={**snapshot_metadata(record), **hooks.snapshot(record)},
        attachment_ids=list(
            record.attachments.filter(is_current=True).values_list("pk", flat=True)
        ),
        change_note=(change_note or record.change_note)[:300] if number > 1 else "首次发布",
        published_at=record.published_at or timezone.now(),
        published_by=by if getattr(by, "pk", None) else None,
    )
    record.current_version = version
    record.scheduled_at = None
    record.change_note = ""  # the next revision states its own
    record.save(
        update_fields=[
            "index_number",
            "first_published_at",
            "current_version",
            "scheduled_at",
            "change_note",
            "updated_at",
        ]
    )
    record_event(
        Verb.RECORD_VERSION,
        actor=by,
        target=record,
        data={"version": number, "index": record.index_number},
    )
    # What readers see changes here and only here; the scheduler (no user) warms the pages.
    public.publish(record, version, warm=by is None)
    return record


def next_index_number(record: Record) -> str:
    """索引号 from the configurable pattern; the serial per prefix is never reused."""
    pattern = index_pattern()
    values = index_values(record)
    prefix = pattern.split("{serial", 1)[0].format(**values)
    sequence, _ = IndexSequence.objects.select_for_update().get_or_create(prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return pattern.format(serial=sequence.last, **values)


@dataclass(frozen=True)
class VersionDiff:
    title: list[str]
    body: list[str]


def diff_versions(old: RecordVersion, new: RecordVersion) -> VersionDiff:
    import difflib
    import re

    def lines(html: str) -> list[str]:
        text = re.sub(r"<br\s*/?>|</p>|</li>|</tr>|</h\d>", "\n", html)
        return [line.strip() for line in re.sub(r"<[^>]+>", "", text).splitlines() if line.strip()]

    return VersionDiff(
        title=list(difflib.unified_diff([old.title], [new.title], lineterm="", n=0))[2:],
        body=list(difflib.unified_diff(lines(old.body), lines(new.body), lineterm="", n=1))[2:],
    )


# --- A new holiday notice -------------------------------------------------------------------


def recompute_deadlines(*, since: date, by: User | None = None) -> list[MovedDeadline]:
    """Recompute 公开截止 of every record still awaiting publication whose deadline may count
    days from ``since`` on (core.calendar.loading.load_notice, in its transaction). The
    record's own fields and versions are untouched: ``due_on`` is a cache of the item's rule."""
    moved: list[MovedDeadline] = []
    candidates = (
        Record.objects.awaiting_publication()
        .filter(Q(due_on__isnull=True) | Q(due_on__gte=since))
        .select_related("item", "author")
    )
    for record in candidates.order_by("pk"):
        old = record.due_on
        _refresh_due(record)
        if record.due_on == old:
            continue
        Record.objects.filter(pk=record.pk).update(due_on=record.due_on)
        record_event(
            Verb.RECORD_DEADLINE_RECOMPUTED, actor=by, target=record,
            note=f"导入节假日安排后重新计算：公开截止日期由 {old or '无'} 改为 "
            f"{record.due_on or '无'}",
            data={"due_on": [str(old), str(record.due_on)]},
        )  # fmt: skip
        people = (record.author,) if record.author_id else ()
        url = reverse("records:detail", args=[record.pk])
        moved.append(MovedDeadline(record, "公开截止日期", old, record.due_on, people, url))
    return moved
