"""The workbench: each person's landing page after signing in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import grants, role_required
from gongkai.core.worklist import GROUPS, Queue, Task, due_soon_end, worklist_for
from gongkai.notifications.models import Notification
from gongkai.notifications.services import unread_count
from gongkai.workbench.roles import DUTIES

#: How many deadlines of the organisations the merged list shows before "查看全部".
WATCH_SHOWN = 15


@dataclass(frozen=True)
class Row:
    queue: Queue
    task: Task
    #: overdue · today · soon · "" (the deadline badge)
    state: str


@dataclass
class Group:
    key: str
    heading: str
    queues: list[tuple[Queue, list[Row]]]

    @property
    def count(self) -> int:
        return sum(queue.count for queue, _ in self.queues)

    @property
    def shown(self) -> list[tuple[Queue, list[Row]]]:
        """The queues shown as cards: those with work."""
        return [(queue, rows) for queue, rows in self.queues if queue.count]

    @property
    def empty(self) -> list[Queue]:
        """Queues with nothing in them, named in one line under the cards."""
        shown = {queue.key for queue, _ in self.shown}
        return [queue for queue, _ in self.queues if queue.key not in shown]


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # role_required signed them in
    today, now = timezone.localdate(), timezone.now()
    soon = due_soon_end(today)

    def rows(queue: Queue, tasks: list[Task]) -> list[Row]:
        return [Row(queue, t, t.deadline_state(today, soon, now)) for t in tasks]

    found = worklist_for(user, today)
    unread = Notification.objects.for_user(user).unread()
    todo: dict[str, list[Queue]] = defaultdict(list)
    watch: list[Queue] = []
    for queue in found.queues:
        (watch if queue.group == "watch" else todo[queue.group]).append(queue)
    groups = [
        Group(key, heading, [(q, rows(q, q.tasks)) for q in todo[key]])
        for key, heading in GROUPS.items()
        if todo[key]
    ]
    # A group with nothing in it is one line of "nothing to do, and what will come here".
    idle = [queue for group in groups if not group.count for queue, _ in group.queues]
    groups = [group for group in groups if group.count]
    deadlines = sorted(
        (row for queue in watch for row in rows(queue, queue.tasks)),
        key=lambda row: row.task.sort_key(),
    )
    return render(
        request,
        "staff/workbench.html",
        {
            "roles": _roles(user),
            "groups": groups,
            "idle": idle,
            "todo_count": sum(g.count for g in groups),
            "watch": watch,
            "deadlines": deadlines[:WATCH_SHOWN],
            "deadlines_more": [q for q in watch if q.count and q.more_url],
            "overdue_count": sum(q.count for q in watch if q.overdue),
            "soon_count": sum(q.count for q in watch if not q.overdue),
            "any_provisional": any(t.provisional for q in found.queues for t in q.tasks),
            "shortcuts": found.shortcuts,
            "notifications": unread[:5],
            "unread_count": unread_count(request),
        },
    )


def _roles(user: User) -> list[dict[str, Any]]:
    """Each role the person holds, where, and what it is for."""
    held: dict[str, list[str]] = defaultdict(list)
    for grant in grants(user):
        held[grant.role].append(grant.organisation.display_name)
    return [
        {"label": role.label, "organisations": held[role.value], "duty": DUTIES.get(role, "")}
        for role in Role
        if role.value in held
    ]


__all__ = ["Group", "Row", "home"]
