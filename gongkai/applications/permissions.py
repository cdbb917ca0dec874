"""Who may see and handle applications.

An application, and the applicant's personal data in it, is seen only by the staff who handle
applications for the receiving organisation: clerks and disclosure reviewers with a role on
it or above it. Supervisors see the annual-report tables (numbers only), never applications.
Staff of another county get a 404: they do not learn that the application exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role, organisations_for
from gongkai.applications.models import Application
from gongkai.organisations.models import Organisation, OrganisationQuerySet

#: 政府信息公开工作机构的经办人员 (clerks) and its reviewers.
HANDLER_ROLES = (Role.CLERK, Role.DISCLOSURE_REVIEWER)
#: 第三十三条: an extension needs the approval of the head of the disclosure office; the
#: disclosure reviewer role stands for that office's responsible person.
APPROVER_ROLES = (Role.DISCLOSURE_REVIEWER,)


def can_handle(user: Any, application: Application) -> bool:
    return has_role(user, HANDLER_ROLES, application.organisation)


def can_handle_organisation(user: Any, organisation: Organisation) -> bool:
    return has_role(user, HANDLER_ROLES, organisation)


def can_approve(user: Any, application: Application) -> bool:
    return has_role(user, APPROVER_ROLES, application.organisation)


def can_approve_organisation(user: Any, organisation: Organisation) -> bool:
    return has_role(user, APPROVER_ROLES, organisation)


def handled_organisations(user: Any) -> OrganisationQuerySet:
    return organisations_for(user, HANDLER_ROLES)


def get_application_for(user: Any, pk: int, predicate: Any = can_handle) -> Application:
    """Fetch and authorise: 404 outside the user's organisations, 403 when visible but the
    action needs another role."""
    application = get_object_or_404(
        Application.objects.select_related("organisation", "cluster", "registered_by"), pk=pk
    )
    if not can_handle(user, application):
        raise Http404("没有找到该申请。")
    if predicate is not can_handle and not predicate(user, application):
        raise PermissionDenied("您没有对该申请执行此操作的权限。")
    return application
