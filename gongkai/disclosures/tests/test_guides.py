from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.disclosures import elements, services
from gongkai.disclosures.models import GuideMaterial, ServiceGuide
from gongkai.disclosures.testing import complete_guide, make_guide, publish_through_review
from gongkai.records import services as records
from gongkai.records.models import Record, Status

pytestmark = pytest.mark.django_db


def test_an_incomplete_guide_is_refused_at_submission_naming_the_missing_elements(clerk):
    detail, rows = complete_guide(legal_basis="", fee_kind="", hours="  ")
    rows["materials"] = []
    record = make_guide(by=clerk, detail=detail)
    services.save_structured(record, by=clerk, revision=record.revision, detail={}, rows=rows)
    record.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        records.submit(record, by=clerk)
    message = "；".join(refused.value.messages)
    assert "缺少以下要素：设定依据、申请材料、收费标准、办理时间。" in message
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


def test_a_charged_guide_without_its_fee_standard_misses_the_fee_element(clerk):
    detail, _ = complete_guide(fee_kind="charged", fee_standard="")
    record = make_guide(by=clerk, detail=detail)
    assert elements.missing_elements(record.kind, elements.snapshot(record)) == ["收费标准"]


def test_a_complete_guide_goes_through_review_and_publication(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_guide(by=clerk)
    assert elements.problems(record) == []
    record = publish_through_review(
        record,
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    frozen = record.current_version.metadata["disclosures"]
    assert frozen["enquiry"] == "0635-0000001"
    assert [m["name"] for m in frozen["materials"]] == ["转学申请表", "户口簿"]
    assert "设定依据" in record.current_version.body


def test_a_guide_edited_after_approval_cannot_be_published_with_a_stale_body(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_guide(by=clerk)
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    # Someone changes the working copy behind the workflow's back.
    ServiceGuide.objects.filter(record=record).update(enquiry="")
    with pytest.raises(ValidationError, match="咨询电话"):
        records.publish(record, by=clerk)
    assert Record.objects.get(pk=record.pk).current_version is None


def test_saving_a_guide_is_audited_and_regenerates_the_body(clerk):
    record = make_guide(by=clerk)
    record = services.save_structured(
        record, by=clerk, revision=record.revision, detail={"hours": "全天"}, title="转学申请"
    )
    assert record.title == "转学申请" and "全天" in record.body
    verbs = list(AuditEvent.objects.for_object(record).values_list("verb", flat=True))
    assert "disclosures.detail_save" in verbs and "record.edit" in verbs


def test_a_published_guide_cannot_be_edited_until_revised(
    clerk, document_reviewer, disclosure_reviewer
):
    record = publish_through_review(
        make_guide(by=clerk),
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    with pytest.raises(Exception, match="不能修改"):
        services.save_structured(record, by=clerk, revision=record.revision, detail={"hours": "x"})
    assert ServiceGuide.objects.get(record=record).hours != "x"


def test_a_clerk_creates_a_guide_through_the_form_and_submission_names_what_is_missing(
    client, clerk, county
):
    from gongkai.catalogue.models import Item

    client.force_login(clerk)
    item = Item.objects.current().get(code="06.01")
    form = {
        "title": "休学复学",
        "formed_on": "2025-06-03",
        "five_disclosure": "service",
        "item": item.pk,
        "organisation": county.pk,
        "responsible_body": "测试县教育和体育局",
        "promised_days": "3",
        "statutory_days": "",
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-0-name": "休学申请表",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-1-form": "original",
        "materials-1-copies": "1",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("disclosures:staff_create", args=["service_guide"]), form)
    record = Record.objects.get(title="休学复学")
    assert response.status_code == 302
    assert record.kind == "service_guide" and record.five_disclosure == "service"
    assert list(GuideMaterial.objects.values_list("name", flat=True)) == ["休学申请表"]
    response = client.post(
        reverse("records:act", args=[record.pk]), {"action": "submit"}, follow=True
    )
    body = response.content.decode()
    assert "缺少以下要素：设定依据、申请条件、办理流程、收费标准、法定时限" in body
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


def test_the_published_guide_is_listed_under_its_item_and_in_the_services_column_and_prints(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = publish_through_review(
        make_guide(by=clerk),
        clerk=clerk,
        document_reviewer=document_reviewer,
        disclosure_reviewer=disclosure_reviewer,
    )
    draft = make_guide(by=clerk, title="尚未发布的指南")
    item_page = client.get(reverse("portal:item", args=["06.01"])).content.decode()
    services_page = client.get(reverse("disclosures:services")).content.decode()
    printed = client.get(reverse("disclosures:guide_print", args=[record.pk]))
    assert record.title in item_page and record.title in services_page
    assert draft.title not in services_page
    assert printed.status_code == 200
    text = printed.content.decode()
    assert "print-guide.css" in text and "0635-0000002" in text and "<script" not in text
    assert client.get(reverse("disclosures:guide_print", args=[draft.pk])).status_code == 404
    page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert reverse("disclosures:guide_print", args=[record.pk]) in page
