from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils.html import format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString


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
def public_nav() -> SafeString:
    """The links of ``public_links``, joined once: every public page shows them twice (the
    row, and the phone's folded list), which as template loops cost a twentieth of a page;
    empty when no app declares a column."""
    return format_html_join(
        "", '<a href="{}">{}</a>', ((url, label) for label, url in public_links())
    )


Visible = tuple[str, ...] | str


@cache
def staff_links() -> list[tuple[str, str, Visible]]:
    """(label, url, who sees it) of staff work areas, declared as ``staff_links`` on each
    AppConfig: ``("舆情", "concerns:workbench")`` shows to whoever the view admits (the roles
    ``accounts.permissions.role_required`` records on it); a third element narrows it to
    roles (``("audit_admin",)``) or names a predicate ``user -> bool`` by dotted path."""
    links: list[tuple[str, str, Visible]] = []
    for config in apps.get_app_configs():
        for label, name, *who in getattr(config, "staff_links", ()):
            url = reverse(name)
            if who:
                links.append((label, url, who[0] if isinstance(who[0], str) else tuple(who[0])))
            else:
                links.append((label, url, tuple(getattr(resolve(url).func, "required_roles", ()))))
    return links


def staff_links_for(user: Any) -> list[tuple[str, str]]:
    has_role = import_string(settings.GONGKAI_ROLE_CHECK)

    def sees(who: Visible) -> bool:
        if isinstance(who, str):
            return bool(import_string(who)(user))
        return not who or has_role(user, who)

    return [(label, url) for label, url, who in staff_links() if sees(who)]


def site(request: HttpRequest) -> dict[str, Any]:
    # Error pages can render before the middleware ran (a Host that ALLOWED_HOSTS refuses is
    # rejected while reading the request), so there may be no request.user at all.
    user = getattr(request, "user", None)
    return {
        "public_nav": public_nav(),
        "staff_links": staff_links_for(user) if user is not None and user.is_authenticated else [],
        "site": settings.GONGKAI_SITE,
        "large_type": request.COOKIES.get("gk_large") == "1",
        # The static export (USB stick at a reading point) has no server: no forms or filters.
        "static_export": settings.GONGKAI_STATIC_EXPORT,
    }
