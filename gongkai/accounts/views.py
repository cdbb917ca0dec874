"""Second-factor pages and the audit log viewer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from gongkai.accounts import twofactor
from gongkai.accounts.forms import AuditFilterForm, TokenForm
from gongkai.accounts.models import Role
from gongkai.accounts.permissions import role_required
from gongkai.core.audit import verify_chain
from gongkai.core.models import AuditEvent


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/staff/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return "/staff/"
    return target


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is None:
        return HttpResponseRedirect(f"/accounts/2fa/setup/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        refusal = twofactor.verify(request, form.cleaned_data["token"])
        if refusal is None:
            return HttpResponseRedirect(_next(request))
        form.add_error("token", refusal)
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is not None:
        return HttpResponseRedirect(f"/accounts/2fa/?next={_next(request)}")
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        refusal = twofactor.confirm_enrolment(request, device, form.cleaned_data["token"])
        if refusal is None:
            return HttpResponseRedirect(_next(request))
        form.add_error("token", refusal)
    context = {
        "form": form,
        "next": _next(request),
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_text(device),
    }
    return render(request, "accounts/2fa_setup.html", context)


@role_required(Role.AUDIT_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Only the audit administrator reads the audit log (三员分立)."""
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("content_type").order_by("-id")
    if form.is_valid():
        events = form.apply(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    broken = verify_chain() if request.GET.get("verify") == "1" else None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "verified": request.GET.get("verify") == "1",
        "broken": broken,
    }
    return render(request, "accounts/audit_log.html", context)
