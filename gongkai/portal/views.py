"""The public education column. Reading needs no JavaScript and no sign-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
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
from gongkai.portal import listing, pagecache
from gongkai.records import hooks, public
from gongkai.records.models import (
    Attachment,
    PublicRecord,
    PublicRecordQuerySet,
    RecordVersion,
    Validity,
)


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


@dataclass(frozen=True)
class Filtered:
    """A listing narrowed to the reader's filters, with its kept total."""

    rows: PublicRecordQuerySet
    filters: dict[str, str]
    chosen: Organisation | None
    total: int
    #: The filter values the listing understood (``pagecache.understand``): none when it
    #: lists nothing.
    understood: dict[str, str]


def filter_listing(
    rows: PublicRecordQuerySet,
    request: HttpRequest,
    *,
    scope: str,
    ident: object,
    publisher: Organisation | None = None,
) -> Filtered:
    """The filters a reader chose on a listing (organisation or county, school, year,
    validity) applied to ``rows``: the listing pages and the column print (公示栏) share them.

    ``scope`` and ``ident`` name the unfiltered listing's tally (``item`` and an item key, or
    ``org`` and the publisher of an organisation page), from which the total is read."""
    org_code = request.GET.get("org", "").strip()
    school_code = request.GET.get("school", "").strip()
    year = request.GET.get("year", "").strip()
    validity = request.GET.get("validity", "").strip()
    chosen = None
    nothing = False
    if school_code or org_code:
        org = organisations.by_code(org_code) if org_code else None
        school = organisations.by_code(school_code) if school_code else None
        # A school left selected from another county (no script to clear it) gives way.
        if school and (org is None or school.is_within(org)):
            chosen = school
        else:
            chosen, school_code = org, ""
        nothing = chosen is None
        if chosen and chosen.kind in (Kind.TOWNSHIP, Kind.SCHOOL):
            school_code = chosen.code  # ?org=<school>, as links made before the school filter
    place = None
    if chosen is not None:
        if publisher is not None:  # an organisation's page lists what it published itself
            nothing = not publisher.is_within(chosen)
        else:
            rows = rows.within(chosen)
            place = chosen.pk
    year_value = (
        int(year) if year.isdecimal() and year.isascii() and 1900 <= int(year) <= 2100 else None
    )
    if year_value:
        rows = rows.filter(published_at__year=year_value)
    if validity not in Validity.values:
        validity = ""
    if validity:
        rows = rows.filter(validity=validity)
        if validity != Validity.VALID:  # the condition of the partial (…, validity) index,
            rows = rows.exclude(validity=Validity.VALID)  # which SQLite does not infer
    total = (
        0
        if nothing
        else public.count(public.key(scope, ident, place=place, year=year_value, validity=validity))
    )
    filters = {
        "org": org_code,
        "school": school_code,
        "county": _county_code(chosen) if chosen else "",
        "year": year,
        "validity": validity,
    }
    understood: dict[str, str] = {}
    if total:
        understood = {"validity": validity}
        if org_code and organisations.by_code(org_code) is not None:
            understood["org"] = org_code
        if year_value is not None:
            understood["year"] = str(year_value)
        if chosen is not None and request.GET.get("school", "").strip() == chosen.code:
            understood["school"] = chosen.code
    return Filtered(rows.none() if nothing else rows, filters, chosen, total, understood)


def _listing(
    rows: PublicRecordQuerySet,
    request: HttpRequest,
    *,
    scope: str,
    ident: object,
    publisher: Organisation | None = None,
) -> dict[str, Any]:
    """Filters and pagination shared by listing pages."""
    found = filter_listing(rows, request, scope=scope, ident=ident, publisher=publisher)
    query = request.GET.copy()  # the filters, for the print link: which page is not a filter
    for name in listing.PAGE_PARAMETERS:
        query.pop(name, None)
    page = listing.paginate(found.rows, request.GET, count=found.total)
    if page.understood:
        pagecache.understand(request, **found.understood, **page.understood)
    return {
        "page": page,
        "filters": found.filters,
        "validities": Validity.choices,
        "query": query.urlencode(),
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


_school_options: dict[tuple[int, int], str] = {}


def school_options(county: Organisation) -> SafeString:
    """``<optgroup>`` per township, with its schools, for one county's items schools publish.

    A parent picks their county, then their school (one tap each; the school list follows
    the county without a reload where scripts run). A city's 3,000 schools in one list made
    every listing page 216 KB; one county's is a few KB. It is built from the organisation
    directory in memory, once per county for each copy of the directory (a changed
    organisation makes a new copy): no query.
    """
    directory = organisations.directory.get()
    key = (county.pk, id(directory))
    html = _school_options.get(key)
    if html is None:
        direct = f"{county.short_name or county.name}直属"
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for child in organisations.children(county):  # in tree order, as the old list was
            name = child.short_name or child.name
            if child.kind == Kind.TOWNSHIP:
                groups.append((name, [(child.code, f"{name}（全部）")]))
                groups[-1][1].extend(
                    (s.code, s.short_name or s.name)
                    for s in organisations.children(child)
                    if s.kind == Kind.SCHOOL
                )
            elif child.kind == Kind.SCHOOL:  # a school run by the county itself
                if not groups or groups[-1][0] != direct:
                    groups.append((direct, []))
                groups[-1][1].append((child.code, name))
        html = str(
            format_html_join(
                "",
                '<optgroup label="{}">{}</optgroup>',
                (
                    (label, format_html_join("", '<option value="{}">{}</option>', options))
                    for label, options in groups
                    if options
                ),
            )
        )
        if len(_school_options) > 1000:
            _school_options.clear()
        _school_options[key] = html
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
    # Records filed under the same item in any catalogue edition share its key: the listing
    # walks the (item key, date) index, or (item key, county, date) when filtered.
    item = reference.current_item(code)
    if item is None:
        raise Http404("目录中没有这个事项。")
    rows = PublicRecord.objects.filter(item_key=item.key).order_by("-published_at", "-record_id")
    counties = organisations.counties()
    found = _listing(rows, request, scope="item", ident=item.key)
    context = {
        "item": item,
        "section": item.section,
        "organisations": counties,
        **found,
    }
    if "乡级" in item.level:  # schools publish under this item: let readers pick their school
        filters = found["filters"]
        context["school_filter"] = True
        context.update(_school_select_context(filters["county"], filters["school"]))
    return render(request, "portal/item.html", context)


def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The published version and the facts frozen with it; never the editable record."""
    row = get_object_or_404(PublicRecord.objects.select_related("version"), pk=pk)
    version = row.version
    record = row.as_record()
    # The item and the publisher come from the reference data in memory, not from joins.
    record.item = item = reference.item(row.item_id)
    record.organisation = organisations.organisation(row.organisation_id)
    # Versions are numbered at publication, so the first is the only one: most records.
    versions = (
        [version]
        if version.number == 1
        else list(
            RecordVersion.objects.filter(record_id=pk, number__lte=version.number)
            .order_by("-number")
            .only("record", "number", "published_at", "change_note")
        )
    )
    replacement = None
    if row.validity != Validity.VALID and row.replaced_by_id:
        replacement = PublicRecord.objects.filter(pk=row.replaced_by_id).first()
    return render(
        request,
        "portal/record.html",
        {
            "record": record,
            "version": version,
            "versions": versions,
            "attachments": version.attachments() if version.attachment_ids else [],
            "replacement": replacement,
            "item": item,
            "section": item.section,
            "panels": hooks.public_panels(record) if not row.is_withdrawn else [],
        },
    )


def attachment_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """Only attachments of a public, not withdrawn version are served, and as downloads."""
    attachment = get_object_or_404(Attachment, pk=pk)
    row = (
        PublicRecord.objects.filter(pk=attachment.record_id, withdrawn_at__isnull=True)
        .select_related("version")
        .only("version__attachment_ids")
        .first()
    )
    if row is None or pk not in row.version.attachment_ids:
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
    rows = PublicRecord.objects.filter(organisation=org).order_by("-published_at", "-record_id")
    return render(
        request,
        "portal/organisation.html",
        {
            "org": org,
            "children": organisations.children(org),
            "ancestors": organisations.ancestors(org),
            **_listing(rows, request, scope="org", ident=org.pk, publisher=org),
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
    # A request Django refused early (a Host not in ALLOWED_HOSTS, raised by CommonMiddleware)
    # never reached the authentication middleware, and its host cannot be read: the page is
    # rendered for an anonymous reader and links only to paths.
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
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
