"""The numbers behind the dashboards, read from the pre-aggregated summary tables.

The city sees its counties (each county's whole subtree as one row); a county, township or
school supervisor sees every evaluated organisation under it. A handful of grouped queries on
``ComplianceCell`` and ``MonthlyTally``, whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, Sum

from gongkai.catalogue.models import Item
from gongkai.organisations.models import Kind, Organisation
from gongkai.supervision import compliance
from gongkai.supervision.models import ComplianceCell, MonthlyTally, State

COUNTED = (State.ON_TIME, State.LATE, State.OVERDUE, State.MISSING)


@dataclass
class Row:
    organisation: Organisation
    score: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    cells: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dashboard:
    root: Organisation
    year: int
    items: list[Item]
    rows: list[Row]
    trend: list[dict[str, Any]]
    computed_on: date | None
    by_county: bool

    @property
    def ranking(self) -> list[Row]:
        return sorted(
            (r for r in self.rows if r.score is not None),
            key=lambda r: (-(r.score or 0), r.organisation.path),
        )

    def summary(self) -> str:
        unit = "个县（市、区）" if self.by_county else "个单位"
        ranked = self.ranking
        totals = {s: sum(r.counts.get(s, 0) for r in self.rows) for s in COUNTED}
        if not ranked:
            return f"{self.year}年共{len(self.rows)}{unit}，尚无可评估的事项。"
        best, worst = ranked[0], ranked[-1]
        average = sum(r.score or 0 for r in ranked) / len(ranked)
        return (
            f"{self.year}年{self.root.display_name}共{len(self.rows)}{unit}参与评估，"
            f"平均得分{average:.1f}分；最高{best.organisation.display_name}{best.score:.1f}分，"
            f"最低{worst.organisation.display_name}{worst.score:.1f}分。"
            f"按时公开{totals[State.ON_TIME]}项，逾期发布{totals[State.LATE]}项，"
            f"超期未发布{totals[State.OVERDUE]}项，缺失{totals[State.MISSING]}项。"
        )

    def trend_summary(self) -> str:
        months = [t for t in self.trend if t["due"]]
        if not months:
            return f"{self.year}年尚无到期的信息。"
        due = sum(t["due"] for t in months)
        on_time = sum(t["on_time"] for t in months)
        low = min(months, key=lambda t: (t["rate"], t["month"]))
        return (
            f"{self.year}年已到期信息{due}条，按时公开{on_time}条，"
            f"按时率{100 * on_time / due:.1f}%；按时率最低的是{low['month']}月（{low['rate']}%）。"
        )

    def chart_data(self) -> dict[str, Any]:
        return {
            "rows": [r.organisation.display_name for r in self.rows],
            "columns": [i.code for i in self.items],
            "columnNames": [f"{i.code} {i.name}" for i in self.items],
            "values": [
                [x, y, c["score"]]
                for y, r in enumerate(self.rows)
                for x, c in enumerate(r.cells)
                if c["score"] is not None
            ],
            "trend": self.trend,
        }

    def table(self) -> list[list[Any]]:
        header = ["机构", "得分", *(f"{i.code} {i.name}" for i in self.items)]
        body = [
            [
                r.organisation.display_name,
                _fmt(r.score),
                *(_fmt(c["score"]) if c["score"] is not None else c["label"] for c in r.cells),
            ]
            for r in self.rows
        ]
        return [header, *body]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _state_counts(prefix: str = "") -> dict[str, Any]:
    return {s: Count("id", filter=Q(**{f"{prefix}state": s})) for s in COUNTED}


def ensure_summary(root: Organisation, year: int, *, today: date) -> None:
    if not ComplianceCell.objects.filter(year=year, organisation__path__under=root.path)[
        :1
    ].exists():
        compliance.refresh(root, year, today=today)


def build(root: Organisation, year: int) -> Dashboard:
    items = list(Item.objects.current().order_by("section__order", "order", "code"))
    by_county = root.kind == Kind.CITY_BUREAU
    if by_county:
        orgs = list(root.children.filter(kind=Kind.COUNTY_BUREAU, is_active=True).order_by("path"))
        cells = ComplianceCell.objects.filter(year=year, county__in=orgs)
        group = "county_id"
        tallies = MonthlyTally.objects.filter(year=year, county__in=orgs)
    else:
        orgs = compliance.evaluated_organisations(root)
        cells = ComplianceCell.objects.filter(year=year, organisation__path__under=root.path)
        group = "organisation_id"
        tallies = MonthlyTally.objects.filter(year=year, organisation__path__under=root.path)
    grid: dict[tuple[int, int], dict[str, Any]] = {}
    totals: dict[int, dict[str, Any]] = {}
    for row in cells.values(group, "item_id").annotate(
        scored=Count("score"), mean=Avg("score"), **_state_counts()
    ):
        grid[(row[group], row["item_id"])] = row
        # A row's score is the mean over its scored cells: rebuilt from the groups' sums.
        total = totals.setdefault(
            row[group], {"sum": 0.0, "scored": 0, **dict.fromkeys(COUNTED, 0)}
        )
        total["sum"] += (row["mean"] or 0) * row["scored"]
        total["scored"] += row["scored"]
        for state in COUNTED:
            total[state] += row[state]
    for total in totals.values():
        total["score"] = total["sum"] / total["scored"] if total["scored"] else None
    rows = []
    for org in orgs:
        total = totals.get(org.pk, {})
        row = Row(org, score=total.get("score"), counts={s: total.get(s, 0) for s in COUNTED})
        for item in items:
            found = grid.get((org.pk, item.pk))
            score = found["mean"] if found else None
            label = compliance.worst(s for s in COUNTED if found and found[s]) if found else ""
            row.cells.append(
                {
                    "item": item,
                    "score": score,
                    "label": State(label).label if found and score is not None else "不适用",
                    "counts": {s: found[s] for s in COUNTED} if found else {},
                }
            )
        rows.append(row)
    trend = [
        {
            "month": t["month"],
            "due": t["due"],
            "on_time": t["on_time"],
            "late": t["late"],
            "overdue": t["overdue"],
            "rate": round(100 * t["on_time"] / t["due"], 1) if t["due"] else None,
        }
        for t in tallies.values("month")
        .annotate(due=Sum("due"), on_time=Sum("on_time"), late=Sum("late"), overdue=Sum("overdue"))
        .order_by("month")
    ]
    computed = cells.order_by().values_list("computed_on", flat=True).first()
    return Dashboard(root, year, items, rows, trend, computed, by_county)
