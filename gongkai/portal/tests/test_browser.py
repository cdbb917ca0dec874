"""The public column in a real browser: Debian's Chromium, headless, through chromedriver.

These run in the default suite (marked ``browser``); finding and starting Chromium is
gongkai/testing_browser.py's (without it they are skipped, loudly; CI requires them).
axe-core (vendored in fixtures/, MPL-2.0) is injected through the driver, not the page, so
the site's Content-Security-Policy stays as strict as in production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from gongkai import testing_browser
from gongkai.catalogue.models import Item
from gongkai.organisations.models import Kind, Organisation
from gongkai.records.importing import ImportRow, import_author, import_record
from gongkai.records.models import Record, Validity
from gongkai.testing import make_organisation
from gongkai.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "fixtures" / "axe.min.js"


def _large_type(driver: Any, expected: bool) -> None:
    """Wait for the page after a display switch (a form submit and a redirect)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: (
            d.execute_script(
                "return document.readyState === 'complete'"
                " && document.documentElement.classList.contains('large-type')"
            )
            == expected
        )
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = testing_browser.driver()
    yield driver
    testing_browser.stop(driver)


@pytest.fixture
def desktop(browser: Any) -> Any:
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.delete_all_cookies()
    return browser


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    browser.delete_all_cookies()
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE, "height": 740, "deviceScaleFactor": 2, "mobile": True},
    )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _publish(item: Item, org: Organisation, title: str, n: int) -> Record:
    published_at = timezone.make_aware(datetime.combine(date(2025, 6, 10 + n), time(9, 30)))
    fields = {
        "title": title,
        "summary": f"{org.name}按照标准目录“{item.name}”主动公开。",
        "body": f"<p>{title}。</p><p>根据就近入学原则，现将招生范围公告如下：兴华路以东、建设路以北。</p>",
        "item": item,
        "organisation": org,
        "formed_on": date(2025, 6, 1 + n),
        "written_on": date(2025, 6, 1 + n),
        "five_disclosure": item.five_disclosure,
        "document_number": "",
        "validity": Validity.VALID,
    }
    with transaction.atomic():  # import_record runs inside its caller's transaction
        return import_record(
            ImportRow(row=n, fields=fields, published_at=published_at),
            author=import_author(None),
            by=None,
            source="浏览器测试",
            written_files=[],
        )


@pytest.fixture
def column(transactional_db: None) -> dict[str, Any]:
    """A small county the way the demo has it: bureau, a township, schools, and their notices."""
    city = make_organisation(kind=Kind.CITY_BUREAU, code="B0001", name="聊城市教育和体育局")
    county = make_organisation(
        kind=Kind.COUNTY_BUREAU, parent=city, code="B0100", name="东昌府区教育和体育局"
    )
    township = make_organisation(
        kind=Kind.TOWNSHIP, parent=county, code="B0110", name="东昌府区柳林镇中心学校"
    )
    schools = [
        make_organisation(kind=Kind.SCHOOL, parent=township, code=f"B011{n}", name=name)
        for n, name in enumerate(
            ["东昌府区柳林第一小学", "东昌府区柳林实验小学", "东昌府区柳林初级中学"], 1
        )
    ]
    zones = Item.objects.current().get(code="05.04")
    plans = Item.objects.current().get(code="05.03")
    records = {}
    n = 0
    for org in [county, *schools]:
        for item in (zones, plans):
            n += 1
            title = f"{org.name}2025年{item.name}公告"
            records[(org.code, item.code)] = _publish(item, org, title, n)
    return {"county": county, "schools": schools, "records": records, "zones": zones}


def _axe(driver: Any) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
           .then(r => done(r.passes.length ? r.violations : [{id: 'axe-ran-no-rule',
                 impact: 'critical', help: 'axe checked nothing', nodes: []}]),
                 e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
        """
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def _public_pages(live_server: Any, column: dict[str, Any]) -> list[str]:
    record = column["records"][(column["schools"][0].code, "05.04")]
    return [
        "/",
        "/catalogue/05.04/",
        # a county chosen: its schools listed in the second select, a school selected
        f"/catalogue/05.04/?org={column['county'].code}&school={column['schools'][0].code}",
        f"/records/{record.pk}/",
        f"/organisations/{column['county'].code}/",
        "/organisations/",
        "/sections/05/",
        "/interpretations/",
        "/responses/",
        "/consultations/",
        "/search/?q=%E6%8B%9B%E7%94%9F%E8%8C%83%E5%9B%B4",  # 招生范围: results with highlights
        "/search/?q=%E8%90%A5%E5%85%BB%E9%A4%90",  # 营养餐: the empty state
        "/services/",
        "/five/",
        "/mailbox/",
        "/applications/",
    ]


def test_public_pages_have_no_serious_accessibility_violations(live_server, column, desktop):
    desktop.set_script_timeout(60)
    problems = {}
    for path in _public_pages(live_server, column):
        desktop.get(live_server.url + path)
        assert "页面不存在" not in desktop.title, path
        violations = _axe(desktop)
        if violations:
            problems[path] = _describe(violations)
    assert not problems, "\n\n".join(f"{p}\n{d}" for p, d in problems.items())


def test_large_type_mode_has_no_serious_accessibility_violations(live_server, column, desktop):
    desktop.set_script_timeout(60)
    desktop.get(live_server.url + "/display/?large=1&next=/")
    record = column["records"][(column["county"].code, "05.04")]
    for path in ["/", "/catalogue/05.04/", f"/records/{record.pk}/"]:
        desktop.get(live_server.url + path)
        violations = _axe(desktop)
        assert not violations, f"{path}\n{_describe(violations)}"


def test_phone_width_pages_never_scroll_sideways(live_server, column, phone):
    for path in _public_pages(live_server, column):
        phone.get(live_server.url + path)
        width = phone.execute_script("return document.scrollingElement.scrollWidth")
        assert width <= PHONE, f"{path} is {width}px wide at {PHONE}px"
    phone.get(live_server.url + "/display/?large=1&next=/catalogue/05.04/")
    assert phone.execute_script("return document.scrollingElement.scrollWidth") <= PHONE


@pytest.mark.parametrize("large_type", [False, True])
def test_navigation_tap_targets_are_at_least_44px_on_a_phone(
    live_server, column, phone, large_type
):
    if large_type:
        phone.get(live_server.url + "/display/?large=1&next=/")
    record = column["records"][(column["county"].code, "05.04")]
    for path in ["/", "/catalogue/05.04/", f"/records/{record.pk}/"]:
        phone.get(live_server.url + path)
        for opened in (False, True):
            if opened:  # the folded columns (全部栏目), once a parent taps it open
                from selenium.webdriver.common.by import By

                phone.find_element(By.CSS_SELECTOR, ".nav-more summary").click()
            # Only what is on screen is a tap target: hidden duplicates have no box.
            sizes = phone.execute_script(
                """
                return [...document.querySelectorAll('.main-nav a, .main-nav button,'
                    + ' .main-nav summary, .display-switch button, .breadcrumbs a,'
                    + ' .pagination a')]
                  .filter(el => el.getClientRects().length > 0)
                  .map(el => { const r = el.getBoundingClientRect();
                               return [el.textContent.trim(), r.width, r.height]; });
                """
            )
            assert len(sizes) >= (12 if opened else 3), (path, sizes)
            small = [(text, w, h) for text, w, h in sizes if w < 44 or h < 44]
            assert not small, (path, opened, small)


def _contrast(driver: Any, selector: str) -> float:
    return driver.execute_script(
        """
        const el = document.querySelector(arguments[0]);
        const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
            .map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const fg = lum(getComputedStyle(el).color);
        const bg = lum(getComputedStyle(document.body).backgroundColor);
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        """,
        selector,
    )


def test_large_type_mode_raises_size_and_contrast_and_survives_navigation(
    live_server, column, phone
):
    from selenium.webdriver.common.by import By

    phone.get(live_server.url + "/catalogue/05.04/")
    size = phone.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    contrast = _contrast(phone, ".record-list .muted")
    phone.find_element(By.CSS_SELECTOR, ".display-switch button").click()
    _large_type(phone, True)
    assert phone.current_url == live_server.url + "/catalogue/05.04/"  # back where they were
    large = phone.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= size * 1.25
    assert _contrast(phone, ".record-list .muted") > contrast
    before = phone.current_url
    phone.find_element(By.CSS_SELECTOR, ".record-list a").click()  # next page, same mode
    testing_browser.navigated(phone, before)
    assert "/records/" in phone.current_url
    assert "large-type" in phone.find_element(By.TAG_NAME, "html").get_attribute("class")
    assert phone.execute_script(
        "return parseFloat(getComputedStyle(document.body).fontSize)"
    ) == pytest.approx(large)
    phone.find_element(By.CSS_SELECTOR, ".display-switch button").click()  # and back again
    _large_type(phone, False)


def test_a_parent_finds_their_schools_enrolment_zone_in_three_taps(live_server, column, phone):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    school = column["schools"][1]
    wanted = column["records"][(school.code, "05.04")]
    phone.get(live_server.url + "/")
    pages = [phone.current_url]

    def tap(element: Any) -> None:
        element.click()
        testing_browser.navigated(phone, pages[-1])  # fails after 10 s: a tap that goes nowhere
        pages.append(phone.current_url)

    # 1. home → 招生管理 › 招生范围
    tap(phone.find_element(By.LINK_TEXT, "招生范围"))
    # 2. choose the county, then the school (its list follows the county in place; choosing
    #    is not a tap that loads a page), and show its notices
    Select(phone.find_element(By.NAME, "org")).select_by_visible_text(column["county"].name)
    WebDriverWait(phone, 10).until(  # read in one script: the select is being replaced
        lambda d: d.execute_script(
            "const s = document.querySelector('select[name=school]');"
            "return !!s && !s.disabled && s.textContent.includes(arguments[0]);",
            school.name,
        )
    )
    assert phone.current_url == pages[-1]  # no page load so far
    Select(phone.find_element(By.NAME, "school")).select_by_visible_text(school.name)
    tap(phone.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    titles = [a.text for a in phone.find_elements(By.CSS_SELECTOR, ".record-list a")]
    assert titles == [wanted.title]
    # 3. the notice itself
    tap(phone.find_element(By.LINK_TEXT, wanted.title))
    assert len(pages) - 1 == 3
    assert phone.current_url == f"{live_server.url}/records/{wanted.pk}/"
    assert "兴华路以东" in phone.find_element(By.TAG_NAME, "main").text


def test_reading_works_with_javascript_disabled(live_server, column):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = testing_browser.driver(javascript=False)
    try:
        # JavaScript really is off: this page's own script would change the text.
        driver.get("data:text/html,<p id=x>off</p><script>x.textContent='on'</script>")
        assert driver.find_element(By.ID, "x").text == "off"
        driver.get(live_server.url + "/")
        before = driver.current_url
        driver.find_element(By.LINK_TEXT, "招生范围").click()
        testing_browser.navigated(driver, before)
        school = column["schools"][0]
        # Without scripts the school list comes with the page: county first, then the school.
        Select(driver.find_element(By.NAME, "org")).select_by_visible_text(column["county"].name)
        assert not driver.find_element(By.NAME, "school").is_enabled()
        before = driver.current_url
        driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        testing_browser.navigated(driver, before)
        Select(driver.find_element(By.NAME, "school")).select_by_visible_text(school.name)
        before = driver.current_url
        driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        testing_browser.navigated(driver, before)
        assert f"school={school.code}" in driver.current_url
        before = driver.current_url
        driver.find_element(By.CSS_SELECTOR, ".record-list a").click()
        testing_browser.navigated(driver, before)
        assert "兴华路以东" in driver.find_element(By.TAG_NAME, "main").text
        driver.find_element(By.CSS_SELECTOR, ".display-switch button").click()
        _large_type(driver, True)
        assert driver.find_element(By.CSS_SELECTOR, "main h1").is_displayed()
    finally:
        testing_browser.stop(driver)


@pytest.mark.parametrize("width", [PHONE, None])
def test_a_reader_pages_back_through_a_long_column_past_the_numbered_pages(
    live_server, column, browser, width, monkeypatch
):
    """Numbered pages stop (here after the first, as after the 50th in production) and 下一页
    carries on from the last notice shown, to the very first one published."""
    from selenium.webdriver.common.by import By

    from gongkai.portal import listing

    monkeypatch.setattr(listing, "MAX_PAGES", 1)
    zones, county = column["zones"], column["county"]
    for n in range(40):
        _publish(zones, county, f"东昌府区招生范围第{n + 1}号补充公告", 9 + n % 9)
    browser.delete_all_cookies()
    if width:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 740, "deviceScaleFactor": 2, "mobile": True},
        )
    else:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    try:
        browser.get(live_server.url + "/")
        before = browser.current_url
        browser.find_element(By.LINK_TEXT, "招生范围").click()
        testing_browser.navigated(browser, before)
        seen: list[str] = []
        labels = []
        while True:
            seen += [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".record-list a")]
            nav = browser.find_element(By.CSS_SELECTOR, "nav.pagination")
            labels.append(nav.find_element(By.TAG_NAME, "span").text)
            following = nav.find_elements(By.LINK_TEXT, "下一页")
            if not following:
                break
            before = browser.current_url
            following[0].click()
            testing_browser.navigated(browser, before)
        if shots := os.environ.get("GONGKAI_SCREENSHOTS"):  # a directory to look at them in
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", nav)
            name = "phone" if width else "desktop"
            browser.save_screenshot(str(Path(shots) / f"keyset-last-{name}.png"))
        assert labels == ["第 1 / 3 页，共 44 条", "第 2 / 3 页，共 44 条", "第 3 / 3 页，共 44 条"]
        assert len(seen) == len(set(seen)) == 44  # every notice once, none skipped
        assert "before=" in browser.current_url
        assert browser.execute_script("return document.scrollingElement.scrollWidth") <= (
            width or 1280
        )
        # and back, one page at a time, seeing the same notices
        back: list[str] = []
        while previous := browser.find_elements(By.LINK_TEXT, "上一页"):
            before = browser.current_url
            previous[0].click()
            testing_browser.navigated(browser, before)
            back = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".record-list a")] + back
        assert back == seen[:40]
        assert browser.find_element(By.CSS_SELECTOR, "nav.pagination span").text.startswith(
            "第 1 / 3 页"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
