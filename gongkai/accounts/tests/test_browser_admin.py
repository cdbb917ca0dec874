"""The three administrators' jobs in a real browser, each starting at the sign-in page.

Sign-in goes to the profile page (``?next=``), whose staff navigation lists every page the
role has; from there everything is clicks. Every administration page is also photographed
at 360 px and 1280 px (into $GONGKAI_SCREENSHOTS) and must not scroll
sideways on the phone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai import testing_browser
from gongkai.accounts.models import Role, RoleGrant, User
from gongkai.core.audit import record_event
from gongkai.core.models import AuditEvent
from gongkai.organisations.models import Kind
from gongkai.testing import DEMO_PASSWORD, make_organisation, make_record, make_user
from gongkai.testing_browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Where screenshots go: $GONGKAI_SCREENSHOTS, or a fresh temporary folder.
SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS") or tempfile.mkdtemp(prefix="gk-admin-"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = testing_browser.driver()
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(SHOTS)}
    )
    yield driver
    testing_browser.stop(driver)


@pytest.fixture
def office(transactional_db: None) -> dict[str, Any]:
    """A city, a county with a township and its school, another county; the administrators."""
    city = make_organisation(kind=Kind.CITY_BUREAU, code="A0001", name="聊城市教育和体育局")
    county = make_organisation(
        kind=Kind.COUNTY_BUREAU, parent=city, code="A0100", name="东昌府区教育和体育局"
    )
    township = make_organisation(
        kind=Kind.TOWNSHIP, parent=county, code="A0110", name="东昌府区柳林镇中心学校"
    )
    school = make_organisation(
        kind=Kind.SCHOOL, parent=township, code="A0111", name="东昌府区柳林第一小学"
    )
    other = make_organisation(
        kind=Kind.COUNTY_BUREAU, parent=city, code="A0200", name="茌平区教育和体育局"
    )
    people = {
        "county_admin": make_user(
            username="county_admin",
            full_name="陈维",
            roles=[Role.SYSTEM_ADMIN],
            organisation=county,
        ),
        "security": make_user(
            username="city_security",
            full_name="赵安",
            roles=[Role.SECURITY_ADMIN],
            organisation=city,
        ),
        "auditor": make_user(
            username="city_auditor", full_name="钱审", roles=[Role.AUDIT_ADMIN], organisation=city
        ),
        "city_admin": make_user(
            username="city_admin", full_name="李管", roles=[Role.SYSTEM_ADMIN], organisation=city
        ),
    }
    school_clerk = make_user(username="school_clerk", roles=[Role.CLERK], organisation=school)
    other_clerk = make_user(username="other_clerk", roles=[Role.CLERK], organisation=other)
    make_record(by=school_clerk, organisation=school, title="柳林第一小学2026年招生范围公告")
    make_record(by=other_clerk, organisation=other, title="茌平区2026年招生范围公告")
    return {"city": city, "county": county, "township": township, "school": school, **people}


# --- helpers --------------------------------------------------------------------------------


def _wait(driver: Any, condition: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def _loaded(driver: Any) -> None:
    _wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def _click(driver: Any, text: str, *, within: str = "body") -> None:
    """Click the link or button whose text contains ``text`` and wait for the next page."""
    from selenium.webdriver.common.by import By

    before = driver.current_url
    old = driver.find_element(By.TAG_NAME, "html")
    scope = driver.find_element(By.CSS_SELECTOR, within)
    candidates = scope.find_elements(
        By.XPATH,
        f".//a[contains(normalize-space(.), '{text}')] | "
        f".//button[contains(normalize-space(.), '{text}')]",
    )
    visible = [c for c in candidates if c.is_displayed()]
    assert visible, f"nothing to click named “{text}” on {before}"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", visible[0])
    visible[0].click()
    _wait(driver, lambda d: _stale(old))
    _loaded(driver)


def _open(driver: Any, text: str) -> None:
    """Unfold a <details> whose summary contains ``text`` (a confirmation step)."""
    from selenium.webdriver.common.by import By

    summary = driver.find_element(By.XPATH, f"//summary[contains(normalize-space(.), '{text}')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    summary.click()
    _wait(driver, lambda d: summary.find_element(By.XPATH, "..").get_attribute("open") is not None)


def _stale(element: Any) -> bool:
    from selenium.common.exceptions import WebDriverException

    try:
        element.tag_name  # noqa: B018 - touching it raises once the page changed
    except WebDriverException:  # stale, or "node does not belong to the document"
        return True
    return False


def _fill(driver: Any, field_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def _select(driver: Any, field_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    options = Select(driver.find_element(By.ID, field_id))
    match = [o for o in options.options if text in o.text]
    assert match, f"no option “{text}” in #{field_id}"
    options.select_by_value(match[0].get_attribute("value"))


def _sign_in(
    driver: Any, server: str, username: str, password: str, then: str = "/accounts/profile/"
) -> None:
    driver.delete_all_cookies()
    driver.get(f"{server}/accounts/login/?next={then}")
    _fill(driver, "id_username", username)
    _fill(driver, "id_password", password)
    _click(driver, "登录", within="main")


def _sign_out(driver: Any) -> None:
    _click(driver, "退出", within="header")


def _heading(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, "main h1").text


def _main(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "main").text


def _photograph(driver: Any, name: str) -> None:
    """The whole page at 1280 px and at 360 px; on the phone nothing may scroll sideways."""
    overflow = 0
    for width, mobile in ((1280, False), (PHONE, True)):
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        # The layout follows the new width at once; no reload (it would empty a filled form).
        height = driver.execute_script("return document.documentElement.scrollHeight")
        if width == PHONE:
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {**metrics, "height": min(height, 8000)}
        )
        driver.save_screenshot(str(SHOTS / f"{name}-{width}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0, f"{name}: the page scrolls {overflow}px sideways at {PHONE}px"


# --- journeys -------------------------------------------------------------------------------


def test_a_system_administrator_creates_an_account_and_the_new_clerk_sets_a_password(
    live_server, office, browser
):
    driver, server = browser, live_server.url
    _sign_in(driver, server, "county_admin", DEMO_PASSWORD)
    _click(driver, "账户管理", within="header")
    assert _heading(driver) == "账户管理"
    _photograph(driver, "users")
    _click(driver, "新建账户", within="main")
    _fill(driver, "id_username", "liulin_clerk")
    _fill(driver, "id_full_name", "刘林")
    _select(driver, "id_organisation", "柳林镇中心学校")
    _fill(driver, "id_phone", "0635-8888888")
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "input[name=first_access][value=password]").click()
    _photograph(driver, "user-create")
    _click(driver, "新建账户", within="form.narrow")
    assert _heading(driver) == "临时密码"
    password = driver.find_element(By.ID, "credential").text.strip()
    assert len(password) >= 12
    _photograph(driver, "credential")

    _click(driver, "下一步：授予角色", within="main")
    _select(driver, "id_role", "信息制作")
    _select(driver, "id_organisation", "柳林镇中心学校")
    _click(driver, "授予", within="section.panel")
    assert "已授予" in _main(driver) and "信息制作" in _main(driver)
    _photograph(driver, "user-detail")
    person = User.objects.get(username="liulin_clerk")
    grant = RoleGrant.objects.active().get(user=person)
    assert (grant.role, grant.organisation.code) == (Role.CLERK, "A0110")
    _click(driver, "角色授权", within="header")
    assert "刘林" in _main(driver)
    _photograph(driver, "grants")
    _sign_out(driver)

    # The new clerk: the temporary password leads to setting their own, then to their work.
    _sign_in(driver, server, "liulin_clerk", password, then="/staff/")
    assert _heading(driver) == "设置您的密码"
    _photograph(driver, "password-first")
    _fill(driver, "id_new_password1", "Liulin-xuexiao-2026")
    _fill(driver, "id_new_password2", "Liulin-xuexiao-2026")
    _click(driver, "保存新密码", within="main")
    assert driver.current_url.endswith("/staff/")
    work = _main(driver)
    assert "柳林第一小学2026年招生范围公告" in work
    assert "茌平区2026年招生范围公告" not in work
    person.refresh_from_db()
    assert not person.must_change_password and person.check_password("Liulin-xuexiao-2026")
    _click(driver, "个人设置", within="header")
    assert "东昌府区柳林镇中心学校" in _main(driver)
    _photograph(driver, "profile")
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"account.create", "account.temporary_password", "role.grant"} <= verbs
    assert "account.password_change" in verbs


def test_the_security_administrator_resets_a_second_factor(live_server, office, browser):
    victim = make_user(
        username="lost_phone",
        full_name="周核",
        roles=[Role.DOCUMENT_REVIEWER],
        organisation=office["county"],
    )
    TOTPDevice.objects.create(user=victim, name="身份验证器", confirmed=True)
    AccessAttempt.objects.create(
        username=victim.username,
        ip_address="10.20.30.40",
        user_agent="Mozilla/5.0",
        get_data="",
        post_data="",
        http_accept="text/html",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    driver, server = browser, live_server.url

    _sign_in(driver, server, "city_security", DEMO_PASSWORD)
    _click(driver, "安全策略", within="header")
    _photograph(driver, "policy")
    _click(driver, "账户锁定", within="header")
    assert "已锁定" in _main(driver) and "周核" in _main(driver)
    _photograph(driver, "lockouts")
    _click(driver, "账户管理", within="header")
    _fill(driver, "id_q", "周核")
    _click(driver, "查找", within="main")
    _click(driver, "周核", within="main .card-list")
    assert "双因素认证" in _main(driver) and "已启用" in _main(driver)
    _open(driver, "重置双因素认证")
    _photograph(driver, "user-detail-security")
    _click(driver, "确认重置", within="main")

    assert "已重置" in _main(driver)
    assert not TOTPDevice.objects.filter(user=victim).exists()
    row = AuditEvent.objects.get(verb="account.2fa_reset")
    assert row.actor == office["security"] and row.object_id == str(victim.pk)
    _click(driver, "敏感词表", within="header")
    assert "敏感词" in _heading(driver)


def test_the_audit_administrator_filters_the_log_in_chinese_and_exports_it(
    live_server, office, browser
):
    record_event("account.unlock", actor=office["security"], target=office["county_admin"])
    record_event("account.2fa_reset", actor=office["security"], target=office["county_admin"])
    record_event("organisations.update", actor=office["city_admin"], target=office["county"])
    driver, server = browser, live_server.url

    _sign_in(driver, server, "city_auditor", DEMO_PASSWORD)
    _click(driver, "审计日志", within="header")
    assert "账号：重置双因素认证" in _main(driver)
    _photograph(driver, "audit-log")
    _select(driver, "id_verb", "重置双因素认证")
    _click(driver, "筛选", within="main form.filters")
    rows = _main(driver)
    assert "共 1 条" in rows and "账号：重置双因素认证" in rows and "机构：修改" not in rows

    _click(driver, "清除条件", within="main")
    _fill(driver, "id_actor", "李管")
    _click(driver, "筛选", within="main form.filters")
    rows = _main(driver)
    assert "机构：修改" in rows and "账号：解除登录锁定" not in rows

    for old in SHOTS.glob("audit-*.xlsx"):
        old.unlink()
    _click_download(driver, "导出 Excel")
    exported = _wait(driver, lambda d: list(SHOTS.glob("audit-*.xlsx")) or False, timeout=15)
    from openpyxl import load_workbook

    values = list(load_workbook(exported[0]).active.iter_rows(values_only=True))
    assert [v[4] for v in values[1:]] == ["机构：修改"]
    assert AuditEvent.objects.filter(verb="audit.export", actor=office["auditor"]).exists()

    _click(driver, "核验审计链是否完整", within="main")
    assert "审计链完整" in _main(driver)


def _click_download(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    link = driver.find_element(By.XPATH, f"//a[contains(normalize-space(.), '{text}')]")
    link.click()


def test_every_administration_page_reads_well_on_a_phone_and_a_desktop(
    live_server, office, browser
):
    """The pages the journeys above do not pass through: organisations and the catalogue."""
    driver, server = browser, live_server.url
    _sign_in(driver, server, "city_admin", DEMO_PASSWORD)
    _click(driver, "机构管理", within="header")
    _photograph(driver, "organisations")
    _click(driver, "东昌府区柳林镇中心学校", within="main")
    _photograph(driver, "organisation-edit")
    _click(driver, "机构管理", within="header")
    _click(driver, "从表格导入", within="main")
    _photograph(driver, "organisation-import")
    _click(driver, "目录管理", within="header")
    _photograph(driver, "catalogue")
    _click(driver, "开始修订", within="main")
    _photograph(driver, "catalogue-draft")
    _click(driver, "招生范围", within="main")
    _photograph(driver, "catalogue-item")
    _sign_out(driver)

    _sign_in(driver, server, "county_admin", DEMO_PASSWORD)
    _click(driver, "目录管理", within="header")
    _click(driver, "本县扩展事项", within="main")
    _photograph(driver, "catalogue-local")
