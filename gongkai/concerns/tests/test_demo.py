from __future__ import annotations

import pytest
from django.core.management import call_command

from gongkai.concerns.models import Concern, Status

pytestmark = pytest.mark.django_db


def test_demo_concerns_are_seeded_once():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Concern.objects.count() == 2
    assert set(Concern.objects.values_list("status", flat=True)) == {
        Status.REGISTERED,
        Status.ASSESSED,
    }
