"""Persona fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import settings as hypothesis_settings

from gongkai import testing_browser
from gongkai.accounts.models import Role
from gongkai.organisations.models import Kind, Organisation
from gongkai.testing import make_organisation, make_user
from gongkai.testing_browser import browser  # noqa: F401 - the shared browser fixture

# Property and fuzz tests explore new random inputs on every local run (that is how they found
# the importer crashes). In CI (CI=true) they run derandomized: the same reproducible examples
# every time, so a landing is never decided by a lucky draw. Failures found locally become
# explicit regression tests.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_reference_data() -> None:
    """A test's rolled-back rows send no signal: start every test from the database."""
    from gongkai.core import calendar
    from gongkai.core.refdata import reset_all

    reset_all()
    calendar.clear_cache()  # a notice loaded by a rolled-back test is gone too


def pytest_configure(config: pytest.Config) -> None:
    # In CI the PostgreSQL run must really be on PostgreSQL: a silent fallback would be a skip.
    if os.environ.get("GONGKAI_REQUIRE_POSTGRES") and not os.environ.get(
        "DATABASE_URL", ""
    ).startswith("postgres"):
        raise pytest.UsageError("GONGKAI_REQUIRE_POSTGRES is set but DATABASE_URL is not postgres")
    # Likewise the browser tests: in CI a missing Chromium is an error, not a skip.
    if testing_browser.required() and testing_browser.missing():
        raise pytest.UsageError(
            f"GONGKAI_REQUIRE_BROWSER is set but {testing_browser.missing()} is not installed: "
            f"{testing_browser.INSTALL}"
        )


@pytest.fixture
def city(db: None) -> Organisation:
    return make_organisation(kind=Kind.CITY_BUREAU, code="C0001", name="测试市教育和体育局")


@pytest.fixture
def county(city: Organisation) -> Organisation:
    return make_organisation(
        kind=Kind.COUNTY_BUREAU, parent=city, code="C0100", name="测试县教育和体育局"
    )


@pytest.fixture
def other_county(city: Organisation) -> Organisation:
    return make_organisation(
        kind=Kind.COUNTY_BUREAU, parent=city, code="C0200", name="另一县教育和体育局"
    )


@pytest.fixture
def township(county: Organisation) -> Organisation:
    return make_organisation(kind=Kind.TOWNSHIP, parent=county, code="C0101", name="测试镇中心学校")


@pytest.fixture
def school(township: Organisation) -> Organisation:
    return make_organisation(kind=Kind.SCHOOL, parent=township, code="C0102", name="测试镇第一小学")


@pytest.fixture
def clerk(county):
    return make_user(username="clerk", roles=[Role.CLERK], organisation=county)


@pytest.fixture
def document_reviewer(county):
    return make_user(username="docreviewer", roles=[Role.DOCUMENT_REVIEWER], organisation=county)


@pytest.fixture
def disclosure_reviewer(county):
    return make_user(username="disreviewer", roles=[Role.DISCLOSURE_REVIEWER], organisation=county)


@pytest.fixture
def reviewer(county):
    """One person holding both review roles: the four-eyes rule must still stop them."""
    return make_user(
        username="reviewer",
        roles=[Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER],
        organisation=county,
    )


@pytest.fixture
def supervisor(city):
    return make_user(username="supervisor", roles=[Role.SUPERVISOR], organisation=city)


@pytest.fixture
def system_admin(city):
    return make_user(username="sysadmin", roles=[Role.SYSTEM_ADMIN], organisation=city)


@pytest.fixture
def other_county_clerk(other_county):
    return make_user(username="otherclerk", roles=[Role.CLERK], organisation=other_county)


@pytest.fixture
def citizen(db):
    return make_user(username="citizen")


@pytest.fixture(autouse=True)
def _fresh_search_index(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test its own embedded search index: the database rolls back after a test, an
    index directory would not. Created only if the test searches or indexes."""
    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path_factory.getbasetemp() / "search" / uuid4().hex


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


#: The reason browser tests are skipped with, so the summary can find them.
NO_BROWSER = "no Chromium here"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked ``postgres`` check what only PostgreSQL does (prepared statements, its
    # query plans); on the embedded SQLite default they are skipped, saying so. CI runs the
    # suite again on PostgreSQL with GONGKAI_REQUIRE_POSTGRES=1, where they must run.
    # Tests marked ``browser`` need Chromium: without it they are skipped and the end of the
    # run says so (pytest_terminal_summary); CI sets GONGKAI_REQUIRE_BROWSER=1.
    no_browser = testing_browser.missing()
    skip_postgres = pytest.mark.skip(reason="PostgreSQL only: run with DATABASE_URL=postgres://…")
    skip_browser = pytest.mark.skip(
        reason=f"{NO_BROWSER} ({no_browser}): {testing_browser.INSTALL}"
    )
    for item in items:
        if item.get_closest_marker("postgres") and not _on_postgresql():
            item.add_marker(skip_postgres)
        if item.get_closest_marker("browser") and no_browser:
            item.add_marker(skip_browser)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Browser tests that could not run are not a quiet 's' among thousands of dots."""
    skipped = [
        report.nodeid
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and NO_BROWSER in str(report.longrepr[2])
    ]
    if not skipped:
        return
    terminalreporter.write_sep(
        "!", f"{len(skipped)} BROWSER TESTS DID NOT RUN: {testing_browser.missing()} not found",
        red=True, bold=True,
    )  # fmt: skip
    terminalreporter.write_line(
        f"To run them: {testing_browser.INSTALL} (or set CHROMIUM and CHROMEDRIVER to the "
        "programs). CI runs them with GONGKAI_REQUIRE_BROWSER=1, where a missing browser fails.",
        yellow=True,
    )
    files = sorted({nodeid.split("::")[0] for nodeid in skipped})
    terminalreporter.write_line("Not run: " + ", ".join(files))


@pytest.fixture
def empty_caches(request: pytest.FixtureRequest) -> Iterator[None]:
    """Both caches empty before and after the test (rate limits, spent challenges, throttles).
    The shared cache is a database table: only tests with database access can touch it."""
    from django.core.cache import cache

    from gongkai.core.cache import shared_cache

    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    cache.clear()
    if uses_db:
        shared_cache().clear()
    yield
    cache.clear()
    if uses_db:
        shared_cache().clear()
