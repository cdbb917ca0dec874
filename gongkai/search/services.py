"""Keeping the index in step with what the public can read.

A record is in the index while it has a public page and is not withdrawn; what is indexed
is its ``PublicRecord`` — the published version's title, summary, body and attachments, and
the publisher, item and 文号 frozen with it — never the editable record, so a revision under
review (or a draft) never leaks into search. Withdrawn and reclassified records leave the
index: a withdrawn page still shows its notice at the same address, but search is for
finding information, not notices. 失效/废止 records stay findable and are marked.

The record workflow calls ``follow`` after commit (``apps.SearchConfig.ready`` registers it
as a ``RecordExtension``); ``reindex`` rebuilds everything (``manage.py search reindex``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.organisations import reference as organisations
from gongkai.records.models import Attachment, PublicRecord, Record
from gongkai.records.public import PublicChange
from gongkai.search import conf, segmenter
from gongkai.search.backends import Document, backend
from gongkai.search.models import SearchEntry


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


def _write(rows: list[PublicRecord]) -> int:
    texts = _attachment_texts(rows)
    built = [build(row, texts.get(row.record_id, [])) for row in rows]
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


def index_record(record: Record | int) -> SearchEntry | None:
    """(Re)index one record from its public row; returns None when it is not public.

    The entry is replaced, not updated, so its id (the "newest first" order) moves with each
    new publication."""
    pk = record if isinstance(record, int) else record.pk
    with transaction.atomic():
        remove_record(pk)
        row = _public_rows().filter(pk=pk).first()
        if row is None:
            return None
        _write([row])
        return SearchEntry.objects.get(record_id=pk)


def update_validity(record: Record | int) -> None:
    """失效/废止 changes only the mark on the result, not the text."""
    pk = record if isinstance(record, int) else record.pk
    validity = PublicRecord.objects.filter(pk=pk).values_list("validity", flat=True).first()
    if validity is not None:
        SearchEntry.objects.filter(record_id=pk).update(validity=validity)


def follow(change: PublicChange) -> None:
    """After commit: make the index say what the public row now says."""
    after, before = change.after, change.before
    if after is None or after.withdrawn:
        remove_record(change.record_id)
    elif before is not None and before.version_id == after.version_id and not before.withdrawn:
        update_validity(change.record_id)  # same version: only the validity can have moved
    else:
        index_record(change.record_id)


def reindex(*, batch_size: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the whole index, oldest publication first (so ids follow publication order).

    Each batch is its own transaction; the old index is dropped in the first one, so readers
    see a growing index while it rebuilds rather than a locked table."""
    records = _public_rows().order_by("published_at", "pk")
    total = records.count()
    with transaction.atomic():
        backend().clear()
        SearchEntry.objects.all().delete()
    done = 0
    batch: list[PublicRecord] = []
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
