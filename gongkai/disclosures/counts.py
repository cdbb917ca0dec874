"""Counting records by five-disclosure class (决策/执行/管理/服务/结果), for supervision."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from gongkai.catalogue.models import FiveDisclosure
from gongkai.records.models import Record


def five_disclosure_counts(
    *, records: Any = None, organisations: Any = None
) -> dict[int, dict[str, int]]:
    """``{organisation id: {class: count}}`` over ``records`` (default: every published,
    not withdrawn, proactive record), optionally only for ``organisations`` (a queryset or
    list of organisations). Every class appears for every organisation that has records, with
    0 where it has none, so "no 决策 records" is a visible zero rather than a missing key."""
    qs = Record.objects.published() if records is None else records
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    result: dict[int, dict[str, int]] = {}
    rows = qs.order_by().values("organisation_id", "five_disclosure").annotate(n=Count("pk"))
    for row in rows:
        per = result.setdefault(row["organisation_id"], dict.fromkeys(FiveDisclosure.values, 0))
        per[row["five_disclosure"]] = row["n"]
    return result
