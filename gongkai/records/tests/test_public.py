"""The public read model: rows written only by what changes the public view, counts kept
exactly, and a rebuild that agrees with both."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.catalogue.models import Item
from gongkai.records import public, services
from gongkai.records.models import (
    Disclosure,
    PublicRecord,
    PublicTally,
    Record,
    Status,
    WithheldGround,
)
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


def _approved(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    return services.approve_disclosure(record, by=disclosure_reviewer)


def _tallies():
    return {t.key: t.count for t in PublicTally.objects.all() if t.count}


def test_kept_counts_equal_a_recount_after_every_kind_of_change(
    clerk, document_reviewer, disclosure_reviewer, county, school
):
    people = (clerk, document_reviewer, disclosure_reviewer)
    first = services.publish(_approved(make_record(by=clerk, title="一"), *people), by=clerk)
    second = services.publish(
        _approved(make_record(by=clerk, title="二", organisation=school), *people), by=clerk
    )
    third = services.publish(
        _approved(make_record(by=clerk, title="三", item_code="08.02"), *people), by=clerk
    )
    # a revision that moves the record to another item and publisher
    moved = services.revise(first, by=clerk, change_note="更正部分内容")
    moved = services.update_record(
        moved,
        by=clerk,
        revision=moved.revision,
        item=Item.objects.current().get(code="08.02"),
        organisation=school,
    )
    services.publish(_approved(moved, *people), by=clerk)
    services.change_validity(
        Record.objects.get(pk=second.pk), by=clerk, validity="expired", on=date(2025, 9, 1)
    )
    services.withdraw(Record.objects.get(pk=third.pk), by=clerk, reason="重复发布")
    # reclassified by its revision's reviews
    gone = services.revise(Record.objects.get(pk=second.pk), by=clerk, change_note="更正部分内容")
    gone = services.update_record(
        gone,
        by=clerk,
        revision=gone.revision,
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.THIRD_PARTY,
        reassess_on=date(2026, 12, 31),
    )
    _approved(gone, *people)

    kept = _tallies()
    public.rebuild_tallies()
    assert _tallies() == kept
    assert public.count(public.key("item", "05.04")) == 0
    assert public.count(public.key("item", _key("08.02"))) == 2
    assert public.count(public.key("item", _key("08.02"), place=school.pk)) == 1
    # the column print leaves the withdrawn one out
    assert public.count(public.key("item_live", _key("08.02"))) == 1
    assert public.count(public.key("item_live", _key("08.02"), place=school.pk)) == 1
    assert public.count(public.key("org", school.pk)) == 1
    assert public.count(public.key("all")) == 2
    assert set(PublicRecord.objects.values_list("pk", flat=True)) == {first.pk, third.pk}


def _key(code):
    return Item.objects.current().get(code=code).key


def test_a_draft_or_a_revision_under_review_never_touches_the_public_row(
    clerk, document_reviewer, disclosure_reviewer, school
):
    people = (clerk, document_reviewer, disclosure_reviewer)
    record = services.publish(_approved(make_record(by=clerk, title="原标题"), *people), by=clerk)
    row_before = PublicRecord.objects.values().get(pk=record.pk)
    tallies_before = _tallies()
    draft = make_record(by=clerk, title="草稿")
    revision = services.revise(record, by=clerk, change_note="更正部分内容")
    revision = services.update_record(
        revision,
        by=clerk,
        revision=revision.revision,
        title="新标题",
        organisation=school,
        document_number="新教发〔2025〕1号",
        disclosure=Disclosure.ON_REQUEST,
    )
    services.update_record(draft, by=clerk, revision=draft.revision, title="草稿二")
    services.approve_document(services.submit(revision, by=clerk), by=document_reviewer)
    assert PublicRecord.objects.values().get(pk=record.pk) == row_before
    assert _tallies() == tallies_before
    assert not PublicRecord.objects.filter(pk=draft.pk).exists()
    assert Record.objects.public().filter(pk=record.pk).exists()  # not the editable attribute


def test_the_rebuild_takes_what_was_published_for_a_record_being_revised(
    clerk, document_reviewer, disclosure_reviewer, county, school
):
    """The data migration's case: rows made from records, where a revision in progress
    holds edits that were never published."""
    people = (clerk, document_reviewer, disclosure_reviewer)
    record = services.publish(
        _approved(
            make_record(by=clerk, title="已发布", document_number="原教发〔2025〕1号"), *people
        ),
        by=clerk,
    )
    revision = services.revise(record, by=clerk, change_note="更正部分内容")
    services.update_record(
        revision,
        by=clerk,
        revision=revision.revision,
        title="未发布的修改",
        organisation=school,
        document_number="改教发〔2025〕2号",
        item=Item.objects.current().get(code="08.02"),
    )
    withheld = services.publish(
        _approved(make_record(by=clerk, title="后来不公开"), *people), by=clerk
    )
    withheld = services.revise(withheld, by=clerk, change_note="更正部分内容")
    Record.objects.filter(pk=withheld.pk).update(disclosure=Disclosure.ON_REQUEST)  # old data
    public.rebuild()
    row = PublicRecord.objects.get(pk=record.pk)
    assert (row.title, row.document_number, row.organisation_id, row.item_key) == (
        "已发布",
        "原教发〔2025〕1号",
        county.pk,
        _key("05.04"),
    )
    # as the old public() decided: a record whose attribute is not proactive had no page
    assert not PublicRecord.objects.filter(pk=withheld.pk).exists()
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT
    assert public.count(public.key("item", _key("05.04"))) == 1


def test_a_failing_follower_after_commit_does_not_stop_the_others(
    clerk, document_reviewer, disclosure_reviewer, django_capture_on_commit_callbacks, caplog
):
    from gongkai.records import hooks

    seen = []

    def broken(change):
        raise RuntimeError("index down")

    hooks.register(hooks.RecordExtension(name="broken", on_commit_public=[broken]))
    hooks.register(hooks.RecordExtension(name="after", on_commit_public=[seen.append]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            record = services.publish(
                _approved(make_record(by=clerk), clerk, document_reviewer, disclosure_reviewer),
                by=clerk,
            )
    finally:
        hooks._registry.pop("broken")
        hooks._registry.pop("after")
    assert [c.record_id for c in seen] == [record.pk]
    assert "index down" in caplog.text


def test_the_set_based_rebuild_writes_the_rows_and_counts_publication_wrote(
    clerk, document_reviewer, disclosure_reviewer, city, county, school, township
):
    """The rebuild copies published and withdrawn records in one INSERT … SELECT and
    recounts in SQL: what it makes must be what the workflow wrote, row for row and count
    for count, for every level of publisher, a withdrawal, 失效 and a revision under way."""
    from gongkai.portal.tests.test_pagecache import _publish_column

    people = (clerk, document_reviewer, disclosure_reviewer)
    published = [
        services.publish(_approved(make_record(by=clerk, organisation=org), *people), by=clerk)
        for org in (county, township, school, school)
    ]
    services.withdraw(Record.objects.get(pk=published[1].pk), by=clerk, reason="重复发布")
    services.change_validity(
        Record.objects.get(pk=published[2].pk), by=clerk, validity="repealed", on=date(2025, 1, 2)
    )
    services.revise(Record.objects.get(pk=published[3].pk), by=clerk, change_note="更正")
    _publish_column(county, city, school, n=12)  # imported history, the city's too
    rows = {r["record_id"]: r for r in PublicRecord.objects.values()}
    kept = {(t.key, t.count, t.changed_at) for t in PublicTally.objects.all() if t.count}

    assert public.rebuild() == len(rows)

    after = {r["record_id"]: r for r in PublicRecord.objects.values()}
    # Every fact as published; only the time of the last change is the rebuild's estimate
    # (the withdrawal or the publication: when a validity changed is not kept elsewhere).
    assert {
        (pk, name, value, after[pk][name])
        for pk, row in rows.items()
        for name, value in row.items()
        if after[pk][name] != value and name != "changed_at"
    } == set()
    rebuilt = {(t.key, t.count, t.changed_at) for t in PublicTally.objects.all()}
    assert {(k, n) for k, n, _ in rebuilt} == {(k, n) for k, n, _ in kept}
    # a tally's time is the newest change of its rows (the sitemap's lastmod)
    newest = max(r["changed_at"] for r in after.values())
    assert max(at for _, _, at in rebuilt) == newest
    assert all(at is not None for _, _, at in rebuilt)
