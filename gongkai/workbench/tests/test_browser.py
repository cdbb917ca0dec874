"""Staff journeys in a real browser (Debian's Chromium), each starting at the sign-in page, in
production configuration: DEBUG off, hashed static files served by WhiteNoise from a
collectstatic run, a real SITE_URL. Screenshots (360 px and 1280 px) go to ``SHOTS``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings
from django.utils import timezone

from gongkai import testing_browser
from gongkai.accounts.models import Role
from gongkai.concerns.models import Level
from gongkai.concerns.testing import make_concern
from gongkai.notifications.models import Notification
from gongkai.organisations.models import Kind as OrgKind
from gongkai.records import services
from gongkai.records.models import Record, Status, Validity
from gongkai.testing import DEMO_PASSWORD, make_organisation, make_record, make_user
from gongkai.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Where screenshots go (look at them): $SCREENSHOT_DIR, or the system's temporary directory.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.gettempdir()) / "gongkai-screenshots"
SITE_URL = "https://gongkai.example.gov.cn"
PRODUCTION_STATIC = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    from django.conf import settings

    with override_settings(
        STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": PRODUCTION_STATIC}
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture(scope="module")
def server(collected: Path, django_db_setup: None) -> Iterator[str]:
    """A live server as production runs it: no DEBUG, hashed static files via WhiteNoise (no
    static-files handler of the test runner), a real SITE_URL. One per module, started before
    the browser, so the browser has closed its connections when the server stops."""
    from django.conf import settings

    production = override_settings(
        DEBUG=False,
        SITE_URL=SITE_URL,
        STATIC_ROOT=collected,
        STORAGES={**settings.STORAGES, "staticfiles": PRODUCTION_STATIC},
        ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"],
    )
    production.enable()
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = LiveServerThread("localhost", lambda handler: handler.application, shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()
    production.disable()


@pytest.fixture
def site(server: str, transactional_db: None) -> str:
    return server


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


def _wait(driver: Any, condition: Any, seconds: int = 15) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def _loaded(driver: Any) -> None:
    _wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def click(driver: Any, xpath: str) -> None:
    """Click what a person would click and wait for the next page."""
    from selenium.webdriver.common.by import By

    driver.execute_script("window.__gk_same_page = true")
    driver.find_element(By.XPATH, xpath).click()
    _wait(
        driver,
        lambda d: (
            d.execute_script("return window.__gk_same_page !== true")
            and d.execute_script("return document.readyState") == "complete"
        ),
    )


def button(driver: Any, text: str) -> None:
    click(driver, f"//button[normalize-space()='{text}']")


def link(driver: Any, text: str) -> None:
    click(driver, f"//main//a[contains(normalize-space(), '{text}')]")


def fill(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.NAME, name)
    if field.tag_name == "select":
        from selenium.webdriver.support.ui import Select

        choice = Select(field)
        for option in choice.options:
            if value in option.text:
                choice.select_by_visible_text(option.text)
                return
        raise AssertionError(f"no option {value!r} in {name}")
    if field.get_attribute("type") in ("date", "datetime-local", "radio"):
        driver.execute_script("arguments[0].value = arguments[1]", field, value)
        return
    field.clear()
    field.send_keys(value)


def text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "main").text


def sign_in(driver: Any, site: str, username: str) -> None:
    driver.get(site + "/accounts/login/")
    assert "工作人员登录" in driver.title
    fill(driver, "username", username)
    fill(driver, "password", DEMO_PASSWORD)
    button(driver, "登录")
    assert driver.current_url == site + "/staff/", driver.current_url
    assert "工作台" in text(driver)


def sign_out(driver: Any) -> None:
    click(driver, "//header//button[normalize-space()='退出']")


def shoot(driver: Any, name: str) -> None:
    """Whole-page screenshots at desktop and phone width; the phone never scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, mobile in ((1280, False), (PHONE, True)):
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        _loaded(driver)
        height = driver.execute_script("return document.scrollingElement.scrollHeight")
        metrics["height"] = min(height, 6000)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
        if mobile:
            sideways = driver.execute_script("return document.scrollingElement.scrollWidth")
            assert sideways <= PHONE, f"{name} is {sideways}px wide on a {PHONE}px phone"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture
def unit(transactional_db: None) -> dict[str, Any]:
    city = make_organisation(kind=OrgKind.CITY_BUREAU, code="W0001", name="聊城市教育和体育局")
    county = make_organisation(
        kind=OrgKind.COUNTY_BUREAU, parent=city, code="W0100", name="东昌府区教育和体育局"
    )
    people = {
        key: make_user(username=f"w_{key}", full_name=name, roles=[role], organisation=county)
        for key, name, role in (
            ("clerk", "孙文", Role.CLERK),
            ("doc", "周核", Role.DOCUMENT_REVIEWER),
            ("dis", "吴公", Role.DISCLOSURE_REVIEWER),
            ("officer", "郑情", Role.CONCERN_OFFICER),
        )
    }
    return {"county": county, **people}


def published(unit: dict[str, Any], title: str) -> Record:
    record = make_record(by=unit["clerk"], organisation=unit["county"], title=title)
    record = services.submit(record, by=unit["clerk"])
    record = services.approve_document(record, by=unit["doc"])
    record = services.approve_disclosure(record, by=unit["dis"])
    return services.publish(record, by=unit["clerk"])


def test_a_record_goes_from_draft_through_both_reviews_to_the_public_page(site, unit, desktop):
    d = desktop
    sign_in(d, site, "w_clerk")
    link(d, "新建信息")
    fill(d, "title", "关于2026年秋季城区小学招生范围的公告")
    fill(d, "item", "05.04")
    fill(d, "formed_on", timezone.localdate().isoformat())
    fill(d, "written_on", timezone.localdate().isoformat())
    fill(d, "body", "根据就近入学原则，现将招生范围公告如下：兴华路以东、建设路以北。")
    button(d, "保存草稿")
    errors = [e.text for e in d.find_elements("css selector", ".errorlist")]
    assert "已保存为草稿" in text(d), errors
    button(d, "提交审核")
    assert "已完成：提交审核" in text(d)
    sign_out(d)

    for reviewer, queue, action in (
        ("w_doc", "待公文审核", "公文审核通过"),
        ("w_dis", "待政务公开审核", "政务公开审核通过"),
    ):
        sign_in(d, site, reviewer)
        assert queue in text(d) and "关于2026年秋季城区小学招生范围的公告" in text(d)
        link(d, "关于2026年秋季城区小学招生范围的公告")
        shoot(d, f"record-review-{reviewer}")
        button(d, action)
        assert f"已完成：{action}" in text(d)
        sign_out(d)

    sign_in(d, site, "w_clerk")
    assert "审核通过待发布" in text(d)
    link(d, "关于2026年秋季城区小学招生范围的公告")
    button(d, "发布")
    link(d, "查看公开页面")
    assert "关于2026年秋季城区小学招生范围的公告" in d.title
    assert "兴华路以东" in text(d)
    record = Record.objects.get(title="关于2026年秋季城区小学招生范围的公告")
    assert record.status == Status.PUBLISHED and record.written_on == timezone.localdate()


def test_a_return_shows_its_reason_to_the_clerk_on_top_and_in_the_inbox(site, unit, desktop):
    d = desktop
    record = services.submit(
        make_record(by=unit["clerk"], organisation=unit["county"], title="课后服务收费公示"),
        by=unit["clerk"],
    )
    sign_in(d, site, "w_doc")
    link(d, "课后服务收费公示")
    fill(d, "note", "请补充收费依据文号和咨询电话。")
    button(d, "公文审核退回修改")
    sign_out(d)

    sign_in(d, site, "w_clerk")
    assert "退回原因：请补充收费依据文号和咨询电话。" in text(d)
    assert d.find_element("css selector", ".count-badge").text.startswith("1")
    shoot(d, "returned-workbench-clerk")
    link(d, "课后服务收费公示")
    shoot(d, "record-returned-clerk")
    top = text(d)
    assert top.index("请补充收费依据文号和咨询电话。") < top.index("课后服务收费公示")
    click(d, "//header//a[contains(., '通知')]")
    assert "被退回修改：课后服务收费公示" in text(d)
    shoot(d, "inbox-clerk")
    notice = Notification.objects.get(user=unit["clerk"])
    assert notice.read_at is None
    link(d, "被退回修改：课后服务收费公示")
    assert f"/staff/records/{record.pk}/" in d.current_url
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_revision_with_its_change_note_shows_in_the_public_history(site, unit, desktop):
    d = desktop
    record = published(unit, "2026年学生资助政策告知书")
    sign_in(d, site, "w_clerk")
    link(d, "政府信息")
    link(d, "2026年学生资助政策告知书")
    fill(d, "change_note", "更正资助热线电话")
    button(d, "修订（生成新版本）")
    assert "修订中" in text(d)
    link(d, "修改")
    fill(d, "body", "资助热线：0635-0000001（工作日 8:30—17:30）。")
    button(d, "保存草稿")
    button(d, "提交审核")
    sign_out(d)
    record = Record.objects.get(pk=record.pk)
    record = services.approve_document(record, by=unit["doc"])
    services.approve_disclosure(record, by=unit["dis"])
    sign_in(d, site, "w_clerk")
    link(d, "2026年学生资助政策告知书")
    button(d, "发布")
    link(d, "查看公开页面")
    page = text(d)
    assert "修订记录" in page and "更正资助热线电话" in page and "0635-0000001" in page


def test_repealing_with_a_replacement_shows_on_the_public_page(site, unit, desktop):
    d = desktop
    old = published(unit, "2025年义务教育招生入学工作方案")
    new = published(unit, "2026年义务教育招生入学工作方案")
    sign_in(d, site, "w_clerk")
    link(d, "政府信息")
    link(d, "2025年义务教育招生入学工作方案")
    link(d, "标注失效或废止")
    fill(d, "validity", "废止")
    fill(d, "on", "2026-03-01")
    fill(d, "note", "由2026年工作方案替代")
    fill(d, "q", "2026年义务教育")
    button(d, "查找")  # what was typed stays
    assert d.find_element("name", "note").get_attribute("value") == "由2026年工作方案替代"
    d.find_element("xpath", f"//input[@name='replaced_by'][@value='{new.pk}']").click()
    shoot(d, "validity-page-clerk")
    button(d, "保存")
    assert "已将有效性设为“废止”" in text(d)
    old.refresh_from_db()
    assert old.validity == Validity.REPEALED and old.replaced_by == new
    link(d, "查看公开页面")
    page = text(d)
    assert "本文件已废止" in page and "由2026年工作方案替代" in page
    link(d, "2026年义务教育招生入学工作方案")
    assert f"/records/{new.pk}/" in d.current_url


def test_the_concern_officer_answers_an_urgent_concern_through_one_reviewer(site, unit, desktop):
    d = desktop
    concern = make_concern(
        by=unit["officer"],
        discovered_at=timezone.now(),
        level=Level.ESPECIALLY_SERIOUS,
        subject="网传某校食堂食材过期",
    )
    sign_in(d, site, "w_officer")
    assert "待回应的舆情" in text(d) and "网传某校食堂食材过期" in text(d)
    shoot(d, "workbench-officer-urgent")
    link(d, "网传某校食堂食材过期")
    assert "一名审核人员" in text(d)
    link(d, "起草回应")
    fill(d, "title", "关于网传某校食堂食材过期的情况说明")
    fill(d, "body", "经核查，涉事批次食材已封存，检测结果将及时公布。")
    button(d, "保存草稿")
    button(d, "提交审核")
    sign_out(d)

    sign_in(d, site, "w_dis")
    assert "待快速审核的回应关切" in text(d)
    link(d, "关于网传某校食堂食材过期的情况说明")
    assert "公文审核通过" not in text(d)
    button(d, "快速审核通过（回应关切）")
    sign_out(d)

    sign_in(d, site, "w_officer")
    link(d, "关于网传某校食堂食材过期的情况说明")
    button(d, "发布")
    concern.refresh_from_db()
    assert concern.status == "responded"
    d.get(site + "/responses/")
    assert "关于网传某校食堂食材过期的情况说明" in text(d)


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("seed_demo", verbosity=0)


def test_every_demo_role_lands_on_a_workbench_that_fits_a_phone(site, demo, desktop):
    from gongkai.demo.steps import DEMO_ACCOUNTS

    for username, _name, _role, _where in DEMO_ACCOUNTS:
        desktop.delete_all_cookies()
        sign_in(desktop, site, username)
        shoot(desktop, f"workbench-{username}")
        assert (
            desktop.find_element("css selector", "link[rel=stylesheet]")
            .get_attribute("href")
            .split("/")[-1]
            != "site.css"
        )  # hashed: the production storage served the page
        assert desktop.execute_script(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        ) not in ("rgba(0, 0, 0, 0)", "transparent")  # and its stylesheet loaded
