"""Keeping the index in step with what the public can read.

A record is in the index while it is published, proactive and not withdrawn; what is
indexed is its current published version (a revision under review never leaks into search).
Withdrawn records leave the index: their page still shows the withdrawal notice at the same
address, but search is for finding information, not notices. 失效/废止 records stay
findable and are marked on the results page.

The record workflow calls these after commit (``apps.SearchConfig.ready`` registers them as
a ``RecordExtension``); ``reindex`` rebuilds everything (``manage.py search reindex``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from gongkai.records.models import Attachment, Record, RecordQuerySet, Status
from gongkai.search import conf, segmenter
from gongkai.search.backends import Document, backend
from gongkai.search.models import SearchEntry


def is_indexable(record: Record) -> bool:
    return record.is_public and record.status != Status.WITHDRAWN


def _public_records() -> RecordQuerySet:
    return Record.objects.published().select_related("organisation", "item", "current_version")


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

    Publisher names, 文号 and year go with the title: a query "东昌府区 2025 招生范围" names
    the publisher and the year as much as the subject."""
    title_side = " ".join(filter(None, [title, *publisher]))
    return Document.from_tokens(
        title=segmenter.index_words(title_side) + ([str(year)] if year else []),
        body=segmenter.index_words(text),
        grams=segmenter.bigrams(title + " " + text),
        facets=segmenter.facet_tokens(
            item_key=item_key, organisation_path=organisation_path, year=year
        ),
    )


def build(record: Record, attachment_texts: list[str]) -> tuple[SearchEntry, Document]:
    """The entry and the token streams for a record's current published version."""
    version = record.current_version
    assert version is not None
    org = record.organisation
    published = timezone.localtime(record.published_at) if record.published_at else None
    year = published.year if published else None
    text = plain_text(version.summary, version.body, attachment_texts)
    tokens = document(
        title=version.title,
        text=text,
        publisher=[org.name, org.short_name, record.document_number],
        year=year,
        item_key=record.item.key,
        organisation_path=org.path,
    )
    entry = SearchEntry(
        record_id=record.pk,
        title=version.title,
        organisation_name=org.display_name,
        item_key=record.item.key,
        organisation_path=org.path,
        year=year,
        published_at=record.published_at,
        validity=record.validity,
        text=text[: conf.stored_text_chars()],
    )
    return entry, tokens


def _attachment_texts(records: list[Record]) -> dict[int, list[str]]:
    wanted = {
        pk: record.pk
        for record in records
        if record.current_version
        for pk in record.current_version.attachment_ids
    }
    texts: dict[int, list[str]] = {}
    for pk, text in (
        Attachment.objects.filter(pk__in=wanted).order_by("order", "pk").values_list("pk", "text")
    ):
        if text:
            texts.setdefault(wanted[pk], []).append(text)
    return texts


def _write(records: list[Record]) -> int:
    texts = _attachment_texts(records)
    built = [build(record, texts.get(record.pk, [])) for record in records]
    entries = SearchEntry.objects.bulk_create([entry for entry, _ in built])
    backend().write(
        (entry.pk, document) for entry, (_, document) in zip(entries, built, strict=True)
    )
    return len(entries)


def remove_record(record_id: int) -> None:
    with transaction.atomic():
        ids = list(SearchEntry.objects.filter(record_id=record_id).values_list("pk", flat=True))
        backend().delete(ids)
        SearchEntry.objects.filter(pk__in=ids).delete()


def index_record(record: Record) -> SearchEntry | None:
    """(Re)index one record from the database; returns None when it is not public.

    The entry is replaced, not updated, so its id (the "newest first" order) moves with each
    new publication."""
    with transaction.atomic():
        remove_record(record.pk)
        fresh = _public_records().filter(pk=record.pk).first()
        if fresh is None or not is_indexable(fresh):
            return None
        _write([fresh])
        return SearchEntry.objects.get(record_id=record.pk)


def update_validity(record: Record) -> None:
    """失效/废止 changes only the mark on the result, not the text."""
    SearchEntry.objects.filter(record_id=record.pk).update(
        validity=Record.objects.filter(pk=record.pk).values_list("validity", flat=True).first()
        or record.validity
    )


def reindex(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index, oldest publication first (so ids follow publication order).

    Each batch is its own transaction; the old index is dropped in the first one, so readers
    see a growing index while it rebuilds rather than a locked table."""
    records = _public_records().exclude(status=Status.WITHDRAWN).order_by("published_at", "pk")
    total = records.count()
    with transaction.atomic():
        backend().clear()
        SearchEntry.objects.all().delete()
    done = 0
    batch: list[Record] = []
    for record in records.iterator(chunk_size=batch_size):
        batch.append(record)
        if len(batch) >= batch_size:
            with transaction.atomic():
                done += _write(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        with transaction.atomic():
            done += _write(batch)
    if progress:
        progress(done, total)
    return done
