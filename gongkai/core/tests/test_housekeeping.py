"""Project-wide checks: no pending migrations; every staff URL refuses the wrong people."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


def _staff_urls(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    urls = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            urls += _staff_urls(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("staff/"):
            urls.append(
                "/"
                + route.replace("<int:pk>", "1")
                .replace("<int:number>", "2")
                .replace("<str:code>", "x")
                .replace("<int:year>", "2027")
            )
    return urls


def test_there_are_staff_urls_to_check():
    assert len(_staff_urls()) >= 5


@pytest.mark.parametrize("url", _staff_urls())
def test_staff_urls_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", _staff_urls())
def test_staff_urls_refuse_a_signed_in_member_of_the_public(client, citizen, url):
    client.force_login(citizen)
    assert client.get(url).status_code in (403, 405)
    assert client.post(url).status_code == 403


@pytest.mark.slow
def test_the_production_settings_pass_the_deployment_checklist(tmp_path):
    """`manage.py check --deploy` is clean with the settings docs/deploy.md gives."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "edu.example.gov.cn",
        "SITE_URL": "https://edu.example.gov.cn",
        "HTTPS": "1",
        "BEHIND_PROXY": "1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "GONGKAI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "role,where",
    [
        ("clerk", "county"),
        ("document_reviewer", "county"),
        ("disclosure_reviewer", "county"),
        ("disclosure_reviewer", "city"),
        ("concern_officer", "county"),
        ("supervisor", "city"),
        ("supervisor", "county"),
        ("system_admin", "city"),
        ("security_admin", "city"),
        ("audit_admin", "city"),
    ],
)
def test_every_staff_link_a_person_is_shown_opens_for_them(client, city, county, role, where):
    from gongkai.core.context_processors import staff_links, staff_links_for
    from gongkai.testing import make_user

    person = make_user(roles=[role], organisation=city if where == "city" else county)
    client.force_login(person)
    shown = staff_links_for(person)

    for label, url in shown:
        assert client.get(url).status_code == 200, f"{role}@{where} is shown {label} ({url})"
    hidden = {url for _, url, _ in staff_links()} - {url for _, url in shown}
    for url in hidden:
        assert client.get(url).status_code in (302, 403), f"{role}@{where} could open {url}"
