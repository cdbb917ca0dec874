"""Events where the public takes part: announce, then record; or cancel with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gongkai.consultations import permissions as can
from gongkai.consultations.models import Event, EventStatus
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, Workflow
from gongkai.organisations.models import Organisation

if TYPE_CHECKING:
    from gongkai.accounts.models import User

E = EventStatus
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "how_to_take_part",
    "consultation",
)


event_workflow: Workflow[Event] = Workflow(
    "event",
    [
        Transition(
            "announce",
            (E.DRAFT,),
            E.ANNOUNCED,
            "发布预告",
            allowed=can.can_manage_event,
            timestamp="announced_at",
        ),
        Transition(
            "record",
            (E.ANNOUNCED,),
            E.RECORDED,
            "发布活动记录",
            allowed=can.can_manage_event,
            timestamp="recorded_at",
        ),
        Transition(
            "cancel",
            (E.DRAFT, E.ANNOUNCED),
            E.CANCELLED,
            "取消活动",
            allowed=can.can_manage_event,
            timestamp="cancelled_at",
            needs_note=True,
        ),
    ],
)


def create_event(*, by: User, organisation: Organisation, **fields: Any) -> Event:
    event = Event(organisation=organisation, created_by=by)
    if not can.can_manage_event(by, event):
        raise PermissionDenied("您不能为该单位发布活动。")
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"unexpected field {name}")
        setattr(event, name, value)
    event.full_clean()
    with transaction.atomic():
        event.save()
        record_event(Verb.EVENT_CREATE, actor=by, target=event)
    return event


def update_event(event: Event, *, by: User, **fields: Any) -> Event:
    """Edit an announcement; the audit row keeps the old values."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not can.can_manage_event(by, locked):
            raise PermissionDenied("您不能修改该活动。")
        if locked.status not in (E.DRAFT, E.ANNOUNCED):
            raise ValidationError("已记录或已取消的活动不能修改。")
        changes = {}
        for name, value in fields.items():
            if name not in EDITABLE_FIELDS:
                raise TypeError(f"unexpected field {name}")
            if getattr(locked, name) != value:
                changes[name] = [str(getattr(locked, name)), str(value)]
                setattr(locked, name, value)
        if changes:
            locked.full_clean()
            locked.save()
            record_event(Verb.EVENT_EDIT, actor=by, target=locked, data={"changes": changes})
    return locked


def announce_event(event: Event, *, by: User) -> Event:
    return event_workflow.apply(event, "announce", by=by)


def record_event_outcome(
    event: Event, *, by: User, record_body: str, participants: int | None = None
) -> Event:
    # Checked here: the engine applies ``changes`` after its guard has run.
    if not record_body.strip():
        raise ValidationError("请填写活动记录。")
    return event_workflow.apply(
        event,
        "record",
        by=by,
        changes={"record_body": record_body.strip(), "participants": participants},
    )


def cancel_event(event: Event, *, by: User, reason: str) -> Event:
    return event_workflow.apply(
        event, "cancel", by=by, note=reason, changes={"cancelled_reason": reason.strip()}
    )
