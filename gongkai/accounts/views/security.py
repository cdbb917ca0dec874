"""The security administrator's pages: the password and lockout policy, locked accounts,
unlocking and second-factor resets (the word lists are screening's page, linked from the
staff navigation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts import permissions, policy, services
from gongkai.accounts.forms import PolicyForm
from gongkai.accounts.models import Role, SecurityPolicy, User
from gongkai.accounts.permissions import role_required
from gongkai.accounts.views.people import _error, get_account_for
from gongkai.core.actors import signed_in


@role_required(Role.SECURITY_ADMIN)
@require_http_methods(["GET", "POST"])
def security_policy(request: HttpRequest) -> HttpResponse:
    current = policy.current()
    editable = permissions.can_edit_security_policy(request.user)
    form = PolicyForm(request.POST or None, instance=SecurityPolicy(pk=1, **_values(current)))
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("安全策略由市级安全管理员设置。")
        if form.is_valid():
            services.save_security_policy(
                by=signed_in(request, User),
                **{name: form.cleaned_data[name] for name in PolicyForm.Meta.fields},
            )
            messages.success(request, "安全策略已保存，立即生效。")
            return redirect("staff_accounts:policy")
    context = {"form": form, "policy": current, "editable": editable}
    return render(request, "accounts/policy.html", context)


def _values(current: SecurityPolicy) -> dict[str, int]:
    return {name: getattr(current, name) for name in services.POLICY_FIELDS}


@role_required(Role.SECURITY_ADMIN)
def lockouts(request: HttpRequest) -> HttpResponse:
    """Accounts with failed sign-ins still counting, newest first; the locked ones marked.
    Names that are no account of this subtree are shown to the root's security administrator
    only (they are someone guessing)."""
    from axes.models import AccessAttempt

    limit = policy.failure_limit()
    since = timezone.now() - policy.cool_off()
    visible = permissions.accounts_visible_to(request.user)
    known = {
        u.username: u
        for u in visible.filter(
            username__in=AccessAttempt.objects.filter(attempt_time__gte=since).values("username")
        )
    }
    root = permissions.holds_root_role(request.user, Role.SECURITY_ADMIN)
    rows = []
    for attempt in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")[
        :500
    ]:
        person = known.get(attempt.username or "")
        if person is None and not root:
            continue
        rows.append(
            {
                "attempt": attempt,
                "person": person,
                "locked": attempt.failures_since_start >= limit,
                "unlocks_at": attempt.attempt_time + policy.cool_off(),
            }
        )
    return render(
        request,
        "accounts/lockouts.html",
        {"rows": rows, "limit": limit, "policy": policy.current()},
    )


@require_POST
@role_required(Role.SECURITY_ADMIN)
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    try:
        count = services.unlock_account(person, by=signed_in(request, User))
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已解除“{person}”的登录锁定（清除 {count} 条失败记录）。")
    if request.POST.get("back") == "lockouts":
        return redirect("staff_accounts:lockouts")
    return redirect("staff_accounts:user", pk=person.pk)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def reset_2fa(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    try:
        services.reset_second_factor(person, by=signed_in(request, User))
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已重置“{person}”的身份验证器。对方下次登录时将重新设置。")
    return redirect("staff_accounts:user", pk=person.pk)
