"""New media and open data: feeds, sitemap, the JSON API, CSV downloads and print views."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.organisations.models import Kind
from gongkai.records import services
from gongkai.records.models import Disclosure, WithheldGround
from gongkai.testing import make_organisation, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(clerk, document_reviewer, disclosure_reviewer):
    def publish(**fields):
        record = make_record(by=clerk, **fields)
        record = services.submit(record, by=clerk)
        record = services.approve_document(record, by=document_reviewer)
        record = services.approve_disclosure(record, by=disclosure_reviewer)
        if record.disclosure != Disclosure.PROACTIVE:
            return record
        return services.publish(record, by=clerk)

    return publish


def test_the_site_feed_lists_published_records_newest_first(client, published):
    published(title="第一条公告")
    published(title="第二条公告")
    for url in ["/feeds/rss.xml", "/feeds/atom.xml"]:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.index("第二条公告") < body.index("第一条公告")
        ET.fromstring(response.content)  # well-formed XML


def test_item_and_organisation_feeds_only_carry_their_records(client, published, county):
    published(title="招生范围公告", item_code="05.04")
    published(title="营养改善计划公示", item_code="08.02")
    item_feed = client.get("/catalogue/05.04/rss.xml").content.decode()
    assert "招生范围公告" in item_feed and "营养改善计划公示" not in item_feed
    org_feed = client.get(f"/organisations/{county.code}/atom.xml").content.decode()
    assert "招生范围公告" in org_feed and "营养改善计划公示" in org_feed


def test_withheld_and_on_request_records_never_reach_feeds_or_the_api(client, published):
    published(
        title="不予公开的过程稿",
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.PROCESS,
        reassess_on="2026-12-31",
    )
    published(title="依申请公开的名单", disclosure=Disclosure.ON_REQUEST)
    for url in ["/feeds/rss.xml", "/api/records", "/sitemap-records.xml"]:
        body = client.get(url).content.decode()
        assert "不予公开的过程稿" not in body and "依申请公开的名单" not in body


def test_sitemap_index_points_to_every_section(client, published):
    record = published()
    index = client.get("/sitemap.xml").content.decode()
    for section in ["pages", "catalogue", "organisations", "records"]:
        assert f"sitemap-{section}.xml" in index
    assert f"/records/{record.pk}/" in client.get("/sitemap-records.xml").content.decode()
    assert "/catalogue/05.04/" in client.get("/sitemap-catalogue.xml").content.decode()


def test_the_api_serves_the_catalogue_with_every_column(client):
    data = client.get("/api/catalogue").json()
    assert len(data["sections"]) == 10
    items = [i for s in data["sections"] for i in s["items"]]
    assert len(items) == 34
    assert all(i["elements"] and i["basis"] and i["time_limit"]["text"] for i in items)


def test_the_api_pages_records_with_filters_and_bounded_queries(client, published):
    for n in range(5):
        published(title=f"公告{n}")
    published(title="营养改善", item_code="08.02")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/records", {"limit": 3}).json()
    assert page["count"] == 6 and len(page["items"]) == 3
    assert len(queries) <= 4
    filtered = client.get("/api/records", {"item": "08.02"}).json()
    assert [r["title"] for r in filtered["items"]] == ["营养改善"]


def test_a_withdrawn_record_keeps_its_api_address_without_content(client, published, clerk):
    record = published()
    services.withdraw(record, by=clerk, reason="重复")
    data = client.get(f"/api/records/{record.pk}").json()
    assert data["withdrawn"] is True and data["body_html"] == ""
    assert client.get("/api/records/999999").status_code == 404


def test_the_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/catalogue",
        "/api/organisations",
        "/api/records",
        "/api/records/{record_id}",
    } <= set(schema["paths"])


def test_school_directory_csv_opens_in_excel(client, township):
    make_organisation(
        kind=Kind.SCHOOL,
        parent=township,
        name="（演示）第一小学",
        address="（演示）某路1号",
        phone="0635-0000001",
        school_stage="小学",
    )
    response = client.get("/data/schools.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["学校名称", "所属县（市、区）", "学校地址"]
    assert rows[1][0] == "（演示）第一小学" and rows[1][5] == "0635-0000001"


def test_statistics_csv_counts_schools_by_county(client, township):
    make_organisation(kind=Kind.SCHOOL, parent=township, school_stage="小学")
    make_organisation(kind=Kind.SCHOOL, parent=township, school_stage="小学")
    text = b"".join(client.get("/data/statistics.csv").streaming_content).decode("utf-8")
    assert "测试县教育和体育局,小学,公办,2" in text


def test_print_views_carry_a_qr_code_and_large_type(client, published):
    record = published()
    page = client.get(f"/records/{record.pk}/print/").content.decode()
    assert 'src="data:image/svg+xml' in page and "扫码查看网上原文" in page
    assert "print.css" in page
    listing = client.get("/catalogue/05.04/print/").content.decode()
    assert record.title in listing
