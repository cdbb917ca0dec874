"""How interpretations join the record workflow (the extension is ``extension.py``).

Standard 四(三): 谁起草、谁预判、谁解读. For a policy whose catalogue item needs an
interpretation:

- submit: the interpretation plan and the public-opinion risk assessment are complete (they
  are reviewed with the document);
- publish / schedule: an approved interpretation is ready, and it goes out in the same
  transaction as the policy (``after_publish``) or at the same scheduled minute
  (``after_schedule``); if none went out with it, the publication rolls back;
- withdraw: its interpretations are withdrawn too, with a notice naming the policy.

An interpretation never goes out before the policies it explains: it does not publish alone
(``publishes_alone``) while one of them is unpublished, and the scheduler publishes it as part
of its policy. Later stages (实施三个月后 …) are published on their own once the policy is out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.interpretations import permissions as can
from gongkai.interpretations.models import Form, Interpretation
from gongkai.interpretations.services import needs_interpretation
from gongkai.records import services as records
from gongkai.records.models import Kind, Record, Status

if TYPE_CHECKING:
    from gongkai.accounts.models import User


NAME = "interpretation"


def is_live(policy: Record) -> bool:
    """Published once and not withdrawn: its public page shows it."""
    return policy.current_version_id is not None and policy.status != Status.WITHDRAWN


def _detail(record: Record) -> Interpretation | None:
    if record.kind != Kind.INTERPRETATION:
        return None
    return Interpretation.objects.filter(record=record).first()


def ready_interpretations(policy: Record) -> list[Interpretation]:
    """Approved (or scheduled) interpretations that can go out together with ``policy``:
    every other document they explain is already out."""
    candidates = (
        Interpretation.objects.filter(
            policies=policy, record__status__in=[Status.APPROVED, Status.SCHEDULED]
        )
        .select_related("record")
        .prefetch_related("policies")
        .order_by("stage_order", "record_id")
    )
    return [i for i in candidates if all(p.pk == policy.pk or is_live(p) for p in i.policies.all())]


def _has_published_interpretation(policy: Record) -> bool:
    return Interpretation.objects.filter(policies=policy).published().exists()


# --- Checks ---------------------------------------------------------------------------------


def content_problems(interpretation: Interpretation) -> list[str]:
    """What a reader would miss: each form needs its own content, always in text too."""
    problems: list[str] = []
    if not interpretation.policies.exists():
        problems.append("解读须关联所解读的政策文件。")
    form = interpretation.form
    if form == Form.QA and not interpretation.qa_entries.current().exists():
        problems.append("问答解读至少需要一组问题和回答。")
    if form == Form.GRAPHIC and not interpretation.images.current().exists():
        problems.append("图解至少需要一张图片（带替代文字和文字说明）。")
    if form == Form.VIDEO:
        if not interpretation.video_id and not interpretation.video_url:
            problems.append("视频解读须上传视频文件或填写视频链接。")
        if not interpretation.captions_id and not interpretation.transcript.strip():
            problems.append(
                "视频解读须有字幕文件或文字实录，听障读者和不便播放视频的读者才能读到。"
            )
    if form == Form.PRESS_CONFERENCE:
        if not interpretation.speakers.current().exists():
            problems.append("新闻发布会须填写发布人（姓名和职务）。")
        if not interpretation.transcript.strip():
            problems.append("新闻发布会须有文字实录。")
    if form == Form.EXPERT_ARTICLE and not interpretation.interpreter_name.strip():
        problems.append("专家解读须写明解读专家的姓名。")
    return problems


def preparation_problems(policy: Record) -> list[str]:
    """The plan and the risk assessment a policy is submitted with."""
    from gongkai.interpretations.models import InterpretationPlan, RiskAssessment

    problems: list[str] = []
    plan = InterpretationPlan.objects.filter(policy=policy).first()
    risk = RiskAssessment.objects.filter(policy=policy).first()
    label = policy.item.name
    if plan is None:
        problems.append(f"“{label}”报审时须一并报送解读方案（解读形式、时间安排、解读人）。")
    elif missing := plan.missing():
        problems.append(f"解读方案未填写完整：缺少{'、'.join(missing)}。")
    if risk is None:
        problems.append(
            f"“{label}”报审时须一并报送舆情风险评估（风险等级、预判的社会关注点、回应口径、"
            "舆情监测责任人）。"
        )
    elif missing := risk.missing():
        problems.append(f"舆情风险评估未填写完整：缺少{'、'.join(missing)}。")
    return problems


def submit_checks(record: Record) -> list[str]:
    detail = _detail(record)
    if detail is not None:
        return content_problems(detail)
    if needs_interpretation(record):
        return preparation_problems(record)
    return []


def publish_checks(record: Record) -> list[str]:
    detail = _detail(record)
    if detail is not None:
        return [
            f"解读须与所解读的文件“{p.title}”同时发布：请发布或定时发布该文件，"
            "审核通过的解读会随之发布。"
            for p in detail.policies.all()
            if not is_live(p) and p.status != Status.SCHEDULED
        ]
    if (
        needs_interpretation(record)
        and not _has_published_interpretation(record)
        and not ready_interpretations(record)
    ):
        return [
            f"“{record.item.name}”须与政策解读同时发布：请先让该文件的解读通过审核"
            "（公文审核和政务公开审核），再发布文件。"
        ]
    return []


# --- Actions in the publishing transaction --------------------------------------------------


def _publish_with(interpretation: Interpretation, policy: Record, by: User) -> bool:
    record = interpretation.record
    note = f"与“{policy.title}”同时发布"
    if by is None:
        # The scheduler: only what was scheduled with the policy goes out with it.
        if record.status != Status.SCHEDULED:
            return False
        action = "publish_scheduled"
    else:
        if record.status == Status.SCHEDULED:
            record = records.unschedule(record, by=by, note=note)
        action = "publish"
    published = records.workflow.apply(record, action, by=by, note=note, at=policy.published_at)
    # The records app's own publication step (version, index number, hooks), so an
    # interpretation published with its policy is frozen exactly like any other record.
    records.complete_publication(published, by=by, change_note="")
    return True


def after_publish(record: Record, by: User) -> None:
    detail = _detail(record)
    if detail is not None:
        early = [p.title for p in detail.policies.all() if not is_live(p)]
        if early:
            raise ValidationError(
                f"“{'”“'.join(early)}”尚未发布：解读会在文件发布时随之发布，不能提前单独发布。"
            )
        return
    if record.current_version is not None and record.current_version.number > 1:
        return  # a revision: its interpretations are already out and follow their own course
    for interpretation in ready_interpretations(record):
        _publish_with(interpretation, record, by)
    if needs_interpretation(record) and not _has_published_interpretation(record):
        raise ValidationError(
            f"“{record.title}”须与经审核通过的政策解读同时发布，但没有可以同时发布的解读。"
        )


def after_schedule(record: Record, by: User) -> None:
    detail = _detail(record)
    if detail is not None:
        for policy in detail.policies.all():
            if is_live(policy):
                continue
            if policy.status != Status.SCHEDULED or policy.scheduled_at != record.scheduled_at:
                when = (
                    f"{timezone.localtime(policy.scheduled_at):%Y-%m-%d %H:%M}"
                    if policy.status == Status.SCHEDULED and policy.scheduled_at
                    else "文件的发布时间"
                )
                raise ValidationError(
                    f"解读须与“{policy.title}”同时发布：定时发布时间应为{when}。"
                    "定时发布文件时，审核通过的解读会自动定在同一时间。"
                )
        return
    if record.current_version_id is not None:
        return  # a revision of a published policy: its interpretations are already out
    assert record.scheduled_at is not None
    for interpretation in ready_interpretations(record):
        target = interpretation.record
        if target.status == Status.SCHEDULED:
            if target.scheduled_at == record.scheduled_at:
                continue
            target = records.unschedule(target, by=by, note="随文件调整定时发布时间")
        records.schedule(target, by=by, at=record.scheduled_at, note=f"与“{record.title}”同时发布")


def after_withdraw(record: Record, by: User) -> None:
    """Withdrawing a policy withdraws the interpretations that explain nothing else still out,
    with a public notice that names the policy."""
    if record.kind == Kind.INTERPRETATION:
        return
    pending = Interpretation.objects.filter(policies=record).exclude(
        record__status=Status.WITHDRAWN
    )
    for interpretation in pending.select_related("record"):
        others = interpretation.policies.exclude(pk=record.pk).exclude(status=Status.WITHDRAWN)
        if others.exists():
            continue
        today = timezone.localdate()
        reason = (
            f"所解读的文件“{record.title}”已于{today.year}年{today.month}月{today.day}日撤回"
            f"（撤回原因：{record.withdrawn_reason}），本解读随之撤回。"
        )
        records.withdraw(interpretation.record, by=by, reason=reason)


def publishes_alone(record: Record) -> bool:
    detail = _detail(record)
    if detail is None:
        return True
    return all(is_live(p) or p.status == Status.WITHDRAWN for p in detail.policies.all())


def snapshot(record: Record) -> dict[str, Any]:
    """What the public page of the interpretation shows, frozen with the version."""
    detail = _detail(record)
    if detail is None:
        return {}
    return {
        "form": detail.form,
        "form_label": detail.get_form_display(),
        "stage": detail.stage,
        "stage_order": detail.stage_order,
        "interpreter": detail.interpreter,
        "contact_phone": detail.contact_phone,
        "transcript": detail.transcript,
        "video": detail.video_id,
        "video_type": detail.video.content_type if detail.video else "",
        "video_url": detail.video_url,
        "captions": detail.captions_id,
        "policies": list(detail.policies.order_by("pk").values_list("pk", flat=True)),
        "speakers": [{"name": s.name, "title": s.title} for s in detail.speakers.current()],
        "qa": [
            {
                "question": e.question,
                "answer": e.answer,
                "answerer": e.answerer,
                "asked_by": e.asked_by,
            }
            for e in detail.qa_entries.current()
        ],
        "images": [
            {"media": i.media_id, "alt_text": i.alt_text, "description": i.description}
            for i in detail.images.current()
        ],
    }


def public_text(record: Record) -> list[tuple[str, str]]:
    """The words of the captions file readers can download (the rest of what the public
    page shows is in ``snapshot``)."""
    detail = _detail(record)
    if detail is None or detail.captions is None:
        return []
    return [("政策解读字幕文件", detail.captions.text)]


def frozen_media_ids(metadata: dict[str, Any]) -> set[int]:
    data = metadata.get(NAME) or {}
    ids = {image["media"] for image in data.get("images", [])}
    ids.update(pk for pk in (data.get("video"), data.get("captions")) if pk)
    return ids


# --- Panels on the record pages -------------------------------------------------------------


def public_panel(record: Record) -> str:
    """What the public page shows, from published versions only: an interpretation's frozen
    content and the policies it explains (their published titles); a policy's timeline of
    the interpretations whose published version names it."""
    from gongkai.records.models import PublicRecord

    if record.kind == Kind.INTERPRETATION:
        version = record.current_version
        data = (version.metadata.get(NAME) if version else None) or {}
        if not data:
            return ""
        policies = PublicRecord.objects.filter(
            pk__in=data.get("policies", []), withdrawn_at__isnull=True
        ).order_by("pk")
        return render_to_string(
            "interpretations/_public_interpretation.html",
            {"record": record, "data": data, "policies": policies},
        )
    # Most records explain nothing and have no interpretation: a plain existence check on the
    # link table first keeps this panel off the hot path of every record page.
    linked = Interpretation.policies.through.objects.filter(record_id=record.pk)
    if not linked.exists():
        return ""
    rows = PublicRecord.objects.filter(
        pk__in=linked.values("interpretation__record_id"), withdrawn_at__isnull=True
    ).select_related("version")
    timeline = []
    for row in rows:
        data = row.version.metadata.get(NAME) or {}
        if record.pk in data.get("policies", []):  # as published, not as being revised
            timeline.append((data.get("stage_order") or 0, row.first_published_at, row, data))
    if not timeline:
        return ""
    timeline.sort(key=lambda entry: (entry[0], entry[1], entry[2].pk))
    return render_to_string(
        "interpretations/_public_policy.html",
        {"record": record, "timeline": [(row, data) for _, _, row, data in timeline]},
    )


def public_paths(change: Any) -> list[str]:
    """Pages to purge when a record's public row changes: an interpretation shows on the
    listing and on the pages of the policies it explains (as published before and after);
    a policy's title shows on the pages of its interpretations."""
    from django.urls import reverse

    from gongkai.records.models import RecordVersion

    facts = change.facts
    if any(f.kind == Kind.INTERPRETATION for f in facts):
        versions = RecordVersion.objects.filter(pk__in=[f.version_id for f in facts])
        policies = {
            pk
            for version in versions
            for pk in (version.metadata.get(NAME) or {}).get("policies", [])
        }
        return [reverse("interpretations:list")] + [
            reverse("portal:record", args=[pk]) for pk in sorted(policies)
        ]
    linked = Interpretation.objects.filter(policies=change.record_id).values_list(
        "record_id", flat=True
    )
    return [reverse("portal:record", args=[pk]) for pk in linked]


def staff_panel(record: Record, user: Any) -> str:
    from gongkai.interpretations.models import InterpretationPlan, RiskAssessment

    detail = _detail(record)
    if detail is not None:
        return render_to_string(
            "interpretations/_staff_interpretation.html",
            {
                "record": record,
                "detail": detail,
                "problems": content_problems(detail) if record.status == Status.DRAFT else [],
                "can_edit": can.can_edit_content(user, record),
            },
        )
    interpretations = list(
        Interpretation.objects.filter(policies=record).select_related("record").timeline()
    )
    needed = needs_interpretation(record)
    plan = InterpretationPlan.objects.filter(policy=record).first()
    risk = RiskAssessment.objects.filter(policy=record).select_related("monitoring_owner").first()
    if not (needed or plan or risk or interpretations or can.can_interpret(user, record)):
        return ""
    return render_to_string(
        "interpretations/_staff_policy.html",
        {
            "record": record,
            "needed": needed,
            "plan": plan,
            "risk": risk,
            "problems": preparation_problems(record) if needed else [],
            "interpretations": interpretations,
            "can_prepare": can.can_prepare(user, record) and record.kind == Kind.DOCUMENT,
            "can_interpret": can.can_interpret(user, record),
        },
    )
