"""The API against its own OpenAPI schema, in process: schemathesis generates valid and invalid
parameters for every GET operation (a bounded number of examples, derandomized) and fails on
any 5xx, any status the schema does not declare, and any body that does not match it.

CI also runs the schemathesis command line against a running server (.ci/run)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from gongkai.portal.tests.test_printing import publish
from gongkai.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Requests here go through the WSGI application, not Django's test client: keep the
    test's database connection open between them, as the test client does (otherwise
    request_finished closes it, and on PostgreSQL the test's transaction with it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(db, keep_connection, county, school):
    publish(county, "关于2025年城区小学招生范围的公告", document_number="聊教发〔2025〕3号")
    publish(school, "课后服务收费公示", item_code="08.02")


@schema.include(method="GET").parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_get_operation_answers_as_its_schema_declares(case, api_data):
    case.call_and_validate()
