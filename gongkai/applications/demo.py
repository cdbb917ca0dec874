"""Demo data for 依申请公开: a few fictional applications at the demo county bureau.

Deterministic and idempotent: nothing is added if the county already has applications. The
applicants are invented (“（演示）” in the name); their ID numbers are not valid numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gongkai.accounts.models import User


def seed(command: Any) -> None:
    from gongkai.applications import services
    from gongkai.applications.models import Application
    from gongkai.demo.steps import demo_county

    county = demo_county()
    clerk = User.objects.filter(username="county_clerk").first()
    if clerk is None or Application.objects.filter(organisation=county).exists():
        return

    def register(n: int, received_on: date, kind: str, description: str, **extra: Any) -> Any:
        return services.register_application(
            by=clerk,
            organisation=county,
            applicant_kind=kind,
            applicant={
                "name": f"（演示）申请人{n}",
                "id_type": "resident_id" if kind == "natural" else "uscc",
                "id_number": f"DEMO-{n:04d}",
                "phone": "0635-0000000",
            },
            channel="in_person",
            submitted_on=received_on,
            description=description,
            **extra,
        ).application

    granted = register(1, date(2025, 9, 18), "natural", "2025年城区小学招生范围划定的依据文件")
    services.draft_reply(
        granted, by=clerk, category="granted", body="现将招生范围划定文件提供给您（见附件）。"
    )
    services.send_reply(granted, by=clerk, on=date(2025, 10, 9))

    unclear = register(2, date(2026, 1, 29), "natural", "学校的那个文件")
    services.request_correction(
        unclear, by=clerk, on=date(2026, 2, 3), until_on=date(2026, 2, 13),
        note="请写明学校名称和文件名称或文号。",
    )  # fmt: skip

    register(3, date(2026, 4, 14), "legal", "2026年义务教育阶段学校课后服务收费依据")
