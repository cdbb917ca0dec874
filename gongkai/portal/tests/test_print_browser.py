"""A parent on a 360 px phone prints a record for a bulletin board, in production configuration:
DEBUG off, hashed static files served by WhiteNoise as in production, a real SITE_URL. The QR
code is read back off a screenshot, as a phone's camera would read it off the paper."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from pypdf import PdfReader

from gongkai import testing_browser
from gongkai.organisations.models import Kind
from gongkai.portal.tests.conftest import SITE_URL
from gongkai.portal.tests.test_printing import publish
from gongkai.testing import make_organisation
from gongkai.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Screenshots for people to look at (the working agreement's /tmp/<you>/).
SHOTS = Path("/tmp/handouts")  # noqa: S108 - a fixed place to look at them


@pytest.fixture
def production_server(production: Any) -> Iterator[str]:
    """The site as deployed: no StaticFilesHandler (which serves unhashed source files), so
    the hashed names must come from STATIC_ROOT through WhiteNoise, as in production."""
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", lambda app: app, shared, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()


def _qr_text(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [code.text for code in zxingcpp.read_barcodes(Image.open(BytesIO(png)))]


def _pdf(driver: Any) -> bytes:
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    return base64.b64decode(printed["data"])


def test_a_parent_on_a_phone_prints_a_record_whose_qr_code_opens_it_at_site_url(
    production_server,
):
    from selenium.webdriver.common.by import By

    city = make_organisation(kind=Kind.CITY_BUREAU, name="聊城市教育和体育局")
    county = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, name="东昌府区教育和体育局")
    rows = "".join(
        f"<tr><td>（演示）第{n}小学</td><td>兴华路以东、建设路以北第{n}片区</td></tr>"
        for n in range(1, 9)
    )
    record = publish(
        county,
        "东昌府区2025年城区小学招生范围公告",
        document_number="东教体发〔2025〕12号",
        on=date(2025, 6, 30),
        body="<p>根据就近入学原则，现将2025年城区小学招生范围公告如下：</p>"
        f"<table><thead><tr><th>学校</th><th>招生范围</th></tr></thead><tbody>{rows}</tbody></table>",
    )
    for n in range(40):
        publish(county, f"（演示）第{n + 1}批招生补充公告", on=date(2025, 5, 1 + n % 28))
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver = testing_browser.driver()
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE, "height": 740, "deviceScaleFactor": 2, "mobile": True},
        )
        driver.get(production_server + "/")
        # Home → 招生范围 → the notice → its print link: the taps a parent makes.
        for text in ["招生范围", record.current_version.title]:
            before = driver.current_url
            driver.find_element(By.LINK_TEXT, text).click()
            testing_browser.navigated(driver, before)
        assert driver.current_url == f"{production_server}/records/{record.pk}/"
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "打印本文")
        assert link.is_displayed() and link.rect["y"] + link.rect["height"] < 740  # no scrolling
        driver.save_screenshot(str(SHOTS / "record-phone.png"))
        before = driver.current_url
        link.click()
        testing_browser.navigated(driver, before)
        assert driver.current_url == f"{production_server}/records/{record.pk}/print/"
        # Styled by the hashed stylesheet, and nothing runs off the phone's width.
        font = driver.execute_script("return getComputedStyle(document.body).fontFamily")
        assert font.startswith('"Noto Serif CJK SC"'), font
        assert driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        assert driver.find_element(By.CSS_SELECTOR, "[data-print]").is_displayed()
        driver.save_screenshot(str(SHOTS / "print-phone.png"))
        url = f"{SITE_URL}/records/{record.pk}/"
        assert _qr_text(driver.get_screenshot_as_png()) == [url]
        assert f"网上原文：{url}" in driver.find_element(By.TAG_NAME, "footer").text

        # Desktop, and the sheet as Chromium prints it: A4.
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_window_size(1280, 1400)
        driver.refresh()
        driver.save_screenshot(str(SHOTS / "print-desktop.png"))
        assert _qr_text(driver.get_screenshot_as_png()) == [url]
        record_pdf = _pdf(driver)
        (SHOTS / "print-record.pdf").write_bytes(record_pdf)
        assert "东教体发〔2025〕12号" in PdfReader(BytesIO(record_pdf)).pages[0].extract_text()

        # The column, filtered to the county: several A4 sheets, the header on each.
        driver.get(production_server + f"/catalogue/05.04/print/?org={county.code}")
        driver.save_screenshot(str(SHOTS / "print-column-desktop.png"))
        column_pdf = _pdf(driver)
        (SHOTS / "print-column.pdf").write_bytes(column_pdf)
        pages = PdfReader(BytesIO(column_pdf)).pages
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            assert round(float(page.mediabox.width)) == 595  # A4: 210 mm
            assert round(float(page.mediabox.height)) == 842  # 297 mm
            text = page.extract_text()
            assert "标题" in text and "发布机构" in text, number
            assert f"第 {number} " in text, number  # 页 comes out of the PDF as a radical
    finally:
        testing_browser.stop(driver)
