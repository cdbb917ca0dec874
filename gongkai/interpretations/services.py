"""Writing interpretations, their content, and a policy's plan and risk assessment.

Every write goes through here, in a transaction, with an audit row on the record concerned.
The interpretation itself is a ``Record`` of kind ``interpretation`` created through
``records.services`` (decision 0004), so it is reviewed, screened and published like any
record; this module only adds the structured detail. Content is edited while the record is a
draft; removed entries stay in the table (``is_current=False``) because published versions
refer to them.
"""

from __future__ import annotations

from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.interpretations import conf
from gongkai.interpretations import permissions as can
from gongkai.interpretations.models import (
    Form,
    GraphicImage,
    Interpretation,
    InterpretationPlan,
    MediaFile,
    MediaKind,
    QAEntry,
    RiskAssessment,
    RiskLevel,
    Speaker,
    check_text_alternative,
)
from gongkai.interpretations.uploads import inspect_captions, inspect_image, inspect_video
from gongkai.records import services as records
from gongkai.records.models import Kind, Record, Status
from gongkai.records.uploads import save_with_file

if TYPE_CHECKING:
    from gongkai.accounts.models import User


#: Detail fields a clerk edits on the interpretation (the record's own fields — title, body,
#: organisation — are edited on the record form).
DETAIL_FIELDS = (
    "form",
    "stage",
    "stage_order",
    "interpreter_name",
    "interpreter_title",
    "contact_phone",
    "transcript",
    "video_url",
)


def needs_interpretation(record: Record) -> bool:
    """Policies filed under an item the catalogue marks 须同步解读 (or configured extra)."""
    if record.kind != Kind.DOCUMENT:
        return False
    return record.item.needs_interpretation or record.item.code in conf.extra_item_codes()


def _check_policies(policies: list[Record]) -> None:
    if not policies:
        raise ValidationError("请选择所解读的政策文件（至少一份）。")
    for policy in policies:
        if policy.kind == Kind.INTERPRETATION:
            raise ValidationError(f"“{policy.title}”本身是解读，不能作为解读对象。")
        if policy.status == Status.WITHDRAWN:
            raise ValidationError(f"“{policy.title}”已撤回，不能再为它发布解读。")


def _editable(record: Record, by: User) -> Interpretation:
    if not can.can_edit_content(by, record):
        raise ValidationError("只有草稿状态的解读可以修改，且须由本单位信息员修改。")
    return record.interpretation


def create_interpretation(
    *,
    by: User,
    policies: list[Record],
    form: str,
    title: str,
    body: str,
    summary: str = "",
    organisation: Any = None,
    formed_on: date | None = None,
    stage: str = "发布时",
    stage_order: int | None = None,
    **detail: Any,
) -> Record:
    """A draft interpretation of ``policies``. It is filed under the first policy's item and,
    unless told otherwise, written by the drafting organisation (谁起草、谁解读)."""
    _check_policies(policies)
    if form not in Form.values:
        raise ValidationError("请选择解读形式。")
    unknown = set(detail) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"create_interpretation got unknown fields: {sorted(unknown)}")
    first = policies[0]
    if stage_order is None:
        latest = Interpretation.objects.filter(policies=first).aggregate(n=Max("stage_order"))
        stage_order = (latest["n"] or 0) + 1
    with transaction.atomic():
        record = records.create_record(
            by=by,
            kind=Kind.INTERPRETATION,
            title=title,
            summary=summary,
            body=body,
            item=first.item,
            organisation=organisation or first.organisation,
            formed_on=formed_on or timezone.localdate(),
            theme=first.theme,
        )
        interpretation = Interpretation(
            record=record, form=form, stage=stage, stage_order=stage_order, **detail
        )
        interpretation.full_clean(exclude=["record", "video", "captions"])
        interpretation.save()
        interpretation.policies.set(policies)
        record_event(
            Verb.INTERPRETATION_CREATE,
            actor=by,
            target=record,
            data={"form": form, "policies": [p.pk for p in policies], "stage": stage},
        )
    return record


def update_interpretation(
    record: Record, *, by: User, policies: list[Record] | None = None, **fields: Any
) -> Interpretation:
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        interpretation = _editable(locked, by)
        before = {name: getattr(interpretation, name) for name in DETAIL_FIELDS}
        for name, value in fields.items():
            if name not in DETAIL_FIELDS:
                raise TypeError(f"update_interpretation got unknown field: {name}")
            setattr(interpretation, name, value)
        interpretation.full_clean(exclude=["record", "video", "captions"])
        interpretation.save()
        changed = [n for n in DETAIL_FIELDS if getattr(interpretation, n) != before[n]]
        if policies is not None:
            _check_policies(policies)
            old = set(interpretation.policies.values_list("pk", flat=True))
            if old != {p.pk for p in policies}:
                interpretation.policies.set(policies)
                changed.append("policies")
        record_event(Verb.INTERPRETATION_EDIT, actor=by, target=locked, data={"fields": changed})
    return interpretation


def add_qa_entry(
    record: Record, *, by: User, question: str, answer: str, answerer: str = "", asked_by: str = ""
) -> QAEntry:
    interpretation = _editable(record, by)
    entry = QAEntry(
        interpretation=interpretation,
        question=question.strip(),
        answer=answer.strip(),
        answerer=answerer.strip(),
        asked_by=asked_by.strip(),
        order=interpretation.qa_entries.count() + 1,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        record_event(Verb.INTERPRETATION_QA_ADD, actor=by, target=record, data={"entry": entry.pk})
    return entry


def add_speaker(record: Record, *, by: User, name: str, title: str) -> Speaker:
    interpretation = _editable(record, by)
    speaker = Speaker(
        interpretation=interpretation,
        name=name.strip(),
        title=title.strip(),
        order=interpretation.speakers.count() + 1,
    )
    speaker.full_clean()
    with transaction.atomic():
        speaker.save()
        record_event(
            Verb.INTERPRETATION_SPEAKER_ADD, actor=by, target=record, data={"speaker": speaker.pk}
        )
    return speaker


def remove_entry(entry: QAEntry | Speaker | GraphicImage, *, by: User) -> None:
    """Take a question, speaker or image off the draft; the row stays for the audit and for
    the published versions that show it."""
    record = entry.interpretation.record
    _editable(record, by)
    with transaction.atomic():
        entry.is_current = False
        entry.save(update_fields=["is_current"])
        record_event(
            Verb.INTERPRETATION_REMOVE,
            actor=by,
            target=record,
            data={"model": type(entry).__name__, "pk": entry.pk},
        )


def _store(
    interpretation: Interpretation, kind: str, info: Any, content: Any, *, by: User, text: str = ""
) -> MediaFile:
    media = MediaFile(
        interpretation=interpretation,
        kind=kind,
        **info.fields(),
        text=text,
        uploaded_by=by,
    )
    save_with_file(media, content, info.name)
    return media


def add_image(
    record: Record, fileobj: IO[bytes], name: str, *, by: User, alt_text: str, description: str
) -> GraphicImage:
    """An image of a 图解; refused without its text alternative (alt text and description)."""
    interpretation = _editable(record, by)
    check_text_alternative(alt_text, description)
    info = inspect_image(fileobj, name)
    with transaction.atomic():
        media = _store(interpretation, MediaKind.IMAGE, info, File(fileobj), by=by)
        image = GraphicImage.objects.create(
            interpretation=interpretation,
            media=media,
            alt_text=alt_text.strip(),
            description=description.strip(),
            order=interpretation.images.count() + 1,
        )
        record_event(
            Verb.INTERPRETATION_IMAGE_ADD,
            actor=by,
            target=record,
            data={"image": image.pk, "name": info.name, "sha256": info.sha256},
        )
    return image


def attach_video(record: Record, fileobj: IO[bytes], name: str, *, by: User) -> MediaFile:
    interpretation = _editable(record, by)
    info = inspect_video(fileobj, name)
    with transaction.atomic():
        media = _store(interpretation, MediaKind.VIDEO, info, File(fileobj), by=by)
        interpretation.video = media
        interpretation.save(update_fields=["video", "updated_at"])
        record_event(
            Verb.INTERPRETATION_VIDEO,
            actor=by,
            target=record,
            data={"media": media.pk, "name": info.name, "sha256": info.sha256},
        )
    return media


def attach_captions(record: Record, fileobj: IO[bytes], name: str, *, by: User) -> MediaFile:
    interpretation = _editable(record, by)
    captions = inspect_captions(fileobj, name)
    with transaction.atomic():
        media = _store(
            interpretation,
            MediaKind.CAPTIONS,
            captions.info,
            ContentFile(captions.vtt),
            by=by,
            text=captions.text,
        )
        interpretation.captions = media
        interpretation.save(update_fields=["captions", "updated_at"])
        record_event(
            Verb.INTERPRETATION_CAPTIONS,
            actor=by,
            target=record,
            data={"media": media.pk, "name": captions.info.name},
        )
    return media


# --- The policy side: plan and risk assessment (谁起草、谁预判) -------------------------------


def _preparable(policy: Record, by: User) -> None:
    if policy.kind != Kind.DOCUMENT:
        raise ValidationError("只有政策文件需要解读方案和舆情风险评估。")
    if not can.can_prepare(by, policy):
        raise ValidationError(
            "解读方案和舆情风险评估随文件一并报审：只有文件为草稿时，本单位信息员可以修改。"
        )


def save_plan(
    policy: Record, *, by: User, forms: list[str], timing: str, speakers: str
) -> InterpretationPlan:
    _preparable(policy, by)
    unknown = [f for f in forms if f not in Form.values]
    if unknown:
        raise ValidationError(f"未知的解读形式：{'、'.join(unknown)}")
    with transaction.atomic():
        plan, _ = InterpretationPlan.objects.select_for_update().get_or_create(policy=policy)
        plan.forms = list(dict.fromkeys(forms))
        plan.timing = timing.strip()
        plan.speakers = speakers.strip()
        plan.save()
        # The audit row carries the full text: every edit of the plan can be read back.
        record_event(
            Verb.INTERPRETATION_PLAN,
            actor=by,
            target=policy,
            data={"forms": plan.forms, "timing": plan.timing, "speakers": plan.speakers},
        )
    return plan


def save_risk_assessment(
    policy: Record,
    *,
    by: User,
    level: str,
    expected_concerns: str,
    prepared_answers: str,
    monitoring_owner: Any,
) -> RiskAssessment:
    _preparable(policy, by)
    if level and level not in RiskLevel.values:
        raise ValidationError("风险等级只能是低、中、高。")
    with transaction.atomic():
        risk, _ = RiskAssessment.objects.select_for_update().get_or_create(policy=policy)
        risk.level = level
        risk.expected_concerns = expected_concerns.strip()
        risk.prepared_answers = prepared_answers.strip()
        risk.monitoring_owner = monitoring_owner
        risk.save()
        record_event(
            Verb.INTERPRETATION_RISK,
            actor=by,
            target=policy,
            data={
                "level": level,
                "expected_concerns": risk.expected_concerns,
                "prepared_answers": risk.prepared_answers,
                "monitoring_owner": getattr(monitoring_owner, "pk", None),
            },
        )
    return risk
