"""Writing accounts, roles and the security policy: every change checked and audited.

Who may do what is in ``permissions`` (三员分立: the system administrator looks after
ordinary accounts and working roles, the security administrator after administrator
accounts and roles, lockouts, second factors and the policy; nobody acts on themselves).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.accounts import permissions
from gongkai.accounts.models import Role, RoleGrant, SecurityPolicy, SignInLink, User
from gongkai.accounts.permissions import forget_grants, has_role
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.organisations.models import Organisation

#: Who may grant which role: separation of duties (三员分立) means the security administrator
#: manages roles, and nobody grants themselves anything.
GRANTING_ROLES = {Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}

#: 三员分立 (等保 2.0 三级): the system, security and audit administrators are three different
#: people. Nobody holds two of these roles at once, on any organisation.
ADMINISTRATOR_ROLES = permissions.ADMINISTRATOR_ROLES


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


def grant_role(user: User, role: str, organisation: Organisation, *, by: User | None) -> RoleGrant:
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
                Verb.ROLE_GRANT,
                actor=by,
                target=grant,
                data={"user": user.username, "role": role, "org": organisation.code},
            )
    forget_grants(user)
    return grant


def revoke_role(grant: RoleGrant, *, by: User, note: str = "") -> RoleGrant:
    if by is not None and not can_grant(by, grant.role, grant.organisation, grant.user):
        raise PermissionDenied("您不能撤销该角色。")
    if grant.revoked_at is not None:
        raise ValidationError("该授权已经撤销。")
    with transaction.atomic():
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record_event(Verb.ROLE_REVOKE, actor=by, target=grant, note=note)
    forget_grants(grant.user)
    return grant


# --- accounts -------------------------------------------------------------------------------

ACCOUNT_FIELDS = ("full_name", "phone", "email", "organisation")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def create_account(
    *,
    by: User,
    username: str,
    full_name: str,
    organisation: Organisation,
    phone: str = "",
    email: str = "",
) -> User:
    """A new account of ``organisation``, without a usable password: the administrator then
    issues a temporary password or a one-time sign-in link, and the person sets their own."""
    _require(
        has_role(by, Role.SYSTEM_ADMIN, organisation),
        "只能为本单位及下级单位新建账户（须为系统管理员）。",
    )
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用。"})
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name.strip(),
            organisation=organisation,
            phone=phone.strip(),
            email=email.strip(),
            must_change_password=True,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        record_event(
            Verb.ACCOUNT_CREATE,
            actor=by,
            target=user,
            data={"username": user.username, "org": organisation.code},
        )
    return user


def update_account(user: User, *, by: User, **fields: Any) -> User:
    """Change a person's name, contact details or unit (the username stays: it is how the
    audit trail and colleagues know them)."""
    _require(permissions.can_manage_account(by, user), "您不能修改该账户。")
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"不能修改这些字段：{sorted(unknown)}")
    organisation = fields.get("organisation")
    if organisation is not None and organisation != user.organisation:
        _require(
            has_role(by, (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN), organisation),
            "只能把账户调到您管理范围内的单位。",
        )
    with transaction.atomic():
        changed = {}
        for name, value in fields.items():
            before = getattr(user, name)
            if before != value:
                changed[name] = [str(before or ""), str(value or "")]
                setattr(user, name, value)
        if not changed:
            return user
        user.full_clean(exclude=["password"])
        user.save(update_fields=list(changed))
        record_event(Verb.ACCOUNT_EDIT, actor=by, target=user, data={"changed": changed})
    return user


def set_account_active(user: User, *, by: User, active: bool, reason: str = "") -> User:
    """Deactivate (an account is never deleted: records and the audit trail point at it) or
    reactivate. A deactivated person is signed out at their next request."""
    _require(permissions.can_manage_account(by, user), "您不能停用或启用该账户。")
    reason = reason.strip()
    if not active and not reason:
        raise ValidationError("请填写停用原因。")
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event(
            Verb.ACCOUNT_REACTIVATE if active else Verb.ACCOUNT_DEACTIVATE,
            actor=by,
            target=user,
            note=reason,
        )
    forget_grants(user)
    return user


def _random_password() -> str:
    """Long enough for any policy, with all four classes, nothing that reads alike."""
    from gongkai.accounts import policy

    length = max(14, policy.current().password_min_length)
    upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    lower = "abcdefghijkmnpqrstuvwxyz"
    digits = "23456789"
    symbols = "-_#+@"
    pool = upper + lower + digits
    chars = [secrets.choice(group) for group in (upper, lower, digits, symbols)]
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def issue_temporary_password(user: User, *, by: User) -> str:
    """Set a random password the person must change when they first sign in with it. It is
    shown once to the administrator, never stored in clear and never in the audit row."""
    _require(permissions.can_manage_account(by, user), "您不能为该账户签发临时密码。")
    _require(user.is_active, "账户已停用，请先重新启用。")
    password = _random_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        record_event(Verb.ACCOUNT_TEMPORARY_PASSWORD, actor=by, target=user)
    return password


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_sign_in_link(user: User, *, by: User) -> tuple[SignInLink, str]:
    """A link that signs the person in once, within GONGKAI_SIGN_IN_LINK_HOURS, and then
    asks them to set a password. Earlier unused links stop working. Returns the stored link
    and the token (which only the returned URL carries)."""
    _require(permissions.can_manage_account(by, user), "您不能为该账户签发登录链接。")
    _require(user.is_active, "账户已停用，请先重新启用。")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        SignInLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        link = SignInLink.objects.create(
            user=user,
            token_hash=_hash_token(token),
            created_by=by if getattr(by, "pk", None) else None,
            expires_at=now + timedelta(hours=settings.GONGKAI_SIGN_IN_LINK_HOURS),
        )
        record_event(
            Verb.ACCOUNT_SIGN_IN_LINK,
            actor=by,
            target=user,
            data={"expires_at": link.expires_at.isoformat()},
        )
    return link, token


def use_sign_in_link(token: str) -> User | None:
    """The person the link is for, once: the link is spent and they must set a password.
    None for an unknown, used or expired link, or a deactivated account."""
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_hash_token(token))
            .first()
        )
        if link is None or not link.is_usable() or not link.user.is_active:
            return None
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        user = link.user
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record_event(Verb.ACCOUNT_SIGN_IN_LINK_USED, actor=user, target=user)
    return user


def change_own_password(user: User, password: str) -> User:
    """The person sets their own password (validated by the caller's form against the
    policy); the temporary-password requirement ends."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        record_event(Verb.ACCOUNT_PASSWORD_CHANGE, actor=user, target=user)
    return user


# --- the security administrator's tools ------------------------------------------------------

POLICY_FIELDS = (
    "password_min_length",
    "password_min_classes",
    "password_max_age_days",
    "lockout_failures",
    "lockout_minutes",
)


def save_security_policy(*, by: User, **values: int) -> SecurityPolicy:
    from gongkai.accounts import policy as policies

    _require(
        by is None or permissions.can_edit_security_policy(by),
        "安全策略由市级安全管理员设置。",
    )
    with transaction.atomic():
        stored = SecurityPolicy.objects.select_for_update().filter(pk=1).first()
        current = stored or policies.defaults()
        changed = {}
        for name in POLICY_FIELDS:
            if name in values and getattr(current, name) != values[name]:
                changed[name] = [getattr(current, name), values[name]]
                setattr(current, name, values[name])
        if not changed and stored is not None:
            return current
        current.updated_at = timezone.now()
        current.updated_by = by if getattr(by, "pk", None) else None
        current.full_clean()
        current.save()
        record_event(Verb.SECURITY_POLICY, actor=by, target=current, data={"changed": changed})
    return current


def unlock_account(user: User, *, by: User) -> int:
    """Clear django-axes' failed attempts for the account (every address); audited."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    _require(permissions.can_reset_access(by, user), "只有安全管理员可以为他人解除锁定。")
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=user.username)
        addresses = sorted({a for a in attempts.values_list("ip_address", flat=True) if a})
        count = reset(username=user.username)
        record_event(
            Verb.ACCOUNT_UNLOCK,
            actor=by,
            target=user,
            data={"attempts_cleared": count, "addresses": addresses},
        )
    return count


def reset_second_factor(user: User, *, by: User) -> None:
    """Remove the person's authenticator (lost phone); they enrol again when they next sign
    in. The audited reset itself is ``twofactor.reset``."""
    from gongkai.accounts import twofactor

    _require(permissions.can_reset_access(by, user), "只有安全管理员可以为他人重置双因素认证。")
    twofactor.reset(user, by=by)
