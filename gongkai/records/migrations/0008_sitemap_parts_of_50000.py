"""Sitemap parts of 50,000 records (the protocol's limit) instead of 10,000.

A part's tally key (``part|*|*|*|<n>``) numbers the part by record id ÷ the parts' size, so
the parts' tallies are counted again, set-based (one ``GROUP BY`` over the public rows), and
no other tally is touched. Going back counts them again for parts of 10,000.
"""

from django.db import migrations


def parts_of_50000(apps, schema_editor):
    from gongkai.records.public import rebuild_part_tallies

    rebuild_part_tallies(apps=apps, part_size=50_000)


def parts_of_10000(apps, schema_editor):
    from gongkai.records.public import rebuild_part_tallies

    rebuild_part_tallies(apps=apps, part_size=10_000)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_public_form_and_invalid_indexes"),
    ]

    operations = [
        migrations.RunPython(parts_of_50000, parts_of_10000),
    ]
