"""The staff workbench: write, review and publish records. Views are thin: fetch and
authorise, bind a form, call one service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import has_role, organisations_for, role_required
from gongkai.core.actors import signed_in
from gongkai.core.calendar import CalendarNotLoaded
from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.core.worklist import due_soon_end
from gongkai.records import hooks, services
from gongkai.records import permissions as can
from gongkai.records.forms import (
    ActionForm,
    AttachmentForm,
    RecordForm,
    ValidityForm,
    WorkbenchFilter,
)
from gongkai.records.models import Record, RecordQuerySet, Status, Validity
from gongkai.records.permissions import STAFF_READ_ROLES

#: Who writes records: clerks, and concern officers for the responses they draft
#: (permissions.can_edit decides per record).
WRITERS = (Role.CLERK, Role.CONCERN_OFFICER)
LIST_FIELDS = (
    "title",
    "status",
    "due_on",
    "formed_on",
    "published_at",
    "updated_at",
    "organisation__name",
    "organisation__short_name",
    "item__code",
    "item__name",
    "author_id",
    "document_reviewer_id",
    "disclosure_reviewer_id",
    "disclosure",
    "current_version_id",
    "organisation__path",
)


def _visible(user: Any) -> RecordQuerySet:
    return (
        Record.objects.filter(organisation__in=organisations_for(user, STAFF_READ_ROLES))
        .select_related("organisation", "item")
        .only(*LIST_FIELDS)
    )


def _due_soon_end() -> date:
    return due_soon_end(timezone.localdate())


@role_required(*STAFF_READ_ROLES)
def workbench(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # role_required signed them in
    visible = _visible(user)
    today = timezone.localdate()
    doc_orgs = organisations_for(user, Role.DOCUMENT_REVIEWER)
    dis_orgs = organisations_for(user, Role.DISCLOSURE_REVIEWER)
    queue = (
        visible.filter(
            Q(status=Status.SUBMITTED, organisation__in=doc_orgs)
            | Q(status=Status.DOCUMENT_REVIEWED, organisation__in=dis_orgs)
        )
        .exclude(author=user)
        .exclude(status=Status.DOCUMENT_REVIEWED, document_reviewer=user)
    )
    filters = WorkbenchFilter(request.GET or None)
    listing = visible.order_by("-updated_at")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            listing = listing.filter(title__icontains=data["q"])
        if data["status"]:
            listing = listing.filter(status=data["status"])
        if data["item"]:
            listing = listing.filter(item__code=data["item"])
        if data["organisation"]:
            listing = listing.filter(organisation__code=data["organisation"])
        if data["due"] == "overdue":
            listing = listing.filter(pk__in=Record.objects.overdue(today)).order_by("due_on")
        elif data["due"] == "soon":
            listing = listing.filter(
                pk__in=Record.objects.due_between(today, _due_soon_end())
            ).order_by("due_on")
    page = Paginator(listing, 25).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "drafts": visible.filter(author=user, status=Status.DRAFT).order_by("-updated_at")[:20],
        "queue": queue.order_by("submitted_at")[:50],
        "due_soon": visible.filter(
            pk__in=Record.objects.due_between(today, _due_soon_end())
        ).order_by("due_on")[:50],
        "overdue": visible.filter(pk__in=Record.objects.overdue(today)).order_by("due_on")[:50],
        "today": today,
        "can_create": has_role(user, Role.CLERK),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "records/_list.html", context)
    return render(request, "records/workbench.html", context)


@role_required(Role.CLERK)
def record_create(request: HttpRequest) -> HttpResponse:
    form = RecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            record = services.create_record(by=signed_in(request, User), **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存为草稿。可以继续添加附件，然后提交审核。")
            return redirect("records:detail", pk=record.pk)
    return render(request, "records/form.html", {"form": form, "record": None})


@role_required(*STAFF_READ_ROLES)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk)
    try:
        due = record.compute_due()
        due_error = ""
    except CalendarNotLoaded as exc:
        due, due_error = None, str(exc)
    return render(
        request,
        "records/detail.html",
        {
            "record": record,
            "due": due,
            "due_error": due_error,
            "actions": services.offered_actions(record, request.user),
            "note_actions": services.NOTE_ACTIONS,
            "can_edit": record.status == Status.DRAFT and can.can_edit(request.user, record),
            "can_change_validity": record.is_public
            and record.status != Status.WITHDRAWN
            and can.can_withdraw(request.user, record),
            "attachments": record.attachments.all(),
            "events": AuditEvent.objects.for_object(record).select_related("content_type"),
            "versions": record.versions.order_by("-number"),
            "attachment_form": AttachmentForm(),
            "panels": hooks.staff_panels(record, request.user),
            "today": timezone.localdate(),
        },
    )


@role_required(*WRITERS)
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk, can.can_edit)
    form = RecordForm(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            services.update_record(
                record, by=signed_in(request, User), revision=form.cleaned_data["revision"], **data
            )
        except services.EditConflict as exc:
            # Keep what they typed: the form re-renders with their text, the newest revision
            # number, and a message; nothing of theirs is lost.
            messages.error(request, str(exc))
            data = request.POST.copy()
            data["revision"] = str(exc.current.revision)
            form = RecordForm(data, instance=record, user=request.user)
            form.is_valid()
        except (ValidationError, TransitionNotAllowed) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("records:detail", pk=record.pk)
    return render(request, "records/form.html", {"form": form, "record": record})


@require_POST
@role_required(*STAFF_READ_ROLES)
def record_act(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作参数不完整，请重试。")
        return redirect("records:detail", pk=pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    by = signed_in(request, User)
    verbs = {
        "submit": lambda: services.submit(record, by=by, note=note),
        "approve_document": lambda: services.approve_document(record, by=by, note=note),
        "approve_fast": lambda: services.approve_fast(record, by=by, note=note),
        "approve_disclosure": lambda: services.approve_disclosure(record, by=by, note=note),
        "return_document": lambda: services.return_for_changes(record, by=by, note=note),
        "return_disclosure": lambda: services.return_for_changes(record, by=by, note=note),
        "return_approved": lambda: services.return_for_changes(record, by=by, note=note),
        "publish": lambda: services.publish(record, by=by, note=note),
        "schedule": lambda: services.schedule(
            record,
            by=by,
            note=note,
            at=form.cleaned_data["scheduled_at"] or timezone.now(),
        ),
        "unschedule": lambda: services.unschedule(record, by=by, note=note),
        "revise": lambda: services.revise(
            record, by=by, change_note=form.cleaned_data["change_note"]
        ),
        "withdraw": lambda: services.withdraw(record, by=by, reason=note),
    }
    if action not in verbs:
        raise Http404("未知操作。")
    try:
        verbs[action]()
    except (TransitionNotAllowed, ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, f"已完成：{services.workflow.get(action).label}。")
    return redirect("records:detail", pk=pk)


@require_POST
@role_required(*WRITERS)
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk, can.can_edit)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件。")
    else:
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(record, upload, upload.name, by=signed_in(request, User))
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, f"已上传附件“{upload.name}”。")
    return redirect("records:detail", pk=pk)


VALIDITY_CANDIDATES = 20


@role_required(*STAFF_READ_ROLES)
def record_validity(request: HttpRequest, pk: int) -> HttpResponse:
    """失效/废止: the date, the reason and the record that replaces it (searched by title or
    索引号 among published records)."""
    record = can.get_record_for(request.user, pk, can.can_withdraw)
    if not record.is_public or record.status == Status.WITHDRAWN:
        raise Http404("只有已发布的信息可以标注失效或废止。")
    # 查找 posts the form without saving it: what was typed comes back with the results.
    finding = request.method == "POST" and "find" in request.POST
    query = (request.POST if finding else request.GET).get("q", "").strip()
    candidates = Record.objects.published().exclude(pk=record.pk).select_related("organisation")
    if query:
        candidates = candidates.filter(Q(title__icontains=query) | Q(index_number=query))
    else:
        candidates = candidates.filter(organisation=record.organisation)
    candidates = candidates.order_by("-published_at")[:VALIDITY_CANDIDATES]
    initial = {
        "validity": record.validity if record.validity != Validity.VALID else Validity.REPEALED,
        "on": record.validity_changed_on or timezone.localdate(),
        "note": record.validity_note,
        "replaced_by": record.replaced_by_id,
    }
    if finding:
        initial.update({k: request.POST.get(k) for k in ("validity", "on", "note", "replaced_by")})
    form = ValidityForm(None if finding else request.POST or None, initial=initial)
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        replacement = None
        if data["replaced_by"]:
            replacement = Record.objects.published().filter(pk=data["replaced_by"]).first()
            if replacement is None:
                form.add_error("replaced_by", "替代文件须是已在专栏发布的信息。")
        if not form.errors:
            try:
                services.change_validity(
                    record,
                    by=signed_in(request, User),
                    validity=data["validity"],
                    on=data["on"],
                    replaced_by=replacement,
                    note=data["note"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"已将有效性设为“{Validity(data['validity']).label}”。")
                return redirect("records:detail", pk=record.pk)
    chosen = form["replaced_by"].value()
    return render(
        request,
        "records/validity.html",
        {
            "record": record,
            "form": form,
            "query": query,
            "candidates": candidates,
            "chosen": str(chosen or ""),
            "current_replacement": record.replaced_by
            if record.replaced_by_id and record.replaced_by_id not in {c.pk for c in candidates}
            else None,
        },
    )


@role_required(*STAFF_READ_ROLES)
def version_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    record = can.get_record_for(request.user, pk)
    new = get_object_or_404(record.versions, number=number)
    old = record.versions.filter(number=number - 1).first()
    if old is None:
        raise Http404("第一版没有可比较的上一版。")
    return render(
        request,
        "records/diff.html",
        {
            "record": record,
            "old": old,
            "new": new,
            "diff": services.diff_versions(old, new),
        },
    )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(getattr(exc, "message", None) or exc)


def _form_errors(form: Any, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _message(exc))
