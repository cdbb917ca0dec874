"""Browser tests' shared parts: finding Chromium and its driver, starting and stopping them.

Browser tests (marked ``browser``) drive a headless Chromium through chromedriver. Chromium
is found as ``CHROMIUM`` (and ``CHROMEDRIVER``) in the environment say, else on ``PATH``
(``chromium``, ``chromium-browser``, ``google-chrome``; ``chromedriver``). On a machine
without them ``make test`` still passes: gongkai/conftest.py skips the browser tests and says
so, loudly, at the end of the run with what to install. CI sets GONGKAI_REQUIRE_BROWSER=1,
where a missing browser is an error before any test runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

INSTALL = "apt-get install chromium chromium-driver"
PHONE = 360
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
]


def _found(variable: str, names: tuple[str, ...]) -> Path | None:
    given = os.environ.get(variable, "").strip()
    if given:
        return Path(given) if Path(given).is_file() else None
    for name in names:
        path = shutil.which(name)
        if path:
            return Path(path)
    return None


def chromium() -> Path | None:
    return _found("CHROMIUM", ("chromium", "chromium-browser", "google-chrome"))


def chromedriver() -> Path | None:
    return _found("CHROMEDRIVER", ("chromedriver",))


def missing() -> str:
    """What is missing to run the browser tests, or "" when nothing is."""
    absent = [
        name
        for name, path in (("chromium (CHROMIUM)", chromium()), ("chromedriver", chromedriver()))
        if path is None
    ]
    return " and ".join(absent)


def required() -> bool:
    return bool(os.environ.get("GONGKAI_REQUIRE_BROWSER"))


def driver(*, javascript: bool = True) -> Any:
    """A fresh headless Chromium with its own profile (``stop`` removes it)."""
    absent = missing()
    if absent:
        pytest.fail(f"browser tests need {absent}: {INSTALL}", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium())
    profile = tempfile.mkdtemp(prefix="gk-chromium-")
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    started: Any = webdriver.Chrome(options=options, service=Service(str(chromedriver())))
    started.set_page_load_timeout(30)
    started._gk_profile = profile  # removed in stop()
    return started


def stop(browser: Any) -> None:
    browser.quit()
    shutil.rmtree(browser._gk_profile, ignore_errors=True)


def navigated(browser: Any, before: str) -> None:
    """Wait until the browser has left ``before`` and the new page has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(
        lambda d: (
            d.current_url != before and d.execute_script("return document.readyState") == "complete"
        )
    )


def main_text(browser: Any) -> str:
    """The text of the page's <main>, read in one step (no element handle to go stale)."""
    return str(
        browser.execute_script(
            "const main = document.querySelector('main'); return main ? main.innerText : ''"
        )
    )


def wait_for_text(browser: Any, text: str, timeout: float = 120) -> None:
    """Until <main> says ``text``. A page that reloads or swaps a panel while it is being read
    (htmx, a refresh after a background job) is read again at the next poll: Chromium reports
    that as a stale element or as "node does not belong to the document", both WebDriverErrors."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def says(driver: Any) -> bool:
        try:
            return text in main_text(driver)
        except WebDriverException:
            return False

    WebDriverWait(browser, timeout, poll_frequency=0.3).until(
        says, message=f"the page never said {text!r}"
    )


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium for one test (gongkai/conftest.py makes it every app's)."""
    started = driver()
    yield started
    stop(started)
