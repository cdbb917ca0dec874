from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.core import refdata
from gongkai.organisations import reference as organisations
from gongkai.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_copy_is_read_once_and_then_served_from_memory(county):
    assert organisations.by_code(county.code) == county
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert organisations.organisation(county.pk).name == county.name
            assert [o.code for o in organisations.counties()] == ["C0001", "C0100"]
    assert len(queries) == 0


def test_a_change_saved_in_this_process_is_seen_at_once(county):
    organisations.counties()
    county.short_name = "测试县"
    county.save()
    assert organisations.organisation(county.pk).display_name == "测试县"


def test_a_change_announced_by_another_process_is_seen_within_a_second(county, monkeypatch):
    from django.core.cache import cache

    clock = [1000.0]
    monkeypatch.setattr(refdata.time, "monotonic", lambda: clock[0])
    organisations.counties()
    # Another process renamed it (no signal here) and moved the shared generation.
    Organisation.objects.filter(pk=county.pk).update(short_name="改名县")
    cache.set(organisations.directory.key, "moved by another process", None)
    clock[0] += 0.5  # the generation is read at most once a second: still the copy
    assert organisations.organisation(county.pk).display_name == county.name
    clock[0] += 0.6
    assert organisations.organisation(county.pk).display_name == "改名县"


def test_reads_between_checks_cost_no_cache_round_trip(county, monkeypatch):
    from django.core.cache import cache

    organisations.counties()
    reads = []
    original = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: reads.append(a) or original(*a, **k))
    for _ in range(20):
        organisations.organisation(county.pk)
    assert reads == []


def test_a_change_that_sent_no_signal_is_seen_after_the_time_limit(county, settings, monkeypatch):
    settings.GONGKAI_REFDATA_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(refdata.time, "monotonic", lambda: clock[0])
    organisations.counties()
    Organisation.objects.filter(pk=county.pk).update(short_name="改名县")
    clock[0] += 29
    assert organisations.organisation(county.pk).display_name == county.name
    clock[0] += 2
    assert organisations.organisation(county.pk).display_name == "改名县"


def test_a_row_created_elsewhere_moments_ago_is_read_from_the_database(county):
    organisations.counties()
    created = Organisation.objects.bulk_create(  # no signal, as from another process
        [Organisation(code="C0300", name="新县教育和体育局", kind="county", path="/C0001/C0300/")]
    )[0]
    assert organisations.organisation(created.pk).name == "新县教育和体育局"
    assert organisations.by_code("C0300").pk == created.pk
    # and the copy is rebuilt, so the county filter lists it too
    assert "C0300" in [o.code for o in organisations.counties()]


def test_the_catalogue_copy_follows_a_new_edition(county):
    from gongkai.catalogue import reference
    from gongkai.catalogue.models import Edition, Item

    before = reference.current_item("05.04")
    assert before is not None and before.section.edition.status == Edition.Status.CURRENT
    assert reference.same_item_ids(before) == [before.pk]
    assert reference.item(before.pk) is before
    Item.objects.filter(pk=before.pk).update(name="招生范围（改）")
    before.section.edition.save()  # any save in the catalogue marks the copy stale
    assert reference.current_item("05.04").name == "招生范围（改）"


def test_without_a_catalogue_the_lists_are_empty_and_sections_say_why(db):
    from gongkai.catalogue import reference
    from gongkai.catalogue.models import Edition

    Edition.objects.update(status=Edition.Status.SUPERSEDED)
    reference.catalogue.changed()
    assert reference.current_items() == [] and reference.current_item("05.04") is None
    with pytest.raises(Edition.DoesNotExist, match="尚未发布标准目录"):
        reference.current_sections()


def test_the_current_items_come_in_catalogue_order(db):
    from gongkai.catalogue import reference

    codes = [i.code for i in reference.current_items()]
    assert len(codes) == 34 and codes == sorted(codes) and codes[0] == "01.01"
