"""An interpretation's form on its public row and in the kept counts: copied from the
published version, counted per form (and per place), and moved only by what changes the
public view — publication, withdrawal, a validity change, reclassification."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from gongkai.interpretations import services as interpretations
from gongkai.interpretations.models import Form
from gongkai.interpretations.testing import (
    make_interpretation,
    make_policy,
    png_bytes,
    prepare_policy,
)
from gongkai.records import public
from gongkai.records import services as records
from gongkai.records.models import (
    Disclosure,
    Kind,
    PublicRecord,
    PublicTally,
    Record,
    WithheldGround,
)

pytestmark = pytest.mark.django_db


def _fresh(record):
    return Record.objects.get(pk=record.pk)


def _form_count(form, place=None):
    return public.count(
        public.key("live_form", public.kind_form(Kind.INTERPRETATION, form), place=place)
    )


def _tallies():
    return {t.key: t.count for t in PublicTally.objects.all() if t.count}


@pytest.fixture
def three(clerk, approved):
    """A published policy with a 问答, a 图解 and a 新闻发布会 interpretation."""
    policy = approved(prepare_policy(make_policy(by=clerk), by=clerk))
    made = [
        approved(make_interpretation(by=clerk, policies=[policy], form=form, title=f"解读{n}"))
        for n, form in enumerate((Form.QA, Form.GRAPHIC, Form.PRESS_CONFERENCE))
    ]
    records.publish(policy, by=clerk)
    return policy, [_fresh(r) for r in made]


def test_the_public_row_keeps_the_published_form_and_each_form_is_counted(three, county):
    policy, (qa, graphic, press) = three
    forms = dict(PublicRecord.objects.values_list("pk", "form"))
    assert forms[qa.pk] == Form.QA and forms[graphic.pk] == Form.GRAPHIC
    assert forms[press.pk] == Form.PRESS_CONFERENCE
    assert forms[policy.pk] is None  # a kind without forms
    assert _form_count(Form.QA) == 1 and _form_count(Form.GRAPHIC) == 1
    assert _form_count(Form.QA, place=county.pk) == 1
    assert _form_count(Form.VIDEO) == 0
    # a policy is in no form's tally
    assert not [k for k in _tallies() if k.startswith("live_form|") and k.endswith(":")]


def test_a_revised_form_counts_only_once_it_is_published(three, clerk, approved):
    _, (qa, _, _) = three
    revision = records.revise(qa, by=clerk, change_note="改为图解")
    interpretations.update_interpretation(_fresh(revision), by=clerk, form=Form.GRAPHIC)
    assert PublicRecord.objects.get(pk=qa.pk).form == Form.QA
    assert (_form_count(Form.QA), _form_count(Form.GRAPHIC)) == (1, 1)
    interpretations.add_image(
        _fresh(qa),
        io.BytesIO(png_bytes()),
        "一图读懂.png",
        by=clerk,
        alt_text="收费标准一览图",
        description="每生每学期收费不超过300元。",
    )
    records.publish(approved(_fresh(qa)), by=clerk)
    assert PublicRecord.objects.get(pk=qa.pk).form == Form.GRAPHIC
    assert (_form_count(Form.QA), _form_count(Form.GRAPHIC)) == (0, 2)


def test_withdrawal_validity_and_reclassification_keep_the_form_counts_right(
    three, clerk, approved, county
):
    _, (qa, graphic, press) = three
    records.withdraw(_fresh(qa), by=clerk, reason="重复发布")
    assert _form_count(Form.QA) == 0 and _form_count(Form.QA, place=county.pk) == 0
    records.change_validity(_fresh(graphic), by=clerk, validity="expired", on=date(2025, 9, 1))
    assert _form_count(Form.GRAPHIC) == 1  # 失效 is still listed
    gone = records.revise(_fresh(press), by=clerk, change_note="更正部分内容")
    records.update_record(
        _fresh(gone),
        by=clerk,
        revision=_fresh(gone).revision,
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.THIRD_PARTY,
        reassess_on=date(2026, 12, 31),
    )
    approved(_fresh(gone))
    assert not PublicRecord.objects.filter(pk=press.pk).exists()
    assert _form_count(Form.PRESS_CONFERENCE) == 0
    kept = _tallies()
    public.rebuild_tallies()
    assert _tallies() == kept
    # only the new family, as the migration counts it, leaving the others alone
    PublicTally.objects.filter(key__startswith="live_form|").delete()
    public.rebuild_tallies(scopes=("live_form",))
    assert _tallies() == kept


def test_the_set_based_rebuild_and_the_migration_fill_take_the_form_from_the_version(three, clerk):
    """The rows the workflow wrote, the set-based copy and the migration's fill agree; a
    revision under way (its draft form changed) keeps the published form."""
    _, (qa, _, _) = three
    revision = records.revise(qa, by=clerk, change_note="改为视频")
    interpretations.update_interpretation(
        _fresh(revision), by=clerk, form=Form.VIDEO, video_url="https://example.org/v.mp4"
    )
    rows = dict(PublicRecord.objects.values_list("pk", "form"))
    kept = _tallies()
    public.rebuild()
    assert dict(PublicRecord.objects.values_list("pk", "form")) == rows
    assert _tallies() == kept
    PublicRecord.objects.update(form=None)
    PublicTally.objects.filter(key__startswith="live_form|").delete()
    assert public.fill_forms() == 3
    assert dict(PublicRecord.objects.values_list("pk", "form")) == rows
    assert _tallies() == kept


def test_the_form_listing_shows_the_kept_total_without_counting(
    client, three, clerk, approved, county, other_county, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    policy, _ = three
    records.publish(
        approved(make_interpretation(by=clerk, policies=[policy], title="解读3")), by=clerk
    )
    settings.GONGKAI_INTERPRETATION_PAGE_SIZE = 1
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("interpretations:list"), {"form": Form.QA}).content.decode()
    assert "解读3" in html and "解读1" not in html
    assert "第 1 / 2 页，共 2 条" in html and "以上" not in html
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    html = client.get(
        reverse("interpretations:list"), {"form": Form.QA, "org": county.code, "page": 2}
    ).content.decode()
    assert "解读0" in html and "第 2 / 2 页，共 2 条" in html
    html = client.get(
        reverse("interpretations:list"), {"form": Form.GRAPHIC, "org": other_county.code}
    ).content.decode()
    assert "解读1" not in html and "没有符合筛选条件的解读" in html


@pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="reads SQLite's query plans (PostgreSQL's planner scans tables this small anyway)",
)
def test_the_form_listing_walks_the_form_index_alone_and_with_a_county(client, three, county):
    """Issue 19: the listing read each interpretation's version for its form (18 → 25 → 79
    ms from 100k to 5M records); it now walks the partial (kind, form[, place], first
    publication) index of the public rows, and reads no version but those of its page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for params, index in (
        ({"form": Form.QA}, "public_kind_form_first"),
        ({"form": Form.QA, "org": county.code}, "public_form_cou_first"),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("interpretations:list"), params).status_code == 200
        rows = [q["sql"] for q in queries.captured_queries if "records_publicrecord" in q["sql"]]
        assert len(rows) == 1, rows
        assert "metadata" not in rows[0].split("WHERE", 1)[1]  # the filter reads no version
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + rows[0])
            plan = [row[-1] for row in cursor.fetchall()]
        assert any(f"USING INDEX {index}" in line for line in plan), plan
        assert not any("TEMP B-TREE" in line for line in plan), plan
