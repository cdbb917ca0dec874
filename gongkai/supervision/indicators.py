"""The indicator registry: every indicator the scores can weigh, in one explicit list.

An indicator is a function ``(org_ids, start, end) -> {org_id: (numerator, denominator)}``.
An organisation missing from the result has no data for it (not a zero). The data comes
from each app's own QuerySet methods (supervision only reads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from gongkai.organisations.models import Kind as OrgKind
from gongkai.organisations.models import Organisation
from gongkai.records.models import Disclosure, Kind, Record, Status

Ratio = dict[int, tuple[int, int]]
IndicatorFn = Callable[[list[int], date, date], Ratio]


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    weight: int
    compute: IndicatorFn


def publication_on_time(org_ids: list[int], start: date, end: date) -> Ratio:
    """Records due in the window that were published by their deadline."""
    published = Q(current_version__isnull=False, published_at__isnull=False)
    from django.db.models import F

    rows = (
        Record.objects.filter(
            organisation_id__in=org_ids,
            disclosure=Disclosure.PROACTIVE,
            due_on__gte=start,
            due_on__lte=end,
        )
        .exclude(status=Status.WITHDRAWN)
        .values("organisation_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=published & Q(published_at__date__lte=F("due_on"))),
        )
    )
    return {r["organisation_id"]: (r["on_time"], r["due"]) for r in rows}


def interpretation_coverage(org_ids: list[int], start: date, end: date) -> Ratio:
    """Published records of items that need an interpretation (谁起草、谁解读) which have a
    published interpretation."""
    rows = (
        Record.objects.filter(
            organisation_id__in=org_ids,
            item__needs_interpretation=True,
            current_version__isnull=False,
            published_at__date__gte=start,
            published_at__date__lte=end,
        )
        .exclude(kind=Kind.INTERPRETATION)
        .exclude(status=Status.WITHDRAWN)
        .values("organisation_id")
        .annotate(
            total=Count("id", distinct=True),
            covered=Count(
                "id",
                distinct=True,
                filter=Q(interpretations__record__current_version__isnull=False),
            ),
        )
    )
    return {r["organisation_id"]: (r["covered"], r["total"]) for r in rows}


def application_on_time(org_ids: list[int], start: date, end: date) -> Ratio:
    """Applications answered in the window within the statutory limit (late_by == 0)."""
    from gongkai.applications.models import Application

    rows = (
        Application.objects.counted()
        .filter(organisation_id__in=org_ids, replied_on__gte=start, replied_on__lte=end)
        .values("organisation_id")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(late_by=0)))
    )
    return {r["organisation_id"]: (r["on_time"], r["total"]) for r in rows}


def concern_on_time(org_ids: list[int], start: date, end: date) -> Ratio:
    """Clocks of concerns discovered in the window (5 h / 24 h / 48 h, by level) met on time,
    out of those met, met late or open past their deadline (running clocks are not judged)."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from gongkai.concerns.models import Concern

    tz = timezone.get_current_timezone()
    stats = Concern.objects.on_time_stats(
        Organisation.objects.filter(pk__in=org_ids),
        datetime.combine(start, time.min, tz),
        datetime.combine(end + timedelta(days=1), time.min, tz),
    )
    ratio: dict[int, tuple[int, int]] = {}
    for row in stats:
        met, judged = ratio.get(row.organisation.pk, (0, 0))
        ratio[row.organisation.pk] = (met + row.met, judged + row.met + row.late + row.open_overdue)
    return {org: pair for org, pair in ratio.items() if pair[1]}


def consultation_feedback(org_ids: list[int], start: date, end: date) -> Ratio:
    """Consultations closed in the window whose adoption feedback (采纳情况反馈) is out."""
    from gongkai.consultations.models import Consultation

    rows = Consultation.objects.filter(organisation_id__in=org_ids).feedback_rates(start, end)
    return {r["organisation"]: (r["with_feedback"], r["ended"]) for r in rows}


def mailbox_on_time(org_ids: list[int], start: date, end: date) -> Ratio:
    """Mailbox messages received in the window answered by their working-day deadline."""
    from gongkai.consultations.models import Message

    rows = Message.objects.filter(organisation_id__in=org_ids).reply_rates(start, end)
    return {r["organisation"]: (r["on_time"], r["received"]) for r in rows}


REGISTRY: tuple[Indicator, ...] = (
    Indicator("publication_on_time", "主动公开按时率", 60, publication_on_time),
    Indicator("interpretation_coverage", "政策解读同步率", 10, interpretation_coverage),
    Indicator("application_on_time", "依申请公开按时答复率", 10, application_on_time),
    Indicator("concern_on_time", "舆情按时回应率", 10, concern_on_time),
    Indicator("consultation_feedback", "意见征集反馈率", 5, consultation_feedback),
    Indicator("mailbox_on_time", "留言按时答复率", 5, mailbox_on_time),
)
BY_NAME = {i.name: i for i in REGISTRY}


def evaluate(
    org_ids: list[int],
    start: date,
    end: date,
    *,
    weights: dict[str, int] | None = None,
    indicators: Iterable[Indicator] = REGISTRY,
) -> dict[int, dict[str, object]]:
    """Per organisation: each indicator's rate (None = no data) and a weighted score over the
    indicators that have data (weights of indicators without data are left out, not zeroed)."""
    weights = weights or {}
    chosen = list(indicators)
    results = {i.name: i.compute(org_ids, start, end) for i in chosen}
    out: dict[int, dict[str, object]] = {}
    for org_id in org_ids:
        rates: dict[str, float | None] = {}
        total = weight_sum = 0.0
        for indicator in chosen:
            num, den = results[indicator.name].get(org_id, (0, 0))
            rate = 100.0 * num / den if den else None
            rates[indicator.name] = rate
            if rate is not None:
                weight = weights.get(indicator.name, indicator.weight)
                total += weight * rate
                weight_sum += weight
        out[org_id] = {"rates": rates, "score": total / weight_sum if weight_sum else None}
    return out


def for_rows(
    root: Organisation, year: int, *, weights: dict[str, int] | None = None
) -> list[dict[str, object]]:
    """The indicators per dashboard row: the city's counties (each county's subtree summed),
    or every evaluated organisation under a county."""
    from gongkai.supervision.compliance import evaluated_organisations

    orgs = evaluated_organisations(root)
    by_county = root.kind == OrgKind.CITY_BUREAU
    if by_county:
        rows = list(root.children.filter(kind=OrgKind.COUNTY_BUREAU).order_by("path"))
        owner = {o.pk: next((c.pk for c in rows if o.path.startswith(c.path)), None) for o in orgs}
    else:
        rows = orgs
        owner = {o.pk: o.pk for o in orgs}
    start, end = date(year, 1, 1), date(year, 12, 31)
    ids = [o.pk for o in orgs]
    sums: dict[str, dict[int, list[int]]] = {}
    for indicator in REGISTRY:
        totals: dict[int, list[int]] = {}
        for org_id, (num, den) in indicator.compute(ids, start, end).items():
            row_id = owner.get(org_id)
            if row_id is not None:
                pair = totals.setdefault(row_id, [0, 0])
                pair[0] += num
                pair[1] += den
        sums[indicator.name] = totals
    weights = weights or {}
    out: list[dict[str, object]] = []
    for row in rows:
        rates: list[float | None] = []
        total = weight_sum = 0.0
        for indicator in REGISTRY:
            num, den = sums[indicator.name].get(row.pk, [0, 0])
            rate = 100.0 * num / den if den else None
            rates.append(rate)
            if rate is not None:
                weight = weights.get(indicator.name, indicator.weight)
                total += weight * rate
                weight_sum += weight
        score = total / weight_sum if weight_sum else None
        out.append({"organisation": row, "rates": rates, "score": score})
    return out
