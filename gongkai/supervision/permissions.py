"""Who may see and change what in supervision: supervisors, over their own subtree only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import can_supervise, grants, has_role
from gongkai.organisations.models import Organisation

UNIT_ROLES = (Role.CLERK, Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER, Role.SUPERVISOR)


def can_view_compliance(user: Any, org: Organisation) -> bool:
    return can_supervise(user, org)


def can_edit_scheme(user: Any) -> bool:
    """The scheme is city-wide: only a supervisor granted at the top of the tree edits it."""
    return any(g.role == Role.SUPERVISOR and g.organisation.depth == 0 for g in grants(user))


def can_write_annual_report(user: Any, org: Organisation) -> bool:
    return has_role(user, (Role.CLERK, Role.SUPERVISOR), org)


def annual_report_organisations(user: Any) -> list[Organisation]:
    """The bodies whose annual reports ``user`` writes (as clerk) or checks (as supervisor):
    bureaus and township offices, not schools, which report under 条例第五十五条 instead."""
    from gongkai.accounts.permissions import organisations_for
    from gongkai.organisations.models import Kind

    return list(
        organisations_for(user, (Role.CLERK, Role.SUPERVISOR))
        .active()
        .exclude(kind=Kind.SCHOOL)
        .order_by("path")
    )


def is_supervisor(user: Any) -> bool:
    return default_root(user) is not None


def can_file_annual_report(user: Any, org: Organisation) -> bool:
    # Filing creates a record in the organisation's name: clerks do that.
    return has_role(user, Role.CLERK, org)


def default_root(user: Any) -> Organisation | None:
    """The highest organisation the user supervises."""
    roots = [g.organisation for g in grants(user) if g.role == Role.SUPERVISOR]
    return min(roots, key=lambda o: (o.depth, o.path)) if roots else None


def get_supervised(user: Any, code: str | None) -> Organisation:
    """Fetch and authorise: the organisation named by ``code`` (default: the user's top one)."""
    if not code:
        root = default_root(user)
        if root is None:
            raise PermissionDenied("您没有监督评估角色。")
        return root
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise Http404("没有该机构。")
    if not can_view_compliance(user, org):
        raise PermissionDenied("您只能查看本机构及下级机构的监督评估数据。")
    return org
