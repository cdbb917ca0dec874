from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site": settings.GONGKAI_SITE,
        "large_type": request.COOKIES.get("gk_large") == "1",
        # The static export (USB stick at a reading point) has no server: no forms or filters.
        "static_export": getattr(settings, "GONGKAI_STATIC_EXPORT", False),
    }
