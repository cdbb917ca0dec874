"""The JSON API: Chinese errors with the statuses its schema declares, bounded paging, and the
published version only."""

from __future__ import annotations

import pytest

from gongkai.portal.api import MAX_LIMIT, MAX_OFFSET
from gongkai.portal.tests.test_printing import publish
from gongkai.records import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"year": "10000"}, "year", "发布年份不能大于 2100"),
        ({"year": "-5"}, "year", "发布年份不能小于 1900"),
        ({"year": "二〇二五"}, "year", "发布年份应为整数"),
        ({"limit": "0"}, "limit", "每页条数不能小于 1"),
        ({"limit": str(MAX_LIMIT + 1)}, "limit", f"每页条数不能大于 {MAX_LIMIT}"),
        ({"limit": "9" * 40}, "limit", f"每页条数不能大于 {MAX_LIMIT}"),
        ({"offset": "9" * 40}, "offset", f"起始位置不能大于 {MAX_OFFSET}"),
        ({"offset": "-1"}, "offset", "起始位置不能小于 0"),
        ({"offset": "abc"}, "offset", "起始位置应为整数"),
        ({"item": "05.04\x00"}, "item", "目录事项编码格式不正确"),
        ({"organisation": "x" * 200}, "organisation", "机构编码格式不正确"),
    ],
)
def test_a_parameter_out_of_range_gets_a_chinese_422(client, query, parameter, message):
    response = client.get("/api/records", query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["errors"] == [{"parameter": parameter, "message": message}]
    assert body["detail"] == f"请求参数不正确：{message}。"
    assert "\\u" not in response.content.decode()  # Chinese as characters


def test_a_record_id_out_of_range_is_422_and_a_missing_one_404_both_in_json(client):
    huge = client.get("/api/records/" + "9" * 30)
    assert huge.status_code == 422 and "信息编号不能大于" in huge.json()["detail"]
    assert client.get("/api/records/abc").json()["errors"][0]["message"] == "信息编号应为整数"
    missing = client.get("/api/records/123456")
    assert missing.status_code == 404 and missing.json() == {
        "detail": "没有这条信息。",
        "errors": [],
    }


def test_the_schema_declares_every_status_the_api_answers_with(client):
    schema = client.get("/api/openapi.json").json()
    records = schema["paths"]["/api/records"]["get"]
    assert set(records["responses"]) == {"200", "422"}
    assert set(schema["paths"]["/api/records/{record_id}"]["get"]["responses"]) == {
        "200",
        "404",
        "422",
    }
    limit = next(p for p in records["parameters"] if p["name"] == "limit")
    offset = next(p for p in records["parameters"] if p["name"] == "offset")
    assert limit["schema"]["maximum"] == MAX_LIMIT and offset["schema"]["maximum"] == MAX_OFFSET


def test_the_largest_page_and_offset_are_served(client, county):
    publish(county, "招生范围公告")
    page = client.get("/api/records", {"limit": MAX_LIMIT, "offset": MAX_OFFSET}).json()
    assert page == {"items": [], "count": 1}
    assert client.get("/api/records", {"year": 2025}).json()["count"] == 1
    assert client.get("/api/records", {"year": 2024}).json()["count"] == 0


def test_a_catalogue_not_yet_published_is_a_chinese_404(client):
    from gongkai.catalogue.models import Edition

    Edition.objects.update(status=Edition.Status.DRAFT)
    response = client.get("/api/catalogue")
    assert response.status_code == 404
    assert response.json() == {"detail": "尚未发布标准目录。", "errors": []}


def test_the_api_shows_the_published_version_not_a_revision_in_progress(client, county, clerk):
    record = publish(county, "原标题：招生范围公告", document_number="聊教发〔2025〕3号")
    record = services.revise(record, by=clerk, change_note="更正部分内容")
    services.update_record(
        record,
        by=clerk,
        revision=record.revision,
        title="未审核的新标题",
        summary="未审核的概述",
        body="<p>未审核的正文</p>",
        document_number="聊教发〔2025〕99号",
    )
    listed = client.get("/api/records").json()["items"][0]
    detail = client.get(f"/api/records/{record.pk}").json()
    for data in (listed, detail):
        assert data["title"] == "原标题：招生范围公告"
        assert data["document_number"] == "聊教发〔2025〕3号"
        assert data["item"] == "05.04"
    assert detail["summary"] == "" and "未审核" not in detail["body_html"]
