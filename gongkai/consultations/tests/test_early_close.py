"""Ending a consultation early: a reason, a confirmation, and the public page says so."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.consultations.models import Status
from gongkai.consultations.services import consultation as services
from gongkai.consultations.testing import make_consultation
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.fixture
def consultation(clerk):
    with time_machine.travel(START, tick=False):
        return make_consultation(
            by=clerk, organisation=clerk.role_grants.get().organisation, is_open=True
        )


def test_ending_early_needs_a_reason_and_a_confirmation(client, clerk, consultation):
    url = reverse("consultations:staff_act", args=[consultation.pk])
    with time_machine.travel(START + timedelta(days=10), tick=False):
        client.force_login(clerk)
        page = client.get(reverse("consultations:staff_detail", args=[consultation.pk]))
        assert "提前结束征集的原因" in page.content.decode()

        no_reason = client.post(url, {"action": "close", "note": " "}, follow=True)
        assert "请填写提前结束征集的原因" in no_reason.content.decode()

        asked = client.post(url, {"action": "close", "note": "上级文件已调整，本稿不再推进。"})
        assert asked.status_code == 200 and "确认提前结束征集" in asked.content.decode()
        assert "上级文件已调整，本稿不再推进。" in asked.content.decode()
        consultation.refresh_from_db()
        assert consultation.status == Status.OPEN  # nothing happened yet

        form = next(
            f
            for f in lxml.html.document_fromstring(asked.content.decode()).forms
            if f.fields.get("confirm") == "1"
        )
        client.post(url, dict(form.form_values()))
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED and consultation.closed_early
    assert consultation.closed_early_reason == "上级文件已调整，本稿不再推进。"
    event = AuditEvent.objects.for_object(consultation).get(verb="consultation.close")
    assert event.note == "上级文件已调整，本稿不再推进。" and event.data["early"] is True

    public = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert "提前结束" in public and "上级文件已调整，本稿不再推进。" in public
    assert "2026年4月1日" in public  # the announced closing time, for comparison


def test_the_service_refuses_an_early_end_without_a_reason(clerk, consultation):
    with (
        time_machine.travel(START + timedelta(days=1), tick=False),
        pytest.raises(ValidationError, match="提前结束的原因"),
    ):
        services.close_consultation(consultation, by=clerk)


def test_the_job_runner_ends_it_on_time_without_a_reason(consultation):
    with time_machine.travel(consultation.closes_at + timedelta(minutes=1), tick=False):
        assert services.close_due() == [consultation.pk]
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED and not consultation.closed_early
    assert consultation.phase() == "征集结束"
