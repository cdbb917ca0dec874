"""Who edits the organisation tree: a system administrator, within their subtree."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role, organisations_for, roots_of
from gongkai.organisations.models import Organisation, OrganisationQuerySet


def managed_by(user: Any) -> OrganisationQuerySet:
    return organisations_for(user, Role.SYSTEM_ADMIN)


def roots(user: Any) -> list[Organisation]:
    return roots_of(user, Role.SYSTEM_ADMIN)


def can_edit(user: Any, organisation: Organisation) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN, organisation)


def can_add_under(user: Any, parent: Organisation) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN, parent)


def get_organisation_for(user: Any, pk: int) -> Organisation:
    """The organisation if ``user`` administers it; 404 when outside their subtree."""
    organisation = managed_by(user).filter(pk=pk).select_related("parent").first()
    if organisation is None:
        raise Http404("没有找到该单位。")
    if not can_edit(user, organisation):
        raise PermissionDenied("该单位不在您的管理范围内。")
    return organisation
