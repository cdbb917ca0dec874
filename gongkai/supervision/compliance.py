"""The compliance engine: for each organisation, each item that applies to it and each period
the item recurs in, one state — on time, late (by N working days, holidays skipped), overdue,
missing, pending or not applicable (with a reason).

Set-based: one grouped query over the records of the whole subtree gives counts per
(organisation, item, half-year); a second one fetches only the late records to count their
working days. Nothing is queried per cell. ``refresh`` stores the result as ``ComplianceCell``
and ``MonthlyTally`` rows, which the dashboards read.

Periods (``Item.recurrence``):
- one-off: one period; records formed at any time up to the year's end count.
- yearly and per-event: the calendar year of ``formed_on``.
- per semester: S1 = 1 January–31 July (spring semester and summer), S2 = 1 August–31 December.
An event item with no record in the year is not applicable ("no event happened") rather than
missing: nothing says an event must occur. A yearly or semester item with no record is missing
once its period has ended, pending before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gongkai.catalogue.models import Item, Recurrence
from gongkai.core.calendar import WorkdayIndex
from gongkai.organisations.models import Kind, Organisation
from gongkai.records.models import Disclosure, Record, Status
from gongkai.supervision.models import (
    SEVERITY,
    ApplicabilityOverride,
    ComplianceCell,
    MonthlyTally,
    ScoringScheme,
    State,
)

EVALUATED_KINDS = (Kind.COUNTY_BUREAU, Kind.TOWNSHIP, Kind.SCHOOL)
PERIOD_LABELS = {"": "全年", "S1": "春季学期", "S2": "秋季学期"}


@dataclass
class Cell:
    organisation_id: int
    item_id: int
    period: str
    state: str
    reason: str = ""
    records: int = 0
    late_days: int = 0
    overdue_days: int = 0
    score: float | None = None

    @property
    def label(self) -> str:
        text = State(self.state).label
        if self.state == State.LATE:
            return f"{text} {self.late_days} 个工作日"
        if self.state == State.OVERDUE:
            return f"{text}（已超 {self.overdue_days} 个工作日）"
        return text


@dataclass
class _Tally:
    total: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    earliest_unpublished_due: date | None = None
    late_days: int = 0


def evaluated_organisations(root: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.subtree(root)
        .active()
        .of_kind(*EVALUATED_KINDS)
        .only("id", "kind", "path", "code", "name", "short_name", "parent_id")
    )


def _county_of(org: Organisation, counties: dict[str, int]) -> int | None:
    parts = org.path.strip("/").split("/")
    for depth in range(len(parts), 0, -1):
        county = counties.get("/" + "/".join(parts[:depth]) + "/")
        if county is not None:
            return county
    return None


def _items() -> list[Item]:
    return list(Item.objects.current().select_related("organisation", "section"))


def _applies(item: Item, org: Organisation) -> bool:
    level = {Kind.COUNTY_BUREAU: "县级", Kind.TOWNSHIP: "乡级", Kind.SCHOOL: "乡级"}.get(
        Kind(org.kind)
    )
    local_to = item.organisation
    if local_to is not None and not org.path.startswith(local_to.path):
        return False
    return level in item.level


def periods(item: Item, year: int) -> list[tuple[str, date]]:
    """(period, the day the period closes) for one year."""
    if item.recurrence == Recurrence.SEMESTER:
        return [("S1", date(year, 7, 31)), ("S2", date(year, 12, 31))]
    return [("", date(year, 12, 31))]


def _tallies(
    org_ids: list[int], item_map: dict[int, int], year: int, today: date, index: WorkdayIndex
) -> dict[tuple[int, int, int], _Tally]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    published = Q(current_version__isnull=False)
    on_time = (
        published
        & Q(published_at__isnull=False)
        & (Q(due_on__isnull=True) | Q(published_at__date__lte=F("due_on")))
    )
    late = published & (Q(published_at__isnull=True) | Q(published_at__date__gt=F("due_on")))
    unpublished = Q(current_version__isnull=True)
    base = (
        Record.objects.filter(organisation_id__in=org_ids, disclosure=Disclosure.PROACTIVE)
        .exclude(status=Status.WITHDRAWN)
        .filter(
            Q(item__recurrence=Recurrence.ONE_OFF, formed_on__lte=end)
            | Q(formed_on__gte=start, formed_on__lte=end)
        )
        .annotate(
            half=Case(
                When(formed_on__lt=start, then=Value(0)),
                When(formed_on__month__lte=7, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    )
    rows = base.values("organisation_id", "item_id", "half").annotate(
        total=Count("id"),
        on_time=Count("id", filter=on_time),
        late=Count("id", filter=late),
        overdue=Count("id", filter=unpublished & Q(due_on__lt=today)),
        pending=Count("id", filter=unpublished & (Q(due_on__gte=today) | Q(due_on__isnull=True))),
        first_due=Min("due_on", filter=unpublished),
    )
    out: dict[tuple[int, int, int], _Tally] = defaultdict(_Tally)
    for row in rows:
        item_id = item_map.get(row["item_id"])
        if item_id is None:
            continue
        tally = out[(row["organisation_id"], item_id, row["half"])]
        tally.total += row["total"]
        tally.on_time += row["on_time"]
        tally.late += row["late"]
        tally.overdue += row["overdue"]
        tally.pending += row["pending"]
        if row["first_due"] and (
            tally.earliest_unpublished_due is None
            or row["first_due"] < tally.earliest_unpublished_due
        ):
            tally.earliest_unpublished_due = row["first_due"]
    late_rows = base.filter(published_at__isnull=False, due_on__isnull=False).filter(late)
    for org_id, item_id, half, due_on, published_at in late_rows.values_list(
        "organisation_id", "item_id", "half", "due_on", "published_at"
    ):
        current = item_map.get(item_id)
        if current is None or due_on is None or published_at is None:
            continue
        days = index.between(due_on, _local_date(published_at))
        tally = out[(org_id, current, half)]
        tally.late_days = max(tally.late_days, days)
    return out


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _combine(parts: Iterable[_Tally]) -> _Tally:
    total = _Tally()
    for part in parts:
        total.total += part.total
        total.on_time += part.on_time
        total.late += part.late
        total.overdue += part.overdue
        total.pending += part.pending
        total.late_days = max(total.late_days, part.late_days)
        if part.earliest_unpublished_due and (
            total.earliest_unpublished_due is None
            or part.earliest_unpublished_due < total.earliest_unpublished_due
        ):
            total.earliest_unpublished_due = part.earliest_unpublished_due
    return total


def _state(
    item: Item, tally: _Tally, closes_on: date, today: date, index: WorkdayIndex
) -> tuple[str, str, int]:
    """(state, reason, overdue working days) of one period."""
    if tally.overdue:
        due = tally.earliest_unpublished_due or today
        return State.OVERDUE, "", index.between(due, today)
    if tally.late:
        return State.LATE, "", 0
    if tally.on_time:
        return State.ON_TIME, "", 0
    if tally.pending:
        return State.PENDING, "信息已形成，尚在公开时限内", 0
    if item.recurrence == Recurrence.EVENT:
        return State.NOT_APPLICABLE, "随时公开事项：本期未发生需公开的事项", 0
    if item.recurrence == Recurrence.ONE_OFF or closes_on < today:
        return State.MISSING, "", 0
    return State.PENDING, "本期尚未结束", 0


@dataclass
class Evaluation:
    year: int
    today: date
    organisations: list[Organisation]
    items: list[Item]
    cells: list[Cell] = field(default_factory=list)
    county_of: dict[int, int | None] = field(default_factory=dict)


def evaluate(
    root: Organisation, year: int, *, today: date, scheme: ScoringScheme | None = None
) -> Evaluation:
    scheme = scheme or current_scheme()
    orgs = evaluated_organisations(root)
    items = _items()
    by_key = {i.key: i.pk for i in items}
    item_map = {
        pk: by_key[key] for pk, key in Item.objects.filter(key__in=by_key).values_list("pk", "key")
    }
    index = WorkdayIndex(date(year - 1, 1, 1), max(today, date(year, 12, 31)))
    org_ids = [o.pk for o in orgs]
    tallies = _tallies(org_ids, item_map, year, today, index)
    overrides = {
        (o.organisation_id, o.item_key): o
        for o in ApplicabilityOverride.objects.filter(organisation_id__in=org_ids)
    }
    counties = {
        path: pk
        for pk, path in Organisation.objects.filter(kind=Kind.COUNTY_BUREAU).values_list(
            "pk", "path"
        )
    }
    result = Evaluation(year=year, today=today, organisations=orgs, items=items)
    for org in orgs:
        result.county_of[org.pk] = _county_of(org, counties)
        for item in items:
            override = overrides.get((org.pk, item.key))
            applies = override.is_applicable if override else _applies(item, org)
            for period, closes_on in periods(item, year):
                if not applies:
                    reason = override.reason if override else "按公开层级不适用"
                    result.cells.append(
                        Cell(org.pk, item.pk, period, State.NOT_APPLICABLE, reason=reason)
                    )
                    continue
                halves = {"S1": (1,), "S2": (2,)}.get(period) or (
                    (0, 1, 2) if item.recurrence == Recurrence.ONE_OFF else (1, 2)
                )
                tally = _combine(
                    tallies[(org.pk, item.pk, h)] for h in halves if (org.pk, item.pk, h) in tallies
                )
                state, reason, overdue_days = _state(item, tally, closes_on, today, index)
                cell = Cell(
                    org.pk,
                    item.pk,
                    period,
                    state,
                    reason=reason,
                    records=tally.total,
                    late_days=tally.late_days if state == State.LATE else 0,
                    overdue_days=overdue_days,
                )
                cell.score = scheme.cell_score(cell.state, cell.late_days)
                result.cells.append(cell)
    return result


def current_scheme() -> ScoringScheme:
    scheme = ScoringScheme.objects.order_by("pk").first()
    return scheme or ScoringScheme.objects.create()


def worst(states: Iterable[str]) -> str:
    present = set(states)
    for state in SEVERITY:
        if state in present:
            return state
    return State.NOT_APPLICABLE


def refresh(root: Organisation, year: int, *, today: date) -> Evaluation:
    """Recompute and store the summary of ``root``'s subtree for ``year``."""
    evaluation = evaluate(root, year, today=today)
    org_ids = [o.pk for o in evaluation.organisations]
    monthly = _monthly(org_ids, year, today)
    with transaction.atomic():
        ComplianceCell.objects.filter(year=year, organisation_id__in=org_ids).delete()
        ComplianceCell.objects.bulk_create(
            (
                ComplianceCell(
                    year=year,
                    organisation_id=c.organisation_id,
                    county_id=evaluation.county_of.get(c.organisation_id),
                    item_id=c.item_id,
                    period=c.period,
                    state=c.state,
                    reason=c.reason[:300],
                    records=c.records,
                    late_days=c.late_days,
                    overdue_days=c.overdue_days,
                    score=c.score,
                    computed_on=today,
                )
                for c in evaluation.cells
            ),
            batch_size=5000,
        )
        MonthlyTally.objects.filter(year=year, organisation_id__in=org_ids).delete()
        MonthlyTally.objects.bulk_create(
            (
                MonthlyTally(
                    year=year,
                    month=row["month"],
                    organisation_id=row["organisation_id"],
                    county_id=evaluation.county_of.get(row["organisation_id"]),
                    due=row["due"],
                    on_time=row["on_time"],
                    late=row["late"],
                    overdue=row["overdue"],
                )
                for row in monthly
            ),
            batch_size=5000,
        )
    return evaluation


def _monthly(org_ids: list[int], year: int, today: date) -> list[dict]:
    published = Q(current_version__isnull=False, published_at__isnull=False)
    return list(
        Record.objects.filter(
            organisation_id__in=org_ids,
            disclosure=Disclosure.PROACTIVE,
            due_on__year=year,
            due_on__lte=today,
        )
        .exclude(status=Status.WITHDRAWN)
        .annotate(month=ExtractMonth("due_on"))
        .values("organisation_id", "month")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=published & Q(published_at__date__lte=F("due_on"))),
            late=Count("id", filter=published & Q(published_at__date__gt=F("due_on"))),
            overdue=Count("id", filter=Q(current_version__isnull=True)),
        )
    )


def records_behind(
    root: Organisation, item: Item | None, state: str, year: int, *, today: date
) -> QuerySet[Record]:
    """The records behind a number: drill-down from a cell, a row or a column."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    qs = (
        Record.objects.filter(organisation__path__under=root.path, disclosure=Disclosure.PROACTIVE)
        .exclude(status=Status.WITHDRAWN)
        .filter(
            Q(item__recurrence=Recurrence.ONE_OFF, formed_on__lte=end)
            | Q(formed_on__gte=start, formed_on__lte=end)
        )
        .select_related("organisation", "item")
        .order_by("organisation__path", "item__code", "formed_on")
    )
    if item is not None:
        qs = qs.filter(item__key=item.key)
    if state == State.ON_TIME:
        qs = qs.filter(current_version__isnull=False, published_at__date__lte=F("due_on"))
    elif state == State.LATE:
        qs = qs.filter(current_version__isnull=False).filter(
            Q(published_at__isnull=True) | Q(published_at__date__gt=F("due_on"))
        )
    elif state == State.OVERDUE:
        qs = qs.filter(current_version__isnull=True, due_on__lt=today)
    elif state == State.PENDING:
        qs = qs.filter(current_version__isnull=True, due_on__gte=today)
    return qs
