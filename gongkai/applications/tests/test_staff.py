"""Staff pages: only handlers of the receiving organisation see an application and the
applicant's personal data; every staff URL refuses the wrong role and the wrong organisation."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.applications import services
from gongkai.applications.letters import letter_pdf
from gongkai.applications.models import Application, Status
from gongkai.applications.testing import applicant_data, make_application
from gongkai.core.models import AuditEvent
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

DETAIL_URLS = ["detail", "letter"]
POST_URLS = ["act", "reply", "document", "clear", "send", "remedy"]


@pytest.fixture
def application(clerk, travel):
    travel(2025, 9, 25)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(application, by=clerk, category="granted", body="提供。")
    return application


@pytest.mark.parametrize("name", DETAIL_URLS + POST_URLS)
def test_staff_of_another_county_get_not_found(client, application, other_county_clerk, name):
    client.force_login(other_county_clerk)
    url = reverse(f"applications:{name}", args=[application.pk])
    response = client.post(url) if name in POST_URLS else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", DETAIL_URLS + POST_URLS)
@pytest.mark.parametrize("persona", ["supervisor", "document_reviewer"])
def test_staff_without_a_handling_role_are_refused(client, application, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(f"applications:{name}", args=[application.pk])
    response = client.post(url) if name in POST_URLS else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["workbench", "register"])
def test_lists_refuse_staff_without_a_handling_role(client, supervisor, name):
    client.force_login(supervisor)
    assert client.get(reverse(f"applications:{name}")).status_code == 403


def test_the_workbench_shows_only_the_users_organisations(
    client, application, other_county_clerk, clerk, travel
):
    other = make_application(by=other_county_clerk, received_on=date(2025, 9, 18))
    client.force_login(clerk)
    page = client.get(reverse("applications:workbench")).content.decode()
    assert application.reference in page
    assert other.reference not in page
    assert application.applicant.name not in page  # the queue carries no personal data


def test_the_workbench_lists_overdue_and_due_soon(client, clerk, travel):
    travel(2025, 10, 20)
    overdue = make_application(by=clerk, received_on=date(2025, 9, 18))  # due 10/22
    travel(2025, 10, 23)
    fresh = make_application(by=clerk, received_on=date(2025, 10, 23))
    client.force_login(clerk)
    response = client.get(reverse("applications:workbench"))
    assert [a.pk for a in response.context["overdue"]] == [overdue.pk]
    assert fresh.pk not in [a.pk for a in response.context["due_soon"]]


def test_a_township_clerk_cannot_handle_the_county_s_application(client, application, township):
    township_clerk = make_user(roles=[Role.CLERK], organisation=township)
    client.force_login(township_clerk)
    url = reverse("applications:detail", args=[application.pk])
    assert client.get(url).status_code == 404


def test_staff_register_a_letter_with_the_signed_for_date(client, clerk, county, travel):
    travel(2025, 9, 22)
    client.force_login(clerk)
    data = {
        **applicant_data(),
        "organisation": county.pk,
        "applicant_kind": "legal",
        "contact_person": "",
        "postal_code": "",
        "description": "某校2025年招生计划",
        "document_number": "",
        "delivery_form": "paper",
        "delivery_method": "post",
        "channel": "post_signed",
        "signed_for_on": "2025-09-19",
    }
    response = client.post(reverse("applications:register"), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.received_on == date(2025, 9, 19)
    assert application.registered_by == clerk
    assert AuditEvent.objects.for_object(application).filter(verb="application.register").exists()


def test_handling_through_the_pages_writes_audit_rows(client, application, clerk, travel):
    client.force_login(clerk)
    act = reverse("applications:act", args=[application.pk])
    client.post(act, {"action": "accept", "note": ""})
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS
    assert AuditEvent.objects.for_object(application).filter(verb="application.accept").exists()
    client.post(act, {"action": "start_third_party", "on": "2025-09-24"})
    application.refresh_from_db()
    assert application.clock_state == "consulting"
    response = client.post(act, {"action": "extend", "days": "5", "note": "x"}, follow=True)
    assert "权限" in response.content.decode()


def test_released_documents_are_screened_before_the_reply_goes_out(client, application, clerk):
    client.force_login(clerk)
    upload = io.BytesIO(letter_pdf("附件", "联系人电话 13912345678"))
    upload.name = "附件.pdf"
    client.post(reverse("applications:document", args=[application.pk]), {"file": upload})
    document = application.reply.documents.get()
    assert document.needs_clearance
    response = client.post(
        reverse("applications:send", args=[application.pk]), {"on": "2025-09-25"}, follow=True
    )
    assert "须核对处理后才能答复" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.REGISTERED
    client.post(
        reverse("applications:clear", args=[application.pk]),
        {"document": document.pk, "note": "为学校公开的办公电话"},
    )
    client.post(reverse("applications:send", args=[application.pk]), {"on": "2025-09-25"})
    assert Application.objects.get(pk=application.pk).status == Status.REPLIED


def test_the_letter_template_of_another_county_is_not_found(client, other_county_clerk, county):
    client.force_login(other_county_clerk)
    url = reverse("applications:template") + f"?organisation={county.code}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404
