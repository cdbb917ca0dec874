"""Numbers for the annual report (国办公开办函〔2021〕30号): 表三, 表四 and the on-time rate.

Read-only over applications; the supervision app calls these. An application belongs to the
year by its received date (r1/r2/r4) and to a result row by the year it was closed (r3_*), so
``r1 + r2 == r3_7 + r4`` holds in every column. Registrations voided as mistakes never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from gongkai.applications import categories
from gongkai.applications.models import (
    ApplicantKind,
    Application,
    Remedy,
    RemedyKind,
    RemedyOutcome,
)

COLUMNS: tuple[str, ...] = tuple(ApplicantKind.values)  # natural, business, … other
RESULT_ROWS: tuple[str, ...] = tuple(c.row for c in categories.CATEGORIES)
ROWS: tuple[str, ...] = ("r1", "r2", *RESULT_ROWS, "r3_7", "r4")
OUTCOMES: tuple[str, ...] = (
    RemedyOutcome.UPHELD,
    RemedyOutcome.CORRECTED,
    RemedyOutcome.OTHER,
    RemedyOutcome.PENDING,
)


@dataclass(frozen=True)
class TableThree:
    """``cells[row][column]``; columns are ``COLUMNS`` plus ``"total"``."""

    cells: dict[str, dict[str, int]]

    def __getitem__(self, row: str) -> dict[str, int]:
        return self.cells[row]


def _by_kind(queryset: Any) -> dict[str, int]:
    counts = dict(queryset.values_list("applicant_kind").annotate(n=Count("pk")).order_by())
    row = {kind: counts.get(kind, 0) for kind in COLUMNS}
    row["total"] = sum(row.values())
    return row


def table_three(organisation: Any, year: int) -> TableThree:
    """年报表三 for applications received by ``organisation`` (not its subtree)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    mine = Application.objects.counted().filter(organisation=organisation)
    cells: dict[str, dict[str, int]] = {}
    cells["r1"] = _by_kind(mine.filter(received_on__gte=start, received_on__lte=end))
    cells["r2"] = _by_kind(
        mine.filter(received_on__lt=start).filter(
            Q(replied_on__isnull=True) | Q(replied_on__gte=start)
        )
    )
    closed = mine.filter(replied_on__gte=start, replied_on__lte=end)
    per_row: dict[str, dict[str, int]] = {row: dict.fromkeys(COLUMNS, 0) for row in RESULT_ROWS}
    rows = closed.values_list("reply_category", "applicant_kind").annotate(n=Count("pk"))
    for category, kind, n in rows.order_by():
        per_row[categories.row_for(category)][kind] += n
    for row in RESULT_ROWS:
        cells[row] = {**per_row[row], "total": sum(per_row[row].values())}
    cells["r3_7"] = {col: sum(cells[r][col] for r in RESULT_ROWS) for col in (*COLUMNS, "total")}
    cells["r4"] = _by_kind(
        mine.filter(received_on__lte=end).filter(Q(replied_on__isnull=True) | Q(replied_on__gt=end))
    )
    return TableThree(cells)


def table_four(organisation: Any, year: int) -> dict[str, dict[str, int]]:
    """年报表四: ``{kind: {outcome: n, "total": n}}`` for remedies filed in ``year``; an
    outcome decided after the year counts as 尚未审结 for that year."""
    end = date(year, 12, 31)
    remedies = Remedy.objects.filter(
        application__organisation=organisation, filed_on__year=year
    ).exclude(application__status="void")
    table = {kind: {**dict.fromkeys(OUTCOMES, 0), "total": 0} for kind in RemedyKind.values}
    for remedy in remedies.only("kind", "outcome", "decided_on"):
        decided = remedy.decided_on is not None and remedy.decided_on <= end
        outcome = remedy.outcome if decided else RemedyOutcome.PENDING
        table[remedy.kind][outcome] += 1
        table[remedy.kind]["total"] += 1
    return table


@dataclass(frozen=True)
class OnTimeRate:
    replied: int
    on_time: int

    @property
    def late(self) -> int:
        return self.replied - self.on_time

    @property
    def rate(self) -> float | None:
        """Share answered within the statutory period; None when nothing was answered."""
        return self.on_time / self.replied if self.replied else None


def on_time_rate(organisation: Any, year: int) -> OnTimeRate:
    """Applications answered in ``year`` that had a running clock (closures as abandoned,
    which have no reply period, are left out)."""
    answered = Application.objects.counted().filter(
        organisation=organisation, replied_on__year=year, due_on__isnull=False
    )
    totals = answered.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(late_by=0)))
    return OnTimeRate(replied=totals["n"], on_time=totals["ok"])
