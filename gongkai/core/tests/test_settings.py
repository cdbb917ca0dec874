from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from gongkai.settings import postgres_statement_options


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", {"server_side_binding": True, "prepare_threshold": 2}),
        (" 5 ", {"server_side_binding": True, "prepare_threshold": 5}),
        ("off", {"server_side_binding": False, "prepare_threshold": None}),
        ("0", {"server_side_binding": False, "prepare_threshold": None}),
        ("OFF", {"server_side_binding": False, "prepare_threshold": None}),
    ],
)
def test_prepared_statements_are_configured_from_the_environment(value, expected):
    assert postgres_statement_options(value) == expected


@pytest.mark.parametrize("value", ["yes please", "-1", "2.5"])
def test_a_wrong_prepare_threshold_is_refused_at_start(value):
    with pytest.raises(ImproperlyConfigured, match="PG_PREPARE_THRESHOLD"):
        postgres_statement_options(value)


@pytest.mark.django_db
def test_postgresql_prepares_repeated_queries():
    """On PostgreSQL the site runs with server-side parameters: a query run a few times on a
    connection is prepared, so its plan is not made again on every request."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server-side statements")
    from gongkai.organisations.models import Organisation

    for _ in range(4):
        list(Organisation.objects.filter(code="nobody"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


def test_the_web_server_uses_sync_workers_unless_threads_are_asked_for():
    from gongkai.core.management.commands.serve import gunicorn_arguments

    sync = gunicorn_arguments(bind="127.0.0.1:8000", workers=3, threads=1)
    assert "--worker-class" not in sync and sync[sync.index("--workers") + 1] == "3"
    threaded = gunicorn_arguments(bind="127.0.0.1:8000", workers=2, threads=4, access_log=False)
    assert threaded[threaded.index("--worker-class") + 1] == "gthread"
    assert "--access-logfile" not in threaded and "--access-logfile" in sync


@pytest.mark.django_db
def test_pages_stay_chinese_whatever_language_the_browser_asks_for(client):
    from django.urls import reverse

    english = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    home = client.get(reverse("portal:home"), **english)
    # one language: no per-language copies of cached pages
    assert "Accept-Language" not in home.get("Vary", "")
    response = client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "wrong"}, **english
    )
    body = response.content.decode()
    assert "Please enter a correct" not in body
    assert "用户名" in body and "密码" in body
