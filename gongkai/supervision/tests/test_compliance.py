"""Crafted cases for every compliance state, computed set-based."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.catalogue.models import Item
from gongkai.organisations.models import Kind
from gongkai.supervision import compliance
from gongkai.supervision.models import ApplicabilityOverride, ComplianceCell, State
from gongkai.supervision.testing import Team
from gongkai.testing import make_organisation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 15)


def cell(evaluation, org, code, period=""):
    item = Item.objects.current().get(code=code)
    found = [
        c
        for c in evaluation.cells
        if c.organisation_id == org.pk and c.item_id == item.pk and c.period == period
    ]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def team(county):
    return Team(county)


def test_published_within_the_limit_is_on_time(city, county, team):
    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    result = compliance.evaluate(city, 2025, today=TODAY)
    assert cell(result, county, "05.04").state == State.ON_TIME


def test_lateness_is_counted_in_working_days_across_the_national_day_holiday(city, county, team):
    # Formed 3 September: the 20th working day is 30 September. Published 10 October:
    # ten calendar days later, but 1–8 October are holidays, so only 9 and 10 October count.
    record = team.published(county, "05.03", date(2025, 9, 3), date(2025, 10, 10))
    assert record.due_on == date(2025, 9, 30)
    found = cell(compliance.evaluate(city, 2025, today=TODAY), county, "05.03")
    assert found.state == State.LATE
    assert found.late_days == 2
    assert found.label == "逾期发布 2 个工作日"


def test_formed_but_unpublished_past_the_deadline_is_overdue(city, county, team):
    team.draft(county, "05.05", date(2025, 12, 1))
    found = cell(compliance.evaluate(city, 2025, today=TODAY), county, "05.05")
    assert found.state == State.OVERDUE
    # Due 29 December; 30, 31 December, 4 (make-up), 5–9 and 12–15 January are worked
    # (1–3 January is the New Year holiday).
    assert found.overdue_days == 12


def test_a_yearly_item_with_nothing_in_a_closed_year_is_missing(city, county):
    found = cell(compliance.evaluate(city, 2025, today=TODAY), county, "05.01")
    assert found.state == State.MISSING


def test_a_yearly_item_is_pending_while_its_year_runs(city, county):
    found = cell(compliance.evaluate(city, 2026, today=TODAY), county, "05.01")
    assert found.state == State.PENDING


def test_county_items_do_not_apply_to_a_township(city, township):
    found = cell(compliance.evaluate(city, 2025, today=TODAY), township, "01.01")
    assert found.state == State.NOT_APPLICABLE
    assert found.reason == "按公开层级不适用"
    assert found.score is None


def test_an_override_with_a_reason_makes_an_item_not_applicable(city, county):
    ApplicabilityOverride.objects.create(
        organisation=county,
        item_key=Item.objects.current().get(code="05.02").key,
        reason="招生政策由市局统一发布",
    )
    found = cell(compliance.evaluate(city, 2025, today=TODAY), county, "05.02")
    assert (found.state, found.reason) == (State.NOT_APPLICABLE, "招生政策由市局统一发布")


def test_an_event_item_without_events_is_not_applicable_not_missing(city, county):
    found = cell(compliance.evaluate(city, 2025, today=TODAY), county, "07.03")
    assert found.state == State.NOT_APPLICABLE


def test_a_semester_item_has_two_periods(city, county, team):
    team.published(county, "10.01", date(2025, 3, 3), date(2025, 3, 5))
    result = compliance.evaluate(city, 2025, today=TODAY)
    assert cell(result, county, "10.01", "S1").state == State.ON_TIME
    assert cell(result, county, "10.01", "S2").state == State.MISSING


def test_a_one_off_item_published_in_an_earlier_year_still_counts(city, county, team):
    team.published(county, "01.01", date(2024, 5, 6), date(2024, 5, 7))
    assert cell(compliance.evaluate(city, 2025, today=TODAY), county, "01.01").state == (
        State.ON_TIME
    )


def test_the_worst_record_decides_the_cell(city, county, team):
    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    team.draft(county, "05.04", date(2025, 11, 3))
    assert cell(compliance.evaluate(city, 2025, today=TODAY), county, "05.04").state == (
        State.OVERDUE
    )


def test_the_query_count_does_not_grow_with_organisations(city, county, team):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            compliance.evaluate(city, 2025, today=TODAY)
        return len(ctx)

    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    compliance.current_scheme()  # created on first use
    before = queries()
    for _ in range(5):
        make_organisation(kind=Kind.SCHOOL, parent=county)
    assert queries() == before


def test_refresh_stores_the_summary_with_the_county_for_grouping(city, county, school, team):
    team.published(school, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    compliance.refresh(city, 2025, today=TODAY)
    stored = ComplianceCell.objects.get(
        year=2025, organisation=school, item__code="05.04", period=""
    )
    assert stored.state == State.ON_TIME and stored.county_id == county.pk
    assert stored.score == 100
    compliance.refresh(city, 2025, today=TODAY)
    assert ComplianceCell.objects.filter(organisation=school, item__code="05.04").count() == 1


def test_the_workday_index_clamps_dates_outside_its_range():
    from gongkai.supervision.compliance import WorkdayIndex

    d = date

    index = WorkdayIndex(d(2025, 9, 1), d(2025, 10, 31))

    # 2025-09-30 to 2025-10-10: 国庆/中秋 1-8 Oct are holidays, 9 and 10 Oct are working days.
    assert index.between(d(2025, 9, 30), d(2025, 10, 10)) == 2
    # Wholly before the range: nothing to count, no error.
    assert index.between(d(2024, 10, 4), d(2024, 10, 20)) == 0
    # Starting before the range counts from its first day.
    assert index.between(d(2024, 10, 4), d(2025, 9, 2)) == 1
    # Ending after it counts to its last day.
    assert index.between(d(2025, 10, 30), d(2026, 1, 5)) == 1


def test_a_record_due_in_a_year_without_a_notice_still_counts_and_on_the_provisional_calendar(
    city, county, team
):
    # Formed 2026-12-10: the 20th working day falls in 2027, whose notice is not loaded; the
    # 办法 gives 元旦 2027-01-01 off, so the provisional deadline is 2027-01-08.
    record = team.draft(county, "05.05", date(2026, 12, 10))
    assert record.due_on == date(2027, 1, 8)
    found = cell(compliance.evaluate(city, 2026, today=date(2027, 1, 20)), county, "05.05")
    assert found.state == State.OVERDUE
    # 11–15 and 18–20 January are worked: 8 working days past the deadline.
    assert found.overdue_days == 8
