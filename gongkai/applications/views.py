"""Pages of 依申请公开. Public: file online, then follow the application with the tracking code
and its secret (no account). Staff: the workbench queue per organisation and the handling page.
Views are thin: fetch and authorise, bind a form, call one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import User
from gongkai.accounts.permissions import role_required
from gongkai.applications import conf, forms, services, tracking
from gongkai.applications import permissions as can
from gongkai.applications.letters import letter_pdf, render_letter
from gongkai.applications.models import (
    Application,
    InformationCluster,
    ReleasedDocument,
    Remedy,
    Reply,
)
from gongkai.applications.rules import current_rules
from gongkai.core import antispam
from gongkai.core.actors import signed_in
from gongkai.core.antispam import RateLimited
from gongkai.core.calendar import CalendarNotLoaded, add_working_days
from gongkai.core.middleware import client_address
from gongkai.core.models import AuditEvent
from gongkai.core.workflow import TransitionNotAllowed

SESSION_FILED = "applications_filed"
SESSION_TRACKED = "applications_tracked"
handlers_only = role_required(*can.HANDLER_ROLES)
FAILED = (ValidationError, TransitionNotAllowed)


def _errors(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(getattr(exc, "message", exc))


# --- Public ---------------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    form = forms.PublicApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = antispam.spam_checked(request, form, "application", conf.filing_rate_limit())
        if refusal == 429:  # too many from this address: the form keeps what was typed
            status = refusal
        elif not refusal:
            try:
                filed = services.register_application(
                    by=None, channel="online", applicant=form.applicant(), **form.application()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                antispam.record_submission(
                    "application", client_address(request), conf.filing_rate_limit()
                )
                request.session[SESSION_FILED] = {
                    "reference": filed.application.reference,
                    "code": filed.tracking_code,
                    "secret": filed.secret,
                }
                _remember(request, filed.application)
                return redirect("applications:filed")
        form.fresh()
    return render(request, "applications/start.html", {"form": form}, status=status)


def filed(request: HttpRequest) -> HttpResponse:
    keys = request.session.pop(SESSION_FILED, None)
    if keys is None:
        return redirect("applications:track")
    return render(request, "applications/filed.html", {"keys": keys})


def track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, address = form.cleaned_data["tracking_code"], client_address(request)
        try:
            tracking.check_allowed(address, code)
        except RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, "applications/track.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        application = services.find_by_keys(code, form.cleaned_data["secret"])
        if application is not None:
            _remember(request, application)
            return redirect("applications:status", pk=application.pk)
        tracking.record_failure(address, code)
        form.add_error(None, "查询码或密码不正确。请核对提交申请时获得的查询码和密码。")
    return render(request, "applications/track.html", {"form": form})


def _remember(request: HttpRequest, application: Application) -> None:
    tracked = set(request.session.get(SESSION_TRACKED, []))
    tracked.add(application.pk)
    request.session[SESSION_TRACKED] = sorted(tracked)


def _tracked(request: HttpRequest, pk: int) -> Application:
    """The applicant's own application: only after the code and secret opened it here."""
    if pk not in request.session.get(SESSION_TRACKED, []):
        raise Http404("没有找到该申请。")
    return get_object_or_404(Application.objects.select_related("organisation"), pk=pk)


def status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _tracked(request, pk)
    reply = Reply.objects.filter(application=application, sent_at__isnull=False).first()
    context = {
        "application": application,
        "events": application.events.filter(is_withdrawn=False),
        "reply": reply,
        "documents": reply.documents.filter(is_current=True) if reply else [],
    }
    return render(request, "applications/status.html", context)


def status_letter(request: HttpRequest, pk: int) -> HttpResponse:
    application = _tracked(request, pk)
    reply = get_object_or_404(Reply, application=application, sent_at__isnull=False)
    return _pdf(reply.letter_title, reply.letter_text, application)


def status_document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    application = _tracked(request, pk)
    doc = get_object_or_404(
        ReleasedDocument,
        pk=document,
        reply__application=application,
        reply__sent_at__isnull=False,
        is_current=True,
    )
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.original_name)


def _pdf(title: str, text: str, application: Application) -> HttpResponse:
    response = HttpResponse(letter_pdf(title, text), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.reference}.pdf"'
    return response


# --- Staff ----------------------------------------------------------------------------------


@handlers_only
def workbench(request: HttpRequest) -> HttpResponse:
    orgs = can.handled_organisations(request.user)
    visible = Application.objects.in_organisations(orgs).select_related("organisation")
    code = request.GET.get("organisation", "")
    if code:
        visible = visible.filter(organisation__code=code)
    today = timezone.localdate()
    try:
        soon = add_working_days(today, current_rules().due_soon_days).due_on
    except CalendarNotLoaded:
        soon = today
    context = {
        "organisations": orgs.order_by("path"),
        "selected": code,
        "today": today,
        "overdue": visible.overdue(today).order_by("due_on")[:100],
        "due_soon": visible.due_soon(today, soon).order_by("due_on")[:100],
        "paused": visible.paused().order_by("received_on")[:100],
        "open": visible.open().order_by("due_on", "received_on")[:200],
        "suggestions": services.same_information_suggestions(visible),
        "clusters": InformationCluster.objects.filter(organisation__in=orgs).select_related(
            "record"
        )[:50],
    }
    return render(request, "applications/workbench.html", context)


@handlers_only
def register(request: HttpRequest) -> HttpResponse:
    orgs = can.handled_organisations(request.user)
    form = forms.RegisterForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            filed_ = services.register_application(
                by=signed_in(request, User),
                applicant=form.applicant(),
                **form.application(),
                **form.dates(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"已登记。请将查询码 {filed_.tracking_code} 和密码 {filed_.secret} 告知申请人"
                "（系统不保存明文，离开本页后无法再次查看）。",
            )
            return redirect("applications:detail", pk=filed_.application.pk)
    return render(request, "applications/register.html", {"form": form})


@handlers_only
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    reply = Reply.objects.filter(application=application).first()
    context = {
        "application": application,
        "applicant": application.applicant,
        "events": application.events.all(),
        "reply": reply,
        "documents": reply.documents.all() if reply else [],
        "remedies": application.remedies.all(),
        "audit": AuditEvent.objects.for_object(application)
        .select_related("content_type")
        .order_by("-id")[:50],
        "action_form": forms.ActionForm(),
        "reply_form": forms.ReplyForm(
            initial={"category": reply.category, "body": reply.body} if reply else None
        ),
        "send_form": forms.SendForm(initial={"on": timezone.localdate()}),
        "document_form": forms.DocumentForm(),
        "can_approve": can.can_approve(request.user, application),
    }
    return render(request, "applications/detail.html", context)


def _act(
    request: HttpRequest, application: Application, work: Callable[[Application], Any], done: str
) -> Any:
    try:
        work(application)
    except FAILED as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return redirect("applications:detail", pk=application.pk)


@require_POST
@handlers_only
def act(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return redirect("applications:detail", pk=pk)
    data, by = form.cleaned_data, signed_in(request, User)
    on = data["on"] or timezone.localdate()
    note = data["note"]

    def work(a: Application) -> Any:
        action = data["action"]
        if action == "request_correction":
            if data["until_on"] is None:
                raise ValidationError("请填写补正期限。")
            return services.request_correction(
                a, by=by, on=on, until_on=data["until_on"], note=note
            )
        if action == "extend":
            return services.extend(a, by=by, on=on, days=data["days"] or 0, note=note)
        if action.endswith("_received"):
            letter = action.removesuffix("_received")
            return services.record_letter_received(
                a, by=by, letter=letter, on=on, proof=data["proof"] or "signed"
            )
        if action.startswith(("start_", "end_")):
            verb, party = action.split("_", 1)
            service = services.start_consultation if verb == "start" else services.end_consultation
            return service(a, by=by, party=party, on=on, note=note)
        if action == "fee_notice":
            method = data["fee_method"] or "per_request"
            return services.send_fee_notice(
                a, by=by, on=on, method=method, pages=data["pages"] or 0
            )
        simple = {
            "accept": lambda: services.accept(a, by=by, note=note),
            "receive_correction": lambda: services.receive_correction(a, by=by, on=on, note=note),
            "fee_paid": lambda: services.record_fee_paid(a, by=by, on=on, note=note),
            "archive": lambda: services.archive(a, by=by, note=note),
            "void": lambda: services.void(a, by=by, note=note),
        }
        return simple[action]()

    return _act(request, application, work, f"已完成：{forms.ACTIONS[data['action']]}。")


@require_POST
@handlers_only
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择答复类型并填写答复意见。")
        return redirect("applications:detail", pk=pk)
    return _act(
        request,
        application,
        lambda a: services.draft_reply(a, by=signed_in(request, User), **form.cleaned_data),
        "答复已保存。",
    )


@require_POST
@handlers_only
def document(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择文件。")
        return redirect("applications:detail", pk=pk)
    upload = form.cleaned_data["file"]

    def work(a: Application) -> Any:
        draft = Reply.objects.filter(application=a).first()
        if draft is None:
            raise ValidationError("请先起草答复，再添加提供的文件。")
        return services.add_released_document(
            draft, upload, upload.name, by=signed_in(request, User)
        )

    return _act(request, application, work, "文件已上传并完成检查。")


@require_POST
@handlers_only
def clear(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    form = forms.ClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写核对意见。")
        return redirect("applications:detail", pk=pk)

    def work(a: Application) -> Any:
        doc = get_object_or_404(
            ReleasedDocument, pk=form.cleaned_data["document"], reply__application=a
        )
        return services.clear_document(
            doc, by=signed_in(request, User), note=form.cleaned_data["note"]
        )

    return _act(request, application, work, "已记录核对意见。")


@require_POST
@handlers_only
def send(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    form = forms.SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复日期。")
        return redirect("applications:detail", pk=pk)
    on = form.cleaned_data["on"]
    return _act(
        request,
        application,
        lambda a: services.send_reply(a, by=signed_in(request, User), on=on),
        "已答复。",
    )


@handlers_only
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    application = can.get_application_for(request.user, pk)
    draft = get_object_or_404(Reply, application=application)
    if draft.is_sent:
        return _pdf(draft.letter_title, draft.letter_text, application)
    title, text = render_letter(draft, on=timezone.localdate())
    return _pdf(title + "（草稿）", text, application)


@handlers_only
def remedy(request: HttpRequest, pk: int) -> HttpResponse:
    """年报表四: the reviews and lawsuits about one application; POST records a new one."""
    application = can.get_application_for(request.user, pk)
    form = forms.RemedyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_remedy(application, by=signed_in(request, User), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已记录行政复议、行政诉讼情况。")
            return redirect("applications:remedy", pk=pk)
    context = {"application": application, "remedies": application.remedies.all(), "form": form}
    return render(request, "applications/remedies.html", context, status=_status(request, form))


@handlers_only
def remedy_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Update one review or lawsuit (``number`` is its id), typically its outcome once decided.
    (The parameter name is one the project-wide staff-URL check knows how to fill in.)"""
    application = can.get_application_for(request.user, pk)
    current = get_object_or_404(Remedy, pk=number, application=application)
    form = forms.RemedyForm(
        request.POST or None, initial={f: getattr(current, f) for f in forms.RemedyForm.base_fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_remedy(
                application, by=signed_in(request, User), remedy=current, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已更新行政复议、行政诉讼情况。")
            return redirect("applications:remedy", pk=pk)
    context = {"application": application, "remedy": current, "form": form}
    return render(request, "applications/remedy_edit.html", context, status=_status(request, form))


def _status(request: HttpRequest, form: Any) -> int:
    return 400 if request.method == "POST" and form.errors else 200


@require_POST
@handlers_only
def group(request: HttpRequest) -> HttpResponse:
    """第四十四条: mark the suggested applications as asking for the same information."""
    ids = [int(i) for i in request.POST.getlist("application") if i.isdecimal()]
    members = [can.get_application_for(request.user, pk) for pk in ids]
    try:
        services.group_same_information(
            members,
            by=signed_in(request, User),
            title=request.POST.get("title", "")[:200] or "相同信息",
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "已归并。请按主动公开流程制作、审核并发布该信息，再关联。")
    return redirect("applications:workbench")


@require_POST
@handlers_only
def link(request: HttpRequest, pk: int) -> HttpResponse:
    from gongkai.records.models import Record

    cluster = get_object_or_404(InformationCluster, pk=pk)
    if not can.can_handle_organisation(request.user, cluster.organisation):
        raise Http404("没有找到该记录。")
    record = Record.objects.filter(
        index_number=request.POST.get("index_number", "").strip(),
        organisation=cluster.organisation,
    ).first()
    try:
        if record is None:
            raise ValidationError("没有找到该索引号对应的本机关信息。")
        services.link_proactive_record(cluster, by=signed_in(request, User), record=record)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "已关联主动公开的信息。")
    return redirect("applications:workbench")


@handlers_only
def template(request: HttpRequest) -> HttpResponse:
    """The organisation's reply letter template (政务公开审核 edits it)."""
    from gongkai.applications.letters import (
        DEFAULT_BODY,
        DEFAULT_COURT,
        DEFAULT_REVIEW_BODY,
        DEFAULT_TITLE,
    )
    from gongkai.applications.models import ReplyTemplate

    orgs = can.handled_organisations(request.user).order_by("path")
    code = request.GET.get("organisation", "")
    organisation = get_object_or_404(orgs, code=code) if code else orgs.first()
    if organisation is None:
        raise Http404("没有可维护模板的机关。")
    current = ReplyTemplate.objects.filter(organisation=organisation).first()
    initial = {
        "title": current.title if current else DEFAULT_TITLE,
        "body": current.body if current else DEFAULT_BODY,
        "review_body": current.review_body if current else DEFAULT_REVIEW_BODY,
        "court": current.court if current else DEFAULT_COURT,
    }
    form = forms.TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply_template(
                organisation, by=signed_in(request, User), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "答复书模板已保存。此前已发出的答复书不受影响。")
            return redirect(f"{request.path}?organisation={organisation.code}")
    context = {"form": form, "organisation": organisation, "organisations": orgs}
    return render(request, "applications/template.html", context)
