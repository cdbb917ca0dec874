"""Hour clocks: natural hours from discovery, per level, met by the first qualifying response."""

from __future__ import annotations

import pytest
import time_machine
from django.test import override_settings

from gongkai.concerns import services
from gongkai.concerns.models import Level, ResponseKind, Status
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.core.models import AuditEvent

from .helpers import publish_response

pytestmark = pytest.mark.django_db


def states(concern, now):
    return {c.name: (c.state, c.text) for c in concern.clocks(now=at(now))}


def test_a_serious_concern_runs_5_and_24_hour_clocks_from_discovery(officer):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(
            by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS
        )

    assert states(concern, "2026-03-02 11:48") == {
        "authoritative": ("running", "还剩 3小时12分"),
        "press_conference": ("running", "还剩 22小时12分"),
    }
    assert states(concern, "2026-03-02 14:00")["authoritative"] == ("due_soon", "还剩 1小时0分")
    assert states(concern, "2026-03-02 14:59")["authoritative"] == ("due_soon", "还剩 1分")
    assert states(concern, "2026-03-02 15:00")["authoritative"] == ("overdue", "已超时 0分")
    assert states(concern, "2026-03-02 15:40")["authoritative"] == ("overdue", "已超时 40分")
    assert states(concern, "2026-03-03 10:00")["press_conference"] == ("overdue", "已超时 0分")


def test_other_concerns_get_one_48_hour_response_clock(officer):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.MAJOR)

    assert states(concern, "2026-03-04 09:59") == {"response": ("due_soon", "还剩 1分")}
    assert states(concern, "2026-03-04 10:00") == {"response": ("overdue", "已超时 0分")}


@override_settings(GONGKAI_CONCERN_CLOCKS={"general": {"response": 24}})
def test_clock_lengths_come_from_settings(officer):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(by=officer, discovered_at=at("2026-03-02 10:00"))

    assert states(concern, "2026-03-03 10:00") == {"response": ("overdue", "已超时 0分")}


def test_a_level_change_re_times_the_clocks_from_discovery_and_is_recorded(officer):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(by=officer, discovered_at=at("2026-03-02 10:00"))
    assert states(concern, "2026-03-02 12:00") == {"response": ("running", "还剩 46小时0分")}

    with time_machine.travel(at("2026-03-02 12:00"), tick=False):
        concern = services.change_level(
            concern, by=officer, level=Level.SERIOUS, note="涉及学生食品安全，升级为重大"
        )

    # From discovery (10:00), not from the change (12:00): 5 hours end at 15:00.
    assert states(concern, "2026-03-02 12:00") == {
        "authoritative": ("running", "还剩 3小时0分"),
        "press_conference": ("running", "还剩 22小时0分"),
    }
    event = AuditEvent.objects.for_object(concern).get(verb="concern.level")
    assert event.data == {"from": "general", "to": "serious"}
    assert event.actor == officer and "升级" in event.note


def test_each_clock_is_met_by_the_first_qualifying_published_response(
    officer, clerk, document_reviewer
):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(
            by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS
        )
    with time_machine.travel(at("2026-03-02 14:30"), tick=False):
        publish_response(concern, clerk=clerk, reviewer=document_reviewer)
    with time_machine.travel(at("2026-03-03 11:00"), tick=False):
        publish_response(
            concern, clerk=clerk, reviewer=document_reviewer, kind=ResponseKind.PRESS_CONFERENCE
        )

    concern.refresh_from_db()
    assert states(concern, "2026-03-04 09:00") == {
        "authoritative": ("on_time", "按时完成（用时 4小时30分）"),
        "press_conference": ("late", "超时完成（晚 1小时0分）"),
    }
    assert concern.status == Status.FOLLOWING_UP
    assert concern.responded_at == at("2026-03-02 14:30")


def test_a_statement_does_not_meet_the_press_conference_clock(officer, clerk, document_reviewer):
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        concern = make_concern(
            by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS
        )
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        publish_response(concern, clerk=clerk, reviewer=document_reviewer)

    assert states(concern, "2026-03-03 10:05")["press_conference"] == ("overdue", "已超时 5分")
