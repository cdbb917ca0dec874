"""System checks on settings that would otherwise be discovered on printed paper."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.checks import Error, Warning
from django.test import override_settings

from gongkai.core.checks import check_site_url, check_site_url_is_public, site_url_problems


def test_production_without_a_site_url_is_an_error_that_names_the_variable_and_an_example():
    [problem] = site_url_problems("", debug=False)
    assert isinstance(problem, Error) and problem.id == "site_url.E001"
    assert "SITE_URL" in problem.msg
    assert "SITE_URL=https://" in (problem.hint or "")


def test_debug_runs_may_leave_the_site_url_to_its_local_default():
    assert site_url_problems("", debug=True) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("jyj.example.gov.cn", "site_url.E002"),
        ("ftp://jyj.example.gov.cn", "site_url.E002"),
        ("https://", "site_url.E002"),
        ("https://jyj.example.gov.cn/gongkai", "site_url.E003"),
        ("https://jyj.example.gov.cn/?x=1", "site_url.E003"),
    ],
)
def test_a_site_url_a_phone_cannot_open_is_an_error(value, code):
    [problem] = site_url_problems(value, debug=False)
    assert isinstance(problem, Error) and problem.id == code
    assert value in problem.msg


@pytest.mark.parametrize(
    "value",
    [
        "https://" + "a" * 293,  # 301 bytes
        "https://" + "教" * 98,  # 302 bytes in UTF-8
        "https://a&b.example.cn",
        'https://jyj.example.gov.cn:8443"',
        "https://jyj example.gov.cn",
    ],
)
def test_a_site_url_too_long_for_a_sitemap_or_with_xml_characters_is_an_error(value):
    """Every sitemap line holds SITE_URL: its length bounds a part of 50,000 lines (the
    protocol's 50 MB), and no character of a host name needs escaping in XML."""
    [problem] = site_url_problems(value, debug=False)
    assert isinstance(problem, Error) and problem.id == "site_url.E005"
    assert value[:80] in problem.msg


def test_the_longest_site_url_accepted():
    assert site_url_problems("https://" + "a" * 292, debug=False) == []
    assert site_url_problems("https://www.教育局.中国", debug=False) == []


@pytest.mark.parametrize(
    "value", ["https://jyj.example.gov.cn", "http://127.0.0.1:8000", "https://edu.example.gov.cn/"]
)
def test_a_scheme_and_host_is_accepted(value):
    assert site_url_problems(value, debug=False) == []


def test_the_registered_check_reads_the_setting():
    with override_settings(SITE_URL="", DEBUG=False):
        assert [p.id for p in check_site_url()] == ["site_url.E001"]
    with override_settings(SITE_URL="https://jyj.example.gov.cn", DEBUG=False):
        assert check_site_url() == []


@pytest.mark.parametrize(
    ("value", "https", "codes"),
    [
        ("http://127.0.0.1:8000", False, ["site_url.W001"]),
        ("http://localhost", False, ["site_url.W001"]),
        ("http://192.168.1.20", False, ["site_url.W001"]),
        ("http://jyj.example.gov.cn", True, ["site_url.W002"]),
        ("https://jyj.example.gov.cn", True, []),
    ],
)
def test_the_deployment_check_warns_about_addresses_only_this_machine_can_reach(
    value, https, codes
):
    with override_settings(SITE_URL=value, HTTPS=https):
        found = check_site_url_is_public()
    assert [p.id for p in found] == codes
    assert all(isinstance(p, Warning) for p in found)


def _manage_py_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_manage_py_refuses_to_start_in_production_without_a_site_url(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "check-only",
        "AUDIT_KEY": "check-only-audit-key-not-a-secret-0123456789",
        "ALLOWED_HOSTS": "jyj.example.gov.cn",
        "GONGKAI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
    }
    refused = _manage_py_check(env)
    assert refused.returncode != 0
    assert "site_url.E001" in refused.stderr and "SITE_URL=https://" in refused.stderr
    started = _manage_py_check({**env, "SITE_URL": "https://jyj.example.gov.cn"})
    assert started.returncode == 0, started.stderr


def test_the_site_urls_host_must_be_allowed_in_production(settings):
    from gongkai.core.checks import check_site_url_is_allowed

    settings.DEBUG = False
    settings.SITE_URL = "https://jyj.example.gov.cn"
    settings.ALLOWED_HOSTS = ["edu.example.gov.cn"]
    found = check_site_url_is_allowed()
    assert [m.id for m in found] == ["site_url.E004"]
    assert "jyj.example.gov.cn" in found[0].msg and "ALLOWED_HOSTS" in found[0].hint
    settings.ALLOWED_HOSTS = [".example.gov.cn"]
    assert check_site_url_is_allowed() == []
