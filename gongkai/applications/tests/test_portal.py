"""An applicant files online, keeps a tracking code and a secret, and later reads the reply
without an account. Nobody else can: not with the code alone, not as another applicant."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.forms import PublicApplicationForm
from gongkai.applications.models import Applicant, Application
from gongkai.core.models import AuditEvent
from gongkai.testing import public_form_data

pytestmark = pytest.mark.django_db


def form_data(county, **overrides):
    data = {
        "organisation": county.pk,
        "applicant_kind": "natural",
        "name": "王小明",
        "id_type": "resident_id",
        "id_number": "371500198001010000",
        "phone": "13900000000",
        "email": "",
        "address": "",
        "postal_code": "",
        "contact_person": "",
        "description": "2025年城区小学招生范围划定的依据文件",
        "document_number": "",
        "delivery_form": "electronic",
        "delivery_method": "online",
    }
    data.update(overrides)
    return data


def file_online(client, county, **overrides):
    """File as the applicant does: the form's fields and the answer to its challenge."""
    data = public_form_data(PublicApplicationForm(), **form_data(county, **overrides))
    response = client.post(reverse("applications:start"), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    code, secret = re.findall(r"<code>([^<]+)</code>", page)
    return code, secret


def test_applicant_files_online_and_reads_the_reply_without_an_account(
    client, county, clerk, travel
):
    travel(2025, 9, 18)
    assert client.get(reverse("applications:start")).status_code == 200
    code, secret = file_online(client, county)
    application = Application.objects.get()
    assert application.channel == "online"
    assert str(application.received_on) == "2025-09-18"
    assert str(application.due_on) == "2025-10-22"
    # Only hashes are stored; the audit row names no applicant.
    assert code.replace("-", "") not in application.tracking_hash
    assert "王小明" not in " ".join(AuditEvent.objects.values_list("object_repr", flat=True))
    # The keys are shown once.
    assert client.get(reverse("applications:filed")).status_code == 302

    travel(2025, 10, 9)
    staff = Client()
    staff.force_login(clerk)
    detail = reverse("applications:detail", args=[application.pk])
    assert "王小明" in staff.get(detail).content.decode()
    staff.post(
        reverse("applications:reply", args=[application.pk]),
        {"category": "granted", "body": "现将招生范围划定文件提供给您。"},
    )
    staff.post(reverse("applications:send", args=[application.pk]), {"on": "2025-10-09"})
    application.refresh_from_db()
    assert application.status == "replied"
    assert application.late_by == 0

    travel(2025, 10, 20)
    applicant = Client()
    response = applicant.post(
        reverse("applications:track"), {"tracking_code": code.lower(), "secret": secret}
    )
    assert response.status_code == 302
    page = applicant.get(response["Location"]).content.decode()
    assert "现将招生范围划定文件提供给您。" in page
    assert "行政复议" in page and "行政诉讼" in page
    pdf = applicant.get(reverse("applications:status_letter", args=[application.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_code_without_the_secret_opens_nothing(client, county, travel):
    travel(2025, 9, 18)
    code, _secret = file_online(client, county)
    application = Application.objects.get()
    stranger = Client()
    response = stranger.post(
        reverse("applications:track"), {"tracking_code": code, "secret": "ABCDEFGH"}
    )
    assert response.status_code == 200
    assert "查询码或密码不正确" in response.content.decode()
    assert stranger.get(reverse("applications:status", args=[application.pk])).status_code == 404
    letter = reverse("applications:status_letter", args=[application.pk])
    assert stranger.get(letter).status_code == 404


def test_another_applicant_cannot_see_someone_elses_application(client, county, travel):
    travel(2025, 9, 18)
    file_online(client, county)
    first = Application.objects.get()
    other = Client()
    code, secret = file_online(Client(), county, name="李四", id_number="371500199001010000")
    second = Application.objects.exclude(pk=first.pk).get()
    # The second applicant opens their own application with their own keys …
    response = other.post(reverse("applications:track"), {"tracking_code": code, "secret": secret})
    assert response["Location"] == reverse("applications:status", args=[second.pk])
    assert other.get(response["Location"]).status_code == 200
    # … and cannot reach the first one's, by its number or with their own secret.
    assert services.find_by_keys(code, secret) == second
    response = other.get(reverse("applications:status", args=[first.pk]))
    assert response.status_code == 404
    assert "王小明" not in response.content.decode()


def test_the_form_needs_a_way_to_contact_the_applicant(client, county, travel):
    travel(2025, 9, 18)
    response = client.post(reverse("applications:start"), form_data(county, phone=""))
    assert response.status_code == 200
    assert "请至少填写一种联系方式" in response.content.decode()
    assert not Applicant.objects.exists()


def test_personal_data_is_not_on_public_pages(client, county, travel):
    travel(2025, 9, 18)
    file_online(client, county)
    for url in ("/", reverse("applications:start"), reverse("applications:track")):
        assert "王小明" not in Client().get(url).content.decode()


def test_the_applicant_sees_what_to_correct_and_by_when(client, county, clerk, travel):
    travel(2025, 9, 18)
    code, secret = file_online(client, county)
    application = Application.objects.get()
    travel(2025, 9, 22)
    services.request_correction(
        application, by=clerk, on=date(2025, 9, 22), until_on=date(2025, 10, 10), note="请写明学校"
    )
    # Days later the short staff-grade session is gone: the keys open the page again.
    status_url = reverse("applications:status", args=[application.pk])
    assert client.get(status_url).status_code == 404
    client.post(reverse("applications:track"), {"tracking_code": code, "secret": secret})
    page = client.get(status_url).content.decode()
    assert "请写明学校" in page and "2025年10月10日" in page
    assert "待申请人补正" in page
