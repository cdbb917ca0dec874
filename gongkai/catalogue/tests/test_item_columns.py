"""An item's columns are listed once (catalogue.models.ITEM_COLUMNS): the spreadsheet layout,
the change summaries and the JSON export are made from that list."""

from __future__ import annotations

import csv
from dataclasses import fields

import pytest

from gongkai.catalogue.importing import FIELD_LABELS, ItemData
from gongkai.catalogue.models import ITEM_COLUMNS, Edition, Item
from gongkai.catalogue.tables import write_table

pytestmark = pytest.mark.django_db


def test_the_spreadsheet_header_is_the_eleven_columns_then_gongkais_own(tmp_path):
    path = write_table(Edition.objects.current(), tmp_path / "目录.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["序号", "一级事项", *(c.header for c in ITEM_COLUMNS)]
    assert header[:11] == ["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据",
                           "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式",
                           "公开层级"]  # fmt: skip


def test_the_export_and_the_change_summaries_name_every_column():
    item = Item.objects.current().get(code="05.04")
    exported = item.as_export()
    assert list(exported) == ["code", *(c.export_key or c.key for c in ITEM_COLUMNS), "local"]
    assert exported["time_limit"]["days"] == item.time_limit_days
    assert exported["five_disclosures"] == item.get_five_disclosure_display()
    assert exported["verified"] is item.is_verified
    data_fields = {f.name for f in fields(ItemData)} - {"code", "row"}
    assert set(FIELD_LABELS) == data_fields
