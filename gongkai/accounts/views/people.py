"""Accounts and role grants, for the system and security administrators (三员分立: who may
do what to whom is decided in ``permissions`` and enforced again in ``services``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts import permissions, services, twofactor
from gongkai.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    CreateAccountForm,
    CredentialForm,
    GrantFilterForm,
    GrantForm,
    ReasonForm,
)
from gongkai.accounts.models import Role, RoleGrant, User
from gongkai.accounts.permissions import role_required, roots_of
from gongkai.core.actors import signed_in
from gongkai.organisations.models import Organisation

ACCOUNT_ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def _subtree(user: Any, roles: Any) -> Any:
    roots = roots_of(user, roles)
    if not roots:
        return Organisation.objects.none()
    query = Organisation.objects.none()
    for root in roots:
        query = query | Organisation.objects.subtree(root)
    return query.active()


def get_account_for(user: Any, pk: int) -> User:
    """The account if ``user`` looks after it; 404 otherwise (no hint it exists)."""
    person = permissions.accounts_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise Http404("没有找到该账户。")
    return person


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, str(exc) or "您没有权限执行此操作。")


@role_required(*ACCOUNT_ADMINS)
def users(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    people = permissions.accounts_visible_to(request.user).select_related("organisation")
    if form.is_valid():
        data = form.cleaned_data
        people = people.search(data["q"])
        if data["status"]:
            people = people.filter(is_active=data["status"] == "active")
        if data["role"] == "none":
            people = people.exclude(role_grants__revoked_at__isnull=True)
        elif data["role"]:
            people = people.filter(
                role_grants__role=data["role"], role_grants__revoked_at__isnull=True
            ).distinct()
    people = people.prefetch_related(
        Prefetch(
            "role_grants",
            queryset=RoleGrant.objects.active().select_related("organisation"),
            to_attr="active_grants",
        )
    ).order_by("-is_active", "organisation__path", "username")
    page = Paginator(people, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": permissions.has_role(request.user, Role.SYSTEM_ADMIN),
    }
    return render(request, "accounts/users.html", context)


@never_cache
@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = CreateAccountForm(
        request.POST or None, organisations=_subtree(request.user, Role.SYSTEM_ADMIN)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_account(
                by=signed_in(request, User),
                username=data["username"],
                full_name=data["full_name"],
                organisation=data["organisation"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return _issue(request, person, data["first_access"], created=True)
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


def _issue(request: HttpRequest, person: User, kind: str, *, created: bool) -> HttpResponse:
    """Issue the credential and show it once. It is never stored in clear, so this response
    is the only place it appears; it is not cached."""
    context: dict[str, Any] = {"person": person, "created": created, "kind": kind}
    if kind == "link":
        link, token = services.issue_sign_in_link(person, by=signed_in(request, User))
        context["url"] = request.build_absolute_uri(reverse("accounts:link", args=[token]))
        context["expires_at"] = link.expires_at
    else:
        context["password"] = services.issue_temporary_password(person, by=signed_in(request, User))
    response = render(request, "accounts/credential.html", context)
    response["Cache-Control"] = "no-store"
    return response


@role_required(*ACCOUNT_ADMINS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    actor = request.user
    active_grants = list(
        RoleGrant.objects.active()
        .filter(user=person)
        .select_related("organisation", "granted_by")
        .order_by("organisation__path", "role")
    )
    grantable = _grantable_roles(actor, person)
    from axes.models import AccessAttempt

    context = {
        "person": person,
        "grants": active_grants,
        "history": RoleGrant.objects.filter(user=person, revoked_at__isnull=False)
        .select_related("organisation")
        .order_by("-revoked_at")[:20],
        "can_manage": permissions.can_manage_account(actor, person),
        "can_reset": permissions.can_reset_access(actor, person),
        "revocable": {
            g.pk for g in active_grants if services.can_grant(actor, g.role, g.organisation, person)
        },
        "grant_form": GrantForm(roles=grantable, organisations=_subtree(actor, ACCOUNT_ADMINS))
        if grantable and person.is_active and actor.pk != person.pk
        else None,
        "reason_form": ReasonForm(),
        "device": twofactor.confirmed_device(person),
        "attempts": AccessAttempt.objects.filter(username=person.username).order_by(
            "-attempt_time"
        )[:10],
    }
    return render(request, "accounts/user_detail.html", context)


def _grantable_roles(actor: Any, person: User) -> list[str]:
    """Roles ``actor`` may grant somewhere in their subtree: working roles for a system
    administrator, every role for a security administrator (decision 0010)."""
    if actor.pk == person.pk:
        return []
    if permissions.has_role(actor, Role.SECURITY_ADMIN):
        return list(Role)
    if permissions.has_role(actor, Role.SYSTEM_ADMIN):
        return [r for r in Role if r not in services.ADMINISTRATOR_ROLES]
    return []


@never_cache
@role_required(*ACCOUNT_ADMINS)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    if not permissions.can_manage_account(request.user, person):
        raise PermissionDenied("该账户须由其上级的系统管理员（管理员账户由安全管理员）修改。")
    form = AccountForm(
        request.POST or None,
        instance=User.objects.get(pk=person.pk),  # the form mutates its instance
        organisations=_subtree(request.user, ACCOUNT_ADMINS),
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ACCOUNT_FIELDS}
        try:
            services.update_account(person, by=signed_in(request, User), **fields)
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
        else:
            messages.success(request, "账户资料已保存。")
            return redirect("staff_accounts:user", pk=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


@require_POST
@role_required(*ACCOUNT_ADMINS)
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_account_active(
            person,
            by=signed_in(request, User),
            active=active,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, f"已{'重新启用' if active else '停用'}账户“{person}”。")
    return redirect("staff_accounts:user", pk=person.pk)


@never_cache
@require_POST
@role_required(*ACCOUNT_ADMINS)
def user_credentials(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    form = CredentialForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择临时密码或一次性登录链接。")
        return redirect("staff_accounts:user", pk=person.pk)
    try:
        return _issue(request, person, form.cleaned_data["kind"], created=False)
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
        return redirect("staff_accounts:user", pk=person.pk)


@require_POST
@role_required(*ACCOUNT_ADMINS)
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_account_for(request.user, pk)
    form = GrantForm(
        request.POST,
        roles=_grantable_roles(request.user, person),
        organisations=_subtree(request.user, ACCOUNT_ADMINS),
    )
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("staff_accounts:user", pk=person.pk)
    role, organisation = form.cleaned_data["role"], form.cleaned_data["organisation"]
    try:
        services.grant_role(person, role, organisation, by=signed_in(request, User))
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(
            request, f"已授予“{person}”在“{organisation}”（含下级单位）的{Role(role).label}角色。"
        )
    return redirect("staff_accounts:user", pk=person.pk)


@require_POST
@role_required(*ACCOUNT_ADMINS)
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        RoleGrant.objects.select_related("user", "organisation"), pk=pk, revoked_at__isnull=True
    )
    person = get_account_for(request.user, grant.user_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤销角色须填写原因。")
    else:
        try:
            services.revoke_role(
                grant, by=signed_in(request, User), note=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                f"已撤销“{person}”在“{grant.organisation}”的{grant.get_role_display()}角色。",
            )
    return redirect("staff_accounts:user", pk=person.pk)


@role_required(*ACCOUNT_ADMINS)
def grants(request: HttpRequest) -> HttpResponse:
    """Who holds what where, within the administrator's subtrees."""
    subtree = _subtree(request.user, ACCOUNT_ADMINS)
    form = GrantFilterForm(request.GET or None, organisations=subtree)
    rows = (
        RoleGrant.objects.active()
        .filter(organisation__in=subtree)
        .select_related("user", "organisation", "granted_by")
        .order_by("organisation__path", "role", "user__username")
    )
    if form.is_valid():
        if form.cleaned_data["role"]:
            rows = rows.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["organisation"]:
            rows = rows.filter(organisation__path__under=form.cleaned_data["organisation"].path)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/grants.html", {"form": form, "page": page, "query": query.urlencode()}
    )
