"""Who may see and handle a concern. Roles cover a subtree (属地管理、分级负责): an officer of
a county bureau handles the concerns of that county and its schools; supervisors above watch."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.concerns.models import Concern

READ_ROLES = (Role.CONCERN_OFFICER, Role.SUPERVISOR)
STAFF_ROLES = (Role.CONCERN_OFFICER, Role.SUPERVISOR, Role.CLERK)


def can_view(user: Any, concern: Concern) -> bool:
    return has_role(user, READ_ROLES, concern.responsible_organisation) or (
        # The clerk who writes the response needs the concern it answers.
        has_role(user, Role.CLERK, concern.responsible_organisation)
    )


def can_handle(user: Any, concern: Concern) -> bool:
    return has_role(user, Role.CONCERN_OFFICER, concern.responsible_organisation)


def can_draft_response(user: Any, concern: Concern) -> bool:
    """Responses are records written by the responsible unit's clerk (信息制作) or by its
    concern officer, who is handling the concern (records.permissions.can_edit)."""
    return has_role(user, (Role.CLERK, Role.CONCERN_OFFICER), concern.responsible_organisation)


def get_concern_for(user: Any, pk: int, predicate: Any = can_view) -> Concern:
    """Fetch and authorise: 404 outside the user's organisations, 403 for the wrong role."""
    concern = get_object_or_404(
        Concern.objects.select_related(
            "organisation", "responsible_organisation", "officer", "item"
        ).with_published_responses(),
        pk=pk,
    )
    if not can_view(user, concern):
        raise Http404("没有找到该舆情。")
    if predicate is not can_view and not predicate(user, concern):
        raise PermissionDenied("您没有对该舆情执行此操作的权限。")
    return concern
