"""On-time statistics for supervision, and the concern workflow table."""

from __future__ import annotations

import pytest
import time_machine

from gongkai.concerns import services
from gongkai.concerns.models import Concern, Level, Status
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.core.workflow import TransitionNotAllowed, pairs
from gongkai.organisations.models import Organisation

from .helpers import publish_response

pytestmark = pytest.mark.django_db


def test_on_time_stats_count_met_late_and_open_overdue_per_clock(
    officer, clerk, document_reviewer, county, other_county_officer
):
    with time_machine.travel(at("2026-03-10 12:00"), tick=False):
        on_time = make_concern(
            by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS
        )
        late = make_concern(by=officer, discovered_at=at("2026-03-03 10:00"), level=Level.SERIOUS)
        overdue = make_concern(by=officer, discovered_at=at("2026-03-04 10:00"))
        make_concern(by=officer, discovered_at=at("2026-02-01 10:00"))  # before the period
        make_concern(by=other_county_officer, discovered_at=at("2026-03-04 10:00"))
        withdrawn = make_concern(by=officer, discovered_at=at("2026-03-05 10:00"))
        services.withdraw(withdrawn, by=officer, reason="重复登记")
    for concern, when in ((on_time, "2026-03-02 14:00"), (late, "2026-03-03 16:00")):
        with time_machine.travel(at(when), tick=False):
            publish_response(concern, clerk=clerk, reviewer=document_reviewer)
    assert overdue

    stats = Concern.objects.on_time_stats(
        Organisation.objects.filter(pk=county.pk),
        at("2026-03-01 00:00"),
        at("2026-04-01 00:00"),
        now=at("2026-03-10 12:00"),
    )

    rows = {(s.level, s.clock): (s.met, s.late, s.open_overdue, s.open_running) for s in stats}
    assert rows == {
        ("general", "response"): (0, 0, 1, 0),
        ("serious", "authoritative"): (1, 1, 0, 0),
        ("serious", "press_conference"): (0, 0, 2, 0),
    }
    assert {s.organisation for s in stats} == {county}
    authoritative = next(s for s in stats if s.clock == "authoritative")
    assert authoritative.on_time_rate == 0.5


ALLOWED = {
    "registered": {"assess", "respond", "withdraw"},
    "assessed": {"assess", "start_handling", "respond", "withdraw"},
    "handling": {"respond"},
    "responded": {"follow_up", "close"},
    "following_up": {"follow_up", "close"},
    "closed": set(),
    "withdrawn": set(),
}


@pytest.mark.parametrize(("state", "action", "allowed"), pairs(services.workflow, Status.values))
def test_every_state_and_action_pair_follows_the_table(officer, state, action, allowed):
    assert allowed == (action in ALLOWED[state])
    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        concern = make_concern(by=officer, discovered_at=at("2026-03-02 10:00"))
    Concern.objects.filter(pk=concern.pk).update(status=state)
    concern.refresh_from_db()
    note = "说明"
    changes = {"plan": "方案"} if action == "assess" else None
    if allowed:
        moved = services.workflow.apply(concern, action, by=officer, note=note, changes=changes)
        assert moved.status == services.workflow.get(action).target
    else:
        with pytest.raises(TransitionNotAllowed):
            services.workflow.apply(concern, action, by=officer, note=note, changes=changes)
