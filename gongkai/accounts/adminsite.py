"""The Django admin as Gongkai runs it: a fallback for the root's system administrator.

Daily administration happens on the staff pages (accounts, organisations, catalogue). The
admin stays for the rare correction those pages do not offer, under four rules
(docs/decisions/0015):

1. Only a system administrator of the root organisation opens it. Django's ``is_staff`` and
   ``is_superuser`` flags open nothing here: a flag set from a shell is not a role grant, and
   the security and audit administrators (三员分立) have no business in it.
2. It never shows a secret: the TOTP device and django-axes admins are refused at
   registration, the user admin has no password field, and no other model holds a secret.
3. Nothing is deleted through it (deletes are withdrawals in Gongkai).
4. Every change writes an audit row (``admin.add`` / ``admin.change``) in the same
   transaction as the change, besides Django's own LogEntry.

Sign-in, sign-out and password changes go through Gongkai's own pages, so lockout, the
second factor and the password policy apply.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb

#: Models whose admin would show a secret or offer to delete evidence: never registered.
#: (app_label, model_name), so the apps need not be importable here.
REFUSED: frozenset[tuple[str, str]] = frozenset(
    {
        ("otp_totp", "totpdevice"),  # the TOTP key: whoever reads it is the second factor
        ("otp_static", "staticdevice"),
        ("otp_static", "statictoken"),
        ("otp_email", "emaildevice"),
        ("axes", "accessattempt"),  # lockout rows: unlocking is the security admin's audited act
        ("axes", "accessfailurelog"),
        ("axes", "accesslog"),
        ("auth", "group"),  # Gongkai's permissions are role grants, not groups
        ("auth", "permission"),
        ("core", "auditevent"),  # the audit administrator's alone (三员分立)
        ("core", "auditchainhead"),
        ("accounts", "signinlink"),
        ("sessions", "session"),
    }
)


def _message_text(message: Any) -> str:
    """Django passes a change message as a list of dicts; audit it as the text it shows."""
    if isinstance(message, list):
        return str(LogEntry(change_message=json.dumps(message)).get_change_message())
    return str(message or "")


class GongkaiModelAdmin(admin.ModelAdmin):
    """Permissions from the site (the role, not Django's flags), no deletes, audited."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        _audit(Verb.ADMIN_ADD, request, obj, message)
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        _audit(Verb.ADMIN_CHANGE, request, obj, message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Unreachable while has_delete_permission is False; audited should that ever change.
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _audit(Verb.ADMIN_DELETE, request, obj, "")
        return entries


def _audit(verb: Verb, request: HttpRequest, obj: Model, message: Any) -> None:
    record_event(
        verb,
        actor=request.user,
        target=obj,
        note=_message_text(message),
        data={"model": obj._meta.label_lower, "via": "Django admin"},
    )


class GongkaiAdminSite(admin.AdminSite):
    site_header = "义务教育政务公开平台 · 后台数据维护"
    site_title = "后台数据维护"
    index_title = "后台数据维护（日常管理请使用工作台中的各管理页面）"
    site_url = "/staff/accounts/users/"  # 查看站点: back to the administration pages
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        from gongkai.accounts.permissions import can_use_django_admin

        return can_use_django_admin(request.user)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        models: list[Any] = (
            [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        )
        allowed = [m for m in models if (m._meta.app_label, m._meta.model_name) not in REFUSED]
        if not allowed:
            return
        admin_class = admin_class or GongkaiModelAdmin
        if not issubclass(admin_class, GongkaiModelAdmin):
            # A third-party admin keeps its layout but takes Gongkai's rules.
            admin_class = type(admin_class.__name__, (GongkaiModelAdmin, admin_class), {})
        super().register(allowed, admin_class, **options)

    # Sign-in and password changes are Gongkai's pages (lockout, second factor, policy).

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            # Signed in but not a root system administrator: say so instead of a login loop.
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("后台数据维护仅供市级系统管理员使用。")
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={quote(target, safe='/')}")

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("accounts:password_change"))
