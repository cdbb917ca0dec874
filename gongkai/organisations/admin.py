"""The organisation tree in the Django admin.

Saving goes through ``save_organisation`` so that moving an organisation, or changing its
code, rewrites the paths of everything under it (role grants match on those paths) and
leaves an audit row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from gongkai.core.actors import signed_in
from gongkai.organisations.models import Organisation
from gongkai.organisations.services import save_organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "indented_name",
        "code",
        "kind",
        "parent",
        "uscc",
        "phone",
        "is_private",
        "is_active",
    )
    list_display_links = ("indented_name",)
    list_filter = ("kind", "is_active", "is_private", "school_stage")
    search_fields = ("name", "short_name", "code", "uscc", "address")
    autocomplete_fields = ("parent",)
    readonly_fields = ("tree_path", "tree_depth", "created_at", "updated_at")
    list_select_related = ("parent",)
    list_per_page = 100
    # Bare domains get https, as the importer assumes (and Django 6 will by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ("path",)
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "parent")}),
        ("登记与联系信息", {"fields": ("uscc", "address", "phone", "website", "email")}),
        ("学校", {"fields": ("school_stage", "is_private")}),
        ("状态", {"fields": ("is_active", "order")}),
        (
            "树中位置（自动计算）",
            {"fields": ("tree_path", "tree_depth", "created_at", "updated_at")},
        ),
    )

    @admin.display(description="路径")
    def tree_path(self, organisation: Organisation) -> str:
        return organisation.path

    @admin.display(description="层级")
    def tree_depth(self, organisation: Organisation) -> int:
        return organisation.depth

    @admin.display(description="名称", ordering="path")
    def indented_name(self, organisation: Organisation) -> str:
        # Ordered by path, indentation makes the list read as the tree it is.
        return "\u3000" * organisation.depth + organisation.name

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        save_organisation(obj, by=signed_in(request, get_user_model()))
