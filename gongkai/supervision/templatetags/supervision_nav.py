"""``{% supervision_nav %}``: the supervision pages the signed-in person can open, so nobody
is shown a link that refuses them (a clerk on the annual report sees none of the dashboards;
the scoring scheme is the city's)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import can_supervise, has_role
from gongkai.supervision import permissions as can

register = template.Library()


@register.inclusion_tag("supervision/_nav.html", takes_context=True)
def supervision_nav(context: Any) -> dict[str, Any]:
    user = context["request"].user
    links: list[tuple[str, str]] = []
    if can_supervise(user):
        links += [
            ("合规看板", reverse("supervision:dashboard")),
            ("指标", reverse("supervision:indicators")),
            ("自查", reverse("supervision:inspection")),
            ("提醒", reverse("supervision:digests")),
            ("适用调整", reverse("supervision:applicability")),
        ]
        if can.can_edit_scheme(user):
            links.append(("评分方案", reverse("supervision:scheme")))
    # The reports this person writes (clerks) or checks (supervisors), by unit and year.
    if can_supervise(user) or has_role(user, (Role.CLERK,)):
        links.append(("年度报告", reverse("supervision:annual_reports")))
    return {"links": links}
