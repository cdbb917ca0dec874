"""The catalogue in the browser: the city bureau revises the standard (a draft edition,
edited item by item or filled from a file, compared with the current one, then published);
a county adds its local items. Who may: catalogue/permissions.py."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import role_required
from gongkai.catalogue import importing, services
from gongkai.catalogue import permissions as can
from gongkai.catalogue.forms import (
    CatalogueFileForm,
    DraftItemForm,
    LocalItemForm,
    PublishForm,
    SectionForm,
)
from gongkai.catalogue.importing import CatalogueInvalid
from gongkai.catalogue.models import Edition, Item, Section
from gongkai.catalogue.tables import write_table
from gongkai.core.actors import signed_in


def _reviser(request: HttpRequest) -> None:
    if not can.can_revise(request.user):
        raise PermissionDenied("标准目录由市教育和体育局的系统管理员修订。")


def _draft(pk: int) -> Edition:
    return get_object_or_404(Edition, pk=pk, status=Edition.Status.DRAFT)


def _fail(request: HttpRequest, exc: Exception) -> None:
    messages.error(
        request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    )


@role_required(Role.SYSTEM_ADMIN)
def editions(request: HttpRequest) -> HttpResponse:
    if not can.can_open_catalogue_pages(request.user):
        raise PermissionDenied("目录由市局系统管理员修订，县级系统管理员可增加本地事项。")
    context = {
        "editions": Edition.objects.exclude(status=Edition.Status.DRAFT).order_by("-published_at"),
        "draft": services.current_draft(),
        "can_revise": can.can_revise(request.user),
        "can_extend": can.can_extend(request.user),
    }
    return render(request, "catalogue/editions.html", context)


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def start(request: HttpRequest) -> HttpResponse:
    _reviser(request)
    draft = services.start_revision(by=signed_in(request, User))
    return redirect("catalogue:draft", pk=draft.pk)


@role_required(Role.SYSTEM_ADMIN)
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    _reviser(request)
    edition = _draft(pk)
    sections = edition.sections.prefetch_related("items").order_by("order", "code")
    context = {
        "draft": edition,
        "sections": sections,
        "revision": services.compare_draft(edition),
        "current": Edition.objects.filter(status=Edition.Status.CURRENT).first(),
        "publish_form": PublishForm(),
        "file_form": CatalogueFileForm(),
        "section_form": SectionForm(),
    }
    return render(request, "catalogue/draft.html", context)


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def draft_item(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Edit item ``number`` of draft ``pk``; number 0 adds one (to ?section=)."""
    _reviser(request)
    edition = _draft(pk)
    if number:
        item = get_object_or_404(Item, pk=number, section__edition=edition)
    else:
        section = get_object_or_404(
            Section,
            pk=request.GET.get("section") or request.POST.get("section") or 0,
            edition=edition,
        )
        item = Item(section=section)
    initial = DraftItemForm.initial_for(item) if number else {"manner": ["主动"]}
    form = DraftItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft_item(item, by=signed_in(request, User), **form.item_fields())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, f"已保存事项“{item.code} {item.name}”。")
            return redirect(f"{_draft_url(edition)}#section-{item.section_id}")
    context = {"draft": edition, "item": item, "form": form, "adding": not number}
    return render(request, "catalogue/draft_item.html", context)


def _draft_url(edition: Edition) -> str:
    from django.urls import reverse

    return reverse("catalogue:draft", args=[edition.pk])


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def draft_item_remove(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    _reviser(request)
    edition = _draft(pk)
    item = get_object_or_404(Item, pk=number, section__edition=edition)
    services.remove_draft_item(item, by=signed_in(request, User))
    messages.success(request, f"已从修订稿中删除事项“{item.code} {item.name}”。")
    return redirect(f"{_draft_url(edition)}#section-{item.section_id}")


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def draft_section(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Rename section ``number`` of the draft, or add one (number 0)."""
    _reviser(request)
    edition = _draft(pk)
    section = (
        get_object_or_404(Section, pk=number, edition=edition)
        if number
        else Section(edition=edition)
    )
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写一级事项的编号和名称。")
    else:
        try:
            services.save_draft_section(section, by=signed_in(request, User), **form.cleaned_data)
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"已保存一级事项“{section.code} {section.name}”。")
    return redirect(_draft_url(edition))


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def draft_import(request: HttpRequest, pk: int) -> HttpResponse:
    _reviser(request)
    edition = _draft(pk)
    form = CatalogueFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect(_draft_url(edition))
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name
    try:
        data = _parse(upload, name)
    except CatalogueInvalid as exc:
        return render(
            request,
            "catalogue/import_errors.html",
            {"draft": edition, "name": name, "errors": exc.errors},
            status=422,
        )
    services.import_into_draft(edition, data, by=signed_in(request, User), source=name)
    messages.success(
        request,
        f"已用“{name}”替换修订稿内容（{len(data.sections)} 个一级事项，"
        f"{data.item_count} 个二级事项）。请核对下方与现行版本的差异。",
    )
    return redirect(_draft_url(edition))


def _parse(upload: Any, name: str) -> importing.CatalogueData:
    suffix = Path(name).suffix.lower() or ".xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return importing.load(path)


@role_required(Role.SYSTEM_ADMIN)
def draft_export(request: HttpRequest, pk: int) -> HttpResponse:
    _reviser(request)
    edition = _draft(pk)
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(edition, Path(folder) / "catalogue.xlsx", "xlsx")
        content = path.read_bytes()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="catalogue-draft.xlsx"'
    return response


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def draft_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _reviser(request)
    edition = _draft(pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect(f"{_draft_url(edition)}#publish")
    try:
        services.publish_draft(edition, by=signed_in(request, User), note=form.cleaned_data["note"])
    except ValidationError as exc:
        _fail(request, exc)
        return redirect(f"{_draft_url(edition)}#publish")
    messages.success(request, f"已发布“{edition.name}”为现行目录；原版本保留为“已被替代”。")
    return redirect("catalogue:editions")


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def local_items(request: HttpRequest) -> HttpResponse:
    """A county's own items (主动拓宽公开范围), added under a section of the current edition."""
    counties = can.counties_for(request.user)
    if not counties.exists():
        raise PermissionDenied("本地事项由县（市、区）教体局的系统管理员增加。")
    try:
        current = Edition.objects.current()
    except Edition.DoesNotExist:
        raise Http404("尚未发布标准目录。") from None
    sections = current.sections.order_by("order")
    form = LocalItemForm(request.POST or None, counties=counties, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra: dict[str, Any] = {"note": data["note"]}
        if data["elements"]:
            extra["elements"] = data["elements"]
        try:
            item = services.add_local_item(
                data["section"],
                organisation=data["county"],
                by=signed_in(request, User),
                name=data["name"],
                **extra,
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"已增加本地事项“{item.code} {item.name}”。")
            return redirect("catalogue:local_items")
    items = (
        Item.objects.current()
        .filter(organisation__in=counties)
        .select_related("section", "organisation")
        .order_by("organisation__path", "section__order", "order")
    )
    return render(request, "catalogue/local_items.html", {"form": form, "items": items})
