"""Writing a report: draft it from the data, edit the staff's text and the hand-kept rows of
表二, recompute the numbers, file it for publication. Each service checks, writes and audits
in one transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.core.audit import record_event
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, Workflow
from gongkai.organisations.models import Organisation
from gongkai.records.models import Record
from gongkai.supervision import conf
from gongkai.supervision.annual.document import title
from gongkai.supervision.annual.tables import (
    MANUAL_TABLE_TWO_ROWS,
    SECTION_TITLES,
    compute_tables,
    differences,
    validate_tables,
)
from gongkai.supervision.models import AnnualReport

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def prefill_sections(org: Organisation, year: int) -> dict[str, str]:
    """The staff's text to start from. Numbers never go here: the narrative writes them from
    the tables (``narrative.paragraphs``), so this text holds what the data cannot say."""
    from gongkai.supervision import compliance
    from gongkai.supervision.models import State

    states: dict[str, list[str]] = defaultdict(list)
    try:
        evaluation = compliance.evaluate(
            org, year, today=min(timezone.localdate(), date(year, 12, 31))
        )
        names = {i.pk: f"{i.code} {i.name}" for i in evaluation.items}
        for cell in evaluation.cells:
            if cell.organisation_id == org.pk:
                states[cell.state].append(names[cell.item_id])
    except CalendarNotLoaded:  # a missing calendar must not stop the draft
        states = defaultdict(list)
    problems = []
    if states[State.OVERDUE]:
        problems.append("超期未发布的事项：" + "、".join(states[State.OVERDUE]))
    if states[State.LATE]:
        problems.append("逾期发布的事项：" + "、".join(states[State.LATE]))
    if states[State.MISSING]:
        problems.append("应公开未公开的事项：" + "、".join(states[State.MISSING]))
    return {
        "1": "",
        "2": "",
        "3": "",
        "4": "",
        "5": (
            "；".join(problems) + "。下一步将对照标准目录逐项整改，按时限公开。"
            if problems
            else "本年度标准目录事项均按时公开。下一步将继续提高公开质量。"
        ),
        "6": "",
    }


def draft_report(org: Organisation, year: int, *, by: User | None) -> AnnualReport:
    """Create (or return) the draft, its numbers computed from the data."""
    report = AnnualReport.objects.filter(organisation=org, year=year).first()
    if report is not None:
        return report
    tables = compute_tables(org, year)
    with transaction.atomic():
        report = AnnualReport.objects.create(
            organisation=org,
            year=year,
            tables=tables,
            computed_at=timezone.now(),
            sections=prefill_sections(org, year),
            updated_by=by if getattr(by, "pk", None) else None,
        )
        record_event(Verb.ANNUAL_REPORT_DRAFT, actor=by, target=report, data={"year": year})
    return report


def save_report(
    report: AnnualReport,
    *,
    by: User,
    sections: dict[str, str] | None = None,
    manual: dict[str, Any] | None = None,
    recompute: bool = False,
) -> AnnualReport:
    """Edit the text, enter the hand-kept rows of table 二, or recompute the numbers from the
    data (tables and narrative together). The sum checks run before anything is written."""
    if report.status != AnnualReport.Status.DRAFT:
        raise ValidationError("年度报告已提交发布审核，不能再修改。")
    if sections is not None and set(sections) - set(SECTION_TITLES):
        raise ValidationError("年度报告只有一至六部分。")
    tables = compute_tables(report.organisation, report.year) if recompute else report.tables
    tables = {**tables, "two": {**tables["two"]}}
    for key, values in (manual or {}).items():
        if key not in MANUAL_TABLE_TWO_ROWS:
            raise ValidationError(f"表二“{key}”由系统统计，不能手工填写。")
        tables["two"][key] = {**tables["two"][key], **values}
    if recompute:
        for key in MANUAL_TABLE_TWO_ROWS:
            if key not in (manual or {}):
                tables["two"][key] = report.tables.get("two", {}).get(key, tables["two"][key])
    validate_tables(tables)
    with transaction.atomic():
        if sections is not None:
            report.sections = {**report.sections, **sections}
        report.tables = tables
        if recompute:
            report.computed_at = timezone.now()
        report.updated_by = by
        report.save()
        data = {"year": report.year, "recompute": recompute}
        record_event(Verb.ANNUAL_REPORT_SAVE, actor=by, target=report, data=data)
    return report


def stale_numbers(report: AnnualReport) -> list[str]:
    """Where the draft's numbers no longer match the data; empty when they are current."""
    return differences(report.tables, compute_tables(report.organisation, report.year))


def _numbers_are_current(user: Any, report: AnnualReport) -> None:
    """Published numbers must be current: a report the data has moved past is refused."""
    validate_tables(report.tables)
    stale = stale_numbers(report)
    if stale:
        shown = "；".join(stale[:3]) + ("等" if len(stale) > 3 else "")
        raise ValidationError(
            f"报告中的数字已不是最新数据（{shown}），不能提交。"
            "请先点击“按最新数据重算”，核对正文和表格后再提交。"
        )


def _file_as_record(user: Any, report: AnnualReport) -> dict[str, Any]:
    """A draft record under the annual-report item, submitted for the two reviews."""
    from gongkai.records import services
    from gongkai.supervision.annual.html import render_html

    item = Item.objects.current().get(code=conf.annual_report_item_code())
    today = timezone.localdate()
    record = services.create_record(
        by=user,
        item=item,
        organisation=report.organisation,
        title=title(report),
        summary=render_summary(report),
        body=render_html(report, fragment=True),
        formed_on=today,
        written_on=today,
    )
    report.record = services.submit(record, by=user, note="年度报告")
    return {"record": record.pk}


#: A report is drafted and edited by its services above; filing hands it to the record
#: workflow, which publishes it after the two reviews.
workflow: Workflow[AnnualReport] = Workflow(
    "annual_report",
    [
        Transition(
            "file",
            (AnnualReport.Status.DRAFT,),
            AnnualReport.Status.FILED,
            "提交发布",
            guard=_numbers_are_current,
            effect=_file_as_record,
        )
    ],
    model=AnnualReport,
)


def file_report(report: AnnualReport, *, by: User) -> Record:
    """Publish through the record workflow: a draft record under the annual-report item,
    submitted for the two reviews. It is public once the reviewers publish it. A report whose
    numbers no longer match the data is refused: published numbers must be current."""
    filed = workflow.apply(report, "file", by=by)
    assert filed.record is not None  # set by _file_as_record
    return filed.record


def render_summary(report: AnnualReport) -> str:
    from gongkai.supervision.annual.narrative import paragraphs

    generated = paragraphs(report.tables, organisation=report.organisation.name, year=report.year)
    return "".join(generated["1"][:2])[:200]
