"""Handlers record reviews and lawsuits (年报表四) and later their outcomes, on a page of their
own; each change is audited with the earlier values; other roles and counties are refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Remedy
from gongkai.applications.testing import make_application
from gongkai.core.models import AuditEvent
from gongkai.supervision.annual import tables as reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(clerk, travel):
    travel(2025, 11, 20)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(application, by=clerk, category="granted", body="提供。")
    services.send_reply(application, by=clerk, on=date(2025, 10, 9))
    return application


@pytest.fixture
def remedy(application, clerk):
    return services.record_remedy(
        application, by=clerk, kind="review", filed_on=date(2025, 11, 3), note="县政府 复议"
    )


def test_a_clerk_records_a_review_on_the_page(client, clerk, application):
    client.force_login(clerk)
    url = reverse("applications:remedy", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200 and "尚未登记复议、诉讼" in page.content.decode()
    response = client.post(
        url, {"kind": "review", "filed_on": "2025-11-03", "outcome": "pending", "note": "县政府"}
    )
    assert response.status_code == 302 and response["Location"] == url
    remedy = Remedy.objects.get()
    assert (remedy.kind, remedy.outcome, remedy.recorded_by) == ("review", "pending", clerk)
    assert "行政复议" in client.get(url).content.decode()
    audit = AuditEvent.objects.for_object(application).get(verb="application.remedy")
    assert audit.actor == clerk and audit.data["previous"] is None
    assert reports.table_four(application.organisation, 2025)["review"]["pending"] == 1


def test_the_outcome_is_updated_later_and_the_earlier_values_are_kept(
    client, clerk, application, remedy
):
    client.force_login(clerk)
    url = reverse("applications:remedy_edit", args=[application.pk, remedy.pk])
    form = client.get(url).content.decode()
    assert 'value="2025-11-03"' in form and "县政府 复议" in form
    response = client.post(
        url,
        {"kind": "review", "filed_on": "2025-11-03", "outcome": "corrected",
         "decided_on": "2025-11-18", "note": "县政府 复议"},
    )  # fmt: skip
    assert response.status_code == 302
    remedy.refresh_from_db()
    assert (remedy.outcome, remedy.decided_on) == ("corrected", date(2025, 11, 18))
    rows = AuditEvent.objects.for_object(application).filter(verb="application.remedy")
    latest = rows.order_by("-id").first()
    assert latest.data["previous"]["outcome"] == "pending"
    assert latest.data["previous"]["decided_on"] == "None"
    table = reports.table_four(application.organisation, 2025)
    assert table["review"]["corrected"] == 1 and table["review"]["pending"] == 0


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"outcome": "upheld", "decided_on": ""}, "已审结的须填写审结日期"),
        ({"outcome": "pending", "decided_on": "2025-11-10"}, "尚未审结的不填审结日期"),
        ({"outcome": "upheld", "decided_on": "2025-11-01"}, "审结日期不能早于"),
        ({"outcome": "upheld", "decided_on": "2025-12-01"}, "不能晚于今天"),
    ],
)
def test_inconsistent_outcomes_are_refused_in_chinese(
    client, clerk, application, remedy, data, error
):
    client.force_login(clerk)
    url = reverse("applications:remedy_edit", args=[application.pk, remedy.pk])
    response = client.post(url, {"kind": "review", "filed_on": "2025-11-03", **data})
    assert response.status_code == 400
    assert error in response.content.decode()
    remedy.refresh_from_db()
    assert remedy.outcome == "pending" and remedy.decided_on is None


def test_the_remedy_of_another_application_is_not_found(client, clerk, application, remedy):
    other = make_application(by=clerk, received_on=date(2025, 11, 3))
    client.force_login(clerk)
    url = reverse("applications:remedy_edit", args=[other.pk, remedy.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "review", "filed_on": "2025-11-03",
                             "outcome": "upheld", "decided_on": "2025-11-18"}).status_code == 404  # fmt: skip
    remedy.refresh_from_db()
    assert remedy.outcome == "pending"


def urls(application, remedy):
    return [
        reverse("applications:remedy", args=[application.pk]),
        reverse("applications:remedy_edit", args=[application.pk, remedy.pk]),
    ]


def test_staff_of_another_county_get_not_found(client, application, remedy, other_county_clerk):
    client.force_login(other_county_clerk)
    for url in urls(application, remedy):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kind": "review"}).status_code == 404, url


@pytest.mark.parametrize("persona", ["supervisor", "document_reviewer", "citizen"])
def test_staff_without_a_handling_role_are_refused(client, application, remedy, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in urls(application, remedy):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"kind": "review"}).status_code == 403, url
    assert Remedy.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, application, remedy):
    for url in urls(application, remedy):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
