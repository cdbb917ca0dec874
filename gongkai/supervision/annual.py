"""The annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号): six sections of text,
tables 二, 三 and 四 computed from the data, the sum checks of the format, and exports.

Table 三 counts applications by the day they were received (r1 this year, r2 carried over
from earlier years) and by the day they were closed (r3 rows, by ``applications.categories``);
what is still open at the year's end is r4. The format's own check, 一 + 二 = 三（七）+ 四,
therefore holds for clean data, and a failing check points at dirty data (an application
closed before it was received, say): the report refuses to be saved or filed until it holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string

from gongkai.applications import categories
from gongkai.applications.models import (
    ApplicantKind,
    Application,
    ApplicationEvent,
    EventKind,
    Remedy,
    RemedyKind,
    RemedyOutcome,
)
from gongkai.catalogue.models import Item
from gongkai.core.audit import record_event
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.organisations.models import Organisation
from gongkai.records.models import Disclosure, Kind, Record, Status, Validity
from gongkai.supervision import conf
from gongkai.supervision.models import AnnualReport

# --- Structure of the official tables --------------------------------------------------------

SECTION_TITLES = {
    "1": "一、总体情况",
    "2": "二、主动公开政府信息情况",
    "3": "三、收到和处理政府信息公开申请情况",
    "4": "四、政府信息公开行政复议、行政诉讼情况",
    "5": "五、存在的主要问题及改进情况",
    "6": "六、其他需要报告的事项",
}

#: 表三 columns: 自然人; 法人或其他组织 (five kinds); 总计.
COLUMNS: tuple[tuple[str, str], ...] = (
    (ApplicantKind.NATURAL_PERSON, "自然人"),
    (ApplicantKind.BUSINESS, "商业企业"),
    (ApplicantKind.RESEARCH, "科研机构"),
    (ApplicantKind.PUBLIC_WELFARE, "社会公益组织"),
    (ApplicantKind.LEGAL_SERVICE, "法律服务机构"),
    (ApplicantKind.OTHER, "其他"),
    ("total", "总计"),
)
KINDS = [c for c, _ in COLUMNS[:-1]]

#: 表三 rows, in the official order: (code, label). r3 rows come from categories.py.
ROWS: tuple[tuple[str, str], ...] = (
    ("r1", "一、本年新收政府信息公开申请数量"),
    ("r2", "二、上年结转政府信息公开申请数量"),
    *((c.row, f"三、本年度办理结果 {c.group} {c.label}") for c in categories.CATEGORIES),
    ("r3_7", "三、本年度办理结果 （七）总计"),
    ("r4", "四、结转下年度继续办理"),
)
RESULT_ROWS = tuple(c.row for c in categories.CATEGORIES)
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

TABLE_TWO_ROWS = (
    ("rules", "规章", ("issued", "abolished", "in_force")),
    ("normative", "行政规范性文件", ("issued", "abolished", "in_force")),
    ("licensing", "行政许可", ("decisions",)),
    ("penalty", "行政处罚", ("decisions",)),
    ("enforcement", "行政强制", ("decisions",)),
    ("fees", "行政事业性收费", ("amount",)),
)
#: Rows no catalogue item records: entered by hand in the draft (0 until then).
MANUAL_TABLE_TWO_ROWS = ("penalty", "enforcement", "fees")

REMEDY_GROUPS = (
    (RemedyKind.REVIEW, "行政复议"),
    (RemedyKind.LITIGATION_DIRECT, "行政诉讼：未经复议直接起诉"),
    (RemedyKind.LITIGATION_AFTER_REVIEW, "行政诉讼：复议后起诉"),
)
REMEDY_COLUMNS = (
    (RemedyOutcome.UPHELD, "结果维持"),
    (RemedyOutcome.CORRECTED, "结果纠正"),
    (RemedyOutcome.OTHER, "其他结果"),
    (RemedyOutcome.PENDING, "尚未审结"),
    ("total", "总计"),
)


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- Table 二 ---------------------------------------------------------------------------------


def _document_counts(org: Organisation, codes: tuple[str, ...], year: int) -> dict[str, int]:
    start, end = _bounds(year)
    if not codes:
        return {"issued": 0, "abolished": 0, "in_force": 0}
    keys = list(Item.objects.filter(code__in=codes).values_list("key", flat=True).distinct())
    qs = (
        # Documents only: interpretations and responses filed under the same item are not
        # documents the body issued.
        Record.objects.filter(
            organisation=org,
            kind=Kind.DOCUMENT,
            item__key__in=keys,
            current_version__isnull=False,
        )
        .exclude(status=Status.WITHDRAWN)
        .annotate(issued_on=Coalesce("written_on", "formed_on"))
    )
    ended = ~Q(validity=Validity.VALID) & Q(validity_changed_on__lte=end)
    return qs.aggregate(
        issued=Count("id", filter=Q(issued_on__gte=start, issued_on__lte=end)),
        abolished=Count(
            "id",
            filter=~Q(validity=Validity.VALID)
            & Q(validity_changed_on__gte=start, validity_changed_on__lte=end),
        ),
        in_force=Count("id", filter=Q(issued_on__lte=end) & ~ended),
    )


def table_two(org: Organisation, year: int) -> dict[str, dict[str, Any]]:
    items = conf.table_two_items()
    start, end = _bounds(year)
    licensing_keys = list(
        Item.objects.filter(code__in=items["licensing"]).values_list("key", flat=True).distinct()
    )
    licensing = (
        Record.objects.filter(
            organisation=org,
            kind=Kind.DOCUMENT,
            item__key__in=licensing_keys,
            current_version__isnull=False,
            formed_on__gte=start,
            formed_on__lte=end,
        )
        .exclude(status=Status.WITHDRAWN)
        .count()
    )
    return {
        "rules": _document_counts(org, tuple(items["rules"]), year),
        "normative": _document_counts(org, tuple(items["normative"]), year),
        "licensing": {"decisions": licensing},
        "penalty": {"decisions": 0},
        "enforcement": {"decisions": 0},
        "fees": {"amount": "0.00"},
    }


# --- Table 三 ---------------------------------------------------------------------------------


def _empty_row() -> dict[str, int]:
    return {c: 0 for c, _ in COLUMNS}


def table_three(org: Organisation, year: int) -> dict[str, dict[str, int]]:
    start, end = _bounds(year)
    apps = Application.objects.counted().filter(organisation=org)
    closed_by_end = ~Q(reply_category="") & Q(replied_on__isnull=False, replied_on__lte=end)
    closed_before = ~Q(reply_category="") & Q(replied_on__isnull=False, replied_on__lt=start)
    table: dict[str, dict[str, int]] = {code: _empty_row() for code, _ in ROWS}

    def add(row: str, kind: str, n: int) -> None:
        table[row][kind] += n

    for row in apps.values("applicant_kind").annotate(
        r1=Count("id", filter=Q(received_on__gte=start, received_on__lte=end)),
        r2=Count("id", filter=Q(received_on__lt=start) & ~closed_before),
        r4=Count("id", filter=Q(received_on__lte=end) & ~closed_by_end),
    ):
        for code in ("r1", "r2", "r4"):
            add(code, row["applicant_kind"], row[code])
    for row in (
        apps.filter(replied_on__gte=start, replied_on__lte=end)
        .exclude(reply_category="")
        .values("reply_category", "applicant_kind")
        .annotate(n=Count("id"))
    ):
        add(categories.row_for(row["reply_category"]), row["applicant_kind"], row["n"])
    for code in RESULT_ROWS:
        for kind in KINDS:
            table["r3_7"][kind] += table[code][kind]
    for values in table.values():
        values["total"] = sum(values[k] for k in KINDS)
    return table


# --- Table 四 ---------------------------------------------------------------------------------


def table_four(org: Organisation, year: int) -> dict[str, dict[str, int]]:
    start, end = _bounds(year)
    table: dict[str, dict[str, int]] = {
        str(kind): {str(c): 0 for c, _ in REMEDY_COLUMNS} for kind, _ in REMEDY_GROUPS
    }
    remedies = Remedy.objects.filter(
        application__organisation=org, filed_on__gte=start, filed_on__lte=end
    ).values_list("kind", "outcome", "decided_on")
    for kind, outcome, decided_on in remedies:
        # As the year ended: a case decided in January is still 尚未审结 in last year's report.
        if outcome != RemedyOutcome.PENDING and decided_on and decided_on > end:
            outcome = RemedyOutcome.PENDING
        table[kind][outcome] += 1
    for row in table.values():
        row["total"] = sum(v for k, v in row.items() if k != "total")
    return table


# --- Sum checks -------------------------------------------------------------------------------


def check_tables(tables: dict[str, Any]) -> list[str]:
    """Every inconsistency, in Chinese; empty when the tables satisfy the format."""
    errors: list[str] = []
    three = tables.get("three") or {}
    labels = dict(ROWS)
    col_labels = dict(COLUMNS)
    for code, _ in ROWS:
        row = three.get(code)
        if row is None:
            errors.append(f"表三缺少“{labels[code]}”一行。")
            continue
        if any(not isinstance(row.get(c), int) or row.get(c) < 0 for c, _ in COLUMNS):
            errors.append(f"表三“{labels[code]}”须填写非负整数。")
            continue
        if row["total"] != sum(row[k] for k in KINDS):
            errors.append(f"表三“{labels[code]}”：总计 {row['total']} 不等于各类申请人之和。")
    if errors:
        return errors
    for kind, _ in COLUMNS:
        results = sum(three[r][kind] for r in RESULT_ROWS)
        if three["r3_7"][kind] != results:
            errors.append(
                f"表三“{col_labels[kind]}”列：（七）总计 {three['r3_7'][kind]} "
                f"不等于（一）至（六）各项之和 {results}。"
            )
        left = three["r1"][kind] + three["r2"][kind]
        right = three["r3_7"][kind] + three["r4"][kind]
        if left != right:
            errors.append(
                f"表三“{col_labels[kind]}”列：一、二项之和 {left} 不等于"
                f"三项（七）总计与四项之和 {right}（表内勾稽关系）。"
            )
    four = tables.get("four") or {}
    for kind, label in REMEDY_GROUPS:
        row = four.get(kind) or {}
        parts = sum(int(row.get(c, 0)) for c, _ in REMEDY_COLUMNS if c != "total")
        if int(row.get("total", 0)) != parts:
            errors.append(f"表四“{label}”：总计 {row.get('total')} 不等于各结果之和 {parts}。")
    two = tables.get("two") or {}
    for key, label, columns in TABLE_TWO_ROWS:
        for column in columns:
            value = (two.get(key) or {}).get(column)
            try:
                if value is None or float(value) < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append(f"表二“{label}”须填写非负数。")
    return errors


def table_two_warnings(org: Organisation, year: int, two: dict[str, Any]) -> list[str]:
    """现行有效 = 上年现行有效 + 本年制发 − 本年废止: a reminder, not a rule of the format."""
    warnings = []
    for key, label, _ in TABLE_TWO_ROWS[:2]:
        previous = _document_counts(org, tuple(conf.table_two_items()[key]), year - 1)["in_force"]
        row = two[key]
        if row["in_force"] != previous + row["issued"] - row["abolished"]:
            warnings.append(
                f"表二“{label}”：现行有效 {row['in_force']} 件，上年 {previous} 件"
                f"＋本年制发 {row['issued']} 件－本年废止 {row['abolished']} 件，请核对。"
            )
    return warnings


def validate_tables(tables: dict[str, Any]) -> None:
    errors = check_tables(tables)
    if errors:
        raise ValidationError(errors)


# --- Drafts -----------------------------------------------------------------------------------


def compute_tables(org: Organisation, year: int) -> dict[str, Any]:
    return {
        "two": table_two(org, year),
        "three": table_three(org, year),
        "four": table_four(org, year),
    }


def _fees(org: Organisation, year: int) -> tuple[int, int, int]:
    start, end = _bounds(year)
    events = ApplicationEvent.objects.filter(
        application__organisation=org, on__gte=start, on__lte=end, is_withdrawn=False
    )
    notices = list(events.filter(kind=EventKind.FEE_NOTICE_SENT).values_list("data", flat=True))
    paid = list(events.filter(kind=EventKind.FEE_PAID).values_list("data", flat=True))

    def amount(rows: list[Any]) -> int:
        return sum(int((d or {}).get("amount", 0) or 0) for d in rows)

    return len(notices), amount(notices), amount(paid)


def prefill_sections(org: Organisation, year: int, tables: dict[str, Any]) -> dict[str, str]:
    from gongkai.supervision import compliance
    from gongkai.supervision.models import State

    start, end = _bounds(year)
    published = (
        Record.objects.filter(
            organisation=org,
            disclosure=Disclosure.PROACTIVE,
            current_version__isnull=False,
            published_at__date__gte=start,
            published_at__date__lte=end,
        )
        .exclude(status=Status.WITHDRAWN)
        .count()
    )
    three = tables["three"]
    states: dict[str, list[str]] = defaultdict(list)
    try:
        evaluation = compliance.evaluate(org, year, today=min(date.today(), end))
        names = {i.pk: f"{i.code} {i.name}" for i in evaluation.items}
        for cell in evaluation.cells:
            if cell.organisation_id == org.pk:
                states[cell.state].append(names[cell.item_id])
    except CalendarNotLoaded:  # a missing calendar must not stop the draft
        states = defaultdict(list)
    notices, noticed, paid = _fees(org, year)
    problems = []
    if states[State.OVERDUE]:
        problems.append("超期未发布的事项：" + "、".join(states[State.OVERDUE]))
    if states[State.LATE]:
        problems.append("逾期发布的事项：" + "、".join(states[State.LATE]))
    if states[State.MISSING]:
        problems.append("应公开未公开的事项：" + "、".join(states[State.MISSING]))
    return {
        "1": (
            f"{year}年，{org.name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            f"按照《聊城市义务教育基层政务公开标准》做好政府信息公开工作。全年主动公开政府信息"
            f"{published}条；收到政府信息公开申请{three['r1']['total']}件，"
            f"上年结转{three['r2']['total']}件，办结{three['r3_7']['total']}件，"
            f"结转下年度{three['r4']['total']}件。"
        ),
        "2": "本年主动公开政府信息情况见下表。",
        "3": "本年收到和处理政府信息公开申请情况见下表。",
        "4": "本年政府信息公开行政复议、行政诉讼情况见下表。",
        "5": (
            "；".join(problems) + "。下一步将对照标准目录逐项整改，按时限公开。"
            if problems
            else "本年度标准目录事项均按时公开。下一步将继续提高公开质量。"
        ),
        "6": (
            f"依据《政府信息公开信息处理费管理办法》，本年发出收费通知{notices}件，"
            f"总金额{noticed}元，实际收取{paid}元。"
        ),
    }


def draft_report(org: Organisation, year: int, *, by: Any) -> AnnualReport:
    """Create (or return) the draft, prefilled from the data."""
    report = AnnualReport.objects.filter(organisation=org, year=year).first()
    if report is not None:
        return report
    tables = compute_tables(org, year)
    with transaction.atomic():
        report = AnnualReport.objects.create(
            organisation=org,
            year=year,
            tables=tables,
            sections=prefill_sections(org, year, tables),
            updated_by=by if getattr(by, "pk", None) else None,
        )
        record_event("annual_report.draft", actor=by, target=report, data={"year": year})
    return report


def save_report(
    report: AnnualReport,
    *,
    by: Any,
    sections: dict[str, str] | None = None,
    manual: dict[str, Any] | None = None,
    recompute: bool = False,
) -> AnnualReport:
    """Edit the text, enter the hand-kept rows of table 二, or recompute the tables from the
    data. The sum checks run before anything is written."""
    if report.status != AnnualReport.Status.DRAFT:
        raise ValidationError("年度报告已提交发布审核，不能再修改。")
    tables = compute_tables(report.organisation, report.year) if recompute else report.tables
    tables = {**tables, "two": {**tables["two"]}}
    for key, values in (manual or {}).items():
        if key not in MANUAL_TABLE_TWO_ROWS:
            raise ValidationError(f"表二“{key}”由系统统计，不能手工填写。")
        tables["two"][key] = {**tables["two"][key], **values}
    if recompute:
        for key in MANUAL_TABLE_TWO_ROWS:
            tables["two"][key] = report.tables.get("two", {}).get(key, tables["two"][key])
    validate_tables(tables)
    with transaction.atomic():
        if sections is not None:
            unknown = set(sections) - set(SECTION_TITLES)
            if unknown:
                raise ValidationError("年度报告只有一至六部分。")
            report.sections = {**report.sections, **sections}
        report.tables = tables
        report.updated_by = by
        report.save()
        record_event("annual_report.save", actor=by, target=report, data={"year": report.year})
    return report


def file_report(report: AnnualReport, *, by: Any) -> Record:
    """Publish through the record workflow: a draft record under the annual-report item,
    submitted for the two reviews. It is public once the reviewers publish it."""
    from gongkai.records import services

    validate_tables(report.tables)
    if report.status != AnnualReport.Status.DRAFT:
        raise ValidationError("年度报告已提交发布审核。")
    item = Item.objects.current().get(code=conf.annual_report_item_code())
    today = date.today()
    with transaction.atomic():
        record = services.create_record(
            by=by,
            item=item,
            organisation=report.organisation,
            title=str(report),
            summary=report.sections.get("1", "")[:200],
            body=render_html(report, fragment=True),
            formed_on=today,
            written_on=today,
        )
        record = services.submit(record, by=by, note="年度报告")
        report.record = record
        report.status = AnnualReport.Status.FILED
        report.save(update_fields=["record", "status", "updated_at"])
        record_event("annual_report.file", actor=by, target=report, data={"record": record.pk})
    return record


# --- Exports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """A table as rows of cells, header first: what the DOCX and PDF writers draw."""

    title: str
    rows: list[list[str]]


def grids(report_or_tables: AnnualReport | dict[str, Any]) -> list[Grid]:
    tables = (
        report_or_tables.tables if isinstance(report_or_tables, AnnualReport) else report_or_tables
    )
    two, three, four = tables["two"], tables["three"], tables["four"]
    cols = {"issued": "本年制发件数", "abolished": "本年废止件数", "in_force": "现行有效件数"}
    out = [
        Grid(
            "第二十条第（一）项",
            [["信息内容", *cols.values()]]
            + [[label, *(str(two[k][c]) for c in cols)] for k, label, _ in TABLE_TWO_ROWS[:2]],
        ),
        Grid(
            "第二十条第（五）项",
            [["信息内容", "本年处理决定数量"], ["行政许可", str(two["licensing"]["decisions"])]],
        ),
        Grid(
            "第二十条第（六）项",
            [
                ["信息内容", "本年处理决定数量"],
                ["行政处罚", str(two["penalty"]["decisions"])],
                ["行政强制", str(two["enforcement"]["decisions"])],
            ],
        ),
        Grid(
            "第二十条第（八）项",
            [
                ["信息内容", "本年收费金额（单位：万元）"],
                ["行政事业性收费", str(two["fees"]["amount"])],
            ],
        ),
        Grid(
            "表三 收到和处理政府信息公开申请情况",
            [[BALANCE_NOTE, *(label for _, label in COLUMNS)]]
            + [[label, *(str(three[code][c]) for c, _ in COLUMNS)] for code, label in ROWS],
        ),
        Grid(
            "表四 政府信息公开行政复议、行政诉讼情况",
            [["类别", *(label for _, label in REMEDY_COLUMNS)]]
            + [
                [label, *(str(four[k][c]) for c, _ in REMEDY_COLUMNS)] for k, label in REMEDY_GROUPS
            ],
        ),
    ]
    return out


def render_html(report: AnnualReport, *, fragment: bool = False) -> str:
    return render_to_string(
        "supervision/annual_report_document.html",
        {"report": report, "sections": _ordered_sections(report), "fragment": fragment},
    )


def _ordered_sections(report: AnnualReport) -> list[dict[str, Any]]:
    tables = grids(report)
    placement = {"2": tables[:4], "3": tables[4:5], "4": tables[5:]}
    return [
        {"title": title, "text": report.sections.get(key, ""), "grids": placement.get(key, [])}
        for key, title in SECTION_TITLES.items()
    ]


def render_docx(report: AnnualReport) -> bytes:
    import io

    from docx import Document

    doc = Document()
    doc.add_heading(str(report), level=1)
    for section in _ordered_sections(report):
        doc.add_heading(section["title"], level=2)
        for paragraph in section["text"].splitlines() or [""]:
            doc.add_paragraph(paragraph)
        for grid in section["grids"]:
            doc.add_paragraph(grid.title)
            table = doc.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(grid.rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render_pdf(report: AnnualReport) -> bytes:
    from gongkai.supervision.exports import pdf_document

    blocks: list[tuple[str, Any]] = [("title", str(report))]
    for section in _ordered_sections(report):
        blocks.append(("heading", section["title"]))
        blocks.extend(("text", p) for p in section["text"].splitlines() if p.strip())
        for grid in section["grids"]:
            blocks.append(("text", grid.title))
            blocks.append(("table", grid.rows))
    return pdf_document(blocks)
