from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.disclosures import services
from gongkai.disclosures.history import progress_updates
from gongkai.disclosures.testing import make_structured, publish_through_review
from gongkai.records import services as records
from gongkai.records.models import Kind

pytestmark = pytest.mark.django_db

REFORM = {
    "reform_kind": "reform",
    "starts_on": date(2025, 3, 1),
    "ends_on": date(2025, 12, 31),
    "measures": "推进集团化办学，城区学校与乡村学校结对。",
    "responsible_units": "基础教育科",
    "supervision_method": "县教育督导室每季度督查，结果在本栏目公开。",
    "progress": 30,
    "progress_on": date(2025, 4, 30),
    "progress_text": "完成结对方案，12所学校签订协议。",
}
STEPS = [
    {"name": "制定方案", "due_on": date(2025, 4, 1), "state": "done", "done_on": date(2025, 3, 28)},
    {"name": "全面实施", "due_on": date(2025, 10, 31), "state": "underway", "done_on": None},
]


@pytest.fixture
def reviewers(clerk, document_reviewer, disclosure_reviewer):
    return {
        "clerk": clerk,
        "document_reviewer": document_reviewer,
        "disclosure_reviewer": disclosure_reviewer,
    }


def _reform(clerk):
    return make_structured(
        Kind.REFORM,
        by=clerk,
        item_code="08.01",
        title="集团化办学改革",
        detail=REFORM,
        rows={"steps": STEPS},
    )


def _update(record, clerk, reviewers, **progress):
    record = records.revise(record, by=clerk, change_note="进展更新")
    record = services.save_structured(record, by=clerk, revision=record.revision, detail=progress)
    return publish_through_review(record, **reviewers, note="进展更新")


def test_two_progress_updates_are_both_kept_and_shown_in_order(client, clerk, reviewers):
    record = publish_through_review(_reform(clerk), **reviewers)
    record = _update(
        record,
        clerk,
        reviewers,
        progress=65,
        progress_on=date(2025, 8, 31),
        progress_text="结对学校教师交流轮岗48人次。",
    )
    first, second = record.versions.order_by("number")
    assert first.metadata["disclosures"]["progress"] == 30  # not overwritten
    assert second.metadata["disclosures"]["progress"] == 65
    assert [u.progress for u in progress_updates(record)] == [30, 65]
    page = client.get(reverse("disclosures:progress_detail", args=[record.pk])).content.decode()
    earlier = page.index("完成结对方案，12所学校签订协议。")
    later = page.index("结对学校教师交流轮岗48人次。")
    assert earlier < later
    assert '<progress class="progress-large" max="100" value="65">' in page
    assert "2025年4月30日" in page and "2025年8月31日" in page


def test_a_revision_under_review_does_not_change_the_public_progress(client, clerk, reviewers):
    record = publish_through_review(_reform(clerk), **reviewers)
    record = records.revise(record, by=clerk, change_note="进展更新")
    services.save_structured(
        record,
        by=clerk,
        revision=record.revision,
        detail={"progress": 90, "progress_on": date(2025, 9, 30), "progress_text": "未审核"},
    )
    page = client.get(reverse("disclosures:progress_detail", args=[record.pk])).content.decode()
    assert "未审核" not in page and 'value="90"' not in page


def test_progress_cannot_go_back_in_time(clerk, reviewers):
    record = publish_through_review(_reform(clerk), **reviewers)
    record = records.revise(record, by=clerk, change_note="进展更新")
    record = services.save_structured(
        record, by=clerk, revision=record.revision, detail={"progress_on": date(2025, 1, 1)}
    )
    with pytest.raises(ValidationError, match="不能倒退"):
        records.submit(record, by=clerk)


def test_a_correction_that_changes_no_progress_is_not_a_new_update(clerk, reviewers):
    record = publish_through_review(_reform(clerk), **reviewers)
    record = _update(record, clerk, reviewers, measures="推进集团化办学（措施表述修正）。")
    assert record.versions.count() == 2
    assert len(progress_updates(record)) == 1


def test_a_reform_missing_its_progress_elements_is_refused(clerk):
    record = make_structured(
        Kind.REFORM, by=clerk, item_code="08.01", title="课后服务", detail={"measures": "x"}
    )
    with pytest.raises(ValidationError) as refused:
        records.submit(record, by=clerk)
    assert (
        "实施步骤、责任单位、监督方式、完成进度、进展日期、进展和成效" in refused.value.messages[0]
    )


def test_a_step_marked_done_needs_its_date(clerk):
    record = _reform(clerk)
    with pytest.raises(ValidationError, match="实际完成日期"):
        services.save_structured(
            record,
            by=clerk,
            revision=record.revision,
            detail={},
            rows={"steps": [{"name": "验收", "state": "done", "done_on": None}]},
        )


def test_the_progress_list_shows_the_published_reforms_with_bars(client, clerk, reviewers):
    record = publish_through_review(_reform(clerk), **reviewers)
    page = client.get(reverse("disclosures:progress")).content.decode()
    assert record.title in page and '<progress max="100" value="30">' in page
    record_page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert reverse("disclosures:progress_detail", args=[record.pk]) in record_page
