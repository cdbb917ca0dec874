"""Who may do what to a record. Four eyes: the two reviews are by two different people,
neither of them the author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.records.models import Kind, Record

STAFF_READ_ROLES = (
    Role.CLERK,
    Role.DOCUMENT_REVIEWER,
    Role.DISCLOSURE_REVIEWER,
    Role.SUPERVISOR,
    Role.CONCERN_OFFICER,
)


def can_view(user: Any, record: Record) -> bool:
    return has_role(user, STAFF_READ_ROLES, record.organisation)


def can_edit(user: Any, record: Record) -> bool:
    """The unit's clerk writes its records; a response to a public concern may also be
    written by the unit's concern officer (谁主管谁负责: the officer handling the concern)."""
    if record.kind == Kind.RESPONSE and has_role(user, Role.CONCERN_OFFICER, record.organisation):
        return True
    return has_role(user, Role.CLERK, record.organisation)


def can_document_review(user: Any, record: Record) -> bool:
    return (
        has_role(user, Role.DOCUMENT_REVIEWER, record.organisation) and user.pk != record.author_id
    )


def can_disclosure_review(user: Any, record: Record) -> bool:
    return (
        has_role(user, Role.DISCLOSURE_REVIEWER, record.organisation)
        and user.pk != record.author_id
        and user.pk != record.document_reviewer_id
    )


def can_fast_approve(user: Any, record: Record) -> bool:
    """Responses to public concerns run against an hour clock (5 h / 24 h / 48 h): one
    reviewer, who is not the author, approves them in one step. Screening still runs at
    submission and publication; the fast path skips a reviewer, never the checks."""
    return (
        record.kind == Kind.RESPONSE
        and has_role(user, (Role.DISCLOSURE_REVIEWER, Role.DOCUMENT_REVIEWER), record.organisation)
        and user.pk != record.author_id
    )


def can_publish(user: Any, record: Record) -> bool:
    """The writer (can_edit) or the unit's disclosure reviewer releases an approved record."""
    return can_edit(user, record) or has_role(user, Role.DISCLOSURE_REVIEWER, record.organisation)


def can_withdraw(user: Any, record: Record) -> bool:
    return can_publish(user, record)


def get_record_for(user: Any, pk: int, predicate: Any = can_view) -> Record:
    """Fetch and authorise: 404 for records outside the user's organisations (no leak of
    their existence), 403 when visible but the action is not the user's to take."""
    record = get_object_or_404(
        Record.objects.select_related("item__section", "organisation", "author"), pk=pk
    )
    if not can_view(user, record):
        raise Http404("没有找到该信息。")
    if predicate is not can_view and not predicate(user, record):
        raise PermissionDenied("您没有对该信息执行此操作的权限。")
    return record
