"""The public listings of the five disclosures read a page, never every record of a kind.

办事服务, 权责清单/监管事项 and 执行公开 listed every published guide, power, matter and
reform on one page (issue 19): at a province's tens of thousands the page grew with the data.
They page now like every listing of the column: newest first along the (kind, first
publication) index, the total from the kept tallies, the county filter from the
organisation directory in memory.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.disclosures import views
from gongkai.disclosures.testing import make_guide, make_structured, publish_through_review
from gongkai.portal import listing
from gongkai.portal.tests.test_costs import _assert_bounded, capture_params  # noqa: F401
from gongkai.records.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(clerk, document_reviewer, disclosure_reviewer):
    return {
        "clerk": clerk,
        "document_reviewer": document_reviewer,
        "disclosure_reviewer": disclosure_reviewer,
    }


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def _publish(kind, n, *, clerk, reviewers, organisation=None):
    from gongkai.disclosures.tests.test_powers_and_five import MATTER, POWER
    from gongkai.disclosures.tests.test_progress import REFORM, STEPS

    made = []
    for k in range(n):
        title = f"{dict(Kind.choices)[kind]}{k}号"
        if kind == Kind.SERVICE_GUIDE:
            record = make_guide(by=clerk, title=title, organisation=organisation)
        else:
            detail, rows = {
                Kind.POWER_ITEM: (POWER, None),
                Kind.SUPERVISION_MATTER: (MATTER, None),
                Kind.REFORM: (REFORM, {"steps": STEPS}),
            }[kind]
            record = make_structured(
                kind, by=clerk, title=title, organisation=organisation, detail=detail, rows=rows
            )
        made.append(publish_through_review(record, **reviewers))
    return made


def test_services_are_listed_a_page_at_a_time_newest_first(client, clerk, reviewers, small_pages):
    guides = _publish(Kind.SERVICE_GUIDE, 3, clerk=clerk, reviewers=reviewers)
    first = client.get("/services/").content.decode()
    assert guides[2].title in first and guides[1].title in first
    assert guides[0].title not in first
    assert "第 1 / 2 页，共 3 条" in first
    second = client.get("/services/", {"page": "2"}).content.decode()
    assert guides[0].title in second and guides[2].title not in second


def test_powers_show_the_first_page_of_each_list_and_page_through_each_on_its_own(
    client, clerk, reviewers, county, small_pages
):
    powers = _publish(Kind.POWER_ITEM, 3, clerk=clerk, reviewers=reviewers)
    matters = _publish(Kind.SUPERVISION_MATTER, 1, clerk=clerk, reviewers=reviewers)
    overview = client.get("/powers/", {"org": county.code}).content.decode()
    assert powers[2].title in overview and powers[0].title not in overview
    assert matters[0].title in overview
    assert "行政权力事项（共 3 项）" in overview and "监管事项（共 1 项）" in overview
    assert f'href="/powers/items/?org={county.code}"' in overview
    assert 'href="/powers/matters/' not in overview  # one page holds them all
    second = client.get("/powers/items/", {"org": county.code, "page": "2"}).content.decode()
    assert powers[0].title in second and powers[2].title not in second
    assert "第 2 / 2 页，共 3 条" in second and matters[0].title not in second
    assert client.get("/powers/nothing/").status_code == 404


def test_reforms_are_listed_a_page_at_a_time(client, clerk, reviewers, small_pages):
    reforms = _publish(Kind.REFORM, 3, clerk=clerk, reviewers=reviewers)
    first = client.get("/progress/").content.decode()
    assert reforms[2].title in first and reforms[0].title not in first
    assert "第 1 / 2 页，共 3 条" in first


def test_the_organisation_filter_offers_the_counties_not_every_publisher(
    client, clerk, reviewers, county, school, township
):
    _publish(Kind.SERVICE_GUIDE, 1, clerk=clerk, reviewers=reviewers, organisation=school)
    page = client.get("/services/").content.decode()
    assert f'<option value="{county.code}"' in page
    assert f'<option value="{school.code}"' not in page  # thousands of schools in a province
    # a school's own guides, as the record page's link asks for them
    assert "义务教育阶段学生转学" not in client.get("/services/", {"org": "C0200"}).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/services/",
        "/services/?org=C0100",
        "/powers/",
        "/powers/?org=C0100",
        "/powers/items/?page=2",
        "/powers/matters/",
        "/progress/?org=C0102",
    ],
)
def test_each_listing_reads_a_bounded_slice_of_an_index(
    client,
    clerk,
    reviewers,
    county,
    school,
    small_pages,
    capture_params,  # noqa: F811 - the fixture, imported above
    path,
):
    for kind in (Kind.SERVICE_GUIDE, Kind.POWER_ITEM, Kind.SUPERVISION_MATTER, Kind.REFORM):
        _publish(kind, 3, clerk=clerk, reviewers=reviewers, organisation=school)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    # the rows and the kept total (each list of the 权责清单 overview: two of each)
    assert len(queries) <= 4, [q["sql"] for q in queries]
    assert "COUNT(" not in " ".join(q["sql"] for q in queries).upper()
    _assert_bounded(queries.captured_queries, path=path)


def test_numbered_pages_stop_and_keyset_pages_carry_on(client, clerk, reviewers, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(listing, "MAX_PAGES", 1)
    guides = _publish(Kind.SERVICE_GUIDE, 3, clerk=clerk, reviewers=reviewers)
    first = client.get("/services/").content.decode()
    assert guides[2].title in first
    onward = first.split('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "before=" in onward
    second = client.get(f"/services/?{onward}").content.decode()
    assert guides[1].title in second and guides[2].title not in second


def test_a_further_page_of_services_is_kept_in_the_page_cache(
    client, clerk, reviewers, county, small_pages, settings, tmp_path
):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_DIR = tmp_path / "pages"
    _publish(Kind.SERVICE_GUIDE, 3, clerk=clerk, reviewers=reviewers)
    for query in ("page=2", f"org={county.code}"):
        assert client.get(f"/services/?{query}")["X-Page-Cache"] == "miss", query
        assert (tmp_path / "pages/services/.query" / query).is_file()
    assert "X-Page-Cache" not in client.get("/services/?page=7").headers  # past the end
