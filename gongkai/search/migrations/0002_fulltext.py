"""The full-text part of the index, in each database's own form.

SQLite: an FTS5 table whose rowid is SearchEntry.id. The text is segmented in Python (jieba)
before it arrives, so the unicode61 tokenizer only splits on the spaces between tokens.
Columns: title (title, publisher, 文号, year: weighted highest), body (summary, body and
attachment text), grams (character bigrams, the fallback), facets (filter tokens).

PostgreSQL: a tsvector column built with to_tsvector('simple', ...) over the same tokens,
weighted A (title) / B (body) / C (grams) / D (facets), with a GIN index. The database's
LC_CTYPE must be a UTF-8 locale so the parser treats Chinese characters as letters.
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL that only runs on one database vendor (the other gets nothing)."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor


    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, grams, facets, tokenize = 'unicode61 remove_diacritics 0')",
            "DROP TABLE IF EXISTS search_fts",
        ),
        VendorSQL(
            "postgresql",
            [
                "ALTER TABLE search_searchentry ADD COLUMN document tsvector",
                "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
            ],
            [
                "DROP INDEX IF EXISTS search_entry_document",
                "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
            ],
        ),
    ]
