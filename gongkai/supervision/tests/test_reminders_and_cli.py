"""Digests are sent once; the CLI prints the compliance states and the annual tables."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from gongkai.accounts.models import Role
from gongkai.supervision.models import Digest
from gongkai.supervision.reminders import send_digests
from gongkai.supervision.testing import Team, make_application
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 15)


@pytest.fixture
def late_unit(county, school):
    team = Team(school)
    team.clerk.email = "clerk@school.example"
    team.clerk.save()
    team.draft(school, "05.05", date(2025, 12, 1), title="招生结果公告")  # overdue
    team.draft(school, "05.04", date(2025, 12, 19), title="招生范围公告")  # due 19 Jan
    return team


def test_units_get_their_due_and_overdue_items_and_supervisors_the_worst_offenders(
    late_unit, school, county, city, supervisor
):
    supervisor.email = "city@example.org"
    supervisor.save()
    sent = send_digests(today=TODAY)
    unit = Digest.objects.get(organisation=school, audience="unit")
    assert any(line.startswith("已超期") and "招生结果公告" in line for line in unit.lines)
    assert any(line.startswith("即将到期") and "招生范围公告" in line for line in unit.lines)
    top = Digest.objects.get(organisation=city, audience="supervisor")
    assert top.lines == [f"{school.name}：超期未公开 1 条"]
    assert {tuple(m.to) for m in mail.outbox} == {
        ("clerk@school.example",),
        ("city@example.org",),
    }
    assert len(sent) == 2


def test_a_digest_is_never_sent_twice(late_unit):
    send_digests(today=TODAY)
    count = len(mail.outbox)
    assert send_digests(today=TODAY) == []
    assert len(mail.outbox) == count
    assert Digest.objects.count() == 1  # no supervisor: one unit digest


def test_digests_appear_on_the_reminders_page(client, late_unit, school):
    send_digests(today=TODAY)
    client.force_login(late_unit.clerk)
    page = client.get("/staff/supervision/digests/").content.decode()
    assert "招生结果公告" in page
    outsider = make_user(roles=[Role.CLERK])
    client.force_login(outsider)
    assert "招生结果公告" not in client.get("/staff/supervision/digests/").content.decode()


def test_supervision_report_prints_the_states_as_json(county, city):
    Team(county).published(county, "05.03", date(2025, 9, 3), date(2025, 10, 10))
    out = StringIO()
    call_command("supervision", "report", "--org", city.code, "--year", "2025",
                 "--today", "2026-01-15", "--format", "json", stdout=out)  # fmt: skip
    payload = json.loads(out.getvalue())
    found = [c for c in payload["cells"] if c["organisation"] == county.code
             and c["item"] == "05.03"]  # fmt: skip
    assert found[0]["state"] == "late" and found[0]["late_working_days"] == 2
    assert payload["indicators"][county.code]["rates"]["concern_on_time"] is None


@pytest.mark.parametrize("name", ["annual-report", "annual_report"])
def test_annual_report_command_prints_the_tables(county, name):
    make_application(county, received_on=date(2025, 3, 1), category="granted",
                     replied_on=date(2025, 3, 10))  # fmt: skip
    out = StringIO()
    call_command(name, "--org", county.code, "--year", "2025", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["tables"]["three"]["r1"]["total"] == 1
    assert payload["tables"]["three"]["r3_1"]["natural"] == 1
    assert payload["errors"] == []


def test_annual_report_command_fails_on_inconsistent_data(county):
    make_application(county, received_on=date(2026, 2, 1), category="granted",
                     replied_on=date(2025, 3, 10))  # fmt: skip
    with pytest.raises(CommandError, match="勾稽关系"):
        call_command("annual_report", "--org", county.code, "--year", "2025", stdout=StringIO())
