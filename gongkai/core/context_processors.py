from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


@cache
def public_links() -> list[tuple[str, str]]:
    """(label, url) of the public column's sections, declared by each app as
    ``public_links = [("政策解读", "interpretations:list")]`` on its AppConfig, in
    INSTALLED_APPS order. Apps own their entry, so adding a column edits no shared template."""
    return [
        (label, reverse(name))
        for config in apps.get_app_configs()
        for label, name in getattr(config, "public_links", ())
    ]


@cache
def staff_links() -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, url, roles) of staff work areas, declared as ``staff_links`` on each AppConfig:
    ``("舆情", "concerns:workbench")``, or with a third element, the roles that see the link
    (``("审计日志", "staff_accounts:audit_log", ("audit_admin",))``)."""
    links = []
    for config in apps.get_app_configs():
        for label, name, *roles in getattr(config, "staff_links", ()):
            links.append((label, reverse(name), tuple(roles[0]) if roles else ()))
    return links


def staff_links_for(user: Any) -> list[tuple[str, str]]:
    from gongkai.accounts.permissions import has_role

    return [
        (label, url) for label, url, roles in staff_links() if not roles or has_role(user, roles)
    ]


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "public_links": public_links(),
        "staff_links": staff_links_for(request.user) if request.user.is_authenticated else [],
        "site": settings.GONGKAI_SITE,
        "large_type": request.COOKIES.get("gk_large") == "1",
        # The static export (USB stick at a reading point) has no server: no forms or filters.
        "static_export": getattr(settings, "GONGKAI_STATIC_EXPORT", False),
    }
