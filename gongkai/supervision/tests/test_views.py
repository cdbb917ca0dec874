"""Staff pages: the right role and the right organisation, or nothing."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.core.models import AuditEvent
from gongkai.supervision import annual
from gongkai.supervision.models import ScoringScheme
from gongkai.supervision.testing import Team
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-01-15 10:00 +0800", tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def county_supervisor(county):
    return make_user(roles=[Role.SUPERVISOR], organisation=county)


@pytest.fixture
def data(county, other_county, school):
    team = Team(county)
    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    team.published(school, "05.03", date(2025, 9, 3), date(2025, 10, 10))
    return team


def test_the_city_sees_its_counties_with_a_chart_a_table_and_a_summary(
    client, supervisor, county, other_county, data
):
    response = login(client, supervisor).get(reverse("supervision:dashboard") + "?year=2025")
    assert response.status_code == 200
    page = response.content.decode()
    payload = json.loads(page.split('id="sv-data" type="application/json">')[1].split("<")[0])
    assert payload["rows"] == [county.display_name, other_county.display_name]
    assert len(payload["columns"]) == 34
    assert "共2个县（市、区）参与评估" in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline scripts
    assert 'style="' not in page
    assert "vendor/echarts.min.js" in page and "supervision/dashboard.js" in page
    trend = {t["month"]: t for t in response.context["board"].trend}
    # Formed 3 June, due 1 July (端午节 skipped); formed 3 September, due 30 September.
    assert (trend[7]["due"], trend[7]["on_time"], trend[7]["rate"]) == (1, 1, 100.0)
    assert (trend[9]["due"], trend[9]["late"], trend[9]["rate"]) == (1, 1, 0.0)
    assert "已到期信息2条，按时公开1条，按时率50.0%；按时率最低的是9月（0.0%）" in page


def test_a_county_supervisor_sees_its_townships_and_schools(
    client, county_supervisor, county, school, data
):
    response = login(client, county_supervisor).get(
        reverse("supervision:dashboard") + f"?org={county.code}&year=2025"
    )
    assert response.status_code == 200
    assert response.context["board"].by_county is False
    names = [r.organisation for r in response.context["board"].rows]
    assert county in names and school in names


def test_a_county_supervisor_cannot_see_another_county_or_the_city(
    client, county_supervisor, other_county, city
):
    login(client, county_supervisor)
    for org in (other_county, city):
        url = reverse("supervision:dashboard") + f"?org={org.code}&year=2025"
        assert client.get(url).status_code == 403
        url = reverse("supervision:records") + f"?org={org.code}&year=2025"
        assert client.get(url).status_code == 403
        url = reverse("supervision:inspection") + f"?org={org.code}"
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "name,args",
    [
        ("supervision:dashboard", ()),
        ("supervision:records", ()),
        ("supervision:export", ("xlsx",)),
        ("supervision:scheme", ()),
        ("supervision:inspection", ()),
    ],
)
def test_every_supervisor_page_refuses_a_clerk_and_anonymous_users(client, clerk, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302
    assert login(client, clerk).get(url).status_code == 403


def test_drill_down_lists_the_records_behind_a_number(client, supervisor, county, data):
    login(client, supervisor)
    url = reverse("supervision:records") + f"?org={county.code}&state=late&year=2025"
    response = client.get(url)
    assert response.status_code == 200
    assert [r.item.code for r in response.context["rows"]] == ["05.03"]


def test_exports_to_xlsx_and_pdf(client, supervisor, data, county):
    from openpyxl import load_workbook

    login(client, supervisor)
    response = client.get(reverse("supervision:export", args=["xlsx"]) + "?year=2025")
    book = load_workbook(io.BytesIO(response.content))
    assert book["合规情况"]["A2"].value == county.display_name
    response = client.get(reverse("supervision:export", args=["pdf"]) + "?year=2025")
    assert response.content.startswith(b"%PDF")


def test_the_city_supervisor_edits_the_scheme_with_an_audit_row(client, supervisor):
    login(client, supervisor)
    form = {
        "on_time_points": 100, "late_points": 80, "late_deduction_per_day": 5,
        "late_floor": 30, "overdue_points": 0, "missing_points": 0,
        "blank_column_veto": 5, "stale_column_veto": 5,
    }  # fmt: skip
    assert client.post(reverse("supervision:scheme"), form).status_code == 302
    scheme = ScoringScheme.objects.get()
    assert scheme.late_deduction_per_day == 5 and scheme.updated_by == supervisor
    assert AuditEvent.objects.filter(verb="supervision.scheme").exists()
    bad = {**form, "late_floor": 90}
    assert "不能高于" in client.post(reverse("supervision:scheme"), bad).content.decode()


def test_a_county_supervisor_cannot_edit_the_city_wide_scheme(client, county_supervisor):
    assert login(client, county_supervisor).get(reverse("supervision:scheme")).status_code == 403


def test_annual_report_pages_draft_save_export_and_file(client, county, other_county):
    team = Team(county)
    login(client, team.clerk)
    url = reverse("supervision:annual", args=[county.code]) + "?year=2025"
    assert client.post(url).status_code == 302
    form = {f"section_{k}": f"第{k}部分" for k in annual.SECTION_TITLES}
    form.update(penalty=2, enforcement=1, fees="0.5")
    assert client.post(url, form).status_code == 302
    for fmt in ("html", "docx", "pdf"):
        url = reverse("supervision:annual_export", args=[county.code, fmt]) + "?year=2025"
        response = client.get(url)
        assert response.status_code == 200
    response = client.post(reverse("supervision:annual_file", args=[county.code]) + "?year=2025")
    assert response.status_code == 302
    other = reverse("supervision:annual", args=[other_county.code]) + "?year=2025"
    assert client.get(other).status_code == 403
    url = reverse("supervision:annual_file", args=[other_county.code]) + "?year=2025"
    assert client.post(url).status_code == 403


def test_digests_page_needs_a_staff_role(client, citizen):
    assert login(client, citizen).get(reverse("supervision:digests")).status_code == 403


def test_staff_reach_the_annual_reports_from_the_navigation_and_the_dashboard(
    client, county, other_county, supervisor
):
    team = Team(county)
    entry = reverse("supervision:annual_reports")
    login(client, team.clerk)
    home = client.get(reverse("supervision:digests")).content.decode()
    assert f'href="{entry}"' in home  # the staff navigation (staff_links) and the section nav
    page = client.get(entry + "?year=2025").content.decode()
    own = reverse("supervision:annual", args=[county.code]) + "?year=2025"
    assert own in page and "尚未起草" in page
    assert reverse("supervision:annual", args=[other_county.code]) not in page
    assert f'href="{reverse("supervision:dashboard")}"' not in page  # not a clerk's page
    login(client, supervisor)
    dashboard = client.get(reverse("supervision:dashboard") + "?year=2025").content.decode()
    assert f"{entry}?year=2025" in dashboard
    listing = client.get(entry + "?year=2025").content.decode()
    for org in (county, other_county):
        assert reverse("supervision:annual", args=[org.code]) + "?year=2025" in listing


def test_the_report_page_warns_of_stale_numbers_and_filing_says_why_it_refused(client, county):
    from gongkai.supervision.testing import make_application

    team = Team(county)
    login(client, team.clerk)
    url = reverse("supervision:annual", args=[county.code]) + "?year=2025"
    client.post(url)
    page = client.get(url).content.decode()
    assert "annual-stale" not in page and "本年新收政府信息公开申请0件" in page
    make_application(county, received_on=date(2025, 6, 2))
    page = client.get(url).content.decode()
    assert "报告中的数字已不是最新数据" in page and "报告中 0，最新数据 1" in page
    filed = client.post(reverse("supervision:annual_file", args=[county.code]) + "?year=2025")
    assert filed.status_code == 302 and filed["Location"] == url
    shown = client.get(url).content.decode()
    assert "不能提交" in shown and "按最新数据重算" in shown
    form = {f"section_{k}": "" for k in annual.SECTION_TITLES}
    form.update(penalty=0, enforcement=0, fees="0", recompute="1")
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "annual-stale" not in page and "本年新收政府信息公开申请1件" in page
