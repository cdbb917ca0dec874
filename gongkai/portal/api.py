"""A read-only JSON API over public data, with an OpenAPI schema at /api/openapi.json.

Only what the portal shows is here: the catalogue, the organisation tree and published
records, each record as its published version (``RecordVersion``: title, summary, body,
attachments, and the 文号, 索引号, item and dates frozen in its metadata), never the editable
record, which may hold a revision under review. Nothing about applicants, drafts or reviewers.

Every answer the schema does not call a success is JSON with a Chinese message and a status
the schema declares: 404 for what is not there, 422 for a parameter out of range or of the
wrong kind (``?year=10000``, ``?limit=0``, ``?offset=abc``), never an HTML page or a 500.
Lists are paged with ``limit`` (at most ``MAX_LIMIT``) and ``offset`` (at most ``MAX_OFFSET``;
narrow a long list with ``year`` or ``item`` instead). CI runs schemathesis against the schema
(.ci/run, ``portal/tests/test_api_schema.py``).
"""

# ninja reads annotations at runtime: no "from __future__ import annotations" in this module.

from datetime import date, datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer

from gongkai.catalogue import reference
from gongkai.catalogue.models import Edition, Item
from gongkai.organisations import reference as directory
from gongkai.organisations.models import Organisation
from gongkai.records.models import PublicRecord, RecordVersion

#: The most rows one request returns, and the furthest a list can be paged into.
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
#: Codes as the catalogue and the organisation directory write them (05.04, C0100, 371502-d01).
CODE = r"^[0-9A-Za-z.\-]{1,40}$"


class ChineseJSON(JSONRenderer):
    """Chinese as characters, not \\u escapes: the answers stay readable in any viewer."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="Gongkai 公开 API",
    version="1",
    description="义务教育政务公开专栏的只读数据接口：标准目录、机构和已公开的信息。",
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
    urls_namespace="api",
)


class ErrorOut(Schema):
    """An error: ``detail`` says what went wrong in Chinese; ``errors`` names each parameter."""

    detail: str
    errors: list[dict[str, str]] = []


NOT_FOUND = {404: ErrorOut}
INVALID = {422: ErrorOut}

#: pydantic's error types in the words a reader of the API would use.
MESSAGES = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "string_pattern_mismatch": "格式不正确",
    "string_too_long": "过长",
    "string_type": "应为文字",
    "missing": "必须填写",
}
PARAMETERS = {"limit": "每页条数", "offset": "起始位置", "year": "发布年份", "item": "目录事项编码"}
PARAMETERS |= {"organisation": "机构编码", "record_id": "信息编号"}


def _message(error: dict[str, Any]) -> str:
    template = MESSAGES.get(str(error.get("type")), "不正确")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return "不正确"


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        name = str(next((part for part in reversed(error.get("loc", ())) if part), ""))
        label = PARAMETERS.get(name, name)
        errors.append({"parameter": name, "message": f"{label}{_message(error)}"})
    detail = "请求参数不正确：" + "；".join(e["message"] for e in errors) + "。"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if exc.args else "没有找到。"
    return api.create_response(request, {"detail": message, "errors": []}, status=404)


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"每页条数，1 到 {MAX_LIMIT}")
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"从第几条开始（0 起），至多 {MAX_OFFSET}"
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
    """Resolved from a record's public row (``PublicRecord``: the facts frozen when it was
    published) and its published version, so the list endpoint pages a queryset lazily."""

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
    def resolve_id(obj: PublicRecord) -> int:
        return obj.record_id

    @staticmethod
    def resolve_title(obj: PublicRecord) -> str:
        return obj.version.title

    @staticmethod
    def resolve_url(obj: PublicRecord) -> str:
        return f"/records/{obj.record_id}/"

    @staticmethod
    def resolve_index_number(obj: PublicRecord) -> str | None:
        return obj.index_number or None

    @staticmethod
    def resolve_organisation(obj: PublicRecord) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_item(obj: PublicRecord) -> str:
        return obj.item.code

    @staticmethod
    def resolve_withdrawn(obj: PublicRecord) -> bool:
        return obj.withdrawn_at is not None


class RecordDetailOut(RecordOut):
    summary: str
    body_html: str
    attachments: list[str]
    versions: int

    @staticmethod
    def resolve_summary(obj: PublicRecord) -> str:
        return "" if _hidden(obj) else obj.version.summary

    @staticmethod
    def resolve_body_html(obj: PublicRecord) -> str:
        return "" if _hidden(obj) else obj.version.body

    @staticmethod
    def resolve_attachments(obj: PublicRecord) -> list[str]:
        if _hidden(obj):
            return []
        return [a.original_name for a in obj.version.attachments()]

    @staticmethod
    def resolve_versions(obj: PublicRecord) -> int:
        return RecordVersion.objects.filter(record_id=obj.record_id).count()


def _hidden(obj: PublicRecord) -> bool:
    """A withdrawn record keeps its address, not its content."""
    return obj.withdrawn_at is not None


class RecordFilter(Schema):
    item: str | None = Field(None, pattern=CODE, description="目录事项编码，如 05.04")
    organisation: str | None = Field(
        None, pattern=CODE, description="机构编码：该机构及其下属机构发布的信息"
    )
    year: int | None = Field(None, ge=1900, le=2100, description="发布年份")


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


@api.get("/catalogue", response={200: CatalogueOut, **NOT_FOUND}, summary="现行标准目录")
def catalogue(request: HttpRequest) -> CatalogueOut:
    try:
        edition = Edition.objects.current()
    except Edition.DoesNotExist:
        raise Http404("尚未发布标准目录。") from None
    sections = edition.sections.prefetch_related("items__organisation")
    return CatalogueOut(
        edition=edition.name,
        published_at=edition.published_at,
        sections=[
            SectionOut(code=s.code, name=s.name, items=[_item(i) for i in s.items.all()])
            for s in sections
        ],
    )


@api.get("/organisations", response={200: list[OrganisationOut], **INVALID}, summary="机构")
@paginate(Page)
def organisations(request: HttpRequest) -> Any:
    return Organisation.objects.active().select_related("parent").order_by("path")


def _public_records() -> Any:
    return PublicRecord.objects.select_related("version", "organisation", "item")


@api.get(
    "/records",
    response={200: list[RecordOut], **INVALID},
    summary="已公开的信息（新发布在前）",
)
@paginate(Page)
def records(request: HttpRequest, filters: Query[RecordFilter]) -> Any:
    rows = _public_records()
    if filters.item:
        item = reference.current_item(filters.item)
        rows = rows.filter(item_key=item.key) if item else rows.none()
    if filters.organisation:
        rows = rows.within(directory.by_code(filters.organisation))
    if filters.year:
        rows = rows.filter(published_at__year=filters.year)
    return rows.order_by("-published_at", "-record_id")


RecordId = Annotated[int, Path(ge=1, le=2**63 - 1, description="信息编号")]


@api.get(
    "/records/{record_id}",
    response={200: RecordDetailOut, **NOT_FOUND, **INVALID},
    summary="一条已公开的信息",
)
def record(request: HttpRequest, record_id: RecordId) -> PublicRecord:
    found = _public_records().filter(pk=record_id).first()
    if found is None:
        raise Http404("没有这条信息。")
    return found
