"""What every signed-in person manages themselves: their password, second factor, roles;
and the one-time sign-in link an administrator sent them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gongkai.accounts import policy, services, twofactor
from gongkai.accounts.forms import FirstPasswordForm, OwnPasswordForm
from gongkai.accounts.models import User
from gongkai.accounts.permissions import grants


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "grants": sorted(grants(user), key=lambda g: (g.organisation.path, g.role)),
        "device": twofactor.confirmed_device(user),
        "must_use_2fa": twofactor.required_for(user) or _must_by_role(user),
        "policy": policy.current(),
    }
    return render(request, "accounts/profile.html", context)


def _must_by_role(user: object) -> bool:
    """Whether the person's roles need the second factor even while the demo turns it off."""
    from django.conf import settings

    from gongkai.accounts.permissions import roles_of

    roles = set(settings.GONGKAI_2FA_ROLES)
    return bool(roles_of(user) & roles)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password. After a temporary password or a sign-in link (or when the
    policy's age limit has passed) every page leads here until it is done."""
    user = User.objects.get(pk=request.user.pk)  # the model itself, not the lazy request.user
    forced = bool(user.must_change_password or policy.password_expired(user))
    form_class = FirstPasswordForm if user.must_change_password else OwnPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。下次登录请使用新密码。")
        return HttpResponseRedirect(_safe_next(request) or "/accounts/profile/")
    context = {
        "form": form,
        "forced": forced,
        "temporary": user.must_change_password,
        "next": _safe_next(request),
    }
    return render(request, "accounts/password_change.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST spends the link, so a mail scanner or a chat app's
    link preview that fetches the address does not use it up."""
    if request.method == "POST" and request.POST.get("confirm") == "1":
        user = services.use_sign_in_link(token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("accounts:password_change")
        return render(request, "accounts/link_sign_in.html", {"invalid": True}, status=410)
    return render(request, "accounts/link_sign_in.html", {"invalid": False})
