from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from gongkai.accounts.models import Role, RoleGrant, User
from gongkai.accounts.permissions import forget_grants, has_role
from gongkai.core.audit import record_event
from gongkai.organisations.models import Organisation

#: Who may grant which role: separation of duties (三员分立) means the security administrator
#: manages roles, and nobody grants themselves anything.
GRANTING_ROLES = {Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}

#: 三员分立 (等保 2.0 三级): the system, security and audit administrators are three different
#: people. Nobody holds two of these roles at once, on any organisation.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def can_grant(actor: Any, role: str, organisation: Organisation, user: User) -> bool:
    if actor is None:
        return True  # management commands and data loading run as the system
    if actor.pk == user.pk:
        return False
    if role in {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN}:
        return has_role(actor, Role.SECURITY_ADMIN, organisation)
    return has_role(actor, GRANTING_ROLES, organisation)


def conflicting_administrator_role(user: User, role: str) -> str | None:
    """The other administrator role ``user`` already holds, if granting ``role`` would give
    one person two of the three (三员分立)."""
    if role not in ADMINISTRATOR_ROLES:
        return None
    held = (
        RoleGrant.objects.active()
        .filter(user=user, role__in=[r for r in ADMINISTRATOR_ROLES if r != role])
        .values_list("role", flat=True)
        .first()
    )
    return held


def grant_role(user: User, role: str, organisation: Organisation, *, by: Any) -> RoleGrant:
    if not can_grant(by, role, organisation, user):
        raise PermissionDenied("您不能授予该角色（不能给自己授权，管理员角色须由安全管理员授予）。")
    held = conflicting_administrator_role(user, role)
    if held is not None:
        raise PermissionDenied(
            f"三员分立：该用户已是{Role(held).label}，不能再担任{Role(role).label}。"
            "系统管理员、安全管理员和审计管理员须由不同人员担任。"
        )
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(
            user=user,
            role=role,
            organisation=organisation,
            revoked_at=None,
            defaults={"granted_by": by if getattr(by, "pk", None) else None},
        )
        if created:
            record_event(
                "role.grant",
                actor=by,
                target=grant,
                data={"user": user.username, "role": role, "org": organisation.code},
            )
    forget_grants(user)
    return grant


def revoke_role(grant: RoleGrant, *, by: Any, note: str = "") -> RoleGrant:
    if by is not None and not can_grant(by, grant.role, grant.organisation, grant.user):
        raise PermissionDenied("您不能撤销该角色。")
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record_event("role.revoke", actor=by, target=grant, note=note)
    forget_grants(grant.user)
    return grant
