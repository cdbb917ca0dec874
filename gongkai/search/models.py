"""The search index: one ``SearchEntry`` per record the public can find.

An entry is derived data, rebuilt from the record's published version at any time
(``manage.py search reindex``). It carries what a result line shows (title, publisher,
date, validity) so a results page needs no joins. The full-text part lives beside it in
vendor-specific form (migration 0001): an FTS5 table ``search_fts`` on SQLite whose rowid
is the entry id, and a ``document`` tsvector column with a GIN index on PostgreSQL.

Entry ids grow with each (re)indexing on publication, so "newest first" is "highest id
first" — an order both full-text indexes can produce without sorting every match.
"""

from __future__ import annotations

from django.db import models

from gongkai.records.models import Record, Validity


class SearchEntry(models.Model):
    # No database constraint: the index is derived data; a stale entry is dropped at query
    # time (results are re-checked against the public rows) and by reindex.
    record = models.OneToOneField(
        Record,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="信息",
    )
    title = models.CharField("标题", max_length=300)
    organisation_name = models.CharField("发布机构", max_length=200)
    item_key = models.CharField("目录事项", max_length=64)
    organisation_path = models.CharField(max_length=400)
    year = models.PositiveSmallIntegerField("发布年份", null=True)
    published_at = models.DateTimeField("发布日期", null=True)
    validity = models.CharField(
        "有效性", max_length=12, choices=Validity.choices, default=Validity.VALID
    )
    text = models.TextField("正文文字", blank=True, help_text="用于生成检索结果摘要。")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "检索索引条目"
        verbose_name_plural = "检索索引条目"

    def __str__(self) -> str:
        return self.title


class IndexChange(models.Model):
    """A record whose index entry must be brought up to date: written in the transaction that
    publishes, revises or withdraws it, deleted once the entry and the full-text index show
    the record as the database does.

    So a publication whose index update never happened (the process died after the commit,
    the index was busy) is still in this queue, and the job runner's follower applies it on
    start and within a second while it runs (``services.apply_pending``)."""

    record_id = models.BigIntegerField("信息")
    queued_at = models.DateTimeField("排队时间", auto_now_add=True)

    class Meta:
        verbose_name = "待更新的检索索引"
        verbose_name_plural = "待更新的检索索引"

    def __str__(self) -> str:
        return f"{self.record_id} @ {self.queued_at:%Y-%m-%d %H:%M:%S}"
