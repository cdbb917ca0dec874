"""Demo concerns (fictional), seeded by ``manage.py seed_demo``; safe to run twice.

They are dated hours before the seed runs, so the clocks are live when someone opens the
demo: the serious one shows its 5-hour and 24-hour deadlines counting down, and the general
one has been answered on time through the one-reviewer fast path, so the public 回应关切
column has an entry.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.catalogue.models import Item
from gongkai.concerns import services
from gongkai.concerns.models import Concern, Level, ResponseKind, Source
from gongkai.records import services as records

DEMO = [
    {
        "subject": "（演示）网传某小学午餐分量不足",
        "summary": "（演示）有家长在网络平台发帖称学校午餐分量不足，转发约三百次。",
        "source": Source.ONLINE,
        "hours_ago": 20,
        "level": Level.GENERAL,
        "links": "https://example.com/demo/post/1",
        "item": "08.02",
        "plan": "（演示）核查供餐记录，48小时内发布情况说明。",
        "response": (
            "（演示）关于网传某小学午餐分量不足的情况说明",
            "<p>经县教育和体育局会同市场监管部门核查，该校午餐按每生每餐标准足量供应，"
            "网传图片为学生取餐前的半份餐盘。我们将继续做好陪餐和家长开放日工作。</p>",
        ),
    },
    {
        "subject": "（演示）网传某校校车发生交通事故",
        "summary": "（演示）12345热线接到多名家长来电询问，网络出现现场图片。",
        "source": Source.HOTLINE,
        "hours_ago": 2,
        "level": Level.SERIOUS,
        "links": "",
        "item": "10.01",
        "plan": "",
    },
]


def seed(command: BaseCommand) -> None:
    officer = User.objects.filter(username="county_concern_officer").first()
    reviewer = User.objects.filter(username="county_doc_reviewer").first()
    if officer is None:
        return
    now = timezone.now().replace(second=0, microsecond=0)
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
            discovered_at=now - timedelta(hours=int(entry["hours_ago"])),  # type: ignore[call-overload]
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
        if entry.get("response") and reviewer is not None:
            title, body = (str(part) for part in entry["response"])  # type: ignore[attr-defined]
            record = services.draft_response(
                concern, by=officer, kind=ResponseKind.STATEMENT, title=title, body=body
            )
            record = records.submit(record, by=officer)
            record = records.approve_fast(record, by=reviewer)
            records.publish(record, by=officer)
