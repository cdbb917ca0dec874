from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from gongkai.demo.steps import DEMO_STEPS
from gongkai.disclosures import demo, elements
from gongkai.disclosures.history import progress_updates
from gongkai.records.models import Kind, Record

pytestmark = pytest.mark.django_db


def test_demo_data_has_guides_a_power_list_and_tracked_reforms_and_runs_twice(client):
    command = SimpleNamespace(stdout=io.StringIO())
    for step in DEMO_STEPS:
        step(command)
    demo.seed(command)
    demo.seed(command)  # idempotent

    guides = Record.objects.published().filter(kind=Kind.SERVICE_GUIDE)
    titles = set(guides.values_list("title", flat=True))
    assert len(titles) == guides.count() >= 8
    for name in (
        "转学",
        "休学",
        "随迁子女入学",
        "教师资格认定",
        "学籍信息变更",
        "入学登记",
        "民办",
    ):
        assert any(name in t for t in titles), name
    for guide in guides:
        assert elements.missing_elements(guide.kind, elements.published_data(guide)) == []
    assert Record.objects.published().filter(kind=Kind.POWER_ITEM).count() >= 3
    assert Record.objects.published().filter(kind=Kind.SUPERVISION_MATTER).count() >= 2
    reforms = Record.objects.published().filter(kind=Kind.REFORM)
    assert reforms.count() == 3
    for reform in reforms:
        assert len(progress_updates(reform)) == 2
    page = client.get(reverse("disclosures:services")).content.decode()
    assert all(t in page for t in titles)
