"""The organisation tree in the browser, for system administrators (within their subtree):
list and search, create, rename, move, close and reopen; import a list with a preview
first; export."""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import role_required
from gongkai.core.actors import signed_in
from gongkai.organisations import permissions as can
from gongkai.organisations.forms import FilterForm, ImportForm, OrganisationForm
from gongkai.organisations.models import Organisation
from gongkai.organisations.services import (
    export_organisations,
    import_organisations,
    save_organisation,
    set_organisation_active,
    write_organisations_csv,
)


@role_required(Role.SYSTEM_ADMIN)
def tree(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    organisations = can.managed_by(request.user).select_related("parent")
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"].strip()
            organisations = organisations.filter(
                Q(name__contains=text) | Q(short_name__contains=text) | Q(code__iexact=text)
            )
            filtered = True
        if data["kind"]:
            organisations = organisations.filter(kind=data["kind"])
            filtered = True
        if not data["inactive"]:
            organisations = organisations.filter(is_active=True)
    else:
        organisations = organisations.filter(is_active=True)
    page = Paginator(organisations.order_by("path"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": filtered}
    return render(request, "organisations/tree.html", context)


def _save(request: HttpRequest, form: OrganisationForm, organisation: Organisation) -> bool:
    parent = form.cleaned_data.get("parent")
    if parent is not None and not can.can_add_under(request.user, parent):
        form.add_error("parent", "上级机构须在您的管理范围内。")
        return False
    try:
        save_organisation(organisation, by=signed_in(request, User))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    under = request.GET.get("parent", "")
    if under.isdecimal():
        initial["parent"] = can.managed_by(request.user).filter(pk=int(under)).first()
    form = OrganisationForm(
        request.POST or None, initial=initial, parents=can.managed_by(request.user)
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, form.instance):
        messages.success(request, f"已新增单位“{form.instance.name}”。")
        return redirect("organisations:tree")
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = can.get_organisation_for(request.user, pk)
    form = OrganisationForm(
        request.POST or None, instance=organisation, parents=can.managed_by(request.user)
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, form.instance):
        messages.success(request, f"已保存“{organisation.name}”。")
        return redirect("organisations:tree")
    context = {
        "form": form,
        "organisation": organisation,
        "children": organisation.children.filter(is_active=True).count(),
        "holders": organisation.role_grants.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "organisations/form.html", context)


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = can.get_organisation_for(request.user, pk)
    active = request.POST.get("active") == "1"
    if not active and can.roots(request.user) and organisation in can.roots(request.user):
        messages.error(request, "不能停用您自己被授权管理的单位。")
        return redirect("organisations:edit", pk=organisation.pk)
    try:
        set_organisation_active(organisation, by=signed_in(request, User), active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("organisations:edit", pk=organisation.pk)
    messages.success(request, f"已{'重新启用' if active else '停用'}“{organisation.name}”。")
    return redirect("organisations:tree")


@role_required(Role.SYSTEM_ADMIN)
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload → a dry run shows every change and every error by row → confirm. The file
    comes back with the confirmation (as the page's hidden field), so nothing is kept on
    the server between the two steps, and the real run checks it all again."""
    context: dict[str, Any] = {}
    if request.method == "POST" and request.POST.get("content"):
        try:
            data = base64.b64decode(request.POST["content"], validate=True)
        except ValueError:
            raise PermissionDenied("文件内容无效，请重新上传。") from None
        name = Path(request.POST.get("name", "import.csv")).name
        report = _run(request, data, name, dry_run=False)
        if report.ok:
            messages.success(request, f"已导入“{name}”：{report.summary()}")
            return redirect("organisations:tree")
        context.update(report=report, form=ImportForm(), name=name)
        return render(request, "organisations/import.html", context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = _run(request, data, upload.name, dry_run=True)
        context.update(
            report=report,
            name=Path(upload.name).name,
            content=base64.b64encode(data).decode("ascii") if report.ok else "",
        )
    context["form"] = form
    return render(request, "organisations/import.html", context)


def _run(request: HttpRequest, data: bytes, name: str, *, dry_run: bool) -> Any:
    stream = io.BytesIO(data)
    stream.name = name
    return import_organisations(
        stream, by=signed_in(request, User), dry_run=dry_run, within=can.roots(request.user)
    )


@role_required(Role.SYSTEM_ADMIN)
def export(request: HttpRequest) -> HttpResponse:
    """The administrator's subtree in the import layout: edit it and import it again."""
    organisations = list(can.managed_by(request.user).order_by("path"))
    if request.GET.get("format") == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "organisations.xlsx"
            export_organisations(path, "xlsx", organisations=organisations)
            content = path.read_bytes()
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="organisations.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    write_organisations_csv(response, organisations=organisations)
    response["Content-Disposition"] = 'attachment; filename="organisations.csv"'
    return response
