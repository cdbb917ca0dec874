from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongkai.disclosures import services
from gongkai.disclosures.counts import five_disclosure_counts
from gongkai.disclosures.testing import make_guide, make_structured, publish_through_review
from gongkai.records import services as records
from gongkai.records.models import Kind
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

POWER = {
    "power_kind": "licence",
    "legal_basis": "《中华人民共和国民办教育促进法》第十二条",
    "responsible_body": "测试县教育和体育局",
    "method": "受理—审查—决定—送达",
    "responsibilities": "受理责任、审查责任、决定责任、送达责任、事后监管责任。",
}
MATTER = {
    "legal_basis": "《民办学校分类登记实施细则》",
    "responsible_body": "测试县教育和体育局",
    "targets": "本县民办义务教育学校",
    "method": "“双随机、一公开”抽查",
}


@pytest.fixture
def reviewers(clerk, document_reviewer, disclosure_reviewer):
    return {
        "clerk": clerk,
        "document_reviewer": document_reviewer,
        "disclosure_reviewer": disclosure_reviewer,
    }


def test_power_items_and_supervision_results_are_shown_per_organisation(
    client, clerk, reviewers, county, other_county
):
    power = make_structured(
        Kind.POWER_ITEM, by=clerk, item_code="03.02", title="民办学校设立审批", detail=POWER
    )
    publish_through_review(power, **reviewers)
    matter = make_structured(
        Kind.SUPERVISION_MATTER,
        by=clerk,
        item_code="03.03",
        title="民办学校年度检查",
        detail=MATTER,
        rows={"results": [{"checked_on": date(2024, 12, 20), "summary": "抽查3所，均合格。"}]},
    )
    matter = publish_through_review(matter, **reviewers)
    # A later result is added in a revision; the earlier one stays, in this version and the last.
    matter = records.revise(matter, by=clerk, change_note="增加检查结果")
    services.save_structured(
        matter,
        by=clerk,
        revision=matter.revision,
        detail={},
        rows={
            "results": [
                {"checked_on": date(2025, 12, 18), "summary": "抽查4所，1所限期整改。"},
                {"checked_on": date(2024, 12, 20), "summary": "抽查3所，均合格。"},
            ]
        },
    )
    matter.refresh_from_db()
    matter = publish_through_review(matter, **reviewers)
    first, second = matter.versions.order_by("number")
    assert len(first.metadata["disclosures"]["results"]) == 1
    assert [r["checked_on"] for r in second.metadata["disclosures"]["results"]] == [
        "2025-12-18",
        "2024-12-20",
    ]
    page = client.get(reverse("disclosures:powers"), {"org": county.code}).content.decode()
    assert "民办学校设立审批" in page and "行政许可" in page
    assert "民办学校年度检查" in page and "1所限期整改" in page and "全部 2 次结果" in page
    other = client.get(reverse("disclosures:powers"), {"org": other_county.code}).content.decode()
    assert "民办学校设立审批" not in other


def test_the_five_disclosures_page_lists_and_counts_by_class(
    client, clerk, reviewers, county, other_county_clerk, other_county
):
    guide = publish_through_review(make_guide(by=clerk), **reviewers)
    notice = publish_through_review(make_record(by=clerk), **reviewers)  # 05.04 招生范围: 执行
    make_guide(by=clerk, title="草稿不计数")
    counts = five_disclosure_counts()
    assert counts == {
        county.pk: {"decision": 0, "execution": 1, "management": 0, "service": 1, "result": 0}
    }
    assert five_disclosure_counts(organisations=[other_county]) == {}
    overview = client.get(reverse("disclosures:five")).content.decode()
    assert "服务公开（1）" in overview and "决策公开（0）" in overview
    service = client.get(reverse("disclosures:five_class", args=["service"])).content.decode()
    assert guide.title in service and notice.title not in service
    assert client.get(reverse("disclosures:five_class", args=["nonsense"])).status_code == 404


def test_withdrawing_a_guide_takes_it_out_of_the_column_and_the_counts(
    client, clerk, reviewers, county
):
    guide = publish_through_review(make_guide(by=clerk), **reviewers)
    records.withdraw(guide, by=clerk, reason="事项取消")
    assert guide.title not in client.get(reverse("disclosures:services")).content.decode()
    assert five_disclosure_counts() == {}
