"""The audit log: only the audit administrator reads it (三员分立)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts import auditlog
from gongkai.accounts.forms import AuditFilterForm
from gongkai.accounts.models import Role
from gongkai.accounts.permissions import role_required
from gongkai.core.audit import record_event, verify_chain
from gongkai.core.models import AuditEvent
from gongkai.core.verbs import Verb


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, object]:
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        events = form.apply(events)
    elif form.is_bound:
        events = AuditEvent.objects.none()
    return form, events


def _query(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("before", "format", *drop):
        query.pop(name, None)
    return query.urlencode()


@role_required(Role.AUDIT_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    before = request.GET.get("before", "")
    rows, next_before = auditlog.page(events, int(before) if before.isdecimal() else None)
    count, more = auditlog.bounded_count(events)
    context = {
        "form": form,
        "rows": rows,
        "count": count,
        "more": more,
        "next_before": next_before,
        "paged": bool(before),
        "query": _query(request),
        "limit": auditlog.EXPORT_LIMIT,
    }
    return render(request, "accounts/audit_log.html", context)


@role_required(Role.AUDIT_ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx") or (form.is_bound and not form.is_valid()):
        messages.error(request, "导出失败：请先更正筛选条件。")
        return HttpResponseRedirect(f"{reverse('staff_accounts:audit_log')}?{_query(request)}")
    count, more = auditlog.bounded_count(events)
    record_event(
        Verb.AUDIT_EXPORT,
        actor=request.user,
        data={
            "format": fmt,
            "filters": {k: v for k, v in request.GET.items() if k not in ("format", "before")},
            "rows": f"{count}+" if more else count,
        },
    )
    name = f"audit-{timezone.localdate():%Y%m%d}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "xlsx":
        response = HttpResponse(
            auditlog.xlsx_bytes(events),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            auditlog.csv_lines(events), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]  # streamed: role_required types HttpResponse


@require_POST
@role_required(Role.AUDIT_ADMIN)
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain (core.audit.verify_chain) and say in words what was found."""
    broken = verify_chain()
    if broken is None:
        messages.success(request, "已核验：审计链完整，没有记录被修改、删除或插入。")
    elif broken.event_id:
        messages.error(request, f"审计链在第 {broken.event_id} 条记录处断开：{broken.reason}")
    else:
        messages.error(request, f"审计链不完整：{broken.reason}")
    record_event(
        Verb.AUDIT_VERIFY,
        actor=request.user,
        data={"intact": broken is None, "event": getattr(broken, "event_id", None)},
        note="" if broken is None else broken.reason,
    )
    back = request.POST.get("query", "")
    return HttpResponseRedirect(f"{reverse('staff_accounts:audit_log')}?{back}")
