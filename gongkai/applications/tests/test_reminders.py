"""Reminders go to the handlers of the organisation, once each, without personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from gongkai.applications import services
from gongkai.applications.models import SentReminder, Status
from gongkai.applications.reminders import send_reminders
from gongkai.applications.tasks import daily_applications
from gongkai.applications.testing import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(clerk):
    clerk.email = "clerk@example.invalid"
    clerk.save()
    return clerk


def test_due_soon_then_overdue_each_sent_once(handler, other_county_clerk, travel):
    travel(2025, 10, 16)
    application = make_application(by=handler, received_on=date(2025, 9, 18))  # due 10/22
    other_county_clerk.email = "other@example.invalid"
    other_county_clerk.save()
    assert send_reminders(date(2025, 10, 16)) == 1
    assert send_reminders(date(2025, 10, 16)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["clerk@example.invalid"]
    assert "即将到期" in message.subject and application.reference in message.subject
    assert application.applicant.name not in message.body + message.subject
    assert send_reminders(date(2025, 10, 23)) == 1
    assert send_reminders(date(2025, 10, 24)) == 0
    assert "已超期" in mail.outbox[1].subject
    kinds = set(SentReminder.objects.values_list("kind", flat=True))
    assert kinds == {"due_soon", "overdue"}


def test_the_daily_job_closes_lapsed_corrections_and_reminds(handler, travel):
    travel(2026, 2, 3)
    application = make_application(by=handler, received_on=date(2026, 1, 29))
    services.request_correction(
        application, by=handler, on=date(2026, 2, 3), until_on=date(2026, 2, 13), note="请补正"
    )
    travel(2026, 2, 14)
    result = daily_applications.call_local()
    assert result["closed"] == [application.pk]
    application.refresh_from_db()
    assert application.status == Status.REPLIED
