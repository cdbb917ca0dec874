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


def _school_select(body: str) -> str:
    return body.split('<select name="school" id="school-select"')[1].split("</select>")[0]


def test_school_level_items_let_readers_choose_their_county_then_school(
    client, county, other_county, school
):
    url = reverse("portal:item", args=["05.04"])
    first = client.get(url).content.decode()
    # No county yet: no school anywhere on the page, and the list says what to do first.
    assert school.code not in first
    assert "disabled" in _school_select(first) and "请先选择县（市、区）" in first
    # A county chosen (without scripts: by submitting the form): its townships and schools.
    body = client.get(url, {"org": county.code}).content.decode()
    assert f'<option value="{county.code}" selected>' in body
    group = body.split('<optgroup label="测试镇中心学校">')[1].split("</optgroup>")[0]
    assert f'<option value="{school.code}">{school.name}</option>' in group
    chosen = client.get(url, {"org": county.code, "school": school.code}).content.decode()
    assert f'<option value="{school.code}" selected>' in _school_select(chosen)


def test_the_school_list_for_a_county_is_its_own(client, county, other_county, school):
    from gongkai.organisations.models import Kind
    from gongkai.testing import make_organisation

    elsewhere = make_organisation(
        kind=Kind.SCHOOL, parent=other_county, code="C0201", name="另一县直属小学"
    )
    mine = client.get(reverse("portal:school_select"), {"org": county.code}).content.decode()
    theirs = client.get(
        reverse("portal:school_select"), {"org": other_county.code}
    ).content.decode()
    assert school.code in mine and elsewhere.code not in mine
    # A school the county runs itself is grouped under the county's own name.
    assert '<optgroup label="另一县教育和体育局直属">' in theirs and elsewhere.code in theirs
    assert school.code not in theirs
    nothing = client.get(reverse("portal:school_select"), {"org": ""}).content.decode()
    assert "disabled" in nothing and school.code not in nothing


def _publish(organisation, title, minute=0, code="05.04", year=2025):
    from datetime import date, datetime

    from django.utils import timezone

    from gongkai.records.importing import ImportRow, import_author, import_record

    item = Item.objects.current().get(code=code)
    fields = {
        "title": title,
        "body": "<p>正文</p>",
        "item": item,
        "organisation": organisation,
        "formed_on": date(2025, 5, 1),
        "five_disclosure": item.five_disclosure,
    }
    published_at = timezone.make_aware(datetime(year, 5, 2, 8, minute))
    import_record(
        ImportRow(row=minute, fields=fields, published_at=published_at),
        author=import_author(None),
        by=None,
        source="测试",
        written_files=[],
    )


def test_a_school_left_over_from_another_county_gives_way(client, county, other_county, school):
    _publish(school, "测试镇第一小学招生范围")
    url = reverse("portal:item", args=["05.04"])
    both = client.get(url, {"org": county.code, "school": school.code}).content.decode()
    assert "测试镇第一小学招生范围" in both
    # The reader switched county without a script to clear the school: the county wins.
    body = client.get(url, {"org": other_county.code, "school": school.code}).content.decode()
    assert f'<option value="{other_county.code}" selected>' in body
    assert "测试镇第一小学招生范围" not in body and "没有符合筛选条件的信息" in body
    assert school.code not in _school_select(body)  # the other county's list, none selected


def test_links_to_a_school_made_before_the_school_filter_still_work(client, county, school):
    body = client.get(reverse("portal:item", args=["05.04"]), {"org": school.code})
    text = body.content.decode()
    assert f'<option value="{county.code}" selected>' in text
    assert f'<option value="{school.code}" selected>' in _school_select(text)


def test_county_only_items_offer_no_schools(client, school):
    item = next(i for i in Item.objects.current() if "乡级" not in i.level)
    body = client.get(reverse("portal:item", args=[item.code]), {"org": "C0100"})
    assert school.code not in body.content.decode()
    assert 'name="school"' not in body.content.decode()


def test_the_school_list_follows_changes_to_organisations(client, county, school):
    client.get(reverse("portal:item", args=["05.04"]), {"org": county.code})
    school.name = "测试镇第一小学（更名）"
    school.save()
    body = client.get(reverse("portal:item", args=["05.04"]), {"org": county.code})
    assert "测试镇第一小学（更名）" in body.content.decode()


def test_listing_totals_follow_new_publications(client, county):
    for n in range(21):
        _publish(county, f"招生范围公告{n}", n)
    assert "共 21 条" in client.get("/catalogue/05.04/").content.decode()
    _publish(county, "招生范围公告30", 30)
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


def test_a_new_catalogue_edition_keeps_earlier_records_listed(client, county):
    from gongkai.catalogue.importing import load_json
    from gongkai.catalogue.services import STANDARD_FILE, publish_edition

    _publish(county, "旧目录下的招生范围公告")
    client.get("/catalogue/05.04/")  # the catalogue is now held in memory
    data = load_json(STANDARD_FILE)
    publish_edition(data, by=None, name="2027 年版")
    body = client.get("/catalogue/05.04/").content.decode()
    assert "旧目录下的招生范围公告" in body


def test_listing_and_record_pages_read_little_from_the_database(
    client, county, school, django_assert_max_num_queries
):
    for n in range(25):
        _publish(school if n % 2 else county, f"招生范围公告{n}", n)
    client.get("/catalogue/05.04/")  # warm: catalogue and directory read once per process
    from gongkai.records.models import Record

    record = Record.objects.order_by("-pk").first()
    client.get(f"/records/{record.pk}/")
    # rows, the newest publication (for the cached total) and at most the total itself;
    # publisher names for 20 rows come from memory, not one query each
    with django_assert_max_num_queries(3):
        body = client.get("/catalogue/05.04/").content.decode()
    assert body.count('class="muted">测试镇第一小学</span>') == 10
    with django_assert_max_num_queries(3):
        page = client.get(f"/records/{record.pk}/").content.decode()
    assert record.title in page and "测试县教育和体育局" in page


def test_each_filtered_listing_counts_its_own_total(client, county, school):
    for n in range(23):
        _publish(county, f"招生范围公告{n}", n, year=2024)
    for n in range(22):
        _publish(school, f"学校招生范围{n}", n)
    url = "/catalogue/05.04/"
    assert "共 45 条" in client.get(url).content.decode()
    assert "共 23 条" in client.get(url, {"year": "2024"}).content.decode()
    assert (
        "共 22 条" in client.get(url, {"org": county.code, "school": school.code}).content.decode()
    )
    # an unknown organisation lists nothing, whatever was counted before
    assert "没有符合筛选条件的信息" in client.get(url, {"org": "NOPE"}).content.decode()
    # a year that is no year is not a filter, and counts as the whole listing
    assert "共 45 条" in client.get(url, {"year": "2024|x"}).content.decode()


def test_a_county_without_schools_says_so_instead_of_asking_for_a_county(
    client, county, other_county, school
):
    body = client.get("/catalogue/05.04/", {"org": other_county.code}).content.decode()
    select = _school_select(body)
    assert "disabled" in select and "暂无学校" in select
    assert "尚未登记乡镇和学校" in body and "请先选择县（市、区）" not in body
    swapped = client.get(reverse("portal:school_select"), {"org": other_county.code})
    assert "暂无学校" in swapped.content.decode()


def test_the_revision_history_costs_the_same_however_many_versions(client, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongkai.records.models import PublicRecord, Record, RecordVersion

    _publish(county, "招生范围公告")
    record = Record.objects.get()

    def revise(n):
        version = RecordVersion.objects.create(
            record=record,
            number=n,
            title=f"招生范围公告（第{n}版）",
            body="<p>正文</p>",
            change_note=f"第{n}次修订",
            published_at=timezone.now(),
        )
        Record.objects.filter(pk=record.pk).update(current_version=version)
        # what publication does to the public row (without the workflow's other steps)
        PublicRecord.objects.filter(pk=record.pk).update(version=version)

    client.get(f"/records/{record.pk}/")  # the catalogue and directory, read once per process
    counts = []
    for n in (2, 3, 4, 5):
        revise(n)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/records/{record.pk}/").content.decode()
        assert f"第{n}次修订" in body and "第 1 版" in body
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts  # no query per version


def test_an_organisation_page_shows_its_place_in_the_tree_from_memory(
    client, city, county, township, school, django_assert_max_num_queries
):
    client.get(reverse("portal:organisation", args=[township.code]))  # warm the directory
    with django_assert_max_num_queries(2):  # the newest publication and the rows
        body = client.get(reverse("portal:organisation", args=[township.code])).content.decode()
    crumbs = body.split('class="breadcrumbs"')[1].split("</ol>")[0]
    assert crumbs.index(city.display_name) < crumbs.index(county.display_name)
    assert school.name in body  # its child
    school.is_active = False
    school.save()
    assert (
        school.name
        not in client.get(reverse("portal:organisation", args=[township.code])).content.decode()
    )
    assert client.get(reverse("portal:organisation", args=[school.code])).status_code == 404


def test_a_school_with_nothing_published_gets_the_filtered_empty_state(client, county, school):
    _publish(county, "县教体局招生范围公告")
    body = client.get("/catalogue/05.04/", {"school": school.code}).content.decode()
    assert "县教体局招生范围公告" not in body
    assert "没有符合筛选条件的信息" in body and "本栏目暂无已公开的信息" not in body


@pytest.mark.parametrize("path", ["/", "/catalogue/05.04/?page=2", "/staff/"])
def test_a_host_the_site_does_not_serve_answers_400_never_500(client, path):
    # What gunicorn gets when a proxy forwards without setting Host (issue 19), or a scanner.
    response = client.get(path, HTTP_HOST="gongkai")
    assert response.status_code == 400
    body = response.content.decode()
    assert "无法处理的请求" in body and 'lang="zh-CN"' in body
    assert client.get(path, HTTP_HOST="evil.example:80").status_code == 400


def test_robots_txt_points_crawlers_to_the_sitemap_index_and_off_staff_pages(client, settings):
    settings.SITE_URL = "https://edu.example.gov.cn"
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://edu.example.gov.cn/sitemap.xml" in text
    for path in ("/staff/", "/accounts/", "/system/", "/search/"):
        assert f"Disallow: {path}" in text


def test_the_sitemap_lists_every_public_section(client, county, clerk):
    from gongkai.consultations.services import consultation as consultations
    from gongkai.consultations.testing import make_consultation

    consultation = make_consultation(by=clerk, organisation=county, is_open=True)
    consultations.close_consultation(consultation, by=clerk, note="征集目标已达到")
    index = client.get("/sitemap.xml").content.decode()
    for part in ("pages", "catalogue", "organisations", "participation"):
        assert f"/sitemap-{part}.xml</loc>" in index
    pages = client.get("/sitemap-pages.xml").content.decode()
    for path in (
        "/interpretations/",
        "/responses/",
        "/services/",
        "/powers/",
        "/progress/",
        "/five/",
        "/five/decision/",
        "/consultations/",
        "/mailbox/",
        "/events/",
        "/applications/",
        "/organisations/",
    ):
        assert f"{path}</loc>" in pages, path
    assert "/search/" not in pages
    participation = client.get("/sitemap-participation.xml").content.decode()
    assert f"/consultations/{consultation.pk}/</loc>" in participation
