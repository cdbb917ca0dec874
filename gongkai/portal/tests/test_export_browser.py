"""The exported site's offline search, run in Chromium from the folder (file://), against the
online search over the same records."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from gongkai import testing_browser
from gongkai.organisations.models import Kind
from gongkai.portal.tests.test_printing import publish
from gongkai.search import queries
from gongkai.search.services import reindex
from gongkai.testing import make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    ("县局", "东昌府区2025年城区小学招生范围公告", "<p>根据就近入学原则公布招生范围。</p>"),
    ("县局", "东昌府区2024年城区小学招生范围公告", "<p>2024年招生范围如下。</p>"),
    ("县局", "关于做好2025年学生资助工作的通知", "<p>招生范围调整后，资助对象以学籍为准。</p>"),
    ("学校", "柳林第一小学课后服务收费公示", "<p>课后服务每生每学期收费标准。</p>"),
    ("学校", "柳林第一小学2025年招生计划", "<p>招生计划：一年级四个班。招生范围见教体局公告。</p>"),
    ("县局", "农村义务教育学生营养改善计划实施情况", "<p>营养改善计划覆盖全部农村学校。</p>"),
    ("学校", "柳林实验小学作息时间调整", "<p>冬季作息时间自11月1日起执行。</p>"),
]
QUERIES = [
    "招生范围",
    "东昌府区 2025 招生范围",
    "柳林 招生",
    "营养改善计划",
    "课后服务",
    "２０２５年 招生",
    "作息",
    "林第",  # no word matches: character pairs
]


def test_the_offline_search_finds_and_orders_what_the_online_search_does(production, tmp_path):
    city = make_organisation(kind=Kind.CITY_BUREAU, name="聊城市教育和体育局")
    county = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, name="东昌府区教育和体育局")
    township = make_organisation(kind=Kind.TOWNSHIP, parent=county, name="柳林镇中心学校")
    school = make_organisation(kind=Kind.SCHOOL, parent=township, name="柳林第一小学")
    for n, (who, title, body) in enumerate(TITLES):
        publish(county if who == "县局" else school, title, on=date(2025, 3, 1 + n), body=body)
    for n in range(55):  # more than a page and more than the old cap of 50 with the above
        publish(county, f"第{n}批招生范围补充公告", on=date(2024, 1, 1 + n % 28))
    reindex()
    out = tmp_path / "site"
    call_command("portal", "export", str(out), stdout=StringIO(), stderr=StringIO())

    driver = testing_browser.driver()
    try:
        driver.get((out / "search.html").as_uri())
        for query in QUERIES:
            online = _online(query)
            offline: list[Any] = driver.execute_script(
                "var r = window.gongkaiOfflineSearch(arguments[0], 'relevance');"
                "return r.hits.map(function (d) { return window.GONGKAI_INDEX.docs[d][0]; });",
                query,
            )
            assert [_record_id(url) for url in offline] == online, query
        # The page itself: type, submit, read the count and the first result.
        box = driver.find_element("id", "q")
        box.send_keys("招生范围")
        driver.find_element("css selector", "#offline-search button[type=submit]").click()
        summary = driver.find_element("id", "summary").text
        assert summary.startswith(f"找到 {len(_online('招生范围'))} 条"), summary
        assert len(_online("招生范围")) > 50
        best = queries.search("招生范围").hits[0]
        first = driver.find_element("css selector", "#results li a")
        assert first.text == str(best.title).replace("<mark>", "").replace("</mark>", "")
        assert len(driver.find_elements("css selector", "#results li")) == 20
        assert driver.find_element("id", "pages").is_displayed()
        first.click()
        assert driver.current_url.endswith(f"/records/{best.record_id}/index.html")
        assert first_title_in(driver.title, best)
    finally:
        testing_browser.stop(driver)


def first_title_in(title: str, hit: Any) -> bool:
    return str(hit.title).replace("<mark>", "").replace("</mark>", "") in title


def _online(query: str) -> list[int]:
    ids: list[int] = []
    page = 1
    while True:
        results = queries.search(query, page=page)
        ids += [hit.record_id for hit in results.hits]
        if not results.has_next:
            return ids
        page += 1


def _record_id(url: str) -> int:
    return int(url.split("/")[1])
