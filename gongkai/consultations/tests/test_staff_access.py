"""Every staff URL refuses the wrong role and the wrong organisation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.consultations.models import EventStatus
from gongkai.consultations.services import consultation as consultation_services
from gongkai.consultations.services import event as event_services
from gongkai.consultations.services import mailbox as mailbox_services
from gongkai.consultations.testing import make_consultation, make_event, make_mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(clerk, county):
    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    comment = consultation_services.submit_comment(consultation, body="意见")
    message = mailbox_services.submit_message(
        make_mailbox(organisation=county), subject="咨询", body="内容", kind="consult"
    )
    event = make_event(by=clerk, organisation=county)
    return {"c": consultation.pk, "comment": comment.pk, "m": message.pk, "e": event.pk}


def staff_urls(o):
    return [
        ("get", reverse("consultations:staff_home")),
        ("get", reverse("consultations:staff_create")),
        ("get", reverse("consultations:staff_event_create")),
        ("get", reverse("consultations:staff_detail", args=[o["c"]])),
        ("get", reverse("consultations:staff_edit", args=[o["c"]])),
        ("post", reverse("consultations:staff_act", args=[o["c"]])),
        ("post", reverse("consultations:staff_adoption", args=[o["c"]])),
        ("post", reverse("consultations:staff_moderate", args=[o["comment"]])),
        ("get", reverse("consultations:staff_comment_register", args=[o["c"]])),
        ("post", reverse("consultations:staff_comment_register", args=[o["c"]])),
        ("post", reverse("consultations:staff_attachment", args=[o["c"]])),
        ("get", reverse("consultations:staff_message", args=[o["m"]])),
        ("post", reverse("consultations:staff_message_act", args=[o["m"]])),
        ("get", reverse("consultations:staff_event", args=[o["e"]])),
        ("post", reverse("consultations:staff_event_act", args=[o["e"]])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, objects):
    for method, url in staff_urls(objects):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_citizen_account_without_a_role_is_refused(client, citizen, objects):
    client.force_login(citizen)
    for method, url in staff_urls(objects):
        assert getattr(client, method)(url).status_code == 403, url


def test_the_clerk_of_another_county_cannot_see_or_touch_these(client, other_county_clerk, objects):
    client.force_login(other_county_clerk)
    for method, url in staff_urls(objects)[3:]:
        assert getattr(client, method)(url).status_code == 404, url


def test_a_supervisor_reads_but_cannot_act(client, supervisor, objects):
    client.force_login(supervisor)
    for method, url in staff_urls(objects):
        status = getattr(client, method)(url).status_code
        assert status == (
            200 if method == "get" and "new" not in url and "edit" not in url else 403
        ), url


def test_the_wrong_role_cannot_moderate_or_open(client, document_reviewer, objects):
    client.force_login(document_reviewer)
    response = client.post(
        reverse("consultations:staff_moderate", args=[objects["comment"]]), {"decision": "publish"}
    )
    assert response.status_code == 403


def test_the_own_clerk_gets_every_page(client, clerk, objects):
    client.force_login(clerk)
    for method, url in staff_urls(objects):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_events_are_announced_then_recorded_on_the_public_page(client, clerk, county):
    event = make_event(by=clerk, organisation=county)
    assert client.get(reverse("consultations:event", args=[event.pk])).status_code == 404
    event_services.announce_event(event, by=clerk)
    page = client.get(reverse("consultations:events")).content.decode()
    assert event.title in page
    with pytest.raises(ValidationError, match="活动记录"):
        event_services.record_event_outcome(event, by=clerk, record_body=" ")
    client.force_login(clerk)
    client.post(
        reverse("consultations:staff_event_act", args=[event.pk]),
        {"action": "record", "record_body": "30 名家长参观了食堂。", "participants": 30},
    )
    event.refresh_from_db()
    assert event.status == EventStatus.RECORDED
    page = client.get(reverse("consultations:event", args=[event.pk])).content.decode()
    assert "30 名家长参观了食堂。" in page and event.how_to_take_part in page


def test_public_list_pages_render(client, clerk, county):
    make_consultation(by=clerk, organisation=county, is_open=True)
    for name in ("consultations:list", "consultations:mailbox", "consultations:events"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'name="viewport"' in response.content.decode()


def test_the_demo_data_seeds_once(clerk, county):
    from django.core.management.base import BaseCommand

    from gongkai.consultations import demo
    from gongkai.consultations.models import Consultation, Message

    clerk.username = "county_clerk"
    clerk.save()
    demo.seed(BaseCommand())
    demo.seed(BaseCommand())
    assert Consultation.objects.filter(status="feedback_published").count() == 1
    assert Consultation.objects.count() == 2
    assert Message.objects.published().count() == 1


def test_the_static_export_carries_the_pages_but_no_forms(tmp_path, clerk, county):
    from io import StringIO

    from django.core.management import call_command

    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    make_mailbox(organisation=county)
    call_command("portal", "export", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    page = (tmp_path / f"consultations/{consultation.pk}/index.html").read_text(encoding="utf-8")
    assert consultation.title in page and "csrfmiddlewaretoken" not in page
    assert (tmp_path / "mailbox/index.html").is_file()
    assert not (tmp_path / "mailbox/track").exists()
