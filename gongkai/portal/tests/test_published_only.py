"""Public surfaces show what was published, and nothing else, until the next publication.

One test edits every field of revisions of published records (a plain record, a policy, its
interpretation, a service guide) and of a never-published draft, and walks them through both
reviews: every public page, listing, feed, sitemap and search result stays byte for byte
the same until publication, and changes once it happens.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.disclosures import services as disclosures
from gongkai.disclosures.testing import complete_guide, make_guide
from gongkai.interpretations import services as interpretations
from gongkai.interpretations.models import Form
from gongkai.interpretations.testing import make_interpretation, make_policy, prepare_policy
from gongkai.records import public, services
from gongkai.records.models import Disclosure, PublicRecord, Record, Status, WithheldGround
from gongkai.screening.testing import make_pdf
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_hooks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _through_review(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    return services.approve_disclosure(record, by=disclosure_reviewer)


def _fresh(record):
    return Record.objects.get(pk=record.pk)


def _edit_every_field(record, *, by, item, organisation, tag):
    """Change every field a clerk can edit, to values that would show if they leaked."""
    record = _fresh(record)
    return services.update_record(
        record,
        by=by,
        revision=record.revision,
        title=f"{tag}修订后的标题泄漏词",
        summary=f"{tag}修订后的概述泄漏词",
        body=f"<p>{tag}修订后的正文泄漏词</p>",
        item=item,
        organisation=organisation,
        document_number="泄教发〔2025〕99号",
        written_on=date(2025, 1, 9),
        formed_on=date(2025, 1, 10),
        theme="财政",
        five_disclosure="result",
        disclosure=Disclosure.PROACTIVE,
    )


class Surfaces:
    """Every public page the column serves for these records, read anonymously."""

    def __init__(self, client, urls):
        self.client = client
        self.urls = urls

    def read(self):
        pages = {}
        for url in self.urls:
            response = self.client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            pages[url] = (response.status_code, body.decode())
        return pages

    def assert_unchanged(self, before, stage):
        after = self.read()
        changed = [url for url in self.urls if after[url] != before[url]]
        assert not changed, f"{stage}: public surfaces changed before publication: {changed}"


def test_no_public_surface_changes_until_a_revision_or_a_draft_is_published(
    client, clerk, document_reviewer, disclosure_reviewer, county, school, run_hooks
):
    new_item = Item.objects.current().get(code="08.02")
    with run_hooks():
        plain = make_record(by=clerk, title="原标题招生范围公告", summary="原概述")
        services.add_attachment(
            plain, io.BytesIO(make_pdf(["oldattachword budget"])), "原附件.pdf", by=clerk
        )
        plain = services.publish(
            _through_review(plain, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
        reclassified = make_record(by=clerk, title="将被改为不予公开的公告")
        reclassified = services.publish(
            _through_review(reclassified, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
        policy = prepare_policy(make_policy(by=clerk, title="原课后服务政策"), by=clerk)
        explained = make_interpretation(by=clerk, policies=[policy], title="原政策解读")
        _through_review(explained, clerk, document_reviewer, disclosure_reviewer)
        policy = services.publish(
            _through_review(policy, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
        guide = make_guide(by=clerk, title="原转学办事指南")
        guide = services.publish(
            _through_review(guide, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
    draft = make_record(by=clerk, title="从未发布的草稿")
    explained = _fresh(explained)
    assert explained.status == Status.PUBLISHED  # it went out with its policy

    urls = [
        "/",
        "/catalogue/05.04/",
        "/catalogue/08.02/",
        "/catalogue/01.02/",
        "/catalogue/06.01/",
        "/catalogue/05.04/?org=C0100&school=C0102",
        "/catalogue/05.04/?year=2025",
        "/catalogue/05.04/?validity=valid",
        "/catalogue/08.02/?org=C0100",
        "/sections/05/",
        "/organisations/",
        f"/organisations/{county.code}/",
        f"/organisations/{school.code}/",
        *(f"/records/{r.pk}/" for r in (plain, reclassified, policy, explained, guide, draft)),
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        "/catalogue/05.04/rss.xml",
        "/catalogue/08.02/rss.xml",
        f"/organisations/{county.code}/rss.xml",
        f"/organisations/{school.code}/atom.xml",
        "/sitemap.xml",
        "/sitemap-records.xml",
        "/sitemap-catalogue.xml",
        "/sitemap-organisations.xml",
        "/sitemap-pages.xml",
        "/search/?q=泄漏词",
        "/search/?q=原标题",
        "/search/?q=oldattachword",
        "/search/?q=泄教发",
        "/search/?q=招生&org=C0102",
        "/interpretations/",
        "/interpretations/?form=graphic",
        "/interpretations/?form=qa",
        "/services/",
        "/five/",
        "/five/result/",
        "/five/service/",
        "/powers/",
        "/responses/",
    ]
    surfaces = Surfaces(client, urls)
    before = surfaces.read()
    assert "原标题招生范围公告" in before["/catalogue/05.04/"][1]

    with run_hooks():
        # Revisions of everything published, and the draft: every field a clerk can edit.
        plain = services.revise(_fresh(plain), by=clerk, change_note="更正部分内容")
        _edit_every_field(plain, by=clerk, item=new_item, organisation=school, tag="甲")
        services.add_attachment(
            _fresh(plain), io.BytesIO(make_pdf(["leakattachword budget"])), "新附件.pdf", by=clerk
        )
        old_attachment = plain.attachments.get(original_name="原附件.pdf")
        services.remove_attachment(old_attachment, by=clerk)
        reclassified = services.revise(_fresh(reclassified), by=clerk, change_note="更正部分内容")
        reclassified = _fresh(reclassified)
        services.update_record(
            reclassified,
            by=clerk,
            revision=reclassified.revision,
            disclosure=Disclosure.WITHHELD,
            withheld_ground=WithheldGround.THIRD_PARTY,
            reassess_on=date(2026, 12, 31),
        )
        services.revise(_fresh(policy), by=clerk, change_note="更正部分内容")
        _edit_every_field(
            policy,
            by=clerk,
            item=Item.objects.current().get(code="01.02"),
            organisation=county,
            tag="乙",
        )
        services.revise(_fresh(explained), by=clerk, change_note="更正部分内容")
        interpretations.update_interpretation(
            _fresh(explained),
            by=clerk,
            form=Form.GRAPHIC,
            stage="实施三个月后泄漏词",
            interpreter_name="泄漏词专家",
        )
        _edit_every_field(
            explained,
            by=clerk,
            item=Item.objects.current().get(code="01.02"),
            organisation=county,
            tag="丙",
        )
        services.revise(_fresh(guide), by=clerk, change_note="更正部分内容")
        guide = _fresh(guide)
        detail, rows = complete_guide(responsible_body="泄漏词窗口")
        disclosures.save_structured(
            guide,
            by=clerk,
            revision=guide.revision,
            detail=detail,
            rows=rows,
            title="丁修订后的办事指南泄漏词",
        )
        _edit_every_field(draft, by=clerk, item=new_item, organisation=school, tag="戊")
    surfaces.assert_unchanged(before, "after editing")

    # Through the reviews: still nothing, until publication.
    with run_hooks():
        for record in (plain, policy, guide, draft):
            services.submit(_fresh(record), by=clerk)
        surfaces.assert_unchanged(before, "submitted")
        for record in (plain, policy, guide, draft):
            services.approve_document(_fresh(record), by=document_reviewer)
        surfaces.assert_unchanged(before, "document review")
        for record in (plain, policy, guide, draft):
            services.approve_disclosure(_fresh(record), by=disclosure_reviewer)
        services.submit(_fresh(reclassified), by=clerk)
        services.approve_document(_fresh(reclassified), by=document_reviewer)
    surfaces.assert_unchanged(before, "approved")

    # Publication: now the public sees the new versions (a minute later, so that a lastmod
    # written to the second can move however fast the machine is).
    with run_hooks(), time_machine.travel(timezone.now() + timedelta(minutes=1), tick=True):
        for record in (plain, policy, guide, draft):
            services.publish(_fresh(record), by=clerk, change_note="修订")
    after = surfaces.read()
    old_listing, new_listing = after["/catalogue/05.04/"][1], after["/catalogue/08.02/"][1]
    assert "原标题招生范围公告" not in old_listing and "甲修订后的标题泄漏词" not in old_listing
    assert "甲修订后的标题泄漏词" in new_listing and "戊修订后的标题泄漏词" in new_listing
    assert "甲修订后的标题泄漏词" in after[f"/organisations/{school.code}/"][1]
    page = after[f"/records/{plain.pk}/"][1]
    assert "泄教发〔2025〕99号" in page and "甲修订后的概述泄漏词" in page
    assert "新附件.pdf" in page and "原附件.pdf" not in page
    assert after[f"/records/{draft.pk}/"][0] == 200
    assert "甲修订后的标题泄漏词" in after["/feeds/rss.xml"][1]
    assert "甲修订后的标题泄漏词" in after["/catalogue/08.02/rss.xml"][1]
    assert f"/records/{plain.pk}/" in after["/search/?q=泄漏词"][1]
    assert "leakattachword" in client.get("/search/?q=leakattachword").content.decode()
    assert "原附件文字" not in after["/search/?q=oldattachword"][1]
    assert "丁修订后的办事指南泄漏词" in after["/services/"][1]
    assert f"/records/{draft.pk}/" in after["/sitemap-records.xml"][1]
    assert after["/sitemap.xml"] != before["/sitemap.xml"]  # lastmod moved

    # Reclassification takes effect when its second review confirms it.
    with run_hooks():
        services.approve_disclosure(_fresh(reclassified), by=disclosure_reviewer)
    assert client.get(f"/records/{reclassified.pk}/").status_code == 404
    for url in (
        "/catalogue/05.04/",
        "/feeds/rss.xml",
        "/sitemap-records.xml",
        f"/organisations/{county.code}/",
    ):
        assert "将被改为不予公开的公告" not in client.get(url).content.decode()


def test_the_interpretation_listing_shows_the_published_form_and_title(
    client, clerk, document_reviewer, disclosure_reviewer, run_hooks, county
):
    with run_hooks():
        policy = prepare_policy(make_policy(by=clerk), by=clerk)
        explained = make_interpretation(by=clerk, policies=[policy], title="问答解读原标题")
        _through_review(explained, clerk, document_reviewer, disclosure_reviewer)
        services.publish(
            _through_review(policy, clerk, document_reviewer, disclosure_reviewer), by=clerk
        )
        services.revise(_fresh(explained), by=clerk, change_note="更正部分内容")
        interpretations.update_interpretation(_fresh(explained), by=clerk, form=Form.GRAPHIC)
    assert "问答解读原标题" in client.get("/interpretations/", {"form": "qa"}).content.decode()
    assert (
        "问答解读原标题"
        not in client.get("/interpretations/", {"form": "graphic"}).content.decode()
    )
    # the form kept on the public row and its counts, alone and with a county, are the
    # published version's until the revision is published
    for org in ("", county.code):
        assert (
            "问答解读原标题"
            in client.get("/interpretations/", {"form": "qa", "org": org}).content.decode()
        )
        assert (
            "问答解读原标题"
            not in client.get("/interpretations/", {"form": "graphic", "org": org}).content.decode()
        )
    # the row shows the published title, publisher, date and form's name, read with the row
    listed = client.get("/interpretations/").content.decode()
    row = re.search(rf'<li><span><a href="/records/{explained.pk}/">(.*?)</li>', listed, re.S)
    assert row is not None, listed
    shown = row.group(1)
    assert shown.startswith("问答解读原标题</a>")
    assert '<span class="badge">问答</span>' in shown and "图解" not in shown
    published = PublicRecord.objects.get(pk=explained.pk)
    assert published.organisation.display_name in shown
    assert timezone.localtime(published.first_published_at).strftime("%Y-%m-%d") in shown
    assert PublicRecord.objects.get(pk=explained.pk).form == "qa"
    for place in (None, county.pk):
        assert public.count(public.key("live_form", "interpretation:qa", place=place)) == 1
        assert public.count(public.key("live_form", "interpretation:graphic", place=place)) == 0
    policy_page = client.get(f"/records/{policy.pk}/").content.decode()
    assert "问答解读原标题" in policy_page and "问答" in policy_page
    # a version published before the form's name was frozen shows the published form's name
    version = published.version
    version.metadata = {**version.metadata, "interpretation": {"form": "qa"}}
    version.save(update_fields=["metadata"])
    listed = client.get("/interpretations/").content.decode()
    assert (
        f'<a href="/records/{explained.pk}/">问答解读原标题</a>\n    <span class="badge">问答</span>'
        in listed
    )
