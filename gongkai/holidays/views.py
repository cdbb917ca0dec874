"""The 节假日安排 page: see each year's calendar, paste or upload the State Council's notice,
preview what it says (and which deadlines it moves), load it on confirmation."""

from __future__ import annotations

import calendar as months
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import role_required
from gongkai.core import calendar
from gongkai.core.actors import signed_in
from gongkai.core.calendar.notice import ParsedNotice, parse_notice_text
from gongkai.core.models import CalendarYear
from gongkai.holidays.forms import ConfirmForm, NoticeForm
from gongkai.holidays.permissions import check_can_load_calendar
from gongkai.holidays.reminders import missing_notice_reminder


@dataclass(frozen=True)
class Cell:
    day: date | None
    kind: str = ""  # off / work / weekend / ""
    label: str = ""


def year_grid(year: int, kind_of: Callable[[date], tuple[str, str]]) -> list[dict[str, object]]:
    """Twelve months of weeks (Monday first) with each day's kind and label."""
    out = []
    for month in range(1, 13):
        weeks = [
            [Cell(d, *kind_of(d)) if d.month == month else Cell(None) for d in week]
            for week in months.Calendar().monthdatescalendar(year, month)
        ]
        out.append({"month": month, "weeks": weeks})
    return out


def _loaded_kind(day: date) -> tuple[str, str]:
    info = calendar.day_info(day)
    if info.is_adjusted:
        return "work", "上班"
    if info.is_holiday:
        return "off", info.reason
    return ("weekend", "") if day.weekday() >= 5 else ("", "")


def _notice_kind(parsed: ParsedNotice) -> Callable[[date], tuple[str, str]]:
    holidays, workdays = parsed.holidays, parsed.workdays

    def kind(day: date) -> tuple[str, str]:
        if day in workdays:
            return "work", "上班"
        if day in holidays:
            return "off", holidays[day]
        return ("weekend", "") if day.weekday() >= 5 else ("", "")

    return kind


@role_required(Role.SYSTEM_ADMIN)
def calendar_home(request: HttpRequest) -> HttpResponse:
    check_can_load_calendar(request.user)
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview(request, form.cleaned_data["text"])
    today = timezone.localdate()
    return render(
        request,
        "holidays/calendar.html",
        {
            "form": form,
            "years": CalendarYear.objects.order_by("-year"),
            "reminder": missing_notice_reminder(today),
            "next_year": today.year + 1,
            "next_loaded": calendar.is_loaded(today.year + 1),
        },
    )


def _preview(request: HttpRequest, text: str) -> HttpResponse:
    parsed = parse_notice_text(text)
    context: dict[str, object] = {"parsed": parsed, "confirm": ConfirmForm(initial={"text": text})}
    if parsed.year is not None and parsed.holidays:
        context["grid"] = year_grid(parsed.year, _notice_kind(parsed))
        context["replaces"] = calendar.is_loaded(parsed.year)
    if parsed.can_load:
        context["moves"] = calendar.loading.preview_load(parsed.as_year_notice())
    return render(request, "holidays/preview.html", context)


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def load(request: HttpRequest) -> HttpResponse:
    check_can_load_calendar(request.user)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "没有收到通知内容，请重新粘贴。")
        return redirect("holidays:calendar")
    parsed = parse_notice_text(form.cleaned_data["text"])
    if not parsed.can_load or parsed.year is None:
        return _preview(request, form.cleaned_data["text"])
    result = calendar.load_notice(parsed.as_year_notice(), by=signed_in(request, User))
    summary = f"已导入 {parsed.year} 年节假日安排。"
    if result.moved:
        summary += f"重新计算后有 {len(result.moved)} 项期限变动，已通知相关人员："
        summary += "；".join(m.sentence for m in result.moved[:20])
        summary += "……" if len(result.moved) > 20 else "。"
    else:
        summary += "没有期限因此变动；此前暂定的期限现已确定。"
    messages.success(request, summary)
    return redirect("holidays:year", year=parsed.year)


@role_required(Role.SYSTEM_ADMIN)
def year_view(request: HttpRequest, year: int) -> HttpResponse:
    check_can_load_calendar(request.user)
    if not 2000 <= year <= 2099:
        raise Http404("没有这一年的日历。")
    loaded = CalendarYear.objects.filter(year=year).first()
    try:
        grid = year_grid(year, _loaded_kind)
    except calendar.CalendarNotLoaded as exc:
        raise Http404(str(exc)) from exc
    context: dict[str, object] = {"year": year, "loaded": loaded, "grid": grid}
    if loaded is None:
        context["basis"] = calendar.statutory.provisional_year(year).basis
    return render(request, "holidays/year.html", context)
