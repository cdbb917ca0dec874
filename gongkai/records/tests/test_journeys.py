"""Journeys that hold (issue 17): editing loses nothing, revisions say why, 失效/废止 from the
record's page, buttons that cannot apply are not offered, returns show their reason."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEvent
from gongkai.records import services
from gongkai.records.models import Disclosure, Record, Status, Validity, WithheldGround
from gongkai.screening.testing import make_pdf
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

PDF = make_pdf(["招生范围示意说明：兴华路以东、建设路以北。"])


def resave(client, record):
    """Open the edit page and save it unchanged, exactly as a browser sends the form."""
    url = reverse("records:edit", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = next(
        f
        for f in lxml.html.document_fromstring(page.content.decode()).forms
        if f.method.lower() == "post" and "title" in f.fields
    )
    response = client.post(url, dict(form.form_values()))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Record.objects.get(pk=record.pk)


def facts(record):
    return {
        "written_on": record.written_on,
        "formed_on": record.formed_on,
        "reassess_on": record.reassess_on,
        "disclosure": record.disclosure,
        "withheld_ground": record.withheld_ground,
        "document_number": record.document_number,
        "attachments": sorted(
            record.attachments.filter(is_current=True).values_list("pk", flat=True)
        ),
    }


def attach(record, clerk):
    return services.add_attachment(record, BytesIO(PDF), "附件.pdf", by=clerk)


def test_the_edit_form_shows_dates_as_a_date_input_can(client, clerk):
    record = make_record(by=clerk)
    client.force_login(clerk)
    page = lxml.html.document_fromstring(
        client.get(reverse("records:edit", args=[record.pk])).content.decode()
    )
    (written,) = page.xpath('//input[@name="written_on"]')
    assert written.get("type") == "date" and written.get("value") == "2025-06-02"
    (formed,) = page.xpath('//input[@name="formed_on"]')
    assert formed.get("value") == "2025-06-03"


def test_saving_a_withheld_draft_unchanged_keeps_its_dates_ground_and_attachments(client, clerk):
    record = make_record(
        by=clerk,
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.PROCESS,
        reassess_on=date(2026, 6, 30),
        document_number="东教发〔2025〕3号",
    )
    attach(record, clerk)
    before = facts(Record.objects.get(pk=record.pk))
    client.force_login(clerk)
    assert facts(resave(client, record)) == before
    assert before["written_on"] == date(2025, 6, 2) and before["attachments"]


@pytest.mark.parametrize(
    "disclosure",
    [
        {},
        {
            "disclosure": Disclosure.WITHHELD,
            "withheld_ground": WithheldGround.THIRD_PARTY,
            "reassess_on": date(2026, 9, 1),
        },
    ],
    ids=["proactive", "withheld"],
)
def test_a_returned_draft_keeps_everything_and_shows_the_reason_on_top(
    client, clerk, document_reviewer, disclosure
):
    record = make_record(by=clerk, **disclosure)
    attach(record, clerk)
    before = facts(Record.objects.get(pk=record.pk))
    record = services.submit(record, by=clerk)
    services.return_for_changes(record, by=document_reviewer, note="请补充招生咨询电话。")
    client.force_login(clerk)
    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    main = page[page.index('id="main"') :]
    assert main.index("退回原因：请补充招生咨询电话。") < main.index("<h1>")
    assert (
        "请补充招生咨询电话。"
        in client.get(reverse("records:edit", args=[record.pk])).content.decode()
    )
    after = resave(client, record)
    assert facts(after) == before
    # Submitted again: the reason leaves the top of the page (it stays in the history).
    services.submit(after, by=clerk)
    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "已被退回修改" not in page and "公文审核退回修改" in page


def test_a_revision_keeps_everything_asks_for_its_change_note_and_shows_it_publicly(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk)
    attach(record, clerk)
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    record = services.publish(record, by=clerk)
    before = facts(record)
    client.force_login(clerk)

    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert 'name="change_note"' in page and "修订说明（必填" in page
    refused = client.post(
        reverse("records:act", args=[record.pk]), {"action": "revise"}, follow=True
    )
    assert "修订须填写修订说明" in refused.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PUBLISHED

    client.post(
        reverse("records:act", args=[record.pk]),
        {"action": "revise", "change_note": "更正报名咨询电话"},
    )
    record = Record.objects.get(pk=record.pk)
    assert record.status == Status.DRAFT and record.change_note == "更正报名咨询电话"
    edited = resave(client, record)
    assert facts(edited) == before
    assert edited.change_note == "更正报名咨询电话"

    record = services.submit(edited, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    record = services.publish(record, by=clerk)
    assert record.current_version.change_note == "更正报名咨询电话"
    assert record.current_version.attachment_ids == before["attachments"]
    assert record.change_note == ""  # the next revision states its own
    public = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert "修订记录" in public and "更正报名咨询电话" in public


def test_a_revision_cannot_be_saved_with_an_empty_change_note(client, clerk, published):
    record = services.revise(published, by=clerk, change_note="补充附件")
    client.force_login(clerk)
    url = reverse("records:edit", args=[record.pk])
    page = lxml.html.document_fromstring(client.get(url).content.decode())
    form = next(f for f in page.forms if "title" in f.fields)
    values = dict(form.form_values())
    values["change_note"] = ""
    response = client.post(url, values)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Record.objects.get(pk=record.pk).change_note == "补充附件"


@pytest.fixture
def published(clerk, document_reviewer, disclosure_reviewer):
    def publish(title):
        record = services.submit(make_record(by=clerk, title=title), by=clerk)
        record = services.approve_document(record, by=document_reviewer)
        record = services.approve_disclosure(record, by=disclosure_reviewer)
        return services.publish(record, by=clerk)

    return publish("关于2025年城区小学招生范围的公告")


def test_repeal_with_date_reason_and_replacement_from_the_record_page(
    client, clerk, document_reviewer, disclosure_reviewer, published
):
    newer = services.submit(
        make_record(by=clerk, title="关于2026年城区小学招生范围的公告"), by=clerk
    )
    newer = services.approve_document(newer, by=document_reviewer)
    newer = services.approve_disclosure(newer, by=disclosure_reviewer)
    newer = services.publish(newer, by=clerk)
    client.force_login(clerk)
    detail = client.get(reverse("records:detail", args=[published.pk])).content.decode()
    url = reverse("records:validity", args=[published.pk])
    assert url in detail

    found = lxml.html.document_fromstring(client.get(url, {"q": "2026年"}).content.decode())
    offered = {i.get("value") for i in found.xpath('//input[@name="replaced_by"]')}
    assert offered == {"", str(newer.pk)}  # never the record itself
    typed = {"validity": Validity.REPEALED, "on": "2026-03-01", "note": "先写的原因"}
    searched = client.post(url, {**typed, "find": "1", "q": "2026年"})
    assert searched.status_code == 200 and "先写的原因" in searched.content.decode()
    assert f'value="{newer.pk}"' in searched.content.decode()
    assert Record.objects.get(pk=published.pk).validity == Validity.VALID  # not saved
    missing = client.post(url, {"validity": Validity.REPEALED, "on": "2026-03-01"})
    assert "请填写失效或废止的原因" in missing.content.decode()
    response = client.post(
        url,
        {
            "validity": Validity.REPEALED,
            "on": "2026-03-01",
            "note": "由2026年招生范围公告替代",
            "replaced_by": str(newer.pk),
        },
    )
    assert response.status_code == 302
    record = Record.objects.get(pk=published.pk)
    assert record.validity == Validity.REPEALED
    assert record.validity_changed_on == date(2026, 3, 1)
    assert record.replaced_by == newer and record.validity_note == "由2026年招生范围公告替代"
    event = AuditEvent.objects.for_object(record).get(verb="record.validity")
    assert (event.from_status, event.to_status) == (Validity.VALID, Validity.REPEALED)
    assert event.data["replaced_by"] == newer.pk

    public = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert "本文件已废止" in public and "2026年3月1日" in public
    assert "由2026年招生范围公告替代" in public
    assert reverse("portal:record", args=[newer.pk]) in public
    staff = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "信息：变更有效性（失效/废止）" in staff and "record.validity" not in staff


def test_the_replacement_must_be_a_published_record(client, clerk, published):
    draft = make_record(by=clerk, title="尚未发布的新公告")
    client.force_login(clerk)
    response = client.post(
        reverse("records:validity", args=[published.pk]),
        {"validity": Validity.EXPIRED, "on": "2026-03-01", "note": "到期", "replaced_by": draft.pk},
    )
    assert "替代文件须是已在专栏发布的信息" in response.content.decode()
    assert Record.objects.get(pk=published.pk).validity == Validity.VALID


def test_only_published_records_have_a_validity_page(client, clerk):
    draft = make_record(by=clerk)
    client.force_login(clerk)
    assert client.get(reverse("records:validity", args=[draft.pk])).status_code == 404
    assert (
        "标注失效或废止"
        not in client.get(reverse("records:detail", args=[draft.pk])).content.decode()
    )


# --- Buttons that cannot apply are not offered ----------------------------------------------


def buttons(client, record):
    page = lxml.html.document_fromstring(
        client.get(reverse("records:detail", args=[record.pk])).content.decode()
    )
    return {i.get("value") for i in page.xpath('//input[@name="action"]')}


def test_a_draft_nobody_has_seen_cannot_be_withdrawn_but_a_returned_one_can(
    client, clerk, document_reviewer
):
    record = make_record(by=clerk)
    client.force_login(clerk)
    assert buttons(client, record) == {"submit"}
    record = services.submit(record, by=clerk)
    services.return_for_changes(record, by=document_reviewer, note="补充")
    assert buttons(client, record) == {"submit", "withdraw"}


def test_a_withheld_record_is_not_offered_publication(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(
        by=clerk,
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.INTERNAL_AFFAIRS,
        reassess_on=date(2026, 6, 30),
    )
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    client.force_login(clerk)
    offered = buttons(client, record)
    assert "publish" not in offered and "schedule" not in offered
    assert "return_approved" in offered
    assert (
        "不在专栏发布" in client.get(reverse("records:detail", args=[record.pk])).content.decode()
    )


def test_the_history_reads_in_chinese(client, clerk, document_reviewer):
    record = services.submit(make_record(by=clerk), by=clerk)
    services.return_for_changes(record, by=document_reviewer, note="补充")
    client.force_login(clerk)
    page = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "信息：公文审核退回修改（待公文审核 → 草稿）" in page
    assert "record.return_document" not in page and "submitted → draft" not in page


def test_uploading_needs_the_writer(client, clerk, document_reviewer):
    record = make_record(by=clerk)
    client.force_login(document_reviewer)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(reverse("records:attach", args=[record.pk]), {"file": upload}).status_code
        == 403
    )
