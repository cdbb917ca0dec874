"""Second-factor pages: verify a code, enrol (or re-enrol) an authenticator."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from gongkai.accounts import twofactor
from gongkai.accounts.forms import TokenForm


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/staff/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return "/staff/"
    return target


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is None:
        return HttpResponseRedirect(f"/accounts/2fa/setup/?next={quote(_next(request))}")
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
    """First enrolment; or, with ``?again=1``, replacing the authenticator (a new phone).
    Replacing needs a session verified with the current one: otherwise whoever learnt the
    password could move the second factor to their own phone."""
    again = request.GET.get("again") == "1" or request.POST.get("again") == "1"
    if twofactor.confirmed_device(request.user) is not None:
        if not again:
            return HttpResponseRedirect(f"/accounts/2fa/?next={quote(_next(request))}")
        if not request.user.is_verified():  # type: ignore[union-attr]
            here = f"{reverse('accounts:2fa_setup')}?again=1&next={quote(_next(request))}"
            return HttpResponseRedirect(f"{reverse('accounts:2fa_verify')}?next={quote(here)}")
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
        "again": again,
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_text(device),
    }
    return render(request, "accounts/2fa_setup.html", context)
