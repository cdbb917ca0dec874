"""Pages of the five disclosures. Public pages read published versions only; staff pages edit
a draft's structured content (review and publication stay on the record's own page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import organisations_for, role_required
from gongkai.catalogue import reference
from gongkai.catalogue.models import FiveDisclosure
from gongkai.core import qr
from gongkai.core.actors import signed_in
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.disclosures import elements, history, services
from gongkai.disclosures.forms import DETAIL_FORMS, ROW_FORMSETS, RecordPartForm, rows_of
from gongkai.organisations import reference as organisations
from gongkai.organisations.models import Organisation
from gongkai.portal import listing, pagecache
from gongkai.portal.printing import sheet_response
from gongkai.records import permissions as can
from gongkai.records import public
from gongkai.records.models import Kind, PublicRecord, PublicTally, Record
from gongkai.records.permissions import STAFF_READ_ROLES
from gongkai.records.services import EditConflict

PAGE_SIZE = 20


def _kind(slug: str) -> str:
    if slug not in elements.KINDS:
        raise Http404("没有这种五公开事项。")
    return slug


def _published(kind: str) -> Any:
    """Published records of one kind as the public saw them published (``PublicRecord``)."""
    return PublicRecord.objects.filter(kind=kind, withdrawn_at__isnull=True).select_related(
        "version"
    )


def _as_published(rows: Any) -> list[Record]:
    """Each row as a record holding only what was published (its version, its publisher)."""
    found = [row.as_record() for row in rows]
    return organisations.with_publishers(found)


@dataclass
class KindPage:
    """One page of a kind's public listing, newest first, with the reader's organisation."""

    page: listing.ListingPage
    org: Organisation | None
    records: list[Any]


@dataclass(slots=True)
class GuideRow:
    """A guide as 办事服务 lists it: its published title, publisher and catalogue item (the
    guide's own page and print sheet show the rest)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "title",
        "first_published_at",
        "item_id",
        "organisation_id",
    )

    pk: int
    title: str
    first_published_at: datetime
    item_id: int
    organisation_id: int
    organisation: Any = None


def _kind_page(
    request: HttpRequest,
    kind: str,
    *,
    query: QueryDict | None = None,
    row: type[listing.Row] | None = None,
) -> KindPage:
    """A page of the published records of ``kind`` (under the ``org`` the reader chose,
    with its subtree): a walk of the (kind, first publication) index that stops after the
    page, and the kept total; never every record of the kind (issue 19). The records are
    ``row``s if given (only what the listing shows), else records holding what was
    published (their versions' content: ``_as_published``)."""
    code = request.GET.get("org", "").strip()
    org = organisations.by_code(code) if code else None
    rows = _published(kind).order_by("-first_published_at", "-record_id")
    if code:
        rows = rows.within(org)
    total = 0 if code and org is None else public.count(_live_key(kind, org))
    page = listing.paginate(
        rows,
        request.GET if query is None else query,
        count=total,
        by="first_published_at",
        row=row,
        size=PAGE_SIZE,
    )
    if page.understood and query is None:  # the page cache may keep it under its query
        pagecache.understand(request, org=code if org else "", **page.understood)
    records = page.object_list if row is not None else _as_published(page.object_list)
    return KindPage(page, org, records)


def _org_filter(request: HttpRequest, rows: Any) -> tuple[Any, Organisation | None]:
    code = request.GET.get("org", "").strip()
    org = organisations.by_code(code) if code else None
    if code:
        rows = rows.within(org)
    return rows, org


def _live_key(kind: str, org: Organisation | None) -> str:
    return public.key("live", kind, place=org.pk if org else None)


def _filters(org: Organisation | None) -> dict[str, Any]:
    return {"org": org, "organisations": organisations.counties()}


# --- Public pages ---------------------------------------------------------------------------


def service_list(request: HttpRequest) -> HttpResponse:
    """办事服务: the published guides, newest first, a page at a time, grouped on each page
    by catalogue item."""
    found = _kind_page(request, Kind.SERVICE_GUIDE, row=GuideRow)
    current = {item.key: item for item in reference.current_items()}
    groups: dict[Any, list[GuideRow]] = {}
    for guide in found.records:
        item = reference.item(guide.item_id)
        groups.setdefault(current.get(item.key, item), []).append(guide)
    context = {
        "groups": sorted(groups.items(), key=lambda group: group[0].code),
        "page": found.page,
        **_filters(found.org),
    }
    return render(request, "disclosures/services.html", context)


def guide_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A one-page A4 print of a published guide for the service hall's bulletin board."""
    row = get_object_or_404(_published(Kind.SERVICE_GUIDE), pk=pk)
    record = _as_published([row])[0]
    url, code = qr.for_path(reverse("portal:record", args=[pk]))
    context = {"record": record, "d": elements.published_data(record), "qr": code, "url": url}
    return sheet_response(request, "disclosures/print_guide.html", context)


#: The two lists of 权责清单: the URL slug of each full listing, its kind and heading.
POWER_LISTS = {
    "items": (Kind.POWER_ITEM, "行政权力事项"),
    "matters": (Kind.SUPERVISION_MATTER, "监管事项"),
}


def power_list(request: HttpRequest, which: str = "") -> HttpResponse:
    """权责清单 and 监管事项 of one organisation (or of all), newest first: the first page of
    each on ``/powers/``, every page of one of them on ``/powers/items/`` or
    ``/powers/matters/``."""
    if which and which not in POWER_LISTS:
        raise Http404("没有这个清单。")
    lists = {}
    org = None
    for slug, (kind, title) in POWER_LISTS.items():
        if which and slug != which:
            continue
        # The overview shows the first page of each list: its own query names no page.
        query = None if which else QueryDict(mutable=True)
        found = _kind_page(request, kind, query=query)
        org = found.org
        rows = [(r, elements.published_data(r)) for r in found.records]
        lists[slug] = {"title": title, "page": found.page, "rows": rows}
    if not which and org is not None:
        pagecache.understand(request, org=org.code)
    context = {"which": which, "lists": list(lists.items()), **_filters(org)}
    return render(request, "disclosures/powers.html", context)


def progress_list(request: HttpRequest) -> HttpResponse:
    found = _kind_page(request, Kind.REFORM)
    context = {
        "reforms": [(r, elements.published_data(r)) for r in found.records],
        "page": found.page,
        **_filters(found.org),
    }
    return render(request, "disclosures/progress_list.html", context)


def progress_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One reform's progress: the bar, the steps, and every published update in order."""
    row = get_object_or_404(
        PublicRecord.objects.filter(kind=Kind.REFORM).select_related("version"), pk=pk
    )
    record = _as_published([row])[0]
    context = {
        "record": record,
        "d": elements.published_data(record),
        "updates": history.progress_updates(record),
    }
    return render(request, "disclosures/progress.html", context)


def five_page(request: HttpRequest, slug: str = "") -> HttpResponse:
    """五公开: the five classes with their kept counts, and the published records of one class
    (newest first, paged like every listing of the column)."""
    if slug and slug not in FiveDisclosure.values:
        raise Http404("没有这个五公开类别。")
    rows, org = _org_filter(request, PublicRecord.objects.all())
    place = org.pk if org else None
    keys = {c: public.key("five", c, place=place) for c in FiveDisclosure.values}
    totals = dict.fromkeys(FiveDisclosure.values, 0)
    if not (request.GET.get("org", "").strip() and org is None):
        for tally in PublicTally.objects.filter(key__in=keys.values()).only("count"):
            totals[next(c for c, k in keys.items() if k == tally.key)] = int(tally.count)
    page = None
    if slug:
        listed = rows.filter(five_disclosure=slug).order_by("-published_at", "-record_id")
        page = listing.paginate(listed, request.GET, count=totals[slug])
        if page.understood:  # the page cache may keep this page under its query string
            pagecache.understand(request, org=org.code if org else "", **page.understood)
    context = {
        "classes": [(c, label, totals[c]) for c, label in FiveDisclosure.choices],
        "current": slug,
        "current_label": FiveDisclosure(slug).label if slug else "",
        "page": page,
        "org": org,
        "organisations": organisations.counties(),
        "filters": {"org": org.code if org else ""},
    }
    return render(request, "disclosures/five.html", context)


# --- Staff pages ----------------------------------------------------------------------------


@role_required(*STAFF_READ_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    records = (
        Record.objects.filter(
            kind__in=elements.KINDS,
            organisation__in=organisations_for(request.user, STAFF_READ_ROLES),
        )
        .select_related("organisation")
        .order_by("kind", "-updated_at")
    )
    groups = [
        (kind, elements.KIND_NAMES[kind], [r for r in records if r.kind == kind])
        for kind in elements.KINDS
    ]
    is_clerk = organisations_for(request.user, Role.CLERK).exists()
    return render(request, "disclosures/staff_list.html", {"groups": groups, "is_clerk": is_clerk})


@role_required(Role.CLERK)
def staff_create(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    return _edit_page(request, kind, record=None)


@role_required(Role.CLERK)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk, can.can_edit)
    if record.kind not in elements.KINDS:
        raise Http404("该信息不是五公开结构化事项。")
    return _edit_page(request, record.kind, record=record)


def _edit_page(request: HttpRequest, kind: str, record: Record | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    detail = elements.detail_of(record) if record else None
    part = RecordPartForm(data, user=request.user, record=record)
    form = DETAIL_FORMS[kind](data, instance=detail)
    formsets = {
        name: (label, cls(data, prefix=name, initial=_initial_rows(detail, name)))
        for name, (label, cls) in ROW_FORMSETS[kind].items()
    }
    valid = [part.is_valid(), form.is_valid(), *(fs.is_valid() for _, fs in formsets.values())]
    if data is not None and all(valid):
        try:
            record = _save(request, kind, record, part, form, formsets)
        except EditConflict as exc:
            part.add_error(None, str(exc))
        except (ValidationError, TransitionNotAllowed) as exc:
            messages_ = exc.messages if isinstance(exc, ValidationError) else [exc.message]
            part.add_error(None, "；".join(messages_))
        else:
            problems = elements.problems(record)
            messages.success(request, "已保存。" + ("" if problems else "要素齐全，可以提交审核。"))
            return redirect("records:detail", pk=record.pk)
    context = {
        "kind": kind,
        "kind_name": elements.KIND_NAMES[kind],
        "record": record,
        "part": part,
        "form": form,
        "formsets": formsets.values(),
        "required": [name for _, name in elements.REQUIRED[kind]],
    }
    return render(request, "disclosures/edit.html", context)


def _save(
    request: HttpRequest,
    kind: str,
    record: Record | None,
    part: RecordPartForm,
    form: Any,
    formsets: dict[str, Any],
) -> Record:
    values = part.cleaned_data
    detail = dict(form.cleaned_data)
    rows = {name: rows_of(fs) for name, (_, fs) in formsets.items()}
    if record is None:
        return services.create_structured(
            kind,
            by=signed_in(request, User),
            title=values["title"],
            item=values["item"],
            organisation=values["organisation"],
            formed_on=values["formed_on"],
            five_disclosure=values["five_disclosure"],
            detail=detail,
            rows=rows,
        )
    return services.save_structured(
        record,
        by=signed_in(request, User),
        revision=values["revision"] or 0,
        title=values["title"],
        formed_on=values["formed_on"],
        five_disclosure=values["five_disclosure"],
        detail=detail,
        rows=rows,
    )


def _initial_rows(detail: Any, name: str) -> list[dict[str, Any]]:
    if detail is None:
        return []
    fields = {
        "steps": ["name", "description", "due_on", "state", "done_on"],
        "materials": ["name", "form", "copies", "note"],
        "results": ["checked_on", "summary"],
    }[name]
    return [
        {f: getattr(row, f) for f in fields if hasattr(row, f)}
        for row in getattr(detail, name).all()
    ]
