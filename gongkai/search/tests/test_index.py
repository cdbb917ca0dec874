"""The index stays consistent with the database: changes are queued in the publishing
transaction and applied after commit; a change whose update never happened is repaired; a
rebuild replaces the index without a gap; the embedded index counts every match and ranks
them exactly; several processes share it (one writer, readers that see each commit)."""

from __future__ import annotations

import random
import re
import threading
import time
from pathlib import Path

import pytest
from django.db import transaction

from gongkai.records import services as records
from gongkai.search import services
from gongkai.search.backends import NEWEST, RELEVANCE, Document, Query, Row, backend
from gongkai.search.backends.embedded import TantivyBackend, _flock, _Writer
from gongkai.search.models import IndexChange, SearchEntry
from gongkai.search.queries import search
from gongkai.search.testing import publish_record, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(clerk, document_reviewer, disclosure_reviewer):
    """Publish through the real workflow; the caller decides whether hooks run."""

    def publish(**fields):
        return publish_record(
            clerk=clerk,
            document_reviewer=document_reviewer,
            disclosure_reviewer=disclosure_reviewer,
            **fields,
        )

    return publish


# --- Consistency after commit -----------------------------------------------------------------


@pytest.mark.usefixtures("search_backend")
def test_a_publication_queues_its_change_and_the_commit_applies_it(
    publish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        record = publish(title="关于2025年城区小学招生范围的公告")
    # Committed (in the test's terms) but the after-commit work not yet run: the change is
    # queued by the same transaction, and nothing is searchable yet.
    assert list(IndexChange.objects.values_list("record_id", flat=True)) == [record.pk]
    assert search("招生范围").total == 0

    for callback in callbacks:
        callback()

    results = search("招生范围")
    assert titles(results) == ["关于2025年城区小学招生范围的公告"] and results.total == 1
    assert not IndexChange.objects.exists()


@pytest.mark.usefixtures("search_backend")
def test_a_rolled_back_publication_queues_and_indexes_nothing(
    publish, clerk, document_reviewer, disclosure_reviewer, django_capture_on_commit_callbacks
):
    from gongkai.testing import make_record

    record = make_record(by=clerk, title="回滚的招生范围公告")
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        records.publish(record, by=clerk)
        raise RuntimeError("the publishing transaction fails after the hooks ran")
    assert callbacks == []
    assert not IndexChange.objects.exists()
    assert services.apply_pending() == 0
    assert search("招生范围").total == 0


@pytest.mark.usefixtures("search_backend")
def test_withdrawal_and_a_new_version_replace_the_entry_after_commit(
    publish, clerk, document_reviewer, disclosure_reviewer, run_hooks
):
    with run_hooks():
        record = publish(title="学籍管理通知", body="<p>转学手续。</p>")
    first_entry = SearchEntry.objects.get(record_id=record.pk).pk
    record = records.revise(record, by=clerk, change_note="更正部分内容")
    record = records.update_record(
        record, by=clerk, revision=record.revision, body="<p>休学手续。</p>"
    )
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    with run_hooks():
        records.publish(record, by=clerk, change_note="改为休学")
    # One entry per record, a new one (newest first) for the new version.
    assert SearchEntry.objects.get(record_id=record.pk).pk > first_entry
    assert search("转学").total == 0 and search("休学").total == 1

    with run_hooks():
        records.withdraw(record, by=clerk, reason="内容有误")
    assert search("休学").total == 0
    assert not SearchEntry.objects.filter(record_id=record.pk).exists()
    assert not IndexChange.objects.exists()


# --- Crash recovery ----------------------------------------------------------------------------


@pytest.mark.usefixtures("search_backend")
def test_a_publication_whose_index_update_never_ran_is_repaired_by_the_next_apply(
    publish, clerk, run_hooks
):
    """The process died between the commit and its after-commit work: the queued row is
    what the follower applies when it starts (and the minute sweep, and any publication)."""
    record = publish(title="进程崩溃前发布的招生范围公告")  # no hooks: the update never ran
    kept = publish(title="另一份学籍通知", body="<p>学籍管理。</p>")
    assert search("招生范围").total == 0

    assert services.apply_pending() == 2

    assert titles(search("招生范围")) == ["进程崩溃前发布的招生范围公告"]
    assert not IndexChange.objects.exists()

    records.withdraw(record, by=clerk, reason="测试")  # again without the hooks
    assert search("招生范围").hits == []  # the re-check hides it already
    assert services.apply_pending() == 1
    assert search("招生范围").total == 0  # and now the index no longer counts it
    assert not SearchEntry.objects.filter(record_id=record.pk).exists()
    assert SearchEntry.objects.filter(record_id=kept.pk).exists()


def test_an_index_commit_that_fails_leaves_the_change_queued_and_is_repaired(
    publish, run_hooks, monkeypatch
):
    publish(title="第一份招生范围公告")
    services.apply_pending()
    original = _Writer.commit
    failures = []

    def failing_commit(self):
        if not failures:
            failures.append(1)
            raise OSError("disk full")
        original(self)

    monkeypatch.setattr(_Writer, "commit", failing_commit)
    with run_hooks():  # the publication itself succeeds: the failure is logged, not raised
        publish(title="第二份招生范围公告")
    assert failures and IndexChange.objects.count() == 1
    assert search("招生范围").total == 1  # the second is not in the index yet

    assert services.apply_pending() == 1

    results = search("招生范围", order=NEWEST)
    assert results.total == 2  # not three: the half-done update left no duplicate
    assert titles(results) == ["第二份招生范围公告", "第一份招生范围公告"]
    assert not IndexChange.objects.exists()


def test_while_another_process_writes_the_index_the_queue_waits_for_it(publish, settings):
    publish(title="等待写入的招生范围公告")
    root = Path(settings.GONGKAI_SEARCH_INDEX_DIR)
    backend().status()  # creates the index
    with _flock(root / "writer.lock", wait=0):  # held, as by another process
        assert services.apply_pending() == 0
        assert IndexChange.objects.count() == 1
    assert services.apply_pending() == 1
    assert search("招生范围").total == 1


# --- The job runner's follower ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_follower_applies_what_was_queued_before_it_started(
    clerk, document_reviewer, disclosure_reviewer
):
    # Published while nothing ran the after-commit work (transaction=True runs on_commit,
    # so the hook is removed for this one): queued, as after a crash.
    from gongkai.records import hooks

    extension = hooks._registry["search"]
    saved = extension.on_commit_public
    extension.on_commit_public = []
    try:
        with transaction.atomic():
            publish_record(
                clerk=clerk,
                document_reviewer=document_reviewer,
                disclosure_reviewer=disclosure_reviewer,
                title="启动前排队的招生范围公告",
            )
    finally:
        extension.on_commit_public = saved
    assert IndexChange.objects.count() == 1

    # While the follower runs, this thread reads only the index: the in-memory test
    # database cannot serve two connections writing at once (test_processes.py does that
    # with real processes on a file database, and a publisher that only wakes the runner).
    index = Query(terms=("招生范围",))
    stop = threading.Event()
    follower = threading.Thread(
        target=services.follow, kwargs={"stop": stop, "interval": 0.02, "sweep": 60}
    )
    follower.start()
    try:
        _wait(lambda: backend().find(index, order=NEWEST, offset=0, limit=1).total, seconds=10)
        assert backend().runner_is_running()
    finally:
        stop.set()
        follower.join(timeout=10)
    assert not follower.is_alive()
    assert titles(search("招生范围")) == ["启动前排队的招生范围公告"]
    assert not IndexChange.objects.exists()
    assert not backend().runner_is_running()


@pytest.mark.django_db(transaction=True)
def test_the_follower_rebuilds_an_index_directory_that_starts_empty(
    clerk, document_reviewer, disclosure_reviewer, settings, tmp_path
):
    with transaction.atomic():
        publish_record(
            clerk=clerk,
            document_reviewer=document_reviewer,
            disclosure_reviewer=disclosure_reviewer,
            title="恢复备份前发布的收费标准公示",
        )
    assert search("收费标准").total == 1
    # A restored backup on a new machine: the entries came back, the index directory did not.
    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path / "new-disk"
    assert search("收费标准").total == 0

    stop = threading.Event()
    follower = threading.Thread(target=services.follow, kwargs={"stop": stop, "interval": 0.02})
    follower.start()
    try:
        _wait(lambda: not backend().is_empty(), seconds=20)
    finally:
        stop.set()
        follower.join(timeout=10)
    assert search("收费标准").total == 1


def _wait(condition, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"not within {seconds} s")


# --- Rebuilding --------------------------------------------------------------------------------


def test_reindex_builds_a_new_index_and_switches_to_it_without_a_gap(
    publish, clerk, run_hooks, settings
):
    root = Path(settings.GONGKAI_SEARCH_INDEX_DIR)
    with run_hooks():
        for n in range(3):
            publish(title=f"第{n}号招生范围公告")
        withdrawn = publish(title="将在重建时撤回的招生范围公告")
    before = (root / "CURRENT").read_text()
    seen_during = []

    def progress(done: int, total: int) -> None:
        # Mid-rebuild: the old index still answers (entries are found by record id).
        seen_during.append(search("招生范围").total)
        if done == 1:
            # Changes made meanwhile wait in the queue for the new index.
            publish(title="重建期间发布的招生范围公告")
            records.withdraw(withdrawn, by=clerk, reason="测试")

    assert services.reindex(batch_size=1, progress=progress) == 4

    assert seen_during[0] == 4
    after = (root / "CURRENT").read_text()
    assert after != before and not (root / before).exists()
    results = search("招生范围", order=NEWEST)
    assert results.total == 4
    assert "重建期间发布的招生范围公告" in titles(results)
    assert "将在重建时撤回的招生范围公告" not in titles(results)
    assert not IndexChange.objects.exists()
    assert SearchEntry.objects.count() == 4


@pytest.mark.usefixtures("search_backend")
def test_reindex_drops_entries_of_records_no_longer_public(publish, clerk, run_hooks):
    with run_hooks():
        kept = publish(title="保留的收费标准公示")
        gone = publish(title="撤回的收费标准公示")
    records.withdraw(gone, by=clerk, reason="测试")  # the hooks never ran
    IndexChange.objects.all().delete()  # and the queue was lost too
    assert SearchEntry.objects.filter(record_id=gone.pk).exists()

    services.reindex()

    assert list(SearchEntry.objects.values_list("record_id", flat=True)) == [kept.pk]
    assert search("收费标准").total == 1


# --- True totals and exact ranking -------------------------------------------------------------


def test_the_embedded_index_counts_every_match(publish, run_hooks, settings):
    settings.GONGKAI_SEARCH_CANDIDATES = 3  # the database backends' bound; not this one's
    with run_hooks():
        for n in range(5):
            publish(title=f"第{n}号招生范围公告")
    results = search("招生范围")
    assert results.total == 5 and not results.total_capped


def _vocabulary_index(
    root: Path, count: int, seed: int, first_entry: int
) -> list[tuple[int, int, set, set, set]]:
    """``count`` documents of random words written straight into an embedded index, and
    what they hold: (record id, entry id, title words, publisher words, body words)."""
    rng = random.Random(seed)
    words = ["招生", "范围", "资助", "名单", "学籍", "课后", "服务", "收费", "2025", "东昌府区"]
    docs = []
    entry = first_entry
    for record in range(1, count + 1):
        entry += rng.choice([1, 1, 1, 7, 300])  # ids with gaps, across many recency blocks
        title = set(rng.sample(words, rng.randint(0, 3)))
        publisher = set(rng.sample(words, rng.randint(0, 2)))
        body = set(rng.sample(words, rng.randint(1, 5)))
        docs.append((record, entry, title, publisher, body))
    engine = TantivyBackend(root)
    with engine.writing(wait=5) as writer:
        writer.add(
            [
                Row(
                    record_id=record,
                    entry_id=entry,
                    document=Document(
                        title=" ".join(sorted(title)),
                        publisher=" ".join(sorted(publisher)),
                        body=" ".join(sorted(body)),
                        grams="",
                        title_grams="",
                        facets="zzfodd" if record % 2 else "zzfeven",
                    ),
                )
                for record, entry, title, publisher, body in docs
            ]
        )
        writer.commit()
    return docs


# Each way to the exact order: the page from the entries with every term in the title, or
# from one scored search whose ties are all fetched (tie_fetch 2000), or settled among the
# newest ids (tie_fetch 5), or by the recency weight (fallback), whose blocks of ids are many
# from 0 and, past 4M, one: every id in the top block, all tied.
@pytest.mark.parametrize(
    ("first_entry", "tie_fetch", "fallback"),
    [(0, 2000, False), (0, 5, False), (0, 5, True), (5_000_000, 5, True)],
)
def test_totals_count_every_match_and_the_ranking_is_exact_over_all_of_them(
    tmp_path, first_entry, tie_fetch, fallback, monkeypatch
):
    """Against a brute-force answer: all terms must match; each adds its length, three
    times in the title, twice in the publisher, once in the body; ties newest first."""
    from gongkai.search.backends import embedded

    monkeypatch.setattr(embedded, "TIE_FETCH", tie_fetch)
    if fallback:
        monkeypatch.setattr(TantivyBackend, "_newest_tied", lambda *args: None)
    docs = _vocabulary_index(tmp_path / "index", 3000, seed=5, first_entry=first_entry)
    engine = TantivyBackend(tmp_path / "index")
    rng = random.Random(9)
    queries = [
        ("招生",),
        ("课后", "服务"),
        ("2025", "东昌府区", "招生"),
        ("范围",),
        ("名单", "资助"),
    ]
    for terms in queries:
        for facets in [(), ("zzfodd",)]:
            for any_term in (False, True):
                query = Query(terms=terms, facets=facets, any_term=any_term)
                expected = []
                for record, entry, title, publisher, body in docs:
                    if facets and record % 2 == 0:
                        continue
                    held = [t for t in terms if t in title | publisher | body]
                    if not held or (len(held) < len(terms) and not any_term):
                        continue
                    score = sum(
                        len(t) * (3 if t in title else 2 if t in publisher else 1) for t in held
                    )
                    expected.append((score, entry, record))
                expected.sort(reverse=True)
                newest = sorted(expected, key=lambda e: -e[1])
                for offset in [0, 20, rng.randint(40, 400)]:
                    found = engine.find(query, order=RELEVANCE, offset=offset, limit=20)
                    assert found.total == len(expected), (terms, facets, any_term)
                    assert found.record_ids == [r for _, _, r in expected[offset : offset + 20]]
                    found = engine.find(query, order=NEWEST, offset=offset, limit=20)
                    assert found.total == len(expected), (terms, facets, any_term)
                    assert found.record_ids == [r for _, _, r in newest[offset : offset + 20]]


class _CountingSearcher:
    """A searcher that notes every search asked to count its matches."""

    def __init__(self, searcher):
        self.searcher, self.counted = searcher, 0

    def search(self, query, **options):
        self.counted += bool(options.get("count"))
        return self.searcher.search(query, **options)

    def __getattr__(self, name):
        return getattr(self.searcher, name)


def _row(record, entry, title):
    document = Document(
        title=title, publisher="", body="", grams="", title_grams="", facets="zzfodd"
    )
    return Row(record_id=record, entry_id=entry, document=document)


def test_a_total_is_counted_once_per_commit_and_follows_every_commit(tmp_path):
    """A common word's total is counted by the first search after a commit and read back by
    the next ones; a commit that adds or withdraws an entry changes it at the next search."""
    docs = _vocabulary_index(tmp_path / "index", 3000, seed=5, first_entry=0)
    engine = TantivyBackend(tmp_path / "index")
    query = Query(terms=("招生",))
    expected = sum(1 for _, _, title, publisher, body in docs if "招生" in title | publisher | body)

    def find(order=RELEVANCE, offset=0):
        return engine.find(query, order=order, offset=offset, limit=20).total

    def first_page(limit=20):
        return engine.find(query, order=RELEVANCE, offset=0, limit=limit).record_ids

    view = engine._current().view
    view.searcher = spy = _CountingSearcher(view.searcher)
    assert find() == expected
    before = first_page(limit=40)
    first = spy.counted
    assert first >= 1
    assert find() == find(offset=40) == find(order=NEWEST) == expected
    assert spy.counted == first, "a total already counted in this commit was counted again"

    with engine.writing(wait=5) as writer:
        writer.add([_row(5001, 10**6, "招生 范围")])
        writer.commit()
    assert engine._current().view.searcher is not spy
    assert find() == find(order=NEWEST) == expected + 1
    # The newest entry, with the word in its title, leads: the commit's newest id was found.
    assert first_page() == [5001, *before[:19]]

    holding = next(record for record, _, *words in docs if "招生" in set().union(*words))
    with engine.writing(wait=5) as writer:
        writer.delete([5001, holding], [])
        writer.commit()
    assert find() == find(order=NEWEST) == expected - 1
    assert first_page() == [r for r in before if r != holding][:20]


def _matches(docs, terms):
    return sum(1 for _, _, *words in docs if all(t in set().union(*words) for t in terms))


@pytest.mark.parametrize("few", [64, 0], ids=["terms", "term set"])
def test_kept_totals_are_carried_across_commits_exactly(tmp_path, monkeypatch, few):
    """After a commit each kept total is brought over by counting the entries of the records
    the commit changed (deleted, added — also with ids below older ones, as concurrent
    publications can); it is exact after every commit, in both orders."""
    from gongkai.search.backends import embedded

    monkeypatch.setattr(embedded, "FEW_RECORDS", few)
    docs = [(r, e, t, p, b) for r, e, t, p, b in _vocabulary_index(tmp_path / "i", 2000, 9, 0)]
    engine = TantivyBackend(tmp_path / "i")
    rng = random.Random(4)
    words = ["招生", "范围", "资助", "名单", "学籍"]
    queries = [("招生",), ("资助",), ("招生", "范围"), ("名单", "学籍")]

    def totals(order):
        return [engine.find(Query(terms=q), order=order, offset=0, limit=20).total for q in queries]

    assert totals(RELEVANCE) == totals(NEWEST) == [_matches(docs, q) for q in queries]
    next_record, next_entry = 10_000, 10**6
    carried = 0
    for step in range(12):
        gone = rng.sample([d[0] for d in docs], 15)
        added = []
        for _ in range(rng.randint(0, 20)):
            next_record += 1
            next_entry += rng.choice([1, 5])
            # Now and then an entry with a lower id than older ones, committed after them.
            entry = next_entry if rng.random() < 0.8 else rng.randint(1, next_entry)
            added.append((next_record, entry, set(rng.sample(words, rng.randint(1, 3)))))
        updated = [(record, next_entry + 100 + i, {"招生"}) for i, record in enumerate(gone[:3])]
        next_entry += 200
        with engine.writing(wait=5) as writer:
            writer.delete(gone, [])
            writer.add([_row(r, e, " ".join(sorted(t))) for r, e, t in added + updated])
            writer.commit()
        docs = [d for d in docs if d[0] not in gone]
        docs += [(r, e, t, set(), set()) for r, e, t in added + updated]
        view = engine._current().view
        carried += view.previous is not None
        expected = [_matches(docs, q) for q in queries]
        assert totals(RELEVANCE) == expected, step
        assert totals(NEWEST) == expected, step
    assert carried == 12, "every commit was logged, so every view carried the totals over"


def test_a_carried_total_comes_from_the_previous_view_not_a_new_count(tmp_path):
    docs = _vocabulary_index(tmp_path / "i", 500, 2, 0)
    engine = TantivyBackend(tmp_path / "i")
    query = Query(terms=("招生",))
    expected = _matches(docs, ("招生",))
    assert engine.find(query, order=NEWEST, offset=0, limit=20).total == expected
    engine._current().view.counts[("matching", query)] += 1000  # what a carry would read
    with engine.writing(wait=5) as writer:
        writer.add([_row(9001, 10**6, "招生")])
        writer.commit()
    view = engine._current().view
    view.searcher = spy = _CountingSearcher(view.searcher)
    assert engine.find(query, order=NEWEST, offset=0, limit=20).total == expected + 1001
    assert spy.counted == 1  # the entries the commit changed, not every match


def test_totals_are_counted_again_when_the_log_does_not_link_the_commits(tmp_path):
    from gongkai.search.backends import embedded

    docs = _vocabulary_index(tmp_path / "i", 500, 2, 0)
    engine = TantivyBackend(tmp_path / "i")
    query = Query(terms=("招生",))
    assert engine.find(query, order=NEWEST, offset=0, limit=20).total == _matches(docs, ("招生",))
    engine._current().view.counts[("matching", query)] += 1000  # never read back below
    live = engine._current()
    with engine.writing(wait=5) as writer:
        writer.add([_row(9001, 10**6, "招生")])
        writer.writer.delete_documents_by_query(  # a change the log cannot list
            __import__("tantivy").Query.term_set_query(embedded.SCHEMA, "record", [9999])
        )
        writer.changed = None
        writer.commit()
    assert engine._current().view.previous is None
    assert engine.find(query, order=NEWEST, offset=0, limit=20).total == (
        _matches(docs, ("招生",)) + 1
    )
    # A commit missing from the log (a crash between the commit and its line): counted again.
    # Another process writes; this one looks again only after both commits.
    engine._current().view.counts[("matching", query)] += 1000
    other = TantivyBackend(tmp_path / "i")
    with other.writing(wait=5) as writer:
        writer.add([_row(9002, 10**6 + 1, "招生")])
        writer.commit()
    (tmp_path / "i" / live.name / embedded.CHANGES).unlink()
    with other.writing(wait=5) as writer:
        writer.add([_row(9003, 10**6 + 2, "招生")])
        writer.commit()
    assert engine._current().view.previous is None
    assert engine.find(query, order=NEWEST, offset=0, limit=20).total == (
        _matches(docs, ("招生",)) + 3
    )


def test_a_commits_newest_entry_id_comes_from_the_log_without_a_search(tmp_path):
    """The newest-first windows start at the highest entry id. After a commit the log gives
    it (the highest the commit added, or the one before when it only withdrew); when the log
    does not link the commits it is searched for again, and the newest still leads."""
    from gongkai.search.backends import embedded

    docs = _vocabulary_index(tmp_path / "i", 500, 2, 0)
    engine = TantivyBackend(tmp_path / "i")
    assert engine._newest_seq(engine._current().view) == max(entry for _, entry, *_ in docs)

    def newest_page():
        return engine.find(Query(terms=("招生",)), order=RELEVANCE, offset=0, limit=20)

    with engine.writing(wait=5) as writer:
        # A late id below older ones, committed with the new highest.
        writer.add([_row(9001, 10**6, "招生"), _row(9002, 5, "招生 范围")])
        writer.commit()
    view = engine._current().view
    assert view.newest == 10**6, "known from the log before any search"
    assert newest_page().record_ids[0] == 9001
    with engine.writing(wait=5) as writer:
        writer.delete([9001], [])
        writer.commit()
    assert engine._current().view.newest == 10**6  # higher than any entry now: harmless
    assert 9001 not in newest_page().record_ids

    live = engine._current()
    other = TantivyBackend(tmp_path / "i")
    with other.writing(wait=5) as writer:
        writer.add([_row(9003, 10**6 + 5, "招生")])
        writer.commit()
    (tmp_path / "i" / live.name / embedded.CHANGES).unlink()  # the log lost: not linked
    view = engine._current().view
    assert view.newest is None
    assert newest_page().record_ids[0] == 9003
    assert view.newest == 10**6 + 5


def test_a_search_starts_from_the_window_its_page_needed_and_widens_it_when_needed(
    tmp_path,
):
    """The first page of a common word is the newest entries with it in the title, found in
    a window of the newest ids. The window the page needed is where the next search of it
    starts, after a commit too; withdrawing the newest matches makes it too small, and the
    search widens it again: the page is the same as a search from scratch gives."""
    docs = _vocabulary_index(tmp_path / "i", 3000, seed=5, first_entry=0)
    engine = TantivyBackend(tmp_path / "i")
    query = Query(terms=("招生",))

    def expected():
        held = sorted((entry, record) for record, entry, title, *_ in docs if "招生" in title)
        return [record for _, record in reversed(held)][:20]

    def first_page():
        return engine.find(query, order=RELEVANCE, offset=0, limit=20).record_ids

    assert first_page() == expected()
    view = engine._current().view
    span = view.spans[(query, 20)]
    low = int(view.newest - span)
    view.searcher = spy = _WindowSearcher(view.searcher)
    assert first_page() == expected()
    assert spy.lows == [low], "one window, the one that held the page"

    # Withdraw all but five of the matches in that window.
    inside = [r for r, entry, title, *_ in docs if "招生" in title and entry >= low]
    assert len(inside) >= 20
    gone = inside[5:]
    with engine.writing(wait=5) as writer:
        writer.delete(gone, [])
        writer.commit()
    docs = [d for d in docs if d[0] not in gone]
    view = engine._current().view
    assert view.spans[(query, 20)] == span  # carried to the new commit
    view.searcher = spy = _WindowSearcher(view.searcher)
    assert first_page() == expected()
    assert spy.lows[0] == low and len(spy.lows) > 1, "too small now: widened"
    assert view.spans[(query, 20)] > span
    spy.lows.clear()
    assert first_page() == expected()
    assert len(spy.lows) == 1, "the next search starts from the window the page needed"


class _WindowSearcher(_CountingSearcher):
    """Notes the lowest entry id of each window of newest ids searched."""

    def __init__(self, searcher):
        super().__init__(searcher)
        self.lows = []

    def search(self, query, **options):
        window = re.search(
            r"RangeQuery \{ bounds: BoundsRange \{ lower_bound: Included\(Term\(field=\d+, type=U64, (\d+)\)",
            repr(query),
        )
        if window and options.get("order_by_field") == "seq":
            self.lows.append(int(window.group(1)))
        return super().search(query, **options)


def test_the_totals_kept_for_a_commit_are_bounded(tmp_path, monkeypatch):
    from gongkai.search.backends import embedded

    monkeypatch.setattr(embedded, "COUNT_MEMO", 3)
    docs = _vocabulary_index(tmp_path / "index", 500, seed=3, first_entry=0)
    engine = TantivyBackend(tmp_path / "index")
    for word in ["招生", "范围", "资助", "名单", "学籍", "课后", "招生"]:
        total = engine.find(Query(terms=(word,)), order=RELEVANCE, offset=0, limit=20).total
        assert total == sum(1 for *_, t, p, b in docs if word in t | p | b), word
        assert len(engine._current().view.counts) <= 3


# --- Several processes -----------------------------------------------------------------------

READER = """
import sys, time
import django
django.setup()
from pathlib import Path
from gongkai.search.backends import IndexBusy, Query, RELEVANCE
from gongkai.search.backends.embedded import TantivyBackend

engine = TantivyBackend(Path(sys.argv[1]))
query = Query(terms=("zulu",))
print("before", engine.find(query, order=RELEVANCE, offset=0, limit=20).total, flush=True)
try:
    with engine.writing(wait=0):
        print("wrote", flush=True)
except IndexBusy:
    print("busy", flush=True)
deadline = time.time() + 30
while time.time() < deadline:
    found = engine.find(query, order=RELEVANCE, offset=0, limit=20)
    if found.total:
        print("seen", time.time(), found.record_ids, flush=True)
        break
    time.sleep(0.01)
"""


def test_a_reader_process_sees_each_commit_at_its_next_search_and_cannot_write(tmp_path):
    import os
    import subprocess
    import sys

    root = tmp_path / "index"
    engine = TantivyBackend(root)
    engine.status()  # created before either process searches
    with engine.writing(wait=5) as writer:
        reader = subprocess.Popen(  # noqa: S603 - our own code, our own interpreter
            [sys.executable, "-c", READER, str(root)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings_test"},
        )
        assert reader.stdout is not None
        assert reader.stdout.readline().split() == ["before", "0"]
        # This process holds the one writer: the other cannot take it.
        assert reader.stdout.readline().strip() == "busy"
        writer.add(
            [
                Row(
                    record_id=7,
                    entry_id=7,
                    document=Document(
                        title="zulu", publisher="", body="", grams="", title_grams="", facets=""
                    ),
                )
            ]
        )
        writer.commit()
        committed = time.time()
    line = reader.stdout.readline().split()
    reader.wait(timeout=30)
    assert line[0] == "seen" and line[2] == "[7]"
    # The reader checks the index's files before every search: its next search sees it.
    assert float(line[1]) - committed < 1.0


def test_settings_and_an_index_of_another_version_are_checked(settings, tmp_path):
    import json

    from gongkai.search.apps import check_settings

    settings.GONGKAI_SEARCH_BACKEND = "elastic"
    assert [m.id for m in check_settings()] == ["search.E001"]
    settings.GONGKAI_SEARCH_BACKEND = "tantivy"
    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path / "index"
    assert check_settings() == []
    TantivyBackend(tmp_path / "index").status()
    assert check_settings() == []
    name = (tmp_path / "index" / "CURRENT").read_text()
    (tmp_path / "index" / name / "gongkai.json").write_text(json.dumps({"schema": 0}))
    assert [m.id for m in check_settings()] == ["search.W001"]
