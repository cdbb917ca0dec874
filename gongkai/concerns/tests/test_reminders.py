"""Reminders to the officer and escalation to supervisors, each sent exactly once."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from gongkai.concerns import services
from gongkai.concerns.models import Level, Reminder
from gongkai.concerns.tasks import send_concern_reminders
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.core.models import AuditEvent

from .helpers import publish_response

pytestmark = pytest.mark.django_db


def run_job(when: str) -> list[Reminder]:
    with time_machine.travel(at(when), tick=False):
        return services.send_due_reminders()


@pytest.fixture
def serious(officer, county_supervisor):
    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        return make_concern(by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS)


def test_reminders_and_escalation_arrive_at_the_right_minute(serious, county_supervisor):
    assert run_job("2026-03-02 12:29") == []

    half = run_job("2026-03-02 12:30")
    assert [(r.clock, r.point, r.escalated) for r in half] == [("authoritative", "half", False)]
    assert mail.outbox[-1].to == ["officer@example.com"]
    assert "时限过半" in mail.outbox[-1].subject and "还剩 2小时30分" in mail.outbox[-1].body

    assert run_job("2026-03-02 13:59") == []
    last_hour = run_job("2026-03-02 14:00")
    assert [(r.clock, r.point) for r in last_hour] == [("authoritative", "last_hour")]
    assert "还剩 1小时0分" in mail.outbox[-1].body

    assert run_job("2026-03-02 14:59") == []
    overdue = run_job("2026-03-02 15:00")
    assert [(r.clock, r.point, r.escalated) for r in overdue] == [
        ("authoritative", "overdue", True)
    ]
    assert sorted(mail.outbox[-1].to) == ["officer@example.com", "supervisor@example.com"]
    assert AuditEvent.objects.for_object(serious).filter(verb="concern.escalate").count() == 1

    # The 24-hour clock: half time at 22:00.
    assert [(r.clock, r.point) for r in run_job("2026-03-02 22:00")] == [
        ("press_conference", "half")
    ]
    assert len(mail.outbox) == 4


def test_the_job_run_twice_sends_each_reminder_once(serious):
    first = run_job("2026-03-02 12:30")
    second = run_job("2026-03-02 12:30")
    assert len(first) == 1 and second == []
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(concern=serious).count() == 1


def test_a_worker_that_loses_the_claim_sends_nothing(serious):
    # Two workers read the concern before either sends; the first claims, the second's
    # insert hits the unique constraint and it sends no mail.
    with time_machine.travel(at("2026-03-02 12:30"), tick=False):
        clock = serious.clocks()[0]
        assert services._claim_and_send(serious, clock, "half", at("2026-03-02 12:30"), False)
        assert (
            services._claim_and_send(serious, clock, "half", at("2026-03-02 12:30"), False) is None
        )
    assert len(mail.outbox) == 1


def test_the_unique_constraint_is_the_claim(serious):
    Reminder.objects.create(
        concern=serious,
        clock="authoritative",
        point="half",
        due_at=at("2026-03-02 12:30"),
        message="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            concern=serious,
            clock="authoritative",
            point="half",
            due_at=at("2026-03-02 12:30"),
            message="y",
        )


def test_a_met_clock_sends_no_reminders(serious, clerk, document_reviewer):
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        publish_response(serious, clerk=clerk, reviewer=document_reviewer)
    assert run_job("2026-03-02 16:00") == []  # authoritative info went out at 11:00
    assert [(r.clock, r.point) for r in run_job("2026-03-02 22:00")] == [
        ("press_conference", "half")
    ]


def test_the_periodic_task_sends_due_reminders(serious):
    with time_machine.travel(at("2026-03-02 15:00"), tick=False):
        assert send_concern_reminders.call_local() == 3  # half, last hour, overdue
    assert Reminder.objects.filter(escalated=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_the_same_minute_send_each_reminder_once(officer, county_supervisor):
    """Two job workers, each with its own database connection, run the reminder job for the
    same minute. On PostgreSQL they run truly at once (a barrier releases both); SQLite's
    in-memory test database takes one writer at a time, so there they run one after the
    other — the claim must hold either way."""
    import threading

    from django.db import connection

    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        make_concern(by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS)
    concurrent = connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    turn = threading.Lock()
    results: list[object] = []

    def worker() -> None:
        from django.db import connection as own

        try:
            if concurrent:
                barrier.wait(timeout=10)
                results.append(services.send_due_reminders(now=at("2026-03-02 12:30")))
            else:
                with turn:
                    results.append(services.send_due_reminders(now=at("2026-03-02 12:30")))
        except Exception as exc:
            results.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 1]  # type: ignore[arg-type]
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
