"""manage.py supervision report|refresh|digests|links|inspect"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.organisations.models import Organisation
from gongkai.supervision import compliance, indicators, inspection
from gongkai.supervision.models import State
from gongkai.supervision.reminders import send_digests


class Command(BaseCommand):
    help = "监督评估：合规状态报告、重新计算汇总、发送提醒、检测链接、自查。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["report", "refresh", "digests", "links", "inspect"])
        parser.add_argument("--org", help="机构编码（默认：最上级机构）")
        parser.add_argument("--year", type=int, help="年度（默认：今年）")
        parser.add_argument("--today", type=date.fromisoformat, help="按该日计算（YYYY-MM-DD）")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        year = options["year"] or today.year
        org = self._org(options["org"])
        try:
            getattr(self, f"_{options['action']}")(org, year, today, options["format"])
        except CalendarNotLoaded as exc:
            raise CommandError(str(exc)) from exc

    def _org(self, code: str | None) -> Organisation:
        if code:
            org = Organisation.objects.filter(code=code).first()
            if org is None:
                raise CommandError(f"没有编码为“{code}”的机构。")
            return org
        org = Organisation.objects.filter(parent__isnull=True).order_by("path").first()
        if org is None:
            raise CommandError("尚未导入机构。")
        return org

    def _report(self, org: Organisation, year: int, today: date, fmt: str) -> None:
        evaluation = compliance.evaluate(org, year, today=today)
        items = {i.pk: i for i in Item.objects.current()}
        orgs = {o.pk: o for o in evaluation.organisations}
        rates = indicators.evaluate(list(orgs), date(year, 1, 1), date(year, 12, 31))
        cells = [
            {
                "organisation": orgs[c.organisation_id].code,
                "item": items[c.item_id].code,
                "period": c.period,
                "state": c.state,
                "state_label": State(c.state).label,
                "reason": c.reason,
                "records": c.records,
                "late_working_days": c.late_days,
                "overdue_working_days": c.overdue_days,
                "score": c.score,
            }
            for c in evaluation.cells
        ]
        if fmt == "json":
            payload = {
                "organisation": org.code,
                "year": year,
                "as_of": today.isoformat(),
                "cells": cells,
                "indicators": {orgs[k].code: v for k, v in rates.items()},
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        for cell in cells:
            if cell["state"] != State.NOT_APPLICABLE:
                self.stdout.write(
                    f"{cell['organisation']}\t{cell['item']}{cell['period']}\t{cell['state_label']}"
                    f"\t{cell['late_working_days'] or cell['overdue_working_days'] or ''}"
                )

    def _refresh(self, org: Organisation, year: int, today: date, fmt: str) -> None:
        evaluation = compliance.refresh(org, year, today=today)
        self.stdout.write(f"已更新 {len(evaluation.cells)} 个合规状态。")

    def _digests(self, org: Organisation, year: int, today: date, fmt: str) -> None:
        sent = send_digests(today=today)
        self.stdout.write(f"已发送 {len(sent)} 份提醒摘要。")

    def _links(self, org: Organisation, year: int, today: date, fmt: str) -> None:
        run = inspection.run_link_check(org)
        if fmt == "json":
            self.stdout.write(json.dumps(run.broken, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"检测 {run.checked} 个链接，失效 {len(run.broken)} 处。")
        for row in run.broken:
            self.stdout.write(f"{row['source']}\t{row['url']}\t{row['reason']}")

    def _inspect(self, org: Organisation, year: int, today: date, fmt: str) -> None:
        report = inspection.inspect(org, today=today)
        self.stdout.write(f"空白栏目 {len(report.blank)} 个；未按期更新 {len(report.stale)} 个。")
        for veto in report.vetoes:
            self.stdout.write(veto)
