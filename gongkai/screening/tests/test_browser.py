"""A reviewer in a real browser (Debian's Chromium, headless): from the sign-in page to the
findings of a record whose leaks hide in the summary, a link, a spreadsheet comment and a
PDF drawn glyph by glyph, each finding saying where it is, on a desktop and on a phone."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from gongkai.records import services as records
from gongkai.screening.testing import make_pdf_parts, make_xlsx_parts
from gongkai.testing import DEMO_PASSWORD, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "screening"  # screenshots to look at
ID = "37150219900101123" + ric.calc_check_digit("37150219900101123" + "0")


def _click(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.current_url
    link = WebDriverWait(driver, 10).until(ec.element_to_be_clickable((By.LINK_TEXT, text)))
    link.click()
    WebDriverWait(driver, 10).until(
        lambda d: (
            d.current_url != before and d.execute_script("return document.readyState") == "complete"
        )
    )


def _submit(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.current_url
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        lambda d: (
            d.current_url != before and d.execute_script("return document.readyState") == "complete"
        )
    )


def test_a_reviewer_signs_in_and_sees_where_each_finding_is(
    live_server, browser, clerk, document_reviewer
):
    from selenium.webdriver.common.by import By

    record = make_record(
        by=clerk,
        title="关于2025年家庭经济困难学生资助情况的公示",
        summary=f"受助学生王某（身份证号{ID}）等",
        body='<p>名单见附件，详见<a href="https://example.cn/?tel=13912345678">原文</a>。</p>',
    )
    records.add_attachment(
        record,
        io.BytesIO(make_xlsx_parts(comments=["家长电话13812345678"])),
        "资助名单.xlsx",
        by=clerk,
    )
    records.add_attachment(
        record,
        io.BytesIO(make_pdf_parts(glyph_by_glyph=["说明：联系电话15912345678", "秘密★1年"])),
        "说明.pdf",
        by=clerk,
    )
    records.submit(record, by=clerk)

    # Signing in from the workbench's address (the link in a reviewer's notification).
    browser.get(live_server.url + "/accounts/login/?next=/staff/")
    browser.find_element(By.NAME, "username").send_keys(document_reviewer.username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    _submit(browser)
    _click(browser, record.title)
    panel = browser.find_element(By.ID, "screening-title").find_element(By.XPATH, "..").text
    assert "待处理" in panel and "内容概述" in panel
    _click(browser, "处理保密审查问题")
    page = browser.find_element(By.TAG_NAME, "main").text
    for where in (
        "内容概述",
        "正文第1个链接地址",
        "附件“资助名单.xlsx”工作表“名单”A2单元格批注",
        "附件“说明.pdf”第1页",
    ):
        assert where in page, where
    assert ID not in page and "13812345678" not in page
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / "findings-desktop.png"))
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": True},
    )
    browser.refresh()
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    ), "the findings page scrolls sideways on a phone"
    browser.save_screenshot(str(SHOTS / "findings-phone.png"))
    comment = browser.find_element(By.XPATH, "//dd[contains(., '单元格批注')]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", comment)
    browser.save_screenshot(str(SHOTS / "findings-phone-attachment.png"))
