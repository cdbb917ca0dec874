"""Overrides and the scheme are audited; indicators compute from the data they have."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.catalogue.models import Item
from gongkai.core.models import AuditEvent
from gongkai.supervision import compliance, demo, indicators, services
from gongkai.supervision.models import AnnualReport, ApplicabilityOverride, ComplianceCell
from gongkai.supervision.testing import Team, make_application
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_an_override_needs_a_reason_and_is_audited(county, supervisor):
    key = Item.objects.current().get(code="05.02").key
    with pytest.raises(ValidationError, match="理由"):
        services.set_applicability(county, key, applicable=False, reason=" ", by=supervisor)
    services.set_applicability(county, key, applicable=False, reason="市局统一发布", by=supervisor)
    assert ApplicabilityOverride.objects.get().reason == "市局统一发布"
    assert AuditEvent.objects.filter(verb="supervision.applicability").count() == 1


def test_an_override_can_make_a_county_item_apply_to_a_township(city, township, supervisor):
    key = Item.objects.current().get(code="02.01").key
    services.set_applicability(
        township, key, applicable=True, reason="镇中心学校代管", by=supervisor
    )
    cells = compliance.evaluate(city, 2025, today=date(2026, 1, 15)).cells
    item = Item.objects.current().get(code="02.01")
    found = [c for c in cells if c.organisation_id == township.pk and c.item_id == item.pk]
    assert found[0].state == "missing"


def test_the_applicability_page_is_for_supervisors_of_that_organisation(
    client, supervisor, county, other_county
):
    county_supervisor = make_user(roles=[Role.SUPERVISOR], organisation=county)
    client.force_login(county_supervisor)
    url = reverse("supervision:applicability")
    response = client.post(
        f"{url}?org={county.code}", {"item": "05.02", "is_applicable": "0", "reason": "统一发布"}
    )
    assert response.status_code == 302
    assert ApplicabilityOverride.objects.filter(organisation=county).exists()
    assert client.get(f"{url}?org={other_county.code}").status_code == 403


def test_wrong_organisation_is_refused_on_refresh_and_annual_exports(client, county, other_county):
    county_supervisor = make_user(roles=[Role.SUPERVISOR], organisation=county)
    client.force_login(county_supervisor)
    response = client.post(reverse("supervision:refresh") + "?year=2025",
                           {"org": other_county.code})  # fmt: skip
    assert response.status_code == 403
    AnnualReport.objects.create(organisation=other_county, year=2025, tables={}, sections={})
    url = reverse("supervision:annual_export", args=[other_county.code, "html"]) + "?year=2025"
    assert client.get(url).status_code == 403


def test_indicators_compute_rates_and_leave_unwired_ones_without_data(county):
    team = Team(county)
    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    team.published(county, "05.03", date(2025, 9, 3), date(2025, 10, 10))
    make_application(county, received_on=date(2025, 3, 1), category="granted",
                     replied_on=date(2025, 3, 10))  # fmt: skip
    result = indicators.evaluate([county.pk], date(2025, 1, 1), date(2025, 12, 31))[county.pk]
    assert result["rates"]["publication_on_time"] == 50.0
    assert result["rates"]["application_on_time"] == 100.0
    assert result["rates"]["concern_on_time"] is None
    # Weighted over the indicators with data only: (60×50 + 10×100) / 70.
    assert result["score"] == pytest.approx((60 * 50 + 10 * 100) / 70)


def test_concern_consultation_and_mailbox_indicators_read_their_apps(county):
    from datetime import datetime, timedelta

    import time_machine
    from django.utils import timezone

    from gongkai.concerns.models import Level
    from gongkai.concerns.testing import make_concern
    from gongkai.consultations.services import mailbox as mailboxes
    from gongkai.consultations.testing import make_consultation, make_mailbox

    officer = make_user(roles=[Role.CONCERN_OFFICER], organisation=county)
    clerk = make_user(roles=[Role.CLERK], organisation=county)
    tz = timezone.get_current_timezone()
    # A general concern discovered 2025-03-02 whose 48-hour clock ran out unanswered.
    with time_machine.travel(datetime(2025, 3, 2, 10, 5, tzinfo=tz), tick=False):
        make_concern(by=officer, discovered_at=datetime(2025, 3, 2, 10, tzinfo=tz),
                     level=Level.GENERAL)  # fmt: skip
    # A consultation that closed in 2025 without its adoption feedback.
    opens = datetime(2025, 4, 1, 9, tzinfo=tz)
    with time_machine.travel(opens, tick=False):
        make_consultation(by=clerk, organisation=county, opens_at=opens, is_open=True)
    # A mailbox message received in 2025 and not answered.
    mailbox = make_mailbox(organisation=county)
    with time_machine.travel(datetime(2025, 6, 2, 9, tzinfo=tz), tick=False):
        mailboxes.submit_message(mailbox, kind="consult", subject="咨询", body="请问何时报名？")

    with time_machine.travel(opens + timedelta(days=300), tick=False):
        rates = indicators.evaluate([county.pk], date(2025, 1, 1), date(2025, 12, 31))[county.pk]

    assert rates["rates"]["concern_on_time"] == 0.0
    assert rates["rates"]["consultation_feedback"] == 0.0
    assert rates["rates"]["mailbox_on_time"] == 0.0


def test_the_demo_seed_runs_twice(city, county):
    demo.seed(BaseCommand())
    count = ComplianceCell.objects.count()
    demo.seed(BaseCommand())
    assert ComplianceCell.objects.count() == count > 0
    assert AnnualReport.objects.filter(organisation=county).count() == 1


def test_interpretation_coverage_counts_policies_with_a_published_interpretation(county):
    from gongkai.catalogue.models import Item

    team = Team(county)
    # Published with its interpretation, as the process requires.
    team.published(county, "01.02", date(2025, 3, 3), date(2025, 3, 5))
    # Published while the item did not yet require interpretation (configurable per item).
    Item.objects.current().filter(code="01.02").update(needs_interpretation=False)
    team.published(county, "01.02", date(2025, 4, 1), date(2025, 4, 2))
    Item.objects.current().filter(code="01.02").update(needs_interpretation=True)

    rates = indicators.interpretation_coverage([county.pk], date(2025, 1, 1), date(2025, 12, 31))

    assert rates == {county.pk: (1, 2)}


def test_the_indicator_page_sums_each_county_subtree(client, supervisor, county, school):
    team = Team(county)
    team.published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    team.published(school, "05.03", date(2025, 9, 3), date(2025, 10, 10))
    client.force_login(supervisor)
    response = client.get(reverse("supervision:indicators") + "?year=2025")
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["organisation"] == county
    assert row["rates"][0] == 50.0  # one of the subtree's two records was on time
    county_supervisor = make_user(roles=[Role.SUPERVISOR], organisation=school)
    client.force_login(county_supervisor)
    url = reverse("supervision:indicators") + f"?org={county.code}"
    assert client.get(url).status_code == 403


def test_scheme_weights_must_name_registered_indicators(client, supervisor):
    client.force_login(supervisor)
    form = {
        "on_time_points": 100, "late_points": 90, "late_deduction_per_day": 2, "late_floor": 40,
        "overdue_points": 0, "missing_points": 0, "blank_column_veto": 5, "stale_column_veto": 5,
    }  # fmt: skip
    page = client.post(reverse("supervision:scheme"), {**form, "weights": '{"nonsense": 3}'})
    assert "没有这些指标" in page.content.decode()
    ok = client.post(
        reverse("supervision:scheme"), {**form, "weights": '{"application_on_time": 30}'}
    )
    assert ok.status_code == 302
    from gongkai.supervision.models import ScoringScheme

    assert ScoringScheme.objects.get().weights == {"application_on_time": 30}
