"""``path__under``: an organisation's subtree, read from the path's index on every database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.consultations.models import Consultation
from gongkai.organisations.models import Kind, Organisation
from gongkai.testing import make_organisation

pytestmark = pytest.mark.django_db


def test_the_subtree_is_the_root_and_everything_below_it_and_nothing_else(
    city, county, township, school
):
    # A sibling whose code starts with the county's is not below it, nor is one whose code
    # differs only in case (SQLite's LIKE, which ignores case, matched that one).
    longer = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code=f"{county.code}9")
    cased = make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code=county.code.lower())
    assert set(Organisation.objects.subtree(township)) == {township, school}
    assert set(Organisation.objects.subtree(county)) == {county, township, school}
    assert set(Organisation.objects.subtree(cased)) == {cased}
    assert set(Organisation.objects.subtree(longer)) == {longer}
    assert set(Organisation.objects.filter(path__under=city.path)) == set(
        Organisation.objects.all()
    )
    assert set(Organisation.objects.subtree(school)) == {school}


def test_a_subtree_through_a_relation_and_in_a_combined_condition(county, township, school):
    from django.db.models import Q

    found = Organisation.objects.filter(Q(path__under=school.path) | Q(pk=county.pk))
    assert set(found) == {school, county}
    assert list(Consultation.objects.filter(organisation__path__under=county.path)) == []


def test_the_subtree_walks_the_paths_index(county, township, school):
    with CaptureQueriesContext(connection) as queries:
        list(Organisation.objects.subtree(county).values_list("pk", flat=True))
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert "LIKE" not in sql
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SEARCH" in plan and "path" in plan, plan
        else:
            assert "LIKE" in sql  # PostgreSQL walks the pattern index for a constant prefix
