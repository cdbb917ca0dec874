"""Loading next year's holiday notice recomputes every open deadline, audits each change and
tells the people whose deadline moved."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from gongkai.accounts.models import Role
from gongkai.applications.testing import make_application
from gongkai.core.calendar import is_provisional, load_notice
from gongkai.core.calendar.notice import parse_notice_text
from gongkai.core.models import AuditEvent
from gongkai.core.tests.notices import NOTICE_2027_LIKE
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(county):
    return make_user(roles=[Role.CLERK], organisation=county, email="handler@example.invalid")


@pytest.fixture
def applications(handler, travel):
    travel(2026, 12, 4)
    december = make_application(by=handler, received_on=date(2026, 12, 4))
    travel(2027, 2, 1)
    february = make_application(by=handler, received_on=date(2027, 2, 1))
    return december, february


def test_loading_the_notice_makes_a_provisional_date_final_and_moves_the_ones_it_changes(
    applications, system_admin, django_capture_on_commit_callbacks
):
    december, february = applications
    assert december.due_on == date(2027, 1, 4) and "暂定" in december.clock_explanation
    # Provisionally 春节 is 2-5 and 2-8..2-10 off; the notice gives 2-5..2-13 off and works
    # Saturday 2-20.
    assert february.due_on == date(2027, 3, 5)
    notice = parse_notice_text(NOTICE_2027_LIKE).as_year_notice()
    with django_capture_on_commit_callbacks(execute=True):
        result = load_notice(notice, by=system_admin)

    december.refresh_from_db()
    february.refresh_from_db()
    assert december.due_on == date(2027, 1, 4)
    assert "暂定" not in december.clock_explanation
    assert not is_provisional(december.due_on)
    assert february.due_on == date(2027, 3, 8)
    assert "暂定" not in february.clock_explanation

    [moved] = [m for m in result.moved if m.target == february and m.what == "答复期限"]
    # The 7 working days for a correction notice (第三十条) moved too: 2-16 → 2-18.
    [notice_by] = [m for m in result.moved if m.target == february and m.what == "补正告知期限"]
    assert (notice_by.old, notice_by.new) == (date(2027, 2, 16), date(2027, 2, 18))
    assert (moved.what, moved.old, moved.new, moved.was_provisional) == (
        "答复期限",
        date(2027, 3, 5),
        date(2027, 3, 8),
        True,
    )
    assert "由 2027年3月5日（暂定） 改为 2027年3月8日" in moved.sentence
    assert [p.email for p in moved.people] == ["handler@example.invalid"]
    assert not any(m.target == december for m in result.moved)

    # Each application whose clock changed has its own audit row; the load itself one.
    for application in (december, february):
        assert (
            AuditEvent.objects.for_object(application)
            .filter(verb="application.deadline_recomputed", actor=system_admin)
            .exists()
        )
    load = AuditEvent.objects.get(verb="calendar.import", actor=system_admin)
    assert load.data["year"] == 2027 and load.data["moved"] == len(result.moved)

    [message] = mail.outbox
    assert message.to == ["handler@example.invalid"]
    assert "2027年3月5日（暂定） 改为 2027年3月8日" in message.body
    assert f"/staff/applications/{february.pk}/" in message.body
    # ... and the same news waits in the handler's inbox on the workbench.
    from gongkai.notifications.models import Notification

    [inbox] = Notification.objects.filter(user__email="handler@example.invalid")
    assert inbox.kind == "deadline" and "重新计算" in inbox.subject
    assert "2027年3月5日（暂定） 改为 2027年3月8日" in inbox.body


def test_the_workdays_command_loads_the_notice_text_and_lists_what_moved(
    applications, tmp_path, django_capture_on_commit_callbacks
):
    _, february = applications
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027_LIKE, encoding="gb18030")  # as saved by a Windows editor
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("workdays", "import", str(path), stdout=out)
    assert "2027: 29 holidays, 6 make-up working days" in out.getvalue()
    assert "答复期限由 2027年3月5日（暂定） 改为 2027年3月8日" in out.getvalue()
    february.refresh_from_db()
    assert february.due_on == date(2027, 3, 8)


def test_the_workdays_command_refuses_a_notice_with_a_mistake(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(
        NOTICE_2027_LIKE.replace("1月31日（周日）", "1月31日（周一）"), encoding="utf-8"
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="星期日"):
        call_command("workdays", "import", str(path), stdout=StringIO())


def test_the_preview_shows_what_loading_would_move_and_changes_nothing(applications, system_admin):
    from gongkai.core.calendar.loading import preview_load

    _, february = applications
    notice = parse_notice_text(NOTICE_2027_LIKE).as_year_notice()
    previewed = preview_load(notice)
    assert "答复期限由 2027年3月5日（暂定） 改为 2027年3月8日" in [
        m.sentence.split("：", 1)[1] for m in previewed if m.target == february
    ]
    february.refresh_from_db()
    assert february.due_on == date(2027, 3, 5)
    assert is_provisional(february.due_on)
    assert not AuditEvent.objects.filter(verb="application.deadline_recomputed").exists()
    loaded = load_notice(notice, by=system_admin)
    assert [m.sentence for m in previewed] == [m.sentence for m in loaded.moved]
