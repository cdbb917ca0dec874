"""The public search page: a GET form, results linking to record pages, no JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.catalogue import reference
from gongkai.organisations import reference as organisations
from gongkai.search import queries

#: Offered when a search finds nothing: the words parents and teachers look for most.
SUGGESTIONS = ["招生范围", "招生计划", "学生资助", "课后服务", "营养改善计划", "教师招聘"]


def _int(value: str, default: int | None = None) -> int | None:
    return int(value) if value.isdecimal() and len(value) < 7 else default


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    item_code = request.GET.get("item", "").strip()[:24]
    org_code = request.GET.get("org", "").strip()[:40]
    year = _int(request.GET.get("year", "").strip())
    item = reference.current_item(item_code) if item_code else None
    filters = queries.Filters(
        item_key=item.key if item else item_code,
        organisation_code=org_code,
        year=year if year and 1900 < year < 2200 else None,
    )
    results = queries.search(
        q,
        filters=filters,
        order=request.GET.get("order", queries.RELEVANCE),
        page=_int(request.GET.get("page", ""), 1) or 1,
    )
    params = request.GET.copy()
    params.pop("page", None)
    without_filters = {"q": q} if q else {}
    context = {
        "q": q,
        "results": results,
        "filters": {"item": item_code, "org": org_code, "year": year or ""},
        "has_filters": bool(filters),
        "items": reference.current_items(),
        "organisations": organisations.counties(),
        "orders": queries.ORDERS,
        "query": params.urlencode(),
        "without_filters": without_filters,
        "suggestions": SUGGESTIONS,
        "single_terms": results.terms if len(results.terms) > 1 else (),
    }
    return render(request, "search/search.html", context)
