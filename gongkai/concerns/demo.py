"""Demo concerns (fictional), seeded by ``manage.py seed_demo``; safe to run twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand

from gongkai.accounts.models import User
from gongkai.catalogue.models import Item
from gongkai.concerns import services
from gongkai.concerns.models import Concern, Level, Source

SHANGHAI = ZoneInfo("Asia/Shanghai")

DEMO = [
    {
        "subject": "（演示）网传某小学午餐分量不足",
        "summary": "（演示）有家长在网络平台发帖称学校午餐分量不足，转发约三百次。",
        "source": Source.ONLINE,
        "discovered_at": datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI),
        "level": Level.GENERAL,
        "links": "https://example.com/demo/post/1",
        "item": "08.02",
        "plan": "（演示）核查供餐记录，48小时内发布情况说明。",
    },
    {
        "subject": "（演示）网传某校校车发生交通事故",
        "summary": "（演示）12345热线接到多名家长来电询问，网络出现现场图片。",
        "source": Source.HOTLINE,
        "discovered_at": datetime(2025, 9, 2, 7, 40, tzinfo=SHANGHAI),
        "level": Level.SERIOUS,
        "links": "",
        "item": "10.01",
        "plan": "",
    },
]


def seed(command: BaseCommand) -> None:
    officer = User.objects.filter(username="county_concern_officer").first()
    if officer is None:
        return
    for entry in DEMO:
        if Concern.objects.filter(subject=entry["subject"]).exists():
            continue
        from gongkai.accounts.models import Role
        from gongkai.accounts.permissions import organisations_for

        org = organisations_for(officer, Role.CONCERN_OFFICER).order_by("path").first()
        if org is None:
            return
        concern = services.register_concern(
            by=officer,
            subject=str(entry["subject"]),
            summary=str(entry["summary"]),
            source=str(entry["source"]),
            discovered_at=entry["discovered_at"],  # type: ignore[arg-type]
            level=str(entry["level"]),
            links=str(entry["links"]),
            organisation=org,
            item=Item.objects.current().get(code=entry["item"]),
            responsible_organisation=org,
        )
        if entry["plan"]:
            services.assess(
                concern, by=officer, level=concern.level, officer=officer, plan=str(entry["plan"])
            )
