"""Staff pages of supervision. Thin: fetch and authorise, call one function, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import organisations_for, role_required
from gongkai.catalogue.models import Item
from gongkai.core.actors import signed_in
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.organisations.models import Organisation
from gongkai.supervision import (
    annual,
    compliance,
    dashboard,
    exports,
    indicators,
    inspection,
    services,
)
from gongkai.supervision import permissions as can
from gongkai.supervision.annual.document import outline
from gongkai.supervision.forms import (
    SCHEME_FORM_FIELDS,
    AnnualReportForm,
    ApplicabilityForm,
    SchemeForm,
)
from gongkai.supervision.models import AnnualReport, ApplicabilityOverride, Digest, State

SUPERVISOR = Role.SUPERVISOR


def _year(request: HttpRequest) -> int:
    default = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        raise Http404("年份无效。") from None
    if not 2000 <= year <= default + 1:
        raise Http404("年份无效。")
    return year


def _board(request: HttpRequest) -> dashboard.Dashboard:
    root = can.get_supervised(request.user, request.GET.get("org"))
    year = _year(request)
    dashboard.ensure_summary(root, year, today=timezone.localdate())
    return dashboard.build(root, year)


@role_required(SUPERVISOR)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    board = _board(request)
    context = {"board": board, "records_url": reverse("supervision:records")}
    return render(request, "supervision/dashboard.html", context)


@role_required(SUPERVISOR)
@require_POST
def refresh_view(request: HttpRequest) -> HttpResponse:
    root = can.get_supervised(request.user, request.POST.get("org"))
    year = _year(request)
    compliance.refresh(root, year, today=timezone.localdate())
    messages.success(request, "已按最新数据重新计算。")
    return redirect(f"{reverse('supervision:dashboard')}?org={root.code}&year={year}")


@role_required(SUPERVISOR)
def records_view(request: HttpRequest) -> HttpResponse:
    root = can.get_supervised(request.user, request.GET.get("org"))
    year = _year(request)
    code = request.GET.get("item")
    item = get_object_or_404(Item.objects.current(), code=code) if code else None
    state = request.GET.get("state", "")
    if state and state not in State.values:
        raise Http404("状态无效。")
    rows = compliance.records_behind(root, item, state, year, today=timezone.localdate())[:500]
    context = {"root": root, "item": item, "state": State(state) if state else None}
    return render(request, "supervision/records.html", {**context, "rows": rows, "year": year})


@role_required(SUPERVISOR)
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    board = _board(request)
    name = f"compliance-{board.root.code}-{board.year}"
    if fmt == "xlsx":
        ranking = [["名次", "机构", "得分"]] + [
            [n, r.organisation.display_name, round(r.score or 0, 1)]
            for n, r in enumerate(board.ranking, 1)
        ]
        body = exports.xlsx_workbook([("合规情况", board.table()), ("排名", ranking)])
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        body = exports.pdf_document(
            [("title", f"{board.root.name}{board.year}年政务公开合规情况"),
             ("text", board.summary()), ("table", board.table())],
            landscape_page=True,
        )  # fmt: skip
        content_type = "application/pdf"
    else:
        raise Http404("不支持的格式。")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(SUPERVISOR)
def scheme_view(request: HttpRequest) -> HttpResponse:
    if not can.can_edit_scheme(request.user):
        raise PermissionDenied("评分方案由市局监督评估人员设置。")
    scheme = compliance.current_scheme()
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in [*SCHEME_FORM_FIELDS, "weights"]}
        try:
            services.update_scheme(
                compliance.current_scheme(), by=signed_in(request, User), **changes
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "评分方案已保存；重新计算后生效。")
            return redirect("supervision:scheme")
    context = {"form": form, "indicators": indicators.REGISTRY}
    return render(request, "supervision/scheme.html", context)


@role_required(SUPERVISOR)
def inspection_view(request: HttpRequest) -> HttpResponse:
    root = can.get_supervised(request.user, request.GET.get("org"))
    report = inspection.inspect(root, today=timezone.localdate())
    return render(request, "supervision/inspection.html", {"root": root, "report": report})


def _report_year(request: HttpRequest) -> int:
    default = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        raise Http404("年份无效。") from None
    if not 2008 <= year <= default + 1:  # the 条例 took effect in 2008
        raise Http404("年份无效。")
    return year


def _to_report(code: str, year: int) -> HttpResponse:
    return redirect(f"{reverse('supervision:annual', args=[code])}?year={year}")


def _report_org(request: HttpRequest, code: str) -> Organisation:
    org = get_object_or_404(Organisation, code=code)
    if not can.can_write_annual_report(request.user, org):
        raise PermissionDenied("您不能编写该机构的年度报告。")
    return org


@role_required(SUPERVISOR, Role.CLERK)
def annual_list_view(request: HttpRequest) -> HttpResponse:
    """Every body whose annual report the user writes or checks, with the report's state."""
    year = _report_year(request)
    rows = can.annual_report_organisations(request.user)
    reports = {
        r.organisation_id: r for r in AnnualReport.objects.filter(organisation__in=rows, year=year)
    }
    entries = [(org, reports.get(org.pk)) for org in rows]
    context = {"year": year, "entries": entries, "is_supervisor": can.is_supervisor(request.user)}
    return render(request, "supervision/annual_list.html", context)


@role_required(SUPERVISOR, Role.CLERK)
def annual_view(request: HttpRequest, code: str) -> HttpResponse:
    org = _report_org(request, code)
    year = _report_year(request)
    report = AnnualReport.objects.filter(organisation=org, year=year).first()
    context: dict[str, Any] = {"org": org, "year": year, "report": report}
    context["is_supervisor"] = can.is_supervisor(request.user)
    if report is None:
        if request.method == "POST":
            annual.draft_report(org, year, by=signed_in(request, User))
            return _to_report(code, year)
        return render(request, "supervision/annual.html", context)
    form = AnnualReportForm(request.POST or None, initial=_initial(report))
    if request.method == "POST" and form.is_valid():
        try:
            annual.save_report(
                report, by=signed_in(request, User), sections=form.sections(), manual=form.manual(),
                recompute="recompute" in request.POST,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "年度报告已保存。")
            return _to_report(code, year)
    context["form"] = form
    context["outline"] = outline(report)
    context["stale"] = annual.stale_numbers(report) if report.status == "draft" else []
    context["can_file"] = can.can_file_annual_report(request.user, org)
    return render(request, "supervision/annual.html", context)


def _initial(report: AnnualReport) -> dict[str, Any]:
    two = report.tables.get("two", {})
    initial: dict[str, Any] = {f"section_{k}": v for k, v in report.sections.items()}
    initial["penalty"] = two.get("penalty", {}).get("decisions", 0)
    initial["enforcement"] = two.get("enforcement", {}).get("decisions", 0)
    initial["fees"] = two.get("fees", {}).get("amount", "0")
    return initial


@role_required(SUPERVISOR, Role.CLERK)
def annual_export_view(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = _report_org(request, code)
    year = _report_year(request)
    report = get_object_or_404(AnnualReport, organisation=org, year=year)
    renderers = {
        "html": (lambda r: annual.render_html(r).encode(), "text/html; charset=utf-8"),
        "docx": (
            annual.render_docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "pdf": (annual.render_pdf, "application/pdf"),
    }
    if fmt not in renderers:
        raise Http404("不支持的格式。")
    render_fn, content_type = renderers[fmt]
    response = HttpResponse(render_fn(report), content_type=content_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="annual-{code}-{year}.{fmt}"'
    return response


@role_required(Role.CLERK)
@require_POST
def annual_file_view(request: HttpRequest, code: str) -> HttpResponse:
    org = get_object_or_404(Organisation, code=code)
    year = _report_year(request)
    if not can.can_file_annual_report(request.user, org):
        raise PermissionDenied("只有本机构的信息制作人员可以提交年度报告。")
    report = get_object_or_404(AnnualReport, organisation=org, year=year)
    try:
        record = annual.file_report(report, by=signed_in(request, User))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _to_report(code, year)
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return _to_report(code, year)
    messages.success(request, "年度报告已作为政府信息提交审核，审核通过后发布。")
    return redirect("records:detail", pk=record.pk)


@role_required(*can.UNIT_ROLES)
def digests_view(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, can.UNIT_ROLES)
    supervised = organisations_for(request.user, SUPERVISOR)
    rows = (
        Digest.objects.filter(organisation__in=orgs, audience=Digest.Audience.UNIT)
        | Digest.objects.filter(organisation__in=supervised, audience=Digest.Audience.SUPERVISOR)
    ).select_related("organisation")[:50]
    return render(
        request, "supervision/digests.html", {"rows": rows, "today": timezone.localdate()}
    )


@role_required(SUPERVISOR)
def applicability_view(request: HttpRequest) -> HttpResponse:
    org = can.get_supervised(request.user, request.GET.get("org"))
    form = ApplicabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_applicability(
            org, form.cleaned_data["item"].key, applicable=form.cleaned_data["is_applicable"],
            reason=form.cleaned_data["reason"], by=signed_in(request, User),
        )  # fmt: skip
        messages.success(request, "已保存；重新计算后生效。")
        return redirect(f"{reverse('supervision:applicability')}?org={org.code}")
    overrides = ApplicabilityOverride.objects.filter(organisation=org).order_by("item_key")
    context = {"org": org, "form": form, "overrides": overrides}
    return render(request, "supervision/applicability.html", context)


@role_required(SUPERVISOR)
def indicators_view(request: HttpRequest) -> HttpResponse:
    root = can.get_supervised(request.user, request.GET.get("org"))
    year = _year(request)
    rows = indicators.for_rows(root, year, weights=compliance.current_scheme().weights)
    context = {"root": root, "year": year, "rows": rows, "indicators": indicators.REGISTRY}
    return render(request, "supervision/indicators.html", context)
