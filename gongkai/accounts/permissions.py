"""Permission predicates: small functions of (user, thing) → bool.

A role is held on an organisation and covers its whole subtree. Grants are read once per
request and kept on the user object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from gongkai.accounts.models import Role, RoleGrant
from gongkai.organisations.models import Organisation, OrganisationQuerySet

STAFF_ROLES = frozenset(Role)


def grants(user: Any) -> list[RoleGrant]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gongkai_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.active().filter(user=user).select_related("organisation"))
        user._gongkai_grants = cached
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, "_gongkai_grants"):
        del user._gongkai_grants


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants(user)}


def has_role(user: Any, role: str | Iterable[str], org: Organisation | None = None) -> bool:
    """True if ``user`` holds ``role`` on ``org`` or one of its ancestors (any org if None)."""
    wanted = {role} if isinstance(role, str) else set(role)
    for grant in grants(user):
        if grant.role in wanted and (org is None or org.path.startswith(grant.organisation.path)):
            return True
    return False


def is_staff_member(user: Any) -> bool:
    return bool(grants(user))


def organisations_for(user: Any, role: str | Iterable[str]) -> OrganisationQuerySet:
    """Every organisation on which ``user`` holds ``role`` (through a subtree grant)."""
    from django.db.models import Q

    wanted = {role} if isinstance(role, str) else set(role)
    paths = {g.organisation.path for g in grants(user) if g.role in wanted}
    if not paths:
        return Organisation.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__under=path)
    return Organisation.objects.filter(condition)


#: 三员分立 (等保 2.0 三级): the system, security and audit administrators.
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def roots_of(user: Any, role: str | Iterable[str]) -> list[Organisation]:
    """The organisations on which ``user`` holds ``role``: the tops of their subtrees."""
    wanted = {role} if isinstance(role, str) else set(role)
    return [g.organisation for g in grants(user) if g.role in wanted]


def holds_root_role(user: Any, role: str) -> bool:
    """``role`` on the top of the tree (the city bureau): the whole system is theirs."""
    return any(org.parent_id is None for org in roots_of(user, role))


def can_use_django_admin(user: Any) -> bool:
    """The Django admin edits any row of the whole tree, so only a system administrator of
    its root opens it; Django's is_staff/is_superuser flags grant nothing (decision 0015)."""
    return bool(getattr(user, "is_active", False)) and holds_root_role(user, Role.SYSTEM_ADMIN)


def accounts_visible_to(user: Any) -> Any:
    """People the system or security administrator ``user`` looks after (their subtrees)."""
    from gongkai.accounts.models import User

    return User.objects.within(roots_of(user, (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)))


def _within(user: Any, person: Any, role: str) -> bool:
    from gongkai.accounts.models import User

    roots = roots_of(user, role)
    return bool(roots) and User.objects.within(roots).filter(pk=person.pk).exists()


def administrator_roles_of(person: Any) -> set[str]:
    return set(
        RoleGrant.objects.active()
        .filter(user=person, role__in=ADMINISTRATOR_ROLES)
        .values_list("role", flat=True)
    )


def can_manage_account(user: Any, person: Any) -> bool:
    """Edit, deactivate and issue sign-in credentials. The system administrator looks after
    the accounts of their subtree; an account holding one of the three administrator roles
    is the security administrator's (otherwise a system administrator could take over the
    audit administrator's account — 三员分立). Nobody manages their own account here."""
    if user.pk == person.pk:
        return False
    if administrator_roles_of(person):
        return _within(user, person, Role.SECURITY_ADMIN)
    return _within(user, person, Role.SYSTEM_ADMIN)


def can_reset_access(user: Any, person: Any) -> bool:
    """Unlock an account or reset its second factor: the security administrator's, for
    someone in their subtree, never for themselves."""
    return user.pk != person.pk and _within(user, person, Role.SECURITY_ADMIN)


def can_edit_security_policy(user: Any) -> bool:
    """The policy applies to every account, so it is the root's security administrator's."""
    return holds_root_role(user, Role.SECURITY_ADMIN)


def can_manage_catalogue(user: Any, org: Organisation | None = None) -> bool:
    """The city bureau's administrators revise the standard; a county extends its own."""
    return has_role(user, Role.SYSTEM_ADMIN, org)


def can_supervise(user: Any, org: Organisation | None = None) -> bool:
    return has_role(user, Role.SUPERVISOR, org)


View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """View decorator: sign-in required, then at least one of ``roles`` on some organisation.

    Views still check the organisation of the object they touch with a predicate.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles or STAFF_ROLES):
                raise PermissionDenied("您的账户没有访问此页面的角色。")
            return view(request, *args, **kwargs)

        wrapper.required_roles = frozenset(roles or STAFF_ROLES)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def role_holders(org: Organisation, roles: Iterable[str]) -> list[Any]:
    """Active users holding one of ``roles`` on ``org`` or one of its ancestors: the people
    answerable for something of ``org`` (whom a moved deadline is told to)."""
    paths = [o.path for o in org.ancestors()] + [org.path]
    grants = (
        RoleGrant.objects.active()
        .filter(role__in=list(roles), organisation__path__in=paths, user__is_active=True)
        .select_related("user")
    )
    return sorted({g.user for g in grants}, key=lambda u: u.pk)
