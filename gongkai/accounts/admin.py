"""Accounts in the Django admin: for looking up only. Creating accounts, issuing passwords
and granting roles happen on the staff pages, where 三员分立 and the audit apply; the admin
never shows a password hash (there is no password field at all)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from gongkai.accounts.adminsite import GongkaiModelAdmin
from gongkai.accounts.models import RoleGrant, SecurityPolicy, User


class ReadOnlyAdmin(GongkaiModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "full_name", "organisation", "is_active", "last_login", "manage")
    list_filter = ("is_active",)
    search_fields = ("username", "full_name", "phone", "email")
    list_select_related = ("organisation",)
    fields = (
        "username",
        "full_name",
        "organisation",
        "phone",
        "email",
        "is_active",
        "must_change_password",
        "password_changed_at",
        "last_login",
        "date_joined",
    )

    @admin.display(description="管理")
    def manage(self, user: User) -> str:
        return format_html(
            '<a href="{}">在账户管理中打开</a>', reverse("staff_accounts:user", args=[user.pk])
        )


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "organisation", "granted_by", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation", "granted_by")


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(ReadOnlyAdmin):
    """Shown for reference; the security administrator edits it on their page."""
