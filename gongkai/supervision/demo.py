"""Demo data for supervision (runs last, after the records of the other apps' demos): the
scoring scheme, the compliance summary for this year and last, and a draft annual report of
the demo county for last year. Safe to run twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.organisations.models import Kind, Organisation
from gongkai.supervision import annual, compliance


def seed(command: BaseCommand) -> None:
    compliance.current_scheme()
    city = Organisation.objects.filter(kind=Kind.CITY_BUREAU).order_by("path").first()
    if city is None:
        return
    today = timezone.localdate()
    for year in (today.year - 1, today.year):
        try:
            compliance.refresh(city, year, today=today)
        except CalendarNotLoaded as exc:
            command.stdout.write(f"supervision: {year} 年未计算（{exc}）")
    county = Organisation.objects.of_kind(Kind.COUNTY_BUREAU).order_by("path").first()
    clerk = User.objects.filter(username="county_clerk").first()
    if county is not None:
        annual.draft_report(county, today.year - 1, by=clerk)
