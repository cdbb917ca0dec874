from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from gongkai.core.models import AuditEvent
from gongkai.core.workflow import Transition, TransitionNotAllowed, Workflow
from gongkai.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# A throwaway workflow over Organisation.is_active-like text field: use `short_name` as the
# status field so the engine is tested without a dedicated model.
flow: Workflow[Organisation] = Workflow(
    "demo",
    [
        Transition("open", ("",), "open", "打开"),
        Transition("close", ("open",), "closed", "关闭", needs_note=True),
        Transition(
            "seal",
            ("closed",),
            "sealed",
            "封存",
            allowed=lambda user, obj: getattr(user, "username", "") == "boss",
            denied_message="只有负责人可以封存。",
        ),
    ],
    field="short_name",
)


def test_a_transition_moves_the_state_and_writes_one_audit_row(county, clerk):
    county.short_name = ""
    county.save()
    moved = flow.apply(county, "open", by=clerk, note="开始")
    assert moved.short_name == "open"
    event = AuditEvent.objects.for_object(county).get(verb="demo.open")
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "",
        "open",
        clerk,
        "开始",
    )


def test_an_action_not_in_the_table_for_this_state_is_refused(county, clerk):
    county.short_name = ""
    county.save()
    with pytest.raises(TransitionNotAllowed, match="不能执行"):
        flow.apply(county, "seal", by=clerk)
    assert not AuditEvent.objects.for_object(county).exists()


def test_the_predicate_guards_the_transition(county, clerk):
    county.short_name = "closed"
    county.save()
    with pytest.raises(PermissionDenied, match="负责人"):
        flow.apply(county, "seal", by=clerk)


def test_a_transition_that_needs_a_note_refuses_an_empty_one(county, clerk):
    county.short_name = "open"
    county.save()
    with pytest.raises(TransitionNotAllowed, match="说明"):
        flow.apply(county, "close", by=clerk, note="  ")


def test_a_stale_copy_cannot_move_the_row_twice(county, clerk):
    county.short_name = "open"
    county.save()
    stale = Organisation.objects.get(pk=county.pk)
    flow.apply(county, "close", by=clerk, note="第一次")
    with pytest.raises(TransitionNotAllowed):
        flow.apply(stale, "close", by=clerk, note="第二次")
    assert AuditEvent.objects.for_object(county).filter(verb="demo.close").count() == 1


def test_unknown_actions_are_refused(county, clerk):
    with pytest.raises(TransitionNotAllowed, match="未知操作"):
        flow.apply(county, "explode", by=clerk)


def test_duplicate_actions_in_a_table_are_a_programming_error():
    with pytest.raises(ValueError):
        Workflow("bad", [Transition("a", ("x",), "y", "甲"), Transition("a", ("y",), "z", "乙")])


def test_an_effect_runs_after_the_checks_and_adds_to_the_audit_row(county, clerk, city):
    done = []

    def effect(user, locked):
        done.append(locked.short_name)  # the checks passed: still in the old state
        locked.name = "已由效果改名"
        return {"renamed": True}

    def refuse(user, locked):
        raise TransitionNotAllowed("不行")

    effects = Workflow(
        "demo_effect",
        [
            Transition("start", ("",), "started", "开始", effect=effect),
            Transition("refused", ("started",), "x", "拒绝", guard=refuse, effect=effect),
        ],
        field="short_name",
        audit_target=lambda organisation: organisation.parent,
    )
    county.short_name = ""
    county.save()
    moved = effects.apply(county, "start", by=clerk, data={"why": "测试"})
    assert done == [""] and moved.name == "已由效果改名" and moved.short_name == "started"
    event = AuditEvent.objects.for_object(city).get(verb="demo_effect.start")
    assert event.data == {"why": "测试", "renamed": True}
    assert not AuditEvent.objects.for_object(county).filter(verb="demo_effect.start").exists()
    with pytest.raises(TransitionNotAllowed):
        effects.apply(moved, "refused", by=clerk)
    assert done == [""]  # a refused transition does no work
