"""The public education column. Reading needs no JavaScript and no sign-in."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongkai.catalogue.models import Edition, Item, Section
from gongkai.organisations.models import Kind, Organisation


def _edition() -> Edition:
    try:
        return Edition.objects.current()
    except Edition.DoesNotExist:
        raise Http404("尚未发布标准目录") from None


def home(request: HttpRequest) -> HttpResponse:
    edition = _edition()
    sections = edition.sections.prefetch_related("items").all()
    return render(request, "portal/home.html", {"edition": edition, "sections": sections})


def section_page(request: HttpRequest, code: str) -> HttpResponse:
    section = get_object_or_404(Section, edition=_edition(), code=code)
    return render(
        request, "portal/section.html", {"section": section, "items": section.items.all()}
    )


def item_page(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.select_related("section", "organisation"),
        section__edition=_edition(),
        code=code,
    )
    return render(request, "portal/item.html", {"item": item, "section": item.section})


def organisation_list(request: HttpRequest) -> HttpResponse:
    counties = Organisation.objects.active().of_kind(Kind.CITY_BUREAU, Kind.COUNTY_BUREAU)
    return render(request, "portal/organisations.html", {"counties": counties})


def organisation_page(request: HttpRequest, code: str) -> HttpResponse:
    org = get_object_or_404(Organisation, code=code, is_active=True)
    children = org.children.filter(is_active=True)
    return render(
        request,
        "portal/organisation.html",
        {"org": org, "children": children, "ancestors": org.ancestors()},
    )


@require_POST
def display_mode(request: HttpRequest) -> HttpResponse:
    """Switch the large-type, high-contrast mode (适老化) with a cookie; works without JS."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("large") == "1":
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


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
