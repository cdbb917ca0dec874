"""第四十四条: several applicants, the same information → suggest proactive disclosure."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, InformationCluster
from gongkai.applications.testing import make_application
from gongkai.records import services as records
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


def test_several_applicants_for_one_document_are_suggested_and_linked(
    client, clerk, document_reviewer, disclosure_reviewer, travel
):
    travel(2025, 9, 25)
    first = make_application(by=clerk, document_number="东教体发〔2025〕3号")
    same_person = make_application(
        by=clerk, document_number="东教体发〔2025〕3号",
        applicant={
            "name": "同一人", "id_type": "resident_id", "id_number": first.applicant.id_number,
        },
    )  # fmt: skip
    assert services.same_information_suggestions(Application.objects.all()) == []
    second = make_application(by=clerk, document_number="东教体发〔2025〕3号")
    make_application(by=clerk, description="另一份文件")
    (suggestion,) = services.same_information_suggestions(Application.objects.all())
    assert {a.pk for a in suggestion.applications} == {first.pk, same_person.pk, second.pk}

    client.force_login(clerk)
    page = client.get(reverse("applications:workbench")).content.decode()
    assert "建议纳入主动公开" in page
    client.post(
        reverse("applications:group"),
        {"title": "东教体发〔2025〕3号", "application": [first.pk, second.pk, same_person.pk]},
    )
    cluster = InformationCluster.objects.get()
    assert services.same_information_suggestions(Application.objects.all()) == []

    record = make_record(by=clerk)
    with pytest.raises(ValidationError, match="审核发布"):
        services.link_proactive_record(cluster, by=clerk, record=record)
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    record = records.publish(record, by=clerk)
    client.post(
        reverse("applications:link", args=[cluster.pk]), {"index_number": record.index_number}
    )
    cluster.refresh_from_db()
    assert cluster.record == record


def test_another_county_cannot_link_a_cluster(client, clerk, other_county_clerk, travel):
    travel(2025, 9, 25)
    a = make_application(by=clerk, document_number="X")
    b = make_application(by=clerk, document_number="X")
    cluster = services.group_same_information([a, b], by=clerk, title="X")
    client.force_login(other_county_clerk)
    response = client.post(reverse("applications:link", args=[cluster.pk]), {"index_number": "1"})
    assert response.status_code == 404
