from __future__ import annotations

import pytest
from django.core.management import call_command

from gongkai.concerns.models import Concern, Status

pytestmark = pytest.mark.django_db


def test_demo_concerns_are_seeded_once():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Concern.objects.count() == 2
    answered = Concern.objects.get(status=Status.RESPONDED)
    assert [c.state for c in answered.clocks()] == ["on_time"]
    running = Concern.objects.get(status=Status.REGISTERED)
    assert [c.name for c in running.clocks()] == ["authoritative", "press_conference"]
    assert {c.state for c in running.clocks()} <= {"running", "due_soon"}
