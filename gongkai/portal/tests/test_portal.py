from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalogue.models import Item

pytestmark = pytest.mark.django_db


def test_home_page_navigates_the_ten_sections_and_34_items(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in [
        "政策文件",
        "教育概况",
        "民办学校信息",
        "财务信息",
        "招生管理",
        "学生管理",
        "教师管理",
        "重要政策执行情况",
        "教育督导",
        "校园安全",
    ]:
        assert name in body
    for item in Item.objects.current():
        assert reverse("portal:item", args=[item.code]) in body
    assert body.count('href="/catalogue/') == 34


def test_an_item_page_shows_its_standard_and_an_empty_state(client):
    response = client.get(reverse("portal:item", args=["05.04"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "招生范围" in body and "信息形成或者变更之日起20个工作日内" in body
    assert "暂无已公开的信息" in body


def test_unknown_pages_answer_in_chinese(client):
    response = client.get("/catalogue/99.99/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_pages_carry_security_headers_and_a_content_security_policy(client):
    response = client.get(reverse("portal:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_large_type_mode_switches_without_javascript(client):
    response = client.get(reverse("portal:display_mode"), {"large": "1", "next": "/"})
    assert response.status_code == 302 and response.cookies["gk_large"].value == "1"
    assert 'class="large-type"' in client.get("/").content.decode()


def test_the_display_switch_never_redirects_off_site(client):
    response = client.get(
        reverse("portal:display_mode"), {"large": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_footer_shows_the_site_metadata_from_settings(client, settings):
    settings.GONGKAI_SITE = {
        **settings.GONGKAI_SITE,
        "site_code": "3715000001",
        "icp": "鲁ICP备00000000号",
    }
    body = client.get("/").content.decode()
    assert "网站标识码：3715000001" in body and "鲁ICP备00000000号" in body


def test_organisation_pages_show_contact_details(client, county, township):
    county.phone = "0635-8888888"
    county.save()
    body = client.get(reverse("portal:organisation", args=[county.code])).content.decode()
    assert "0635-8888888" in body and township.name in body


def test_school_level_items_let_readers_choose_their_school(client, county, school):
    body = client.get(reverse("portal:item", args=["05.04"])).content.decode()
    group = body.split(f'<optgroup label="{county.name}">')[1].split("</optgroup>")[0]
    assert f'<option value="{school.code}">{school.name}</option>' in group
    chosen = client.get(reverse("portal:item", args=["05.04"]), {"org": school.code})
    assert f'<option value="{school.code}" selected>' in chosen.content.decode()


def test_county_only_items_offer_no_schools(client, school):
    item = next(i for i in Item.objects.current() if "乡级" not in i.level)
    body = client.get(reverse("portal:item", args=[item.code])).content.decode()
    assert school.code not in body


def test_the_school_list_follows_changes_to_organisations(client, school):
    client.get(reverse("portal:item", args=["05.04"]))
    school.name = "测试镇第一小学（更名）"
    school.save()
    body = client.get(reverse("portal:item", args=["05.04"])).content.decode()
    assert "测试镇第一小学（更名）" in body


def test_listing_totals_follow_new_publications(client, county):
    from datetime import date, datetime

    from django.utils import timezone

    from gongkai.records.importing import ImportRow, import_author, import_record

    item = Item.objects.current().get(code="05.04")

    def publish(n):
        fields = {
            "title": f"招生范围公告{n}",
            "body": "<p>正文</p>",
            "item": item,
            "organisation": county,
            "formed_on": date(2025, 5, 1),
            "five_disclosure": item.five_disclosure,
        }
        published_at = timezone.make_aware(datetime(2025, 5, 2, 8, n))
        import_record(
            ImportRow(row=n, fields=fields, published_at=published_at),
            author=import_author(None),
            by=None,
            source="测试",
            written_files=[],
        )

    for n in range(21):
        publish(n)
    assert "共 21 条" in client.get("/catalogue/05.04/").content.decode()
    publish(30)
    assert "共 22 条" in client.get("/catalogue/05.04/").content.decode()


@pytest.mark.parametrize(
    "value", ["²", "１２", "99999999999", "0000", "-1", "2025\x00", "二〇二五", "٣"]
)
@pytest.mark.parametrize(
    "path,param",
    [
        ("/catalogue/05.04/", "year"),
        ("/catalogue/05.04/", "page"),
        ("/organisations/", "page"),
        ("/search/?q=招生", "page"),
        ("/search/?q=招生", "year"),
        ("/interpretations/", "page"),
        ("/consultations/", "page"),
    ],
)
def test_odd_numbers_in_public_query_strings_never_break_a_page(client, path, param, value):
    """Digits that are not ASCII (superscripts, full-width, Arabic-Indic), huge or broken
    values in a filter or page number are ignored, never a server error."""
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}{param}={value}")
    assert response.status_code in (200, 400, 404)


def test_an_expired_form_and_an_oversized_submission_are_explained_in_chinese(settings):
    from django.test import Client

    expired = Client(enforce_csrf_checks=True).post("/applications/", {"name": "张三"})
    assert expired.status_code == 403
    assert "页面已过期" in expired.content.decode()
    assert 'lang="zh-CN"' in expired.content.decode()

    huge = Client().post(
        "/applications/", {"description": "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)}
    )
    assert huge.status_code == 400
    assert "内容过长" in huge.content.decode()
