"""A clerk uploads a scanned list in a real browser, watches it being read, sees where the ID and
phone numbers are on the page, blacks them out, and the cleaned file passes screening.

The job runner is not immediate here: the reading is queued by the upload as in production and
a worker thread runs it, held after the first page until the page has shown the progress.
Screenshots at phone and desktop width go to /tmp/ocr/ (GONGKAI_SCREENSHOTS overrides).
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from huey.contrib.djhuey import HUEY

from gongkai import testing_browser
from gongkai.demo.steps import (
    demo_county,
    seed_accounts,
    seed_organisations,
)
from gongkai.holidays.tests.test_browser import _sign_in, _text
from gongkai.ocr import services
from gongkai.ocr.testing import ID_CARD, MOBILE_PHONE, image_pdf, make_scanned_list
from gongkai.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS") or Path(tempfile.gettempdir()) / "ocr")


@pytest.fixture
def browser() -> Any:
    driver = testing_browser.driver()
    yield driver
    testing_browser.stop(driver)


@pytest.fixture
def queued_jobs() -> Any:
    """Jobs go to the queue instead of running inside the request, as with a real runner."""
    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = True


def _shoot(driver: Any, name: str) -> None:
    """The whole page at desktop width and on a 360 px phone (which must not scroll sideways)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 900), 5000))
    driver.save_screenshot(str(SHOTS / f"{name}-desktop.png"))
    driver.set_window_size(1280, 900)
    metrics = {"width": PHONE, "height": 740, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        tall = driver.execute_script("return document.documentElement.scrollHeight")
        metrics["height"] = min(max(tall, 740), 8000)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.save_screenshot(str(SHOTS / f"{name}-phone.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not wide, f"{name}: the page scrolls sideways on a {PHONE} px phone"


def _run_next_job(huey: Any) -> threading.Thread:
    """Run the queued job on a worker thread. An in-memory SQLite test database is one
    connection that the live server's threads share (Django does the same for them); a
    second connection would meet SQLite's table locks instead of waiting."""
    from django.db import connections

    task = huey.dequeue()
    assert task is not None, "the upload queued no job"
    shared = connections["default"]
    share = shared.vendor == "sqlite" and shared.is_in_memory_db()

    def work() -> None:
        if share:
            connections["default"] = shared
        try:
            huey.execute(task)
        finally:
            if share:
                shared.dec_thread_sharing()

    if share:
        shared.inc_thread_sharing()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    return worker


def test_a_clerk_reads_redacts_and_clears_a_scanned_list(
    live_server, browser, queued_jobs, monkeypatch
):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from gongkai.accounts.models import User
    from gongkai.records.models import Attachment, Status
    from gongkai.screening.models import Finding
    from gongkai.testing import make_record

    seed_organisations(None)  # type: ignore[arg-type]
    seed_accounts(None)  # type: ignore[arg-type]
    clerk = User.objects.get(username="county_clerk")
    record = make_record(
        by=clerk,
        organisation=demo_county(),
        title="2025年秋季学期家庭经济困难学生生活补助名单公示",
    )
    rng = random.Random(21)
    pages = [
        make_scanned_list(rng, dpi=150, rows=3, paper=(6.2, 2.6), columns=(ID_CARD, MOBILE_PHONE))
        for _ in range(2)
    ]
    numbers = [n for p in pages for _, n in p.numbers]
    scan = SHOTS / "扫描件-补助名单.pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(image_pdf([p.image for p in pages], dpi=150))

    # The worker stops after the first page until the clerk's page has shown the progress.
    shown = threading.Event()
    store = services._store

    def store_then_wait(recognition: Any, read: Any) -> None:
        store(recognition, read)
        if recognition.pages_done == 1 and recognition.pages_to_read == 2:
            shown.wait(timeout=120)

    monkeypatch.setattr(services, "_store", store_then_wait)

    detail = f"/staff/records/{record.pk}/"
    _sign_in(browser, live_server, "county_clerk", detail)
    browser.find_element(By.ID, "id_file").send_keys(str(scan))
    browser.find_element(By.XPATH, "//button[normalize-space()='上传']").click()
    testing_browser.wait_for_text(browser, "排队等待识别")
    _shoot(browser, "1-queued")

    worker = _run_next_job(queued_jobs)
    testing_browser.wait_for_text(browser, "正在识别：已完成第 1 / 2 页")
    assert "识别完成并经过保密审查前，不能提交审核或发布" in _text(browser)
    _shoot(browser, "2-progress")
    shown.set()
    worker.join(timeout=180)
    # The panel sees the reading finish and reloads the page: screening's findings are there.
    testing_browser.wait_for_text(browser, "查看位置并涂黑")
    page = _text(browser)
    assert f"{len(numbers)} 处待处理" in page, page
    assert "身份证号码" in page and "第1页（识别文字）" in page
    _shoot(browser, "3-read")

    browser.find_element(By.LINK_TEXT, "查看位置并涂黑").click()
    testing_browser.wait_for_text(browser, f"发现个人信息 {len(numbers)} 处")
    highlighted = browser.find_elements(By.CSS_SELECTOR, "svg.ocr-page rect.ocr-hit.personal")
    assert len(highlighted) == len(numbers)
    assert all(r.get_attribute("class").endswith("chosen") for r in highlighted)
    for number in numbers:
        assert number not in browser.page_source  # masked in the table, never in full
    _shoot(browser, "4-findings")

    # The clerk also blacks out the signature line of page 1 by drawing on the page: from 70 %
    # across and 88 % down (Selenium's offsets are from the element's centre) to 95 %, 96 %.
    figure = browser.find_element(By.ID, "page-1")
    figure.find_element(By.CSS_SELECTOR, "button.ocr-draw").click()
    svg = figure.find_element(By.CSS_SELECTOR, "svg.ocr-page")
    size = svg.size
    ActionChains(browser).move_to_element_with_offset(
        svg, int(size["width"] * 0.2), int(size["height"] * 0.38)
    ).click_and_hold().move_by_offset(
        int(size["width"] * 0.25), int(size["height"] * 0.08)
    ).release().perform()
    drawn = figure.find_element(By.CSS_SELECTOR, "textarea.ocr-regions").get_attribute("value")
    assert len(drawn.split()) == 4
    assert figure.find_elements(By.CSS_SELECTOR, "rect.ocr-drawn")
    _shoot(browser, "5-drawn")

    before = browser.current_url
    browser.find_element(By.XPATH, "//button[contains(., '生成涂黑后的文件')]").click()
    testing_browser.navigated(browser, before)
    assert "已生成涂黑后的文件" in _text(browser)
    testing_browser.wait_for_text(browser, "排队等待识别")
    _run_next_job(queued_jobs).join(timeout=180)
    testing_browser.wait_for_text(browser, "查看识别结果")
    page = _text(browser)
    assert "处待处理" not in page
    _shoot(browser, "6-cleaned")

    cleaned = Attachment.objects.get(record=record, is_current=True)
    assert cleaned.original_name == "扫描件-补助名单（已脱敏）.pdf"
    assert not Finding.objects.open().filter(record=record).exists()
    browser.find_element(By.XPATH, "//button[normalize-space()='提交审核']").click()
    testing_browser.wait_for_text(browser, "待公文审核")
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED


def test_without_javascript_the_clerk_types_the_rectangle_and_ticks_findings(live_server):
    """No script: no drawing buttons, the rulers on the page and a text box for rectangles."""
    import io

    from selenium.webdriver.common.by import By

    from gongkai.accounts.models import User
    from gongkai.records import services as records
    from gongkai.records.models import Attachment
    from gongkai.testing import make_record

    seed_organisations(None)  # type: ignore[arg-type]
    seed_accounts(None)  # type: ignore[arg-type]
    clerk = User.objects.get(username="county_clerk")
    record = make_record(by=clerk, organisation=demo_county())
    scan = make_scanned_list(
        random.Random(22), dpi=150, rows=3, paper=(6.2, 2.6), columns=(ID_CARD, MOBILE_PHONE)
    )
    attachment = records.add_attachment(record, io.BytesIO(scan.png()), "名单.png", by=clerk)
    browser = testing_browser.driver(javascript=False)
    try:
        _sign_in(browser, live_server, "county_clerk", f"/staff/ocr/attachments/{attachment.pk}/")
        testing_browser.wait_for_text(browser, f"发现个人信息 {len(scan.numbers)} 处")
        assert not browser.find_element(By.CSS_SELECTOR, "button.ocr-draw").is_displayed()
        assert len(browser.find_elements(By.CSS_SELECTOR, ".ocr-grid text")) == 18  # rulers
        box = browser.find_element(By.ID, "id_regions-1")
        box.send_keys("70 85 99 99")
        _shoot(browser, "7-no-script")
        browser.find_element(By.XPATH, "//button[contains(., '生成涂黑后的文件')]").click()
        testing_browser.wait_for_text(browser, "已生成涂黑后的文件")
        cleaned = Attachment.objects.get(record=record, is_current=True)
        assert cleaned.original_name == "名单（已脱敏）.png"
    finally:
        testing_browser.stop(browser)
