"""Chinese full-text search over the published, proactive records."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.records import services as records
from gongkai.records.models import Disclosure, Validity, WithheldGround
from gongkai.search import services
from gongkai.search.backends import backend
from gongkai.search.models import SearchEntry
from gongkai.search.queries import NEWEST, Filters, search
from gongkai.search.testing import titles
from gongkai.testing import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


def test_the_backend_is_the_one_for_the_database_in_use(search_backend):
    if search_backend == "tantivy":
        assert backend().name == "tantivy"
    else:
        assert backend().vendor == connection.vendor


def test_two_character_words_find_records_that_use_them_inside_longer_words(published):
    published(title="关于做好新生入学登记工作的通知", body="<p>做好学籍管理工作。</p>")
    published(
        title="2025年家庭经济困难学生资助名单公示",
        body="<p>根据学生资助政策，现将名单公示。</p>",
    )
    published(title="关于2025年城区小学招生范围的公告")
    assert titles(search("学籍")) == ["关于做好新生入学登记工作的通知"]
    assert titles(search("资助")) == ["2025年家庭经济困难学生资助名单公示"]
    assert titles(search("招生")) == ["关于2025年城区小学招生范围的公告"]


def test_domain_words_stay_whole_and_are_found(published):
    published(title="关于开展课后服务工作的通知", body="<p>落实双减要求，做好课后服务。</p>")
    published(title="关于课程设置的说明", body="<p>课后作业和服务窗口。</p>")
    assert titles(search("课后服务")) == ["关于开展课后服务工作的通知"]
    assert titles(search("双减")) == ["关于开展课后服务工作的通知"]


def test_publisher_and_year_in_the_query_rank_the_right_record_first(
    published, clerk, county, django_capture_on_commit_callbacks
):
    county.name = "东昌府区教育和体育局"
    county.save()
    right = "东昌府区教育和体育局关于2025年城区小学招生范围的公告"
    published(
        title="关于2024年城区小学招生范围的公告",
        body="<p>2024年招生范围。东昌府区2025年将另行公告。</p>" * 3,
        formed_on=date(2024, 6, 3),
        written_on=date(2024, 6, 2),
    )
    published(
        title="关于2025年义务教育招生计划的通知",
        body="<p>2025年招生计划。招生范围见另文，招生范围以公告为准。</p>" * 5,
    )
    published(title=right, body="<p>现将2025年城区小学招生范围公告如下。</p>")
    published(
        title="关于做好暑期安全工作的通知",
        body="<p>东昌府区2025年招生范围、招生范围、招生范围宣传中注意安全。</p>" * 4,
    )
    results = search("东昌府区 2025 招生范围")
    assert titles(results)[0] == right
    assert len(results.hits) == 4


def test_when_no_record_has_every_term_the_closest_ones_come_first_and_it_says_so(
    published, county
):
    county.name = "东昌府区教育和体育局"
    county.save()
    published(title="关于2025年教师培训工作的通知", body="<p>2025年暑期培训安排。</p>")
    published(
        title="东昌府区教育和体育局2024年城区小学招生范围公告",
        formed_on=date(2024, 6, 3),
        written_on=date(2024, 6, 2),
    )
    exact = search("东昌府区 2024 招生范围")
    assert not exact.partial

    results = search("东昌府区 2019 招生范围")

    assert results.partial
    assert titles(results)[0] == "东昌府区教育和体育局2024年城区小学招生范围公告"


def test_a_single_word_that_is_nowhere_stays_an_empty_result(published):
    published(title="关于2025年教师培训工作的通知")

    results = search("营养餐")

    assert not results.partial and results.hits == []


def test_newest_first_order_lists_the_latest_publication_first(published):
    published(title="第一份招生范围公告")
    published(title="第二份招生范围公告")
    assert titles(search("招生范围", order=NEWEST)) == ["第二份招生范围公告", "第一份招生范围公告"]


def test_filters_by_item_organisation_and_year(published, clerk, county, school):
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import grant_role

    grant_role(clerk, Role.CLERK, school, by=None)
    published(title="招生范围公告（教体局）", item_code="05.04")
    published(title="招生计划公告（学校）", item_code="05.03", organisation=school)
    item_key = records.Record.objects.get(title="招生范围公告（教体局）").item.key
    assert titles(search("公告", filters=Filters(item_key=item_key))) == ["招生范围公告（教体局）"]
    # A county filter includes its schools' records; a school filter only the school's.
    assert len(search("公告", filters=Filters(organisation_code=county.code)).hits) == 2
    assert titles(search("公告", filters=Filters(organisation_code=school.code))) == [
        "招生计划公告（学校）"
    ]
    this_year = timezone.localdate().year
    assert len(search("公告", filters=Filters(year=this_year)).hits) == 2
    assert search("公告", filters=Filters(year=this_year - 5)).hits == []


def test_highlights_escape_html_before_marking(published):
    published(
        title="招生<b>范围</b> & 公告",
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt; 招生范围 &amp;amp 说明</p>",
    )
    hit = search("招生范围 amp").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>招生范围</mark>" in hit.snippet
    assert "<mark>amp</mark>" in hit.snippet
    assert "&<mark>" not in hit.snippet  # the query never marks inside an entity
    assert "<b>" not in hit.title


def test_attachment_text_is_searchable(clerk, document_reviewer, disclosure_reviewer, run_hooks):
    from django.core.files.base import ContentFile

    from gongkai.records.models import Attachment
    from gongkai.search.testing import publish_record

    record = make_record(by=clerk, title="2025年城区小学招生范围公告")
    Attachment.objects.create(
        record=record,
        file=ContentFile(b"list", name="zones.txt"),
        original_name="招生范围一览表.txt",
        content_type="text/plain",
        size=4,
        sha256="0" * 64,
        text="实验小学招生范围：柳园路以东、兴华路以北，包括青禾村",
        uploaded_by=clerk,
    )
    with run_hooks():
        publish_record(
            clerk=clerk,
            document_reviewer=document_reviewer,
            disclosure_reviewer=disclosure_reviewer,
            record=record,
        )
    hit = search("柳园路 青禾村").hits[0]
    assert hit.record_id == record.pk
    assert "<mark>柳园路</mark>" in hit.snippet


def test_index_follows_publish_revise_and_withdraw(
    published, clerk, document_reviewer, disclosure_reviewer, run_hooks
):
    record = published(title="关于学籍管理的通知", body="<p>第一版正文：转学手续。</p>")
    assert titles(search("转学")) == ["关于学籍管理的通知"]

    # A revision under review changes nothing the public finds.
    record = records.revise(record, by=clerk, change_note="修改手续")
    record = records.update_record(
        record, by=clerk, revision=record.revision, body="<p>第二版正文：休学手续。</p>"
    )
    assert titles(search("转学")) == ["关于学籍管理的通知"]
    assert search("休学").hits == []

    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    with run_hooks():
        records.publish(record, by=clerk, change_note="修改手续")
    assert search("转学").hits == []
    assert titles(search("休学")) == ["关于学籍管理的通知"]

    with run_hooks():
        records.withdraw(record, by=clerk, reason="内容有误")
    assert search("休学").hits == []
    assert not SearchEntry.objects.filter(record_id=record.pk).exists()


def test_expired_and_repealed_records_stay_findable_and_are_marked(published, clerk, run_hooks):
    record = published(title="关于义务教育学校收费标准的通知")
    with run_hooks():
        records.change_validity(record, by=clerk, validity=Validity.REPEALED, on=date(2026, 1, 1))
    hit = search("收费标准").hits[0]
    assert hit.validity == Validity.REPEALED
    assert hit.validity_label == "废止"


def test_non_public_records_are_never_found(published, clerk):
    published(
        title="不予公开的招生过程稿",
        disclosure=Disclosure.WITHHELD,
        withheld_ground=WithheldGround.PROCESS,
        reassess_on=date(2027, 1, 1),
    )
    published(title="依申请公开的招生材料", disclosure=Disclosure.ON_REQUEST)
    make_record(by=clerk, title="招生草稿")
    published(title="已公开的招生公告")
    assert titles(search("招生")) == ["已公开的招生公告"]
    # Even a full rebuild only takes what the public can read.
    services.reindex(batch_size=1)
    assert titles(search("招生")) == ["已公开的招生公告"]


def test_a_stale_entry_for_a_record_no_longer_public_is_not_shown(published, clerk):
    record = published(title="招生范围公告")
    # Withdrawn without running the hooks: the index is stale, the results are not.
    records.withdraw(record, by=clerk, reason="测试")
    assert SearchEntry.objects.filter(record_id=record.pk).exists()
    assert search("招生范围").hits == []


def test_reindex_rebuilds_in_publication_order_with_progress(published):
    for n in range(5):
        published(title=f"第{n}号招生范围公告")
    SearchEntry.objects.all().delete()
    backend().clear()
    seen = []
    assert services.reindex(batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5, 5) and seen[0] == (2, 5)
    assert titles(search("招生范围", order=NEWEST))[0] == "第4号招生范围公告"


def test_words_the_segmenter_cuts_differently_are_found_by_bigrams(published):
    published(title="青禾镇中心学校开展研学旅行活动", body="<p>组织学生赴青禾湿地研学。</p>")
    results = search("禾镇中")
    assert titles(results) == ["青禾镇中心学校开展研学旅行活动"]
    assert results.used_bigrams


def test_school_records_show_the_school_as_publisher(published, clerk, school):
    from gongkai.accounts.models import Role
    from gongkai.accounts.services import grant_role

    grant_role(clerk, Role.CLERK, school, by=None)
    published(title="学校收费公示", organisation=school)
    assert search("收费").hits[0].organisation_name == school.display_name


@pytest.mark.parametrize("search_backend", ["database"], indirect=True)  # the database's bound
def test_relevance_ranks_only_the_newest_candidates_and_the_count_says_more(published, settings):
    settings.GONGKAI_SEARCH_CANDIDATES = 3
    published(title="招生范围公告", body="<p>招生范围。</p>")  # the best match, but the oldest
    for n in range(4):
        published(title=f"第{n}号通知", body=f"<p>附：招生范围说明{n}。</p>")
    results = search("招生范围")
    assert results.total == 3 and results.total_capped
    assert "招生范围公告" not in titles(results)
    assert titles(search("招生范围", order=NEWEST)) == ["第3号通知", "第2号通知", "第1号通知"]


def test_words_in_the_title_outrank_newer_mentions_in_the_body_and_ties_go_newest_first(
    published,
):
    published(title="关于公布学生资助名单的公告", body="<p>名单如下。</p>")
    published(title="2025年第一批学生资助名单", body="<p>名单如下。</p>")
    published(title="关于暑期安全工作的通知", body="<p>学生资助名单另行公告。</p>")
    assert titles(search("学生资助 名单")) == [
        "2025年第一批学生资助名单",  # both words in the title, the newer of the two
        "关于公布学生资助名单的公告",
        "关于暑期安全工作的通知",  # the newest, but the words only in its body
    ]


@pytest.mark.parametrize("search_backend", ["database"], indirect=True)
def test_full_text_matches_are_planned_for_their_words_on_postgresql(published):
    """Other queries are prepared after two runs; a match's best plan depends on how common
    its words are, so it is planned afresh every time."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no prepared plans to reuse")
    published(title="关于2025年城区小学招生范围的公告")
    for word in ["招生", "小学", "范围", "公告", "城区"] * 2:
        search(word)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert statements, "nothing was prepared at all: the check would prove nothing"
    assert not [s for s in statements if "@@" in s]


@pytest.mark.parametrize("search_backend", ["database"], indirect=True)
@pytest.mark.parametrize("walk_above", [0.0, 2.0])  # always walk the key; always GIN windows
def test_every_postgresql_plan_finds_the_same_newest_matches(published, monkeypatch, walk_above):
    """At scale the backend picks between two plans by the planner's estimates; a test
    database is too small to reach both, so each is forced here."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 has one plan")
    from gongkai.search.backends import Query
    from gongkai.search.backends.database import PostgresBackend

    titles_by_id = {}
    for n in range(9):
        # Words no default title or body holds, so the expected matches are known exactly.
        words = ["zulu"] + (["yankee"] if n % 2 else []) + (["xray"] if n < 3 else [])
        record = published(title=f"第{n}号通知：{'、'.join(words)}")
        titles_by_id[SearchEntry.objects.get(record_id=record.pk).pk] = words
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchentry")
    monkeypatch.setattr(PostgresBackend, "WALK_ABOVE", walk_above)
    used = {"walk": 0, "gin": 0}
    for plan in used:
        original = getattr(PostgresBackend, f"_{plan}")

        def counted(*args, _plan=plan, _original=original):
            used[_plan] += 1
            return _original(*args)

        monkeypatch.setattr(PostgresBackend, f"_{plan}", staticmethod(counted))
    engine = PostgresBackend()
    for terms in [("zulu",), ("zulu", "yankee"), ("yankee", "xray"), ("zulu", "xray")]:
        expected = sorted(
            (pk for pk, words in titles_by_id.items() if all(t in words for t in terms)),
            reverse=True,
        )
        for limit in (2, 50):  # a window too small for the limit is followed by a larger one
            assert engine.newest(Query(terms=terms), limit=limit) == expected[:limit], terms
    assert (
        used["walk" if walk_above == 0 else "gin"]
        and not used["gin" if walk_above == 0 else "walk"]
    )


def test_a_year_in_the_title_outranks_the_same_year_of_publication(published, county):
    import time_machine

    county.name = "东昌府区教育和体育局"
    county.save()
    with time_machine.travel("2025-05-06 10:00 +0800", tick=False):
        published(
            title="东昌府区2025年义务教育学校招生范围划分",
            formed_on=date(2025, 5, 6),
            written_on=date(2025, 5, 5),
        )
    # published later the same year, about the next year's intake: 2025 is its year too
    with time_machine.travel("2025-12-20 10:00 +0800", tick=False):
        published(
            title="东昌府区2026年义务教育学校招生范围划分",
            formed_on=date(2025, 12, 19),
            written_on=date(2025, 12, 18),
        )
    assert titles(search("东昌府区 2025 招生范围")) == [
        "东昌府区2025年义务教育学校招生范围划分",
        "东昌府区2026年义务教育学校招生范围划分",
    ]
