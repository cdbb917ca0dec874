"""Issue 19: a listing filtered so that a small share of its rows match (a county and 废止,
1 % of the records) walks an index that holds only the matches, so one page reads about a
page of rows whatever the number of records. Read from SQLite's query plans."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.portal.tests.test_pagecache import _publish_column
from gongkai.records import services
from gongkai.records.models import PublicRecord, Record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "os.environ.get('DATABASE_URL', '').startswith('postgres')",
        reason="reads SQLite's query plans (PostgreSQL's planner scans tables this small anyway)",
    ),
]


def _plans(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    plans = {}
    for query in queries.captured_queries:
        if "records_publicrecord" not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans[query["sql"]] = [row[-1] for row in cursor.fetchall()]
    return response.content.decode(), plans


def test_a_county_and_repealed_listing_and_its_print_walk_only_the_repealed(
    client, clerk, county, other_county, school
):
    _publish_column(county, other_county, school, n=12)
    repealed = PublicRecord.objects.filter(county=county).order_by("pk")[:2]
    for row in repealed:
        services.change_validity(
            Record.objects.get(pk=row.pk), by=clerk, validity="repealed", on=date(2025, 1, 2)
        )
    titles = {row.title for row in repealed}
    for url in (
        f"/catalogue/05.04/?org={county.code}&validity=repealed",
        f"/catalogue/05.04/print/?org={county.code}&validity=repealed",
    ):
        html, plans = _plans(client, url)
        assert all(title in html for title in titles), url
        assert plans, url
        for sql, plan in plans.items():
            assert any("USING INDEX public_item_cou_invalid" in line for line in plan), (sql, plan)
            assert not any("TEMP B-TREE" in line for line in plan), (sql, plan)
    # the valid ones still walk the county's (item, date) index in order
    _, plans = _plans(client, f"/catalogue/05.04/?org={county.code}&validity=valid")
    for sql, plan in plans.items():
        assert any("USING INDEX public_item_county" in line for line in plan), (sql, plan)
