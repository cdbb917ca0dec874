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
def staff_links() -> list[tuple[str, str]]:
    """(label, url) of staff work areas, declared as ``staff_links`` on each AppConfig."""
    return [
        (label, reverse(name))
        for config in apps.get_app_configs()
        for label, name in getattr(config, "staff_links", ())
    ]


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "public_links": public_links(),
        "staff_links": staff_links() if request.user.is_authenticated else [],
        "site": settings.GONGKAI_SITE,
        "large_type": request.COOKIES.get("gk_large") == "1",
        # The static export (USB stick at a reading point) has no server: no forms or filters.
        "static_export": getattr(settings, "GONGKAI_STATIC_EXPORT", False),
    }
