"""``make_*`` helpers for applications, shared by the tests and the demo data."""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING, Any

from gongkai.applications import services
from gongkai.applications.models import Application

if TYPE_CHECKING:
    from gongkai.accounts.models import User


_counter = itertools.count(1)


def applicant_data(**fields: Any) -> dict[str, Any]:
    """A fictional applicant (the ID number is made up and fails the checksum on purpose)."""
    n = next(_counter)
    data: dict[str, Any] = {
        "name": f"测试申请人{n}",
        "id_type": "resident_id",
        "id_number": f"37150019800101{n:04d}",
        "phone": "0635-0000000",
        "email": f"applicant{n}@example.invalid",
        "address": "测试市测试路1号",
    }
    data.update(fields)
    return data


def make_application(
    *,
    by: User,
    organisation: Any = None,
    received_on: date = date(2025, 9, 18),
    channel: str = "in_person",
    applicant_kind: str = "natural",
    applicant: dict[str, Any] | None = None,
    description: str = "2025年城区小学招生范围划定的依据文件",
    **fields: Any,
) -> Application:
    """An application registered by staff, received on ``received_on`` (当面提交 by default)."""
    from gongkai.applications.permissions import handled_organisations

    org = organisation or handled_organisations(by).order_by("depth").first()
    dates: dict[str, Any] = {
        "in_person": {"submitted_on": received_on},
        "oral": {"submitted_on": received_on},
        "post_signed": {"signed_for_on": received_on},
    }.get(channel, {"confirmed_on": received_on})
    filed = services.register_application(
        by=by,
        organisation=org,
        applicant_kind=applicant_kind,
        applicant=applicant or applicant_data(),
        channel=channel,
        description=description,
        **{**dates, **fields},
    )
    return filed.application
