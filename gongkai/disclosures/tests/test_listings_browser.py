"""A reader pages through 权责清单 in a real browser, on a 360 px phone and on a desktop, in
production configuration (DEBUG off, hashed static files, a real SITE_URL): from the public
home by the column's link, to the whole list of 行政权力事项 and on to its second page.

Screenshots go to $GONGKAI_SCREENSHOTS when it is set (a directory to look at them in).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongkai.disclosures import views
from gongkai.disclosures.tests.test_listings import _publish
from gongkai.portal.tests.conftest import collected_static, production  # noqa: F401
from gongkai.portal.tests.test_print_browser import production_server  # noqa: F401
from gongkai.records.models import Kind
from gongkai.testing_browser import PHONE, navigated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(browser, name: str) -> None:
    if shots := os.environ.get("GONGKAI_SCREENSHOTS"):
        browser.save_screenshot(str(Path(shots) / f"{name}.png"))


@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "desktop"])
def test_a_reader_pages_through_the_power_list_from_the_home_page(
    production_server,  # noqa: F811
    browser,
    width,
    clerk,
    document_reviewer,
    disclosure_reviewer,
    monkeypatch,
):
    from selenium.webdriver.common.by import By

    reviewers = {
        "clerk": clerk,
        "document_reviewer": document_reviewer,
        "disclosure_reviewer": disclosure_reviewer,
    }
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    powers = _publish(Kind.POWER_ITEM, 3, clerk=clerk, reviewers=reviewers)
    matters = _publish(Kind.SUPERVISION_MATTER, 1, clerk=clerk, reviewers=reviewers)
    if width:
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 740, "deviceScaleFactor": 2, "mobile": True},
        )
    name = "phone" if width else "desktop"
    try:
        browser.get(production_server + "/")
        before = browser.current_url
        if width:  # a phone folds the columns into 全部栏目
            browser.find_element(By.CSS_SELECTOR, "details.nav-more summary").click()
            links = browser.find_elements(By.CSS_SELECTOR, ".nav-more-links a")
        else:
            links = browser.find_elements(By.CSS_SELECTOR, ".nav-columns a")
        next(a for a in links if a.text == "权责清单").click()
        navigated(browser, before)
        assert browser.find_element(By.TAG_NAME, "h1").text == "权责清单和监管事项"
        headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
        assert "行政权力事项（共 3 项）" in headings and "监管事项（共 1 项）" in headings
        shown = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table a")]
        assert powers[2].title in shown and powers[0].title not in shown
        assert matters[0].title in shown
        _shot(browser, f"powers-overview-{name}")
        assert browser.execute_script("return document.scrollingElement.scrollWidth") <= (
            width or 1280
        )

        before = browser.current_url
        browser.find_element(By.PARTIAL_LINK_TEXT, "查看全部行政权力事项").click()
        navigated(browser, before)
        assert browser.find_element(By.TAG_NAME, "h1").text == "行政权力事项"
        crumbs = browser.find_element(By.CSS_SELECTOR, ".breadcrumbs").text
        assert "权责清单和监管事项" in crumbs
        nav = browser.find_element(By.CSS_SELECTOR, "nav.pagination")
        assert nav.find_element(By.TAG_NAME, "span").text == "第 1 / 2 页，共 3 条"
        before = browser.current_url
        nav.find_element(By.LINK_TEXT, "下一页").click()
        navigated(browser, before)
        shown = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table a")]
        assert shown == [powers[0].title]
        assert matters[0].title not in browser.page_source
        nav = browser.find_element(By.CSS_SELECTOR, "nav.pagination")
        assert nav.find_element(By.TAG_NAME, "span").text == "第 2 / 2 页，共 3 条"
        assert nav.find_elements(By.LINK_TEXT, "上一页")
        _shot(browser, f"powers-items-page2-{name}")
        assert browser.execute_script("return document.scrollingElement.scrollWidth") <= (
            width or 1280
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
