"""The public education column. Reading needs no JavaScript and no sign-in."""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from gongkai.catalogue import reference
from gongkai.catalogue.models import Edition, Section
from gongkai.organisations import reference as organisations
from gongkai.organisations.models import Kind, Organisation
from gongkai.records import hooks
from gongkai.records.models import Attachment, Record, Validity

PAGE_SIZE = 20
#: A listing's total ("共 N 条") is a COUNT(*) over every matching record: 100,000 of them
#: for one item at city scale. It is kept until the newest publication changes (both maxima
#: come from indexes), and for a minute at most; the rows themselves are always read live.
COUNT_SECONDS = 60


class ListingPaginator(Paginator):
    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope

    @cached_property
    def count(self) -> int:
        records: QuerySet[Record] = self.object_list  # type: ignore[assignment]
        # What the listing is, as the view names it: cheaper than compiling the SQL to say so.
        state = f"{self.scope}|{_newest_publication()}"
        key = "portal:count:" + hashlib.sha256(state.encode()).hexdigest()
        total = cache.get(key)
        if total is None:
            total = records.order_by().count()
            cache.set(key, total, COUNT_SECONDS)
        return int(total)


def _newest_publication() -> tuple[Any, ...]:
    """The newest publication time and record id, in one round trip. Each maximum is its own
    scalar subquery: both SQLite and PostgreSQL then read it from the end of an index."""
    table = connection.ops.quote_name(Record._meta.db_table)
    with connection.cursor() as cursor:
        sql = f"SELECT (SELECT MAX(published_at) FROM {table}), (SELECT MAX(id) FROM {table})"  # noqa: S608 - a model's own table
        cursor.execute(sql)
        return tuple(cursor.fetchone() or ())


def _sections() -> tuple[Edition, list[Section]]:
    try:
        return reference.current_sections()
    except Edition.DoesNotExist:
        raise Http404("尚未发布标准目录") from None


def home(request: HttpRequest) -> HttpResponse:
    edition, sections = _sections()
    return render(request, "portal/home.html", {"edition": edition, "sections": sections})


def section_page(request: HttpRequest, code: str) -> HttpResponse:
    section = next((s for s in _sections()[1] if s.code == code), None)
    if section is None:
        raise Http404("目录中没有这个栏目。")
    return render(
        request, "portal/section.html", {"section": section, "items": section.items.all()}
    )


def filter_listing(
    records: Any, request: HttpRequest
) -> tuple[Any, dict[str, str], Organisation | None]:
    """The filters a reader chose on a listing (organisation or county, school, year,
    validity) applied to ``records``: the listing pages and the column print (公示栏) share
    them. Returns the filtered records, the filter values and the organisation chosen."""
    org_code = request.GET.get("org", "").strip()
    school_code = request.GET.get("school", "").strip()
    year = request.GET.get("year", "").strip()
    validity = request.GET.get("validity", "").strip()
    chosen = None
    if school_code or org_code:
        org = organisations.by_code(org_code) if org_code else None
        school = organisations.by_code(school_code) if school_code else None
        # A school left selected from another county (no script to clear it) gives way.
        if school and (org is None or school.is_within(org)):
            chosen = school
        else:
            chosen, school_code = org, ""
        records = (
            records.filter(organisation__path__startswith=chosen.path) if chosen else records.none()
        )
        if chosen and chosen.kind in (Kind.TOWNSHIP, Kind.SCHOOL):
            school_code = chosen.code  # ?org=<school>, as links made before the school filter
    if year.isdecimal() and 1900 <= int(year) <= 2100:
        records = records.filter(published_at__year=int(year))
    if validity in Validity.values:
        records = records.filter(validity=validity)
    filters = {
        "org": org_code,
        "school": school_code,
        "county": _county_code(chosen) if chosen else "",
        "year": year,
        "validity": validity,
    }
    return records, filters, chosen


def _listing(records: Any, request: HttpRequest, *, scope: str) -> dict[str, Any]:
    """Filters (organisation, year, validity) and pagination shared by listing pages.
    ``scope`` names the unfiltered listing (an item, an organisation) for its cached total."""
    records, filters, _ = filter_listing(records, request)
    paginator = ListingPaginator(
        records.only(
            "title",
            "published_at",
            "validity",
            "status",
            "organisation",
            "document_number",
            "index_number",
        ),
        # The static export has no server to page with: one page holds the whole listing.
        10**9 if getattr(settings, "GONGKAI_STATIC_EXPORT", False) else PAGE_SIZE,
        scope=repr(
            (scope, filters["org"], filters["school"], filters["year"], filters["validity"])
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = organisations.with_publishers(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "validities": Validity.choices,
    }


def _county_code(org: Organisation) -> str:
    """The code of the county (or the city bureau) an organisation is listed under."""
    if org.kind in (Kind.CITY_BUREAU, Kind.COUNTY_BUREAU):
        return org.code
    for code in reversed(org.path.strip("/").split("/")):  # the nearest county above it
        above = organisations.by_code(code)
        if above is not None and above.kind == Kind.COUNTY_BUREAU:
            return code
    return ""


def school_options(county: Organisation) -> SafeString:
    """``<optgroup>`` per township, with its schools, for one county's items schools publish.

    A parent picks their county, then their school (one tap each; the school list follows
    the county without a reload where scripts run). A city's 3,000 schools in one list made
    every listing page 216 KB; one county's is a few KB. It is rendered once and kept until
    an organisation of the county changes (the cache key carries the count and latest change).
    """
    orgs = Organisation.objects.active().subtree(county).of_kind(Kind.TOWNSHIP, Kind.SCHOOL)
    state = orgs.aggregate(n=Count("id"), changed=Max("updated_at"))
    changed = state["changed"].timestamp() if state["changed"] else 0
    key = f"portal:school-options:{county.pk}:{state['n']}:{changed}"
    html = cache.get(key)
    if html is None:
        direct = f"{county.short_name or county.name}直属"
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for code, name, short_name, kind, depth in orgs.order_by("path").values_list(
            "code", "name", "short_name", "kind", "depth"
        ):
            if kind == Kind.TOWNSHIP:
                groups.append((short_name or name, [(code, f"{short_name or name}（全部）")]))
            elif depth == county.depth + 1:  # a school run by the county itself
                if not groups or groups[-1][0] != direct:
                    groups.append((direct, []))
                groups[-1][1].append((code, short_name or name))
            elif groups:
                groups[-1][1].append((code, short_name or name))
        html = format_html_join(
            "",
            '<optgroup label="{}">{}</optgroup>',
            (
                (label, format_html_join("", '<option value="{}">{}</option>', options))
                for label, options in groups
                if options
            ),
        )
        cache.set(key, str(html), 3600)
    return SafeString(html)


def _with_selected(options: SafeString, code: str) -> SafeString:
    if not code:
        return options
    marker = str(format_html('<option value="{}">', code))
    selected = str(format_html('<option value="{}" selected>', code))
    return SafeString(options.replace(marker, selected, 1))


def _school_select_context(county_code: str, school_code: str) -> dict[str, Any]:
    county = organisations.by_code(county_code) if county_code else None
    if county and (county.kind != Kind.COUNTY_BUREAU or not county.is_active):
        county = None
    options = _with_selected(school_options(county), school_code) if county else ""
    return {"school_county": county, "school_choices": options}


@require_GET
def school_select(request: HttpRequest) -> HttpResponse:
    """The school ``<select>`` for the county chosen in a listing's filter (htmx swaps it in)."""
    return render(
        request,
        "portal/_school_select.html",
        _school_select_context(request.GET.get("org", "").strip(), ""),
    )


def item_page(request: HttpRequest, code: str) -> HttpResponse:
    # The listing then walks the (item, -published_at) index with the ids resolved here,
    # instead of joining the catalogue for every row.
    item = reference.current_item(code)
    if item is None:
        raise Http404("目录中没有这个事项。")
    item_ids = reference.same_item_ids(item)
    records = Record.objects.public().filter(item_id__in=item_ids).order_by("-published_at", "-id")
    counties = organisations.counties()
    listing = _listing(records, request, scope=f"item:{','.join(map(str, item_ids))}")
    context = {
        "item": item,
        "section": item.section,
        "organisations": counties,
        **listing,
    }
    if "乡级" in item.level:  # schools publish under this item: let readers pick their school
        filters = listing["filters"]
        context["school_filter"] = True
        context.update(_school_select_context(filters["county"], filters["school"]))
    return render(request, "portal/item.html", context)


def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        # replaced_by is read (lazily) only for a repealed or amended record; the item and the
        # publisher come from the reference data in memory, not from joins.
        Record.objects.public().select_related("current_version"),
        pk=pk,
    )
    record.item = reference.item(record.item_id)
    record.organisation = organisations.organisation(record.organisation_id)
    version = record.current_version
    assert version is not None  # public() guarantees it
    # Versions are numbered at publication, so the first is the only one: most records.
    versions = (
        [version]
        if version.number == 1
        else list(
            record.versions.order_by("-number").only(
                "record", "number", "published_at", "change_note"
            )
        )
    )
    return render(
        request,
        "portal/record.html",
        {
            "record": record,
            "version": version,
            "versions": versions,
            "attachments": version.attachments(),
            "item": record.item,
            "section": record.item.section,
            "panels": hooks.public_panels(record) if record.status != "withdrawn" else [],
        },
    )


def attachment_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """Only attachments of a public, not withdrawn version are served, and as downloads."""
    attachment = get_object_or_404(Attachment.objects.select_related("record"), pk=pk)
    record = attachment.record
    version = record.current_version if record.is_public else None
    if version is None or record.status == "withdrawn" or pk not in version.attachment_ids:
        raise Http404("附件不存在或已撤回。")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/organisations.html", {"counties": organisations.counties()})


def organisation_page(request: HttpRequest, code: str) -> HttpResponse:
    org = organisations.by_code(code)
    if org is None or not org.is_active:
        raise Http404("没有这个机构，或它已不在用。")
    records = Record.objects.public().filter(organisation=org).order_by("-published_at", "-id")
    return render(
        request,
        "portal/organisation.html",
        {
            "org": org,
            "children": organisations.children(org),
            "ancestors": organisations.ancestors(org),
            **_listing(records, request, scope=f"organisation:{org.pk}"),
        },
    )


@require_GET
def display_mode(request: HttpRequest) -> HttpResponse:
    """Switch the large-type, high-contrast mode (适老化) with a cookie; works without JS."""
    # A GET that only sets a display preference: public pages then carry no CSRF token and
    # can be served from the page cache.
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("large") == "1":
        response.set_cookie("gk_large", "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie("gk_large")
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有权限访问此页面。"
    return render(request, "errors/403.html", {"message": message}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that sat open too long (or was opened in another browser) cannot be checked:
    say so plainly, instead of Django's English technical page."""
    message = (
        "页面已过期，无法确认这次提交。请返回上一页，刷新页面后重新提交；"
        "如已填写较长内容，请先复制保存。"
    )
    return render(request, "errors/403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
