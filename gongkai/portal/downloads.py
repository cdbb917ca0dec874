"""Open data downloads (CSV)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, StreamingHttpResponse

from gongkai.core.spreadsheets import csv_writer
from gongkai.organisations.models import Kind, Organisation


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, header: list[str], rows: Any) -> StreamingHttpResponse:
    writer = csv_writer(_Echo())  # formula-safe: names and addresses are typed by people

    def stream() -> Any:
        yield "\ufeff"  # BOM: Excel on Chinese Windows opens UTF-8 correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def school_directory_csv(request: HttpRequest) -> StreamingHttpResponse:
    """义务教育学校名录 (catalogue item 02.03): name, address, stage, type, office phone."""
    schools = (
        Organisation.objects.active()
        .of_kind(Kind.SCHOOL)
        .select_related("parent__parent")
        .order_by("path")
    )

    def county_of(org: Organisation) -> str:
        node: Organisation | None = org.parent
        while node is not None and node.kind != Kind.COUNTY_BUREAU:
            node = node.parent
        return node.name if node else ""

    rows = (
        [
            s.name,
            county_of(s),
            s.address,
            s.school_stage,
            "民办" if s.is_private else "公办",
            s.phone,
            s.website,
        ]
        for s in schools.iterator()
    )
    return _csv_response(
        "义务教育学校名录.csv",
        ["学校名称", "所属县（市、区）", "学校地址", "办学层次", "办学类型", "办公电话", "网站"],
        rows,
    )


def statistics_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Education statistics derived from the directory: schools per county by stage and type.

    Enrolment and staffing figures are published as records under 02.02 教育统计数据; this
    table is the machine-readable part Gongkai itself holds.
    """
    counties = Organisation.objects.active().of_kind(Kind.COUNTY_BUREAU).order_by("path")
    rows = []
    for county in counties:
        schools = Organisation.objects.active().subtree(county).of_kind(Kind.SCHOOL)
        by = schools.values("school_stage", "is_private").annotate(n=Count("pk"))
        for entry in by.order_by("school_stage", "is_private"):
            rows.append(
                [
                    county.name,
                    entry["school_stage"] or "未填写",
                    "民办" if entry["is_private"] else "公办",
                    entry["n"],
                ]
            )
    return _csv_response(
        "义务教育学校统计.csv", ["县（市、区）", "办学层次", "办学类型", "学校数"], rows
    )
