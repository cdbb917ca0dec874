from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.disclosures.models import GuideStep, ServiceGuide
from gongkai.disclosures.testing import make_guide
from gongkai.records.models import Record

pytestmark = pytest.mark.django_db


def _form_from_page(record):
    guide = ServiceGuide.objects.get(record=record)
    data = {
        "title": record.title,
        "formed_on": record.formed_on.isoformat(),
        "five_disclosure": record.five_disclosure,
        "revision": str(record.revision),
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "2",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    for name in (
        "responsible_body legal_basis conditions fee_kind fee_standard location hours "
        "enquiry complaint notes"
    ).split():
        data[name] = getattr(guide, name)
    data.update(promised_days="5", statutory_days="10")
    for i, step in enumerate(guide.steps.all()):
        data[f"steps-{i}-name"] = step.name
        data[f"steps-{i}-description"] = step.description
    return data


def test_the_edit_page_shows_the_rows_and_saves_changes_through_the_service(client, clerk):
    record = make_guide(by=clerk)
    client.force_login(clerk)
    url = reverse("disclosures:staff_edit", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'value="申请"' in page and "style=" not in page
    data = _form_from_page(record)
    data["steps-1-DELETE"] = "on"
    data["hours"] = "周一至周五 9:00—17:00"
    response = client.post(url, data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert list(GuideStep.objects.values_list("name", flat=True)) == ["申请"]
    assert "周一至周五 9:00—17:00" in record.body


def test_a_stale_edit_is_refused_and_the_typed_text_stays_in_the_form(client, clerk):
    record = make_guide(by=clerk)
    client.force_login(clerk)
    data = _form_from_page(record)
    data["revision"] = str(record.revision - 1)
    data["hours"] = "我刚输入的办理时间"
    response = client.post(reverse("disclosures:staff_edit", args=[record.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "我刚输入的办理时间" in body
    assert "我刚输入的办理时间" not in Record.objects.get(pk=record.pk).body
