"""Writing structured disclosures: a record of the kind plus its detail, saved together.

Creation and edits go through ``records.services`` (``create_record``/``update_record``), so
the record's audit rows, edit-conflict check and draft-only rule apply unchanged; the detail
is written in the same transaction and the record's body is regenerated from it
(``elements.render_body``). Review, screening, publication and withdrawal are the records
workflow itself: nothing here publishes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from gongkai.catalogue.models import FiveDisclosure, Item
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.disclosures import elements
from gongkai.disclosures.models import (
    GuideMaterial,
    GuideStep,
    PowerItem,
    Reform,
    ReformStep,
    ServiceGuide,
    SupervisionMatter,
    SupervisionResult,
)
from gongkai.organisations.models import Organisation
from gongkai.records import permissions as can
from gongkai.records import services as records
from gongkai.records.models import Kind, Record, Status

if TYPE_CHECKING:
    from gongkai.accounts.models import User


#: The detail model of each kind and, per row list, (related name, row model).
DETAIL_MODELS: dict[str, type[models.Model]] = {
    Kind.SERVICE_GUIDE: ServiceGuide,
    Kind.POWER_ITEM: PowerItem,
    Kind.SUPERVISION_MATTER: SupervisionMatter,
    Kind.REFORM: Reform,
}
ROW_MODELS: dict[str, dict[str, type[models.Model]]] = {
    Kind.SERVICE_GUIDE: {"steps": GuideStep, "materials": GuideMaterial},
    Kind.POWER_ITEM: {},
    Kind.SUPERVISION_MATTER: {"results": SupervisionResult},
    Kind.REFORM: {"steps": ReformStep},
}
#: The parent field of each row model.
_PARENT = {
    GuideStep: "guide",
    GuideMaterial: "guide",
    SupervisionResult: "matter",
    ReformStep: "reform",
}
#: Standard 四(一): guides are service disclosure, the power list and supervision matters
#: management disclosure, reforms/policies/projects execution disclosure.
FIVE_DISCLOSURE: dict[str, str] = {
    Kind.SERVICE_GUIDE: FiveDisclosure.SERVICE,
    Kind.POWER_ITEM: FiveDisclosure.MANAGEMENT,
    Kind.SUPERVISION_MATTER: FiveDisclosure.MANAGEMENT,
    Kind.REFORM: FiveDisclosure.EXECUTION,
}

Rows = dict[str, list[dict[str, Any]]]


def create_structured(
    kind: str,
    *,
    by: User,
    title: str,
    item: Item,
    organisation: Organisation,
    formed_on: date,
    detail: dict[str, Any],
    rows: Rows | None = None,
    five_disclosure: str = "",
    summary: str = "",
) -> Record:
    """A draft record of ``kind`` with its detail and generated body."""
    if kind not in DETAIL_MODELS:
        raise ValueError(f"not a structured kind: {kind}")
    with transaction.atomic():
        record = records.create_record(
            by=by,
            kind=kind,
            title=title,
            item=item,
            organisation=organisation,
            formed_on=formed_on,
            summary=summary,
            five_disclosure=five_disclosure or FIVE_DISCLOSURE[kind],
        )
        return _write(record, by=by, revision=record.revision, fields={}, detail=detail, rows=rows)


def save_structured(
    record: Record,
    *,
    by: User,
    revision: int,
    detail: dict[str, Any],
    rows: Rows | None = None,
    **fields: Any,
) -> Record:
    """Save a draft's detail (and record fields such as the title); the body follows.

    ``revision`` is the record revision the form was loaded with (``EditConflict`` if
    someone saved since)."""
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.kind not in DETAIL_MODELS:
            raise ValidationError("该信息不是结构化的五公开事项。")
        if locked.revision != revision:
            raise records.EditConflict(locked)
        if locked.status != Status.DRAFT:
            raise TransitionNotAllowed(
                f"当前状态为“{locked.get_status_display()}”，不能修改。"
                "已发布的事项请先“修订”，审核中的请先退回修改。"
            )
        if not can.can_edit(by, locked):
            raise ValidationError("您不能修改该信息。")
        return _write(locked, by=by, revision=revision, fields=fields, detail=detail, rows=rows)


def _write(
    record: Record,
    *,
    by: User,
    revision: int,
    fields: dict[str, Any],
    detail: dict[str, Any],
    rows: Rows | None,
) -> Record:
    model = DETAIL_MODELS[record.kind]
    instance: Any = model._default_manager.filter(record=record).first() or model(record=record)
    allowed = {f.name for f in model._meta.concrete_fields} - {"id", "record"}
    unknown = set(detail) - allowed
    if unknown:
        raise TypeError(f"unknown detail fields: {sorted(unknown)}")
    changed = sorted(k for k, v in detail.items() if getattr(instance, k) != v)
    for name, value in detail.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["record"])
    instance.save()
    for name, row_model in ROW_MODELS[record.kind].items():
        if rows is None or name not in rows:
            continue
        parent = _PARENT[row_model]
        built = []
        for position, row in enumerate(rows[name], start=1):
            obj: Any = row_model(**{parent: instance}, **row)
            if hasattr(obj, "order"):
                obj.order = position
            obj.full_clean(exclude=[parent])
            built.append(obj)
        row_model._default_manager.filter(**{parent: instance}).delete()
        row_model._default_manager.bulk_create(built)
        changed.append(name)
    record_event(
        Verb.DISCLOSURES_DETAIL_SAVE,
        actor=by,
        target=record,
        data={"kind": record.kind, "fields": changed},
    )
    # The title is an element (事项名称): apply it before the body is generated from it.
    record.title = fields.get("title", record.title)
    body = elements.render_body(record.kind, elements.snapshot(record))
    return records.update_record(record, by=by, revision=revision, body=body, **fields)
