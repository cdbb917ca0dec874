"""Bulletin-board sheets (公示栏) in production configuration: DEBUG off, hashed static names,
a real SITE_URL (the ``production`` fixture)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.core import qr
from gongkai.organisations.models import Kind, Organisation
from gongkai.portal import printing
from gongkai.portal.tests.conftest import SITE_URL
from gongkai.records import services
from gongkai.records.importing import ImportRow, import_author, import_record
from gongkai.records.models import Record, Validity
from gongkai.testing import make_organisation

pytestmark = pytest.mark.django_db


def publish(
    org: Organisation,
    title: str,
    *,
    on: date = date(2025, 6, 10),
    item_code: str = "05.04",
    document_number: str = "",
    body: str = "",
    validity: str = Validity.VALID,
) -> Record:
    """A record published on ``on`` (imported history: the quickest way to a given date)."""
    item = Item.objects.current().get(code=item_code)
    fields = {
        "title": title,
        "summary": "",
        "body": body or f"<p>{title}正文。</p>",
        "item": item,
        "organisation": org,
        "formed_on": on,
        "written_on": on,
        "five_disclosure": item.five_disclosure,
        "document_number": document_number,
        "validity": validity,
    }
    published_at = timezone.make_aware(datetime.combine(on, time(9, 30)))
    with transaction.atomic():
        return import_record(
            ImportRow(row=1, fields=fields, published_at=published_at),
            author=import_author(None),
            by=None,
            source="测试",
            written_files=[],
        )


def text(response: Any) -> str:
    return response.content.decode("utf-8")


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body)


def test_the_public_record_page_links_to_its_bulletin_board_sheet(client, production, county):
    record = publish(county, "关于2025年城区小学招生范围的公告")
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert f'href="/records/{record.pk}/print/"' in page
    assert "打印本文（公示栏 A4 版）" in page


def test_a_record_sheet_links_hashed_assets_and_its_qr_code_opens_the_page_at_site_url(
    client, production, county
):
    record = publish(
        county, "关于2025年城区小学招生范围的公告", document_number="聊教发〔2025〕3号"
    )
    response = client.get(f"/records/{record.pk}/print/")
    assert response.status_code == 200
    page = text(response)
    url = f"{SITE_URL}/records/{record.pk}/"
    # The code printed on the sheet is the one for this address (segno is deterministic).
    assert f'src="{qr.data_uri(url)}"' in page
    assert f"网上原文：{url}" in page and "127.0.0.1" not in page and "localhost" not in page
    assert re.search(r'href="/static/gongkai/print\.[0-9a-f]{12}\.css"', page)
    assert re.search(r'src="/static/gongkai/print\.[0-9a-f]{12}\.js"', page)
    assert "关于2025年城区小学招生范围的公告" in page and "聊教发〔2025〕3号" in page


def test_a_record_sheet_prints_the_published_version_not_a_revision_in_progress(
    client, production, county, clerk
):
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
    page = text(client.get(f"/records/{record.pk}/print/"))
    assert "原标题：招生范围公告" in page and "聊教发〔2025〕3号" in page
    for unpublished in ["未审核的新标题", "未审核的概述", "未审核的正文", "99号"]:
        assert unpublished not in page
    column = text(client.get("/catalogue/05.04/print/"))
    assert "原标题：招生范围公告" in column and "未审核的新标题" not in column
    assert "99号" not in column


def test_a_withdrawn_record_has_no_sheet(client, production, county, clerk):
    record = publish(county, "撤回的公告")
    services.withdraw(record, by=clerk, reason="重复发布")
    assert client.get(f"/records/{record.pk}/print/").status_code == 404
    assert "撤回的公告" not in text(client.get("/catalogue/05.04/print/"))
    assert "打印本文" not in client.get(f"/records/{record.pk}/").content.decode()


def test_sheets_are_never_cached_and_show_the_time_they_are_printed(
    client, production, county, tmp_path
):
    production.GONGKAI_PAGE_CACHE = True
    production.GONGKAI_PAGE_CACHE_DIR = tmp_path / "pages"
    record = publish(county, "招生范围公告")
    for url in [f"/records/{record.pk}/print/", "/catalogue/05.04/print/"]:
        with time_machine.travel(
            datetime(2025, 9, 1, 8, 5, tzinfo=timezone.get_current_timezone())
        ):
            first = client.get(url)
        with time_machine.travel(
            datetime(2025, 9, 2, 16, 40, tzinfo=timezone.get_current_timezone())
        ):
            second = client.get(url)
        assert "打印时间：2025年9月1日 08:05" in text(first)
        assert "打印时间：2025年9月2日 16:40" in text(second)
        for response in (first, second):
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]
            assert "X-Page-Cache" not in response
    # The record page itself is cached (so the page cache is on), its sheet is not.
    assert client.get(f"/records/{record.pk}/")["X-Page-Cache"] == "miss"
    written = [p.relative_to(tmp_path / "pages").as_posix() for p in tmp_path.rglob("*.html")]
    assert written == [f"records/{record.pk}/index.html"]


def test_the_column_sheet_follows_the_listings_county_school_year_and_validity_filters(
    client, production, county, other_county, school
):
    publish(county, "县局2025年公告", on=date(2025, 5, 1))
    publish(county, "县局2024年公告", on=date(2024, 5, 1))
    publish(school, "学校2025年公告", on=date(2025, 5, 2))
    publish(other_county, "另一县2025年公告", on=date(2025, 5, 3))
    publish(county, "县局已失效的公告", on=date(2025, 4, 1), validity=Validity.EXPIRED)

    def titles(query: str) -> set[str]:
        page = text(client.get(f"/catalogue/05.04/print/{query}"))
        return set(re.findall(r"<td>([^<（]*公告)", page))

    everything = {"县局2025年公告", "县局2024年公告", "学校2025年公告", "另一县2025年公告"}
    assert titles("") == everything | {"县局已失效的公告"}
    assert titles(f"?org={county.code}") == everything - {"另一县2025年公告"} | {"县局已失效的公告"}
    assert titles(f"?org={county.code}&school={school.code}") == {"学校2025年公告"}
    assert titles(f"?org={other_county.code}&year=2025") == {"另一县2025年公告"}
    assert titles("?year=2024") == {"县局2024年公告"}
    assert titles("?validity=expired") == {"县局已失效的公告"}
    # The sheet says what it holds, and its code opens the same filtered listing.
    page = text(client.get(f"/catalogue/05.04/print/?org={county.code}&year=2025"))
    assert "测试县教育和体育局 · 2025年发布　共 3 条" in page
    listing = f"{SITE_URL}/catalogue/05.04/?org={county.code}&amp;year=2025"
    assert f"网上原文：{listing}" in page
    assert qr.data_uri(f"{SITE_URL}/catalogue/05.04/?org={county.code}&year=2025") in page


def test_the_item_page_print_link_carries_the_chosen_filters(client, production, county):
    publish(county, "招生范围公告")
    page = client.get("/catalogue/05.04/", {"org": county.code, "year": "2025"}).content.decode()
    assert f'href="/catalogue/05.04/print/?org={county.code}&amp;year=2025"' in page


def test_a_long_column_prints_every_record_in_numbered_parts_with_bounded_queries(
    client, production, county, monkeypatch
):
    monkeypatch.setattr(printing, "PART_SIZE", 4)
    for n in range(10):
        publish(county, f"第{n:02d}号公告", on=date(2025, 1, 1 + n))
    first = text(client.get("/catalogue/05.04/print/"))
    assert "共 10 条；本页为第 1 部分（共 3 部分），第 1—4 条" in first
    assert [re.search(r"第\d\d号公告", r).group() for r in rows(first)] == [
        "第09号公告",
        "第08号公告",
        "第07号公告",
        "第06号公告",
    ]
    assert (
        'href="/catalogue/05.04/print/2/"' in first and 'href="/catalogue/05.04/print/3/"' in first
    )
    last = text(client.get("/catalogue/05.04/print/3/"))
    assert "第 9—10 条" in last and len(rows(last)) == 2
    assert '<td class="n">10</td>' in last
    assert client.get("/catalogue/05.04/print/4/").status_code == 404
    assert client.get("/catalogue/05.04/print/0/").status_code == 404
    # Filters follow the reader from part to part.
    filtered = text(client.get(f"/catalogue/05.04/print/?org={county.code}"))
    assert f'href="/catalogue/05.04/print/2/?org={county.code}"' in filtered
    # One part reads one slice, whatever the length of the column.
    for n in range(10, 30):
        publish(county, f"第{n:02d}号公告", on=date(2025, 2, 1 + n % 28))
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get("/catalogue/05.04/print/5/"))
    assert len(rows(page)) == 4
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_a_column_sheet_row_prints_the_published_facts_escaped(client, production, county):
    """Each row: number, title (with 已废止 when repealed), 文号 or —, the publisher frozen
    at publication, and the date; text is escaped wherever it comes from."""
    publish(
        county, '<b>"招生"</b> & 范围', on=date(2025, 3, 2), document_number="聊教发〔2025〕3号"
    )
    publish(county, "旧办法", on=date(2025, 3, 1), validity=Validity.REPEALED)
    county.name = "改名后的教体局"
    county.save()
    printed = rows(text(client.get("/catalogue/05.04/print/")))
    publisher = re.findall(r"<td>([^<]*)</td>", printed[0])[-1]
    assert publisher and publisher != "改名后的教体局", "the publisher as published"
    assert printed == [
        '<td class="n">1</td><td>&lt;b&gt;&quot;招生&quot;&lt;/b&gt; &amp; 范围</td>'
        f'<td>聊教发〔2025〕3号</td><td>{publisher}</td><td class="date">2025-03-02</td>',
        '<td class="n">2</td><td>旧办法（已废止）</td>'
        f'<td>—</td><td>{publisher}</td><td class="date">2025-03-01</td>',
    ]
    empty = text(client.get("/catalogue/05.04/print/", {"year": "2019"}))
    assert rows(empty) == ['<td colspan="5">没有符合所选条件的已公开信息。</td>']


def test_part_links_name_the_first_and_last_parts_and_those_near_the_current_one():
    links = printing._part_links("05.04", "", 50, 500)
    numbers = [n for n, _ in links]
    assert numbers == [1, None, 47, 48, 49, 50, 51, 52, 53, None, 500]


def test_an_unknown_item_has_no_sheet(client, production):
    assert client.get("/catalogue/99.99/print/").status_code == 404


def test_a_school_from_another_county_gives_way_on_the_sheet_as_on_the_listing(
    client, production, county, other_county
):
    township = make_organisation(kind=Kind.TOWNSHIP, parent=other_county, name="另一县某镇")
    far_school = make_organisation(kind=Kind.SCHOOL, parent=township, name="另一县某小学")
    publish(county, "县局公告")
    publish(far_school, "另一县学校公告")
    page = text(client.get(f"/catalogue/05.04/print/?org={county.code}&school={far_school.code}"))
    assert "县局公告" in page and "另一县学校公告" not in page
