"""A read-only JSON API over public data, with an OpenAPI schema at /api/openapi.json.

Only what the portal shows is here: the catalogue, the organisation tree and published
records. Nothing about applicants, drafts or reviewers.
"""

# ninja reads annotations at runtime: no "from __future__ import annotations" in this module.

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongkai.catalogue.models import Edition, Item
from gongkai.organisations.models import Organisation
from gongkai.records.models import Record

api = NinjaAPI(
    title="Gongkai 公开 API",
    version="1",
    description="义务教育政务公开专栏的只读数据接口：标准目录、机构和已公开的信息。",
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
    urls_namespace="api",
)


class TimeLimitOut(Schema):
    kind: str
    days: int | None
    start: str
    text: str


class ItemOut(Schema):
    code: str
    key: str
    name: str
    elements: list[str]
    basis: list[str]
    time_limit: TimeLimitOut
    subject: str
    channels: list[str]
    audience: list[str]
    manner: list[str]
    level: list[str]
    five_disclosure: str
    local_to: str | None


class SectionOut(Schema):
    code: str
    name: str
    items: list[ItemOut]


class CatalogueOut(Schema):
    edition: str
    published_at: datetime | None
    sections: list[SectionOut]


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    uscc: str
    address: str
    phone: str
    website: str
    school_stage: str
    is_private: bool

    @staticmethod
    def resolve_parent(obj: Organisation) -> str | None:
        return obj.parent.code if obj.parent else None


class RecordOut(Schema):
    """Resolved from a Record row, so the list endpoint pages a queryset lazily."""

    id: int
    title: str
    url: str
    index_number: str | None
    document_number: str
    organisation: str
    item: str
    five_disclosure: str
    written_on: date | None
    published_at: datetime | None
    validity: str
    withdrawn: bool

    @staticmethod
    def resolve_id(obj: Record) -> int:
        return obj.pk

    @staticmethod
    def resolve_title(obj: Record) -> str:
        return obj.current_version.title if obj.current_version else obj.title

    @staticmethod
    def resolve_url(obj: Record) -> str:
        return f"/records/{obj.pk}/"

    @staticmethod
    def resolve_organisation(obj: Record) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_item(obj: Record) -> str:
        return obj.item.code

    @staticmethod
    def resolve_withdrawn(obj: Record) -> bool:
        return obj.status == "withdrawn"


class RecordDetailOut(RecordOut):
    summary: str
    body_html: str
    attachments: list[str]
    versions: int

    @staticmethod
    def resolve_summary(obj: Record) -> str:
        return "" if _hidden(obj) else obj.current_version.summary  # type: ignore[union-attr]

    @staticmethod
    def resolve_body_html(obj: Record) -> str:
        return "" if _hidden(obj) else obj.current_version.body  # type: ignore[union-attr]

    @staticmethod
    def resolve_attachments(obj: Record) -> list[str]:
        if _hidden(obj):
            return []
        return [a.original_name for a in obj.current_version.attachments()]  # type: ignore[union-attr]

    @staticmethod
    def resolve_versions(obj: Record) -> int:
        return obj.versions.count()


def _hidden(obj: Record) -> bool:
    """A withdrawn record keeps its address, not its content."""
    return obj.status == "withdrawn" or obj.current_version is None


class RecordFilter(Schema):
    item: str | None = None
    organisation: str | None = None
    year: int | None = None


def _item(item: Item) -> ItemOut:
    return ItemOut(
        code=item.code,
        key=item.key,
        name=item.name,
        elements=item.elements,
        basis=item.basis,
        time_limit=TimeLimitOut(
            kind=item.time_limit_kind,
            days=item.time_limit_days,
            start=item.time_limit_from,
            text=item.time_limit_text,
        ),
        subject=item.subject,
        channels=item.channels,
        audience=item.audience,
        manner=item.manner,
        level=item.level,
        five_disclosure=item.five_disclosure,
        local_to=item.organisation.code if item.organisation is not None else None,
    )


@api.get("/catalogue", response=CatalogueOut, summary="现行标准目录")
def catalogue(request: HttpRequest) -> CatalogueOut:
    edition = Edition.objects.current()
    sections = edition.sections.prefetch_related("items__organisation")
    return CatalogueOut(
        edition=edition.name,
        published_at=edition.published_at,
        sections=[
            SectionOut(code=s.code, name=s.name, items=[_item(i) for i in s.items.all()])
            for s in sections
        ],
    )


@api.get("/organisations", response=list[OrganisationOut], summary="机构")
@paginate(LimitOffsetPagination)
def organisations(request: HttpRequest) -> Any:
    return Organisation.objects.active().select_related("parent").order_by("path")


def _public_records() -> Any:
    return Record.objects.public().select_related("organisation", "item", "current_version")


@api.get("/records", response=list[RecordOut], summary="已公开的信息（新发布在前）")
@paginate(LimitOffsetPagination)
def records(request: HttpRequest, filters: Query[RecordFilter]) -> Any:
    rows = _public_records()
    if filters.item:
        rows = rows.filter(item__code=filters.item)
    if filters.organisation:
        org = Organisation.objects.filter(code=filters.organisation).first()
        rows = rows.filter(organisation__path__startswith=org.path) if org else rows.none()
    if filters.year:
        rows = rows.filter(published_at__year=filters.year)
    return rows.order_by("-published_at", "-id")


@api.get("/records/{record_id}", response=RecordDetailOut, summary="一条已公开的信息")
def record(request: HttpRequest, record_id: int) -> Record:
    found = _public_records().filter(pk=record_id).first()
    if found is None:
        raise Http404("没有这条信息。")
    return found
