"""The records demo data gives every item and every workbench queue something to show."""

from __future__ import annotations

import io

import pytest
from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.core.audit import verify_chain
from gongkai.demo.steps import seed_accounts, seed_organisations
from gongkai.records import demo
from gongkai.records.models import Record, Status, Validity


@pytest.fixture
def command() -> BaseCommand:
    return BaseCommand(stdout=io.StringIO())


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
def test_demo_records_cover_every_item_and_state_and_load_only_once(command):
    seed_organisations(command)
    seed_accounts(command)

    demo.seed(command)
    count = Record.objects.count()
    demo.seed(command)

    assert Record.objects.count() == count
    assert 1800 <= count <= 2300
    assert Record.objects.published().values("item__code").distinct().count() == 34
    years = set(Record.objects.published().values_list("formed_on__year", flat=True))
    assert {2024, 2025} <= years
    statuses = set(Record.objects.values_list("status", flat=True))
    assert set(Status.values) <= statuses
    assert Record.objects.filter(validity=Validity.REPEALED, replaced_by__isnull=False).exists()
    assert Record.objects.filter(versions__number=2).exists()
    assert Record.objects.overdue(timezone.localdate()).exists()
    assert verify_chain() is None
