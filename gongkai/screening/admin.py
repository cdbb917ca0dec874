"""The sensitive-term list in the Django admin; saving goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongkai.accounts.models import User
from gongkai.core.actors import signed_in
from gongkai.screening.models import SensitiveTerm
from gongkai.screening.services import delete_sensitive_term, save_sensitive_term


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ("term", "note", "is_active", "created_at", "created_by")
    list_filter = ("is_active",)
    search_fields = ("term", "note")
    readonly_fields = ("created_at", "created_by")
    list_select_related = ("created_by",)
    fields = ("term", "note", "is_active", "created_at", "created_by")
    actions = ("delete_selected_terms",)

    def save_model(self, request: HttpRequest, obj: SensitiveTerm, form: Any, change: bool) -> None:
        save_sensitive_term(obj, by=signed_in(request, User))

    def delete_model(self, request: HttpRequest, obj: SensitiveTerm) -> None:
        delete_sensitive_term(obj, by=signed_in(request, User))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would bypass the audit row
        return actions

    @admin.action(description="删除所选敏感词", permissions=["delete"])
    def delete_selected_terms(
        self, request: HttpRequest, queryset: QuerySet[SensitiveTerm]
    ) -> None:
        for term in queryset:
            delete_sensitive_term(term, by=signed_in(request, User))
