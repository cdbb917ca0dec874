"""The city's system administrator loads next year's holiday notice in a real browser, and the
provisional deadline of an application received today becomes final.

Today (the machine's date, 2026-12-04 when this was written) the 2027 notice is not loaded, so
an application received today is due on a provisional date. The administrator follows the
link of the reminder mail, signs in, pastes the notice, checks the preview and confirms.
Screenshots at phone and desktop width go to /tmp/calendar/ (GONGKAI_SCREENSHOTS overrides).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from gongkai.core import calendar
from gongkai.core.tests.notices import NOTICE_2027_LIKE
from gongkai.demo.steps import seed_accounts, seed_organisations
from gongkai.testing import DEMO_PASSWORD
from gongkai.testing_browser import PHONE, navigated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS") or Path(tempfile.gettempdir()) / "calendar")


def _shoot(driver: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(max(width, 360), min(max(height, 900), 6000))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(1280, 900)


def _phone(driver: Any, name: str) -> None:
    """The same page on a 360 px phone: never scrolls sideways; a screenshot to look at."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE, "height": 740, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not wide, f"{name}: the page scrolls sideways on a {PHONE} px phone"


def _sign_in(driver: Any, live_server: Any, username: str, path: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(live_server.url + path)  # a link from a mail: the sign-in page first
    assert "/accounts/login/" in driver.current_url
    driver.find_element(By.NAME, "username").send_keys(username)
    password = driver.find_element(By.NAME, "password")
    password.send_keys(DEMO_PASSWORD)
    before = driver.current_url
    password.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    navigated(driver, before)
    assert driver.current_url == live_server.url + path


def _text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "main").text)


def test_the_administrator_loads_next_years_notice_and_a_provisional_deadline_becomes_final(
    live_server, browser
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from gongkai.accounts.models import User
    from gongkai.applications.testing import make_application

    today = timezone.localdate()
    next_year = today.year + 1
    if calendar.is_loaded(next_year):
        pytest.fail(f"this journey needs {next_year} unloaded; the shipped data now has it")
    seed_organisations(None)  # type: ignore[arg-type]
    seed_accounts(None)  # type: ignore[arg-type]
    clerk = User.objects.get(username="county_clerk")
    application = make_application(by=clerk, received_on=today)
    provisional_due = application.due_on
    assert calendar.is_provisional(provisional_due)
    notice = (
        NOTICE_2027_LIKE.replace("2027", str(next_year)) if next_year != 2027 else NOTICE_2027_LIKE
    )
    detail = f"/staff/applications/{application.pk}/"

    # The clerk sees the provisional deadline, marked 暂定, with the reason.
    _sign_in(browser, live_server, "county_clerk", detail)
    page = _text(browser)
    assert f"{provisional_due:%Y年%-m月%-d日}" in page and "暂定" in page
    assert f"{next_year} 年的节假日安排（国务院办公厅通知）尚未导入" in page
    _shoot(browser, "application-provisional-desktop")
    _phone(browser, "application-provisional-phone")

    # The administrator comes from the reminder mail's link and sees the reminder.
    _sign_in(browser, live_server, "city_admin", "/staff/calendar/")
    assert f"尚未导入 {next_year} 年的节假日安排" in _text(browser)
    nav = browser.find_element(By.LINK_TEXT, "节假日安排")
    assert nav.get_attribute("href").endswith("/staff/calendar/")
    _shoot(browser, "calendar-desktop")
    _phone(browser, "calendar-phone")
    browser.find_element(By.NAME, "text").send_keys(notice)
    before = browser.current_url
    browser.find_element(By.XPATH, "//button[contains(., '识别并预览')]").click()
    WebDriverWait(browser, 10).until(lambda d: "核对" in d.title)
    page = _text(browser)
    assert f"核对 {next_year} 年节假日安排" in page
    assert "春节" in page and "不能导入" not in page
    _shoot(browser, "preview-desktop")
    _phone(browser, "preview-phone")

    before = browser.current_url
    browser.find_element(By.XPATH, f"//button[contains(., '确认导入 {next_year} 年')]").click()
    navigated(browser, before)
    page = _text(browser)
    assert f"已导入 {next_year} 年节假日安排" in page
    assert browser.current_url.endswith(f"/staff/calendar/{next_year}/")
    _shoot(browser, "year-loaded-desktop")
    _phone(browser, "year-loaded-phone")
    assert calendar.is_loaded(next_year)

    # The clerk's deadline is final now: no 暂定, the explanation counts on the notice.
    _sign_in(browser, live_server, "county_clerk", detail)
    application.refresh_from_db()
    page = _text(browser)
    assert f"{application.due_on:%Y年%-m月%-d日}" in page
    assert "暂定" not in page
    _shoot(browser, "application-final-desktop")
