"""``make_*`` helpers for concern tests and demo data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongkai.accounts.models import User
from gongkai.catalogue.models import Item
from gongkai.concerns.models import Concern, Level, Source
from gongkai.concerns.services import register_concern
from gongkai.organisations.models import Organisation


def make_concern(
    *, by: User, discovered_at: datetime, level: str = Level.GENERAL, **fields: Any
) -> Concern:
    """A registered concern about, and handled by, the officer's first organisation."""
    from gongkai.accounts.models import Role
    from gongkai.accounts.permissions import organisations_for

    org = (
        fields.pop("responsible_organisation", None)
        or organisations_for(by, Role.CONCERN_OFFICER).order_by("path").first()
    )
    if not isinstance(org, Organisation):
        raise ValueError("make_concern: the user is no concern officer anywhere")
    defaults: dict[str, Any] = {
        "subject": "网传某小学午餐质量问题",
        "summary": "有家长在网络平台发帖称学校午餐分量不足，转发量较大。",
        "source": Source.ONLINE,
        "links": "https://example.com/post/1",
        "organisation": org,
        "item": Item.objects.current().get(code="08.02"),
    }
    defaults.update(fields)
    return register_concern(
        by=by, discovered_at=discovered_at, level=level, responsible_organisation=org, **defaults
    )
