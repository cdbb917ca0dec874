from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site": settings.GONGKAI_SITE,
        "large_type": request.COOKIES.get("gk_large") == "1",
    }
