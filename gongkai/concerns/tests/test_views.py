"""Staff pages: registering, both deadlines on one page, and refusals."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from gongkai.catalogue.models import Item
from gongkai.concerns.models import Concern, Level, Status
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def concern(officer):
    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        return make_concern(by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS)


def test_an_officer_registers_a_serious_concern_and_sees_both_deadlines(client, officer, county):
    client.force_login(officer)
    item = Item.objects.current().get(code="10.01")
    with time_machine.travel(at("2026-03-02 10:12"), tick=False):
        response = client.post(
            reverse("concerns:create"),
            {
                "subject": "网传某校发生学生受伤事件",
                "summary": "多个网络平台转发现场视频。",
                "source": "online",
                "discovered_at": "2026-03-02T10:00",
                "links": "https://example.com/v/1",
                "level": Level.SERIOUS,
                "organisation": county.pk,
                "item": item.pk,
                "responsible_organisation": county.pk,
            },
        )
        concern = Concern.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("concerns:detail", args=[concern.pk])
        page = client.get(response["Location"]).content.decode()

    assert concern.officer == officer and concern.status == Status.REGISTERED
    assert "发布权威信息" in page and "截止 03月02日 15:00" in page and "还剩 4小时48分" in page
    assert "举行新闻发布会" in page and "截止 03月03日 10:00" in page and "还剩 23小时48分" in page


def test_the_discovery_time_cannot_be_in_the_future(client, officer, county):
    client.force_login(officer)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        response = client.post(
            reverse("concerns:create"),
            {
                "subject": "x",
                "summary": "x",
                "source": "hotline",
                "discovered_at": "2026-03-02T11:00",
                "level": Level.GENERAL,
                "organisation": county.pk,
                "item": Item.objects.current().get(code="10.01").pk,
                "responsible_organisation": county.pk,
            },
        )
    assert response.status_code == 200
    assert "发现时间不能晚于现在" in response.content.decode()
    assert not Concern.objects.exists()


def test_the_workbench_shows_the_remaining_time(client, officer, concern):
    client.force_login(officer)
    with time_machine.travel(at("2026-03-02 15:40"), tick=False):
        page = client.get(reverse("concerns:workbench")).content.decode()
    assert "已超时 40分" in page and "还剩 18小时20分" in page


def test_assessing_and_regrading_through_the_page(client, officer, concern):
    client.force_login(officer)
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        client.post(
            reverse("concerns:assess", args=[concern.pk]),
            {"level": Level.SERIOUS, "officer": officer.pk, "plan": "5小时内发布情况通报。"},
        )
        client.post(reverse("concerns:act", args=[concern.pk]), {"action": "start_handling"})
        client.post(
            reverse("concerns:level", args=[concern.pk]),
            {"level": Level.GENERAL, "note": "经核实为个别情况"},
        )
    concern.refresh_from_db()
    assert (concern.status, concern.level, concern.plan) == (
        Status.HANDLING,
        Level.GENERAL,
        "5小时内发布情况通报。",
    )
    verbs = list(AuditEvent.objects.for_object(concern).values_list("verb", flat=True))
    assert verbs == [
        "concern.register",
        "concern.assess",
        "concern.start_handling",
        "concern.level",
    ]


def test_a_concern_cannot_be_closed_before_it_is_answered(client, officer, concern):
    client.force_login(officer)
    response = client.post(
        reverse("concerns:act", args=[concern.pk]), {"action": "close", "note": "办结"}, follow=True
    )
    assert "不能执行“办结”" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Status.REGISTERED


def test_screenshots_are_sniffed_and_capped(client, officer, concern, supervisor):
    client.force_login(officer)
    url = reverse("concerns:screenshot", args=[concern.pk])
    client.post(url, {"file": SimpleUploadedFile("shot.png", PNG)})
    fake = client.post(
        url, {"file": SimpleUploadedFile("shot.png", b"MZ\x90\x00 not an image")}, follow=True
    )
    with override_settings(GONGKAI_CONCERN_SCREENSHOT_MB=0):
        big = client.post(url, {"file": SimpleUploadedFile("big.png", PNG)}, follow=True)

    shot = concern.screenshots.get()
    assert shot.content_type == "image/png"
    assert 'class="msg-error"' in fake.content.decode()
    assert concern.screenshots.count() == 1
    assert "截图不能超过 0 MB" in big.content.decode()
    client.force_login(supervisor)
    download = client.get(reverse("concerns:screenshot_file", args=[concern.pk, shot.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


STAFF_URLS = [
    ("concerns:workbench", False, "get"),
    ("concerns:create", False, "get"),
    ("concerns:detail", True, "get"),
    ("concerns:edit", True, "get"),
    ("concerns:assess", True, "post"),
    ("concerns:level", True, "post"),
    ("concerns:act", True, "post"),
    ("concerns:screenshot", True, "post"),
    ("concerns:respond", True, "get"),
]


@pytest.mark.parametrize(("name", "with_pk", "method"), STAFF_URLS)
def test_every_staff_url_refuses_anonymous_users_and_citizens(
    client, citizen, concern, name, with_pk, method
):
    url = reverse(name, args=[concern.pk] if with_pk else [])
    assert getattr(client, method)(url).status_code == 302  # to the sign-in page
    client.force_login(citizen)
    assert getattr(client, method)(url).status_code == 403


CLERK_URLS = {"concerns:detail", "concerns:respond"}


@pytest.mark.parametrize(("name", "with_pk", "method"), [u for u in STAFF_URLS if u[1]])
def test_every_concern_url_refuses_another_county(
    client, other_county_officer, other_county_clerk, concern, name, with_pk, method
):
    # The right role in the wrong county: 404, the concern's existence is not revealed.
    # The wrong role: 403 before anything is looked up.
    url = reverse(name, args=[concern.pk])
    client.force_login(other_county_officer)
    assert getattr(client, method)(url).status_code == 404
    client.force_login(other_county_clerk)
    assert getattr(client, method)(url).status_code == (404 if name in CLERK_URLS else 403)


@pytest.mark.parametrize(
    "name",
    ["concerns:edit", "concerns:assess", "concerns:level", "concerns:act", "concerns:screenshot"],
)
def test_officer_pages_refuse_clerks_and_supervisors(client, clerk, supervisor, concern, name):
    url = reverse(name, args=[concern.pk])
    for user in (clerk, supervisor):
        client.force_login(user)
        response = client.get(url) if name == "concerns:edit" else client.post(url, {})
        assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.status == Status.REGISTERED


def test_the_officer_without_the_clerk_role_drafts_the_response(client, officer, concern):
    # Issue 17: the concern officer's 起草回应 led to 403; the officer handling the concern
    # writes its response (records.permissions.can_edit), edits it and submits it.
    client.force_login(officer)
    assert client.get(reverse("concerns:respond", args=[concern.pk])).status_code == 200
    response = client.post(
        reverse("concerns:respond", args=[concern.pk]),
        {"kind": "statement", "title": "关于午餐问题的情况说明", "body": "<p>说明</p>"},
    )
    record = concern.responses.get().record
    assert response["Location"] == reverse("records:detail", args=[record.pk])
    assert record.author == officer
    assert client.get(reverse("records:edit", args=[record.pk])).status_code == 200
    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert 'value="submit"' in page


def test_a_clerk_drafts_a_response_from_the_concern(client, clerk, concern):
    client.force_login(clerk)
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        response = client.post(
            reverse("concerns:respond", args=[concern.pk]),
            {"kind": "statement", "title": "关于午餐问题的情况说明", "body": "<p>说明</p>"},
        )
        page = client.get(response["Location"]).content.decode()
    record = concern.responses.get().record
    assert response["Location"] == reverse("records:detail", args=[record.pk])
    assert "所回应的舆情" in page and concern.subject in page
