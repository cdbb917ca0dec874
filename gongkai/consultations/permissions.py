"""Who may do what in public participation. A role on an organisation covers its subtree.

Clerks and disclosure reviewers run consultations and events for their units; mailbox
messages may also be answered by concern officers (舆情处置), who deal with the public daily.
Supervisors and document reviewers read everything in their subtree and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.consultations.models import Comment, Consultation, Event, Mailbox, Message

MANAGE_ROLES = (Role.CLERK, Role.DISCLOSURE_REVIEWER)
HANDLE_ROLES = (Role.CLERK, Role.DISCLOSURE_REVIEWER, Role.CONCERN_OFFICER)
READ_ROLES = (
    Role.CLERK,
    Role.DOCUMENT_REVIEWER,
    Role.DISCLOSURE_REVIEWER,
    Role.CONCERN_OFFICER,
    Role.SUPERVISOR,
)
MAILBOX_ADMIN_ROLES = (Role.CLERK, Role.DISCLOSURE_REVIEWER, Role.SYSTEM_ADMIN)


def can_view_consultation(user: Any, consultation: Consultation) -> bool:
    return has_role(user, READ_ROLES, consultation.organisation)


def can_manage_consultation(user: Any, consultation: Consultation) -> bool:
    return has_role(user, MANAGE_ROLES, consultation.organisation)


def can_moderate(user: Any, comment: Comment) -> bool:
    return can_manage_consultation(user, comment.consultation)


def can_view_message(user: Any, message: Message) -> bool:
    """The unit handling it now, and the unit whose mailbox received it (it transferred it)."""
    return has_role(user, READ_ROLES, message.organisation) or has_role(
        user, READ_ROLES, message.mailbox.organisation
    )


def can_handle_message(user: Any, message: Message) -> bool:
    return has_role(user, HANDLE_ROLES, message.organisation)


def can_manage_mailbox(user: Any, mailbox: Mailbox) -> bool:
    return has_role(user, MAILBOX_ADMIN_ROLES, mailbox.organisation)


def can_view_event(user: Any, event: Event) -> bool:
    return has_role(user, READ_ROLES, event.organisation)


def can_manage_event(user: Any, event: Event) -> bool:
    return has_role(user, MANAGE_ROLES, event.organisation)


M = TypeVar("M", bound=models.Model)


def fetch_for(
    user: Any,
    queryset: models.QuerySet[M],
    pk: int,
    *,
    view: Callable[[Any, M], bool],
    act: Callable[[Any, M], bool] | None = None,
) -> M:
    """Fetch and authorise: 404 outside the user's organisations (no leak of existence),
    403 when visible but the action is not theirs to take."""
    obj = get_object_or_404(queryset, pk=pk)
    if not view(user, obj):
        raise Http404("没有找到该内容。")
    if act is not None and not act(user, obj):
        raise PermissionDenied("您没有对该内容执行此操作的权限。")
    return obj


def get_consultation_for(user: Any, pk: int, *, manage: bool = False) -> Consultation:
    return fetch_for(
        user,
        Consultation.objects.select_related("organisation", "item__section", "created_by"),
        pk,
        view=can_view_consultation,
        act=can_manage_consultation if manage else None,
    )


def get_comment_for(user: Any, pk: int) -> Comment:
    return fetch_for(
        user,
        Comment.objects.select_related("consultation__organisation", "section"),
        pk,
        view=lambda u, c: can_view_consultation(u, c.consultation),
        act=can_moderate,
    )


def get_message_for(user: Any, pk: int, *, handle: bool = False) -> Message:
    return fetch_for(
        user,
        Message.objects.select_related("mailbox__organisation", "organisation", "replied_by"),
        pk,
        view=can_view_message,
        act=can_handle_message if handle else None,
    )


def get_mailbox_for(user: Any, pk: int) -> Mailbox:
    return fetch_for(
        user,
        Mailbox.objects.select_related("organisation"),
        pk,
        view=lambda u, m: has_role(u, READ_ROLES + MAILBOX_ADMIN_ROLES, m.organisation),
        act=can_manage_mailbox,
    )


def get_event_for(user: Any, pk: int, *, manage: bool = False) -> Event:
    return fetch_for(
        user,
        Event.objects.select_related("organisation", "consultation"),
        pk,
        view=can_view_event,
        act=can_manage_event if manage else None,
    )
