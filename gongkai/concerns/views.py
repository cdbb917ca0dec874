"""Concern pages: the public 回应关切 column and the staff 舆情 workbench. Views are thin:
fetch and authorise, bind a form, call one service."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import organisations_for, role_required
from gongkai.concerns import permissions as can
from gongkai.concerns import services
from gongkai.concerns.forms import (
    ActionForm,
    AssessForm,
    ConcernForm,
    LevelForm,
    ResponseForm,
    ScreenshotForm,
)
from gongkai.concerns.models import Concern, Reminder, Response
from gongkai.core.actors import signed_in
from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.records.models import PublicRecord

OFFICER = Role.CONCERN_OFFICER
READERS = can.STAFF_ROLES


def responses(request: HttpRequest) -> HttpResponse:
    """回应关切: published responses and updates, newest first, each with the public subject
    of the concern it answers (never the internal summary, plan or officer)."""
    # Titles, dates and publishers as published (the record's public row), never a revision's.
    # Read per response (correlated subqueries on the row's primary key), so the responses
    # drive the query: a join let the planner walk every public record of the site to find
    # the few that are responses (issue 19: 6 ms at 100k records, 37 ms at 1M).
    live = PublicRecord.objects.filter(record_id=OuterRef("record_id"), withdrawn_at__isnull=True)
    listing = (
        Response.objects.annotate(
            public_title=Subquery(live.values("title")[:1]),
            public_at=Subquery(live.values("published_at")[:1]),
            publisher=Subquery(live.values("organisation__name")[:1]),
        )
        .filter(public_at__isnull=False)
        .select_related("concern")
        .only("kind", "record_id", "concern__subject")
        .order_by("-public_at", "-pk")
    )
    page = Paginator(listing, 20).get_page(request.GET.get("page"))
    return render(request, "concerns/responses.html", {"page": page})


@role_required(*READERS)
def workbench(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, READERS)
    visible = Concern.objects.in_organisations(orgs).select_related("responsible_organisation")
    now = timezone.now()
    open_concerns = list(visible.open().with_published_responses().order_by("discovered_at"))
    rows = [(c, c.clocks(now=now)) for c in open_concerns]
    return render(
        request,
        "concerns/workbench.html",
        {
            "rows": rows,
            "closed": visible.exclude(pk__in=[c.pk for c in open_concerns])[:20],
            "reminders": Reminder.objects.filter(concern__in=visible).select_related("concern")[
                :20
            ],
            "can_register": bool(organisations_for(request.user, OFFICER).exists()),
        },
    )


@role_required(OFFICER)
def concern_create(request: HttpRequest) -> HttpResponse:
    form = ConcernForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            concern = services.register_concern(by=signed_in(request, User), **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "舆情已登记，时限从发现时起计算。")
            return redirect("concerns:detail", pk=concern.pk)
    return render(request, "concerns/form.html", {"form": form, "concern": None})


@role_required(*READERS)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk)
    clocks = concern.clocks(now=timezone.now())
    handle = can.can_handle(request.user, concern)
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "clocks": clocks,
            "responses": _responses_with_timing(concern, clocks),
            "can_handle": handle,
            "can_draft": can.can_draft_response(request.user, concern),
            "actions": [
                t
                for t in services.workflow.available(concern, request.user)
                if t.action in services.MANUAL_ACTIONS
            ],
            "note_actions": services.NOTE_ACTIONS,
            "assess_form": AssessForm(concern=concern) if handle else None,
            "level_form": LevelForm(initial={"level": concern.level}) if handle else None,
            "screenshot_form": ScreenshotForm() if handle else None,
            "screenshots": concern.screenshots.all(),
            "reminders": concern.reminders.all(),
            "events": AuditEvent.objects.for_object(concern).select_related("content_type"),
        },
    )


@role_required(OFFICER)
def concern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_handle)
    form = ConcernForm(request.POST or None, instance=concern, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            services.update_concern(
                concern,
                by=signed_in(request, User),
                revision=form.cleaned_data["revision"] or 0,
                **data,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("concerns:detail", pk=pk)
    return render(request, "concerns/form.html", {"form": form, "concern": concern})


@require_POST
@role_required(OFFICER)
def concern_assess(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_handle)
    form = AssessForm(request.POST, concern=concern)
    if not form.is_valid():
        messages.error(request, "研判信息不完整：请选择级别、责任人并填写回应方案。")
        return redirect("concerns:detail", pk=pk)
    return _run(
        request,
        pk,
        "研判已保存。",
        lambda: services.assess(concern, by=signed_in(request, User), **form.cleaned_data),
    )


@require_POST
@role_required(OFFICER)
def concern_level(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_handle)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择新的级别并填写调整理由。")
        return redirect("concerns:detail", pk=pk)
    return _run(
        request,
        pk,
        "级别已调整，时限已按新级别从发现时起重新计算。",
        lambda: services.change_level(concern, by=signed_in(request, User), **form.cleaned_data),
    )


@require_POST
@role_required(OFFICER)
def concern_act(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_handle)
    form = ActionForm(request.POST)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    if action not in services.MANUAL_ACTIONS:
        raise Http404("未知操作。")
    note = form.cleaned_data["note"]
    verbs = {
        "start_handling": lambda: services.start_handling(
            concern, by=signed_in(request, User), note=note
        ),
        "close": lambda: services.close(concern, by=signed_in(request, User), note=note),
        "withdraw": lambda: services.withdraw(concern, by=signed_in(request, User), reason=note),
    }
    return _run(request, pk, f"已完成：{services.workflow.get(action).label}。", verbs[action])


@require_POST
@role_required(OFFICER)
def screenshot_upload(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_handle)
    form = ScreenshotForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的截图。")
        return redirect("concerns:detail", pk=pk)
    upload = form.cleaned_data["file"]
    return _run(
        request,
        pk,
        f"已上传截图“{upload.name}”。",
        lambda: services.add_screenshot(concern, upload, upload.name, by=signed_in(request, User)),
    )


@role_required(*READERS)
def screenshot_file(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk)
    screenshot = get_object_or_404(concern.screenshots, pk=number)
    response = FileResponse(screenshot.file.open("rb"), content_type=screenshot.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return cast(HttpResponse, response)


@role_required(Role.CLERK, OFFICER)
def response_create(request: HttpRequest, pk: int) -> HttpResponse:
    concern = can.get_concern_for(request.user, pk, can.can_draft_response)
    form = ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.draft_response(
                concern, by=signed_in(request, User), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(
                request, "回应草稿已保存。提交审核后由一名审核人员快速审核，通过后即可发布。"
            )
            return redirect("records:detail", pk=record.pk)
    return render(request, "concerns/response_form.html", {"form": form, "concern": concern})


def _responses_with_timing(concern: Concern, clocks: list[Any]) -> list[tuple[Response, list[Any]]]:
    """Each response with the clocks it met (first qualifying publication)."""
    rows = []
    for response in concern.responses.select_related("record").order_by(
        "record__first_published_at", "pk"
    ):
        at = response.record.first_published_at
        met = [c for c in clocks if at is not None and c.met_at == at]
        rows.append((response, met))
    return rows


def _run(request: HttpRequest, pk: int, success: str, call: Any) -> HttpResponse:
    try:
        call()
    except (TransitionNotAllowed, ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, success)
    return redirect("concerns:detail", pk=pk)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(getattr(exc, "message", None) or exc)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _message(exc))
