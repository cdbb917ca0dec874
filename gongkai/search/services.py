"""Keeping the index in step with what the public can read.

A record is in the index while it has a public page and is not withdrawn; what is indexed
is its ``PublicRecord`` — the published version's title, summary, body and attachments, and
the publisher, item and 文号 frozen with it — never the editable record, so a revision under
review (or a draft) never leaks into search. Withdrawn and reclassified records leave the
index: a withdrawn page still shows its notice at the same address, but search is for
finding information, not notices. 失效/废止 records stay findable and are marked.

How a change reaches the index (docs/decisions/0018):

1. the transaction that changes what the public sees of a record (publication, a new
   version, withdrawal, validity, reclassification: ``records.public``) also queues an
   ``IndexChange`` row (``queue_change``, a record extension's ``on_public_change``), so
   the intent to update is exactly as durable as the change;
2. after the commit, ``apply_soon`` applies the queue at once in this process — unless the
   job runner's follower is running, which then does it within a second (``follow``);
3. applying (``apply_pending``) replaces the records' ``SearchEntry`` rows in one database
   transaction, then commits the full-text index, then deletes the queue rows. A crash at
   any point leaves the rows queued, and applying again is harmless.

``reindex`` rebuilds everything (``manage.py search reindex``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from django.db import close_old_connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.organisations import reference as organisations
from gongkai.records.models import Attachment, PublicRecord, Record
from gongkai.records.public import PublicChange
from gongkai.search import conf, segmenter
from gongkai.search.backends import Backend, Document, IndexBusy, Row, Writer, backend
from gongkai.search.models import IndexChange, SearchEntry

logger = logging.getLogger(__name__)


def is_indexable(row: PublicRecord) -> bool:
    return row.withdrawn_at is None


def _public_rows() -> QuerySet[PublicRecord]:
    return PublicRecord.objects.filter(withdrawn_at__isnull=True).select_related("version")


def plain_text(summary: str, body_html: str, attachment_texts: list[str]) -> str:
    """The searchable text of a version: summary, body and attachment text, normalised."""
    joined = "\n".join([summary, segmenter.html_to_text(body_html), *attachment_texts])
    return segmenter.squash(segmenter.normalise(joined))


def document(
    *,
    title: str,
    text: str,
    publisher: list[str],
    year: int | None,
    item_key: str,
    organisation_path: str,
) -> Document:
    """The token streams for one entry (also used by bench/search_bench.py).

    Publisher names, 文号 and year are a stream of their own next to the title: a query
    "东昌府区 2025 招生范围" names the publisher and the year as much as the subject."""
    side = " ".join(filter(None, publisher))
    return Document.from_tokens(
        title=segmenter.index_words(title),
        publisher=segmenter.index_words(side) + ([str(year)] if year else []),
        body=segmenter.index_words(text),
        grams=segmenter.bigrams(title + " " + text),
        title_grams=segmenter.bigrams(title),
        facets=segmenter.facet_tokens(
            item_key=item_key, organisation_path=organisation_path, year=year
        ),
    )


def build(row: PublicRecord, attachment_texts: list[str]) -> tuple[SearchEntry, Document]:
    """The entry and the token streams for a record as it was published."""
    version = row.version
    org = organisations.organisation(row.organisation_id)
    year = timezone.localtime(row.published_at).year
    text = plain_text(version.summary, version.body, attachment_texts)
    tokens = document(
        title=version.title,
        text=text,
        publisher=[org.name, org.short_name, row.document_number],
        year=year,
        item_key=row.item_key,
        organisation_path=org.path,
    )
    entry = SearchEntry(
        record_id=row.record_id,
        title=version.title,
        organisation_name=org.display_name,
        item_key=row.item_key,
        organisation_path=org.path,
        year=year,
        published_at=row.published_at,
        validity=row.validity,
        text=text[: conf.stored_text_chars()],
    )
    return entry, tokens


def _attachment_texts(rows: list[PublicRecord]) -> dict[int, list[str]]:
    wanted = {pk: row.record_id for row in rows for pk in row.version.attachment_ids}
    texts: dict[int, list[str]] = {}
    for pk, text in (
        Attachment.objects.filter(pk__in=wanted).order_by("order", "pk").values_list("pk", "text")
    ):
        if text:
            texts.setdefault(wanted[pk], []).append(text)
    return texts


def _write(rows: list[PublicRecord], writer: Writer) -> list[SearchEntry]:
    texts = _attachment_texts(rows)
    built = [build(row, texts.get(row.record_id, [])) for row in rows]
    entries = SearchEntry.objects.bulk_create([entry for entry, _ in built])
    writer.add(
        [
            Row(record_id=entry.record_id, entry_id=entry.pk, document=tokens)
            for entry, (_, tokens) in zip(entries, built, strict=True)
        ]
    )
    return entries


def _replace(record_ids: Sequence[int], writer: Writer, *, keep: bool = True) -> None:
    """Bring the records' entries in line with the database: the old entries go, the
    records the public may find (``keep``) get new ones (new ids: newest first), and the
    index follows once the database has committed."""
    with transaction.atomic():
        # Two processes applying the same record wait for each other here rather than both
        # replacing its entry (the entry is one per record).
        list(Record.objects.select_for_update().filter(pk__in=record_ids).values_list("pk"))
        old = list(
            SearchEntry.objects.filter(record_id__in=record_ids).values_list("pk", flat=True)
        )
        writer.delete(record_ids, old)
        SearchEntry.objects.filter(pk__in=old).delete()
        if keep:
            fresh = {r.record_id: r for r in _public_rows().filter(pk__in=record_ids)}
            _write([fresh[pk] for pk in record_ids if pk in fresh], writer)
    writer.commit()


def queue_change(change: PublicChange) -> None:
    """In the transaction that changed what the public sees of a record: its entry must be
    brought in line once that commits."""
    IndexChange.objects.create(record_id=change.record_id)


def apply_pending(*, wait: float = 0, batch_size: int = 200) -> int:
    """Apply queued changes, oldest first, until the queue is empty; returns how many
    records were brought up to date. Returns early, leaving the queue, when another process
    is writing the index for longer than ``wait`` seconds (it applies the queue itself)."""
    done = 0
    try:
        with backend().writing(wait=wait) as writer:
            while changes := list(
                IndexChange.objects.order_by("pk").values_list("pk", "record_id")[:batch_size]
            ):
                # Queue order: a record queued again later moves to the end (newest).
                order: dict[int, None] = {}
                for _, record_id in changes:
                    order.pop(record_id, None)
                    order[record_id] = None
                _replace(list(order), writer)
                IndexChange.objects.filter(pk__in=[pk for pk, _ in changes]).delete()
                done += len(order)
    except IndexBusy:
        logger.info(
            "search index busy; %s queued changes left for its writer", IndexChange.objects.count()
        )
    return done


def apply_soon(change: PublicChange | None = None) -> None:
    """After a commit that queued a change. With the job runner's follower running, it is
    told to look now (a second at most); otherwise this process applies the queue."""
    engine = backend()
    if engine.runner_is_running():
        engine.wake()
        return
    try:
        apply_pending(wait=2)
    except Exception:
        # The publication is committed and its change stays queued: the follower, the
        # minute sweep or the next publication applies it. A failing index must not turn a
        # successful publication into an error page.
        logger.exception("search index update failed; the change stays queued")


def remove_record(record_id: int) -> None:
    """Take a record out of the index now, whatever the database says about it."""
    with backend().writing(wait=30) as writer:
        _replace([record_id], writer, keep=False)


def index_record(record: Record | int) -> SearchEntry | None:
    """(Re)index one record from its public row now; returns None when it is not public.

    The entry is replaced, not updated, so its id (the "newest first" order) moves with each
    new publication."""
    pk = record if isinstance(record, int) else record.pk
    with backend().writing(wait=30) as writer:
        _replace([pk], writer)
    return SearchEntry.objects.filter(record_id=pk).first()


def update_validity(record: Record | int) -> None:
    """失效/废止 changes only the mark on the result, not the text (and the results page
    reads the mark from the public row itself, so a lost update cannot hide it)."""
    pk = record if isinstance(record, int) else record.pk
    validity = PublicRecord.objects.filter(pk=pk).values_list("validity", flat=True).first()
    if validity is not None:
        SearchEntry.objects.filter(record_id=pk).update(validity=validity)


def _batches(records: Iterable[PublicRecord], size: int) -> Iterable[list[PublicRecord]]:
    batch: list[PublicRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def reindex(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index from the database, oldest publication first (so entry ids
    follow publication order).

    The embedded index is built in a new directory while readers keep searching the old one,
    which replaces it in one step at the end; changes queued meanwhile are applied to the
    new index then. The database backends are rebuilt in place, a batch per transaction.
    Either way each record keeps an entry throughout, so search works during a rebuild."""
    started = timezone.now()
    records = _public_rows().order_by("published_at", "pk")
    total = records.count()
    done = 0
    with backend().rebuilding() as writer:
        for batch in _batches(records.iterator(chunk_size=batch_size), batch_size):
            with transaction.atomic():
                ids = [row.record_id for row in batch]
                old = list(
                    SearchEntry.objects.filter(record_id__in=ids).values_list("pk", flat=True)
                )
                writer.delete([], old)
                SearchEntry.objects.filter(pk__in=old).delete()
                done += len(_write(batch, writer))
            if progress:
                progress(done, total)
        # What is left from before the rebuild belongs to records the public no longer reads.
        with transaction.atomic():
            stale = SearchEntry.objects.filter(indexed_at__lt=started)
            writer.delete(
                list(stale.values_list("record_id", flat=True)),
                list(stale.values_list("pk", flat=True)),
            )
            stale.delete()
    if progress and not total:
        progress(done, total)
    apply_pending(wait=30)
    return done


def follow(
    *, stop: threading.Event | None = None, interval: float = 0.2, sweep: float = 5.0
) -> None:
    """The job runner's follower: apply queued changes within ``interval`` of a publishing
    process's wake-up call, and every ``sweep`` seconds whatever happens (a change whose
    wake-up was lost, one queued before a crash). Runs until ``stop`` is set.

    While it runs it holds the index's runner lock, so publishing processes leave the queue
    to it; only one follower runs per index, a second one waits to take over."""
    stop = stop or threading.Event()
    engine = backend()
    while not stop.is_set():
        try:
            with engine.running():
                if engine.is_empty() and SearchEntry.objects.exists():
                    # A new disk, a restored backup, a machine moved: the entries are in the
                    # database but the index directory is new. Rebuild it, as on any start
                    # the runner repairs what the index misses.
                    logger.warning("search index empty but the database has entries: rebuilding")
                    reindex()
                _follow_loop(engine, stop, interval, sweep)
        except IndexBusy:
            stop.wait(sweep)  # another follower runs; take over if it stops
        except Exception:
            logger.exception("search follower failed; retrying")
            stop.wait(sweep)
        finally:
            close_old_connections()


def _follow_loop(engine: Backend, stop: threading.Event, interval: float, sweep: float) -> None:
    seen = object()  # first round: apply whatever is queued (recovery on start)
    last = 0.0
    while not stop.is_set():
        key = engine.wake_key()
        now = time.monotonic()
        if key != seen or now - last >= sweep:
            seen, last = key, now
            close_old_connections()
            apply_pending(wait=5)
        stop.wait(interval)
