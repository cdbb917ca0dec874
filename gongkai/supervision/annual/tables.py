"""The numbers of the annual report (国办公开办函〔2021〕30号), computed in this one module:
tables 二, 三 and 四, the format's sum checks, and the few other figures the narrative quotes.
The report, its exports, its narrative and the tests all read these functions.

Table 三 counts applications by the day they were received (r1 this year, r2 carried over
from earlier years) and by the day they were closed (r3 rows, by ``applications.categories``);
what is still open at the year's end is r4. The format's own check, 一 + 二 = 三（七）+ 四,
therefore holds for clean data, and a failing check points at dirty data (an application
closed before it was received, say): the report refuses to be saved or filed until it holds.
A registration voided as a mistake (a duplicate entry) was never an application, so table 三
leaves it out.

Table 四 counts cases, not applications: every 行政复议 or 行政诉讼 filed against the body in
the year over its disclosure work, whatever became of the registration it was recorded on. A
registration voided after a review was filed (the applicant complaining that the duplicate,
or the application itself, went unanswered is exactly such a case) still had the review filed
against the body, and the report must not hide it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

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
from gongkai.organisations.models import Organisation
from gongkai.records.models import Disclosure, Kind, Record, Status, Validity
from gongkai.supervision import conf

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
#: The five kinds the official header groups under 法人或其他组织.
ORGANISATION_KINDS = KINDS[1:]

RESULT_GROUPS = (
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)


@dataclass(frozen=True)
class Row:
    """One row of 表三 with its label at each of the form's three levels ("" where the
    form's cell is merged with the one beside it)."""

    code: str
    first: str
    second: str = ""
    third: str = ""

    @property
    def label(self) -> str:
        """The full label, as a sum-check message names the row."""
        return " ".join(part for part in (self.first, self.second, self.third) if part)


def _result_rows() -> Iterator[Row]:
    for category in categories.CATEGORIES:
        group = category.group
        if group in ("（一）予以公开", "（二）部分公开"):
            # The first two results are rows of their own: the label spans levels two and three.
            second = next(g for g in RESULT_GROUPS if g.startswith(group))
            yield Row(category.row, "三、本年度办理结果", second)
        else:
            number = category.row.rsplit("_", 1)[1]
            yield Row(category.row, "三、本年度办理结果", group, f"{number}.{category.label}")


TABLE_THREE_ROWS: tuple[Row, ...] = (
    Row("r1", "一、本年新收政府信息公开申请数量"),
    Row("r2", "二、上年结转政府信息公开申请数量"),
    *_result_rows(),
    Row("r3_7", "三、本年度办理结果", "（七）总计"),
    Row("r4", "四、结转下年度继续办理"),
)
#: (code, full label) of 表三's rows, in the official order.
ROWS: tuple[tuple[str, str], ...] = tuple((row.code, row.label) for row in TABLE_THREE_ROWS)
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
    """年报表三 for applications received by ``org`` (not its subtree): ``{row: {column: n}}``,
    columns as in ``COLUMNS`` (the applicant kinds, then ``"total"``)."""
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
    """年报表四: ``{kind: {outcome: n, "total": n}}`` for the cases filed in ``year``, each
    outcome as the year ended (a case decided in January is 尚未审结 in last year's report)."""
    start, end = _bounds(year)
    table: dict[str, dict[str, int]] = {
        str(kind): {str(c): 0 for c, _ in REMEDY_COLUMNS} for kind, _ in REMEDY_GROUPS
    }
    remedies = Remedy.objects.filter(
        application__organisation=org, filed_on__gte=start, filed_on__lte=end
    ).values_list("kind", "outcome", "decided_on")
    for kind, outcome, decided_on in remedies:
        if outcome != RemedyOutcome.PENDING and (decided_on is None or decided_on > end):
            outcome = RemedyOutcome.PENDING
        table[kind][outcome] += 1
    for row in table.values():
        row["total"] = sum(v for k, v in row.items() if k != "total")
    return table


# --- Other figures the narrative quotes -------------------------------------------------------


@dataclass(frozen=True)
class OnTimeRate:
    replied: int
    on_time: int

    @property
    def late(self) -> int:
        return self.replied - self.on_time

    @property
    def rate(self) -> float | None:
        """Share answered within the statutory period; None when nothing was answered."""
        return self.on_time / self.replied if self.replied else None


def on_time_rate(org: Organisation, year: int) -> OnTimeRate:
    """Applications answered in ``year`` that had a running clock (closures as abandoned,
    which have no reply period, are left out)."""
    answered = Application.objects.counted().filter(
        organisation=org, replied_on__year=year, due_on__isnull=False
    )
    totals = answered.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(late_by=0)))
    return OnTimeRate(replied=totals["n"], on_time=totals["ok"])


def fees(org: Organisation, year: int) -> dict[str, int]:
    """《政府信息公开信息处理费管理办法》: notices sent, their total, and what was paid (元)."""
    start, end = _bounds(year)
    events = ApplicationEvent.objects.filter(
        application__organisation=org, on__gte=start, on__lte=end, is_withdrawn=False
    )
    notices = list(events.filter(kind=EventKind.FEE_NOTICE_SENT).values_list("data", flat=True))
    paid = list(events.filter(kind=EventKind.FEE_PAID).values_list("data", flat=True))

    def amount(rows: list[Any]) -> int:
        return sum(int((d or {}).get("amount", 0) or 0) for d in rows)

    return {"notices": len(notices), "noticed": amount(notices), "paid": amount(paid)}


def published_count(org: Organisation, year: int) -> int:
    """Records proactively published by ``org`` in ``year`` (still public)."""
    start, end = _bounds(year)
    return (
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


def facts(org: Organisation, year: int) -> dict[str, int]:
    rate = on_time_rate(org, year)
    fee = fees(org, year)
    return {
        "published": published_count(org, year),
        "replied": rate.replied,
        "on_time": rate.on_time,
        "fee_notices": fee["notices"],
        "fee_noticed": fee["noticed"],
        "fee_paid": fee["paid"],
    }


def compute_tables(org: Organisation, year: int) -> dict[str, Any]:
    """Everything the report's numbers come from, as stored on the draft."""
    return {
        "two": table_two(org, year),
        "three": table_three(org, year),
        "four": table_four(org, year),
        "facts": facts(org, year),
    }


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


def differences(stored: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Where a draft's computed numbers differ from the data now, in Chinese (the hand-kept
    rows of 表二 are the draft's own and never differ)."""
    found: list[str] = []
    row_labels = dict(ROWS)
    col_labels = dict(COLUMNS)
    for code, label in row_labels.items():
        for column, column_label in col_labels.items():
            before = (stored.get("three") or {}).get(code, {}).get(column)
            after = fresh["three"][code][column]
            if before != after:
                found.append(f"表三“{label}”{column_label}：报告中 {before}，最新数据 {after}")
    for kind, label in REMEDY_GROUPS:
        for column, column_label in REMEDY_COLUMNS:
            before = (stored.get("four") or {}).get(kind, {}).get(column)
            after = fresh["four"][kind][column]
            if before != after:
                found.append(f"表四“{label}”{column_label}：报告中 {before}，最新数据 {after}")
    for key, label, columns in TABLE_TWO_ROWS:
        if key in MANUAL_TABLE_TWO_ROWS:
            continue
        for column in columns:
            before = (stored.get("two") or {}).get(key, {}).get(column)
            after = fresh["two"][key][column]
            if before != after:
                found.append(f"表二“{label}”：报告中 {before}，最新数据 {after}")
    fact_labels = {
        "published": "全年主动公开信息条数",
        "replied": "有答复期限的已答复申请件数",
        "on_time": "按期答复件数",
        "fee_notices": "发出收费通知件数",
        "fee_noticed": "收费通知总金额",
        "fee_paid": "实际收取金额",
    }
    for key, label in fact_labels.items():
        before = (stored.get("facts") or {}).get(key)
        after = fresh["facts"][key]
        if before != after:
            found.append(f"{label}：报告中 {before}，最新数据 {after}")
    return found
