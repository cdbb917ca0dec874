"""Sitemap parts of 50,000 records (the protocol's limit) instead of 10,000, each kept as a
row of its own (``SitemapPart``) with its lastmod text, instead of a ``part|*|*|*|<n>``
tally.

The rows are counted set-based (one ``GROUP BY`` over the public rows, then the lastmod text
of each part, 200 rows at 10M records) and the part tallies deleted; no other tally is
touched. Going back counts the part tallies again for parts of 10,000.
"""

from django.db import connection, migrations, models


def parts_of_50000(apps, schema_editor):
    from gongkai.records.public import rebuild_parts

    rebuild_parts(apps=apps, part_size=50_000)
    apps.get_model("records", "PublicTally").objects.filter(key__startswith="part|").delete()


def part_tallies_of_10000(apps, schema_editor):
    tally = apps.get_model("records", "PublicTally")
    rows = apps.get_model("records", "PublicRecord")._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(tally._meta.db_table)} ({q('key')}, {q('count')}, {q('changed_at')}) "
            "SELECT 'part|*|*|*|' || CAST(record_id / 10000 AS TEXT), COUNT(*), MAX(changed_at) "
            f"FROM {q(rows)} GROUP BY record_id / 10000"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0007_public_form_and_invalid_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SitemapPart',
            fields=[
                ('number', models.BigIntegerField(primary_key=True, serialize=False)),
                ('count', models.BigIntegerField(default=0)),
                ('changed_at', models.DateTimeField()),
                ('lastmod', models.CharField(max_length=40)),
            ],
            options={
                'verbose_name': '站点地图分卷',
                'verbose_name_plural': '站点地图分卷',
            },
        ),
        migrations.RunPython(parts_of_50000, part_tallies_of_10000),
    ]
