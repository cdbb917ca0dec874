"""Who loads the holiday calendar: a system administrator of a root of the organisation tree
(the city bureau, or the county bureau of a county deployment). The calendar is shared by
every unit, so a county's or school's administrator does not change it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.organisations.models import Organisation


def can_load_calendar(user: Any) -> bool:
    roots = Organisation.objects.filter(parent__isnull=True, is_active=True)
    return any(has_role(user, Role.SYSTEM_ADMIN, root) for root in roots)


def check_can_load_calendar(user: Any) -> None:
    if not can_load_calendar(user):
        raise PermissionDenied("只有市局系统管理员可以导入节假日安排。")
