"""Public pages (意见征集、留言咨询、政民互动) and the staff pages that run them.

Views are thin: fetch and authorise, bind a form, call one service, redirect or render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gongkai.accounts.models import User
from gongkai.accounts.permissions import has_role, organisations_for, role_required
from gongkai.consultations import conf, forms
from gongkai.consultations import permissions as can
from gongkai.consultations.models import (
    Adoption,
    Comment,
    Consultation,
    Event,
    Mailbox,
    Message,
)
from gongkai.consultations.services import consultation as consultations
from gongkai.consultations.services import event as events
from gongkai.consultations.services import mailbox as mailboxes
from gongkai.core import antispam
from gongkai.core.actors import signed_in
from gongkai.core.middleware import client_address
from gongkai.core.workflow import TransitionNotAllowed


def form_errors(form: Any, exc: ValidationError | TransitionNotAllowed) -> None:
    """Put a service's ValidationError on the right fields (or on top of the form)."""
    if isinstance(exc, TransitionNotAllowed):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Public: consultations ------------------------------------------------------------------


def consultation_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    public = Consultation.objects.public().select_related("organisation")
    return render(
        request,
        "consultations/list.html",
        {
            "accepting": public.accepting(now).order_by("closes_at"),
            "upcoming": public.upcoming(now).order_by("opens_at"),
            "ended": Paginator(public.ended(now).order_by("-closes_at"), 20).get_page(
                request.GET.get("page")
            ),
            "withdrawn": public.filter(status="withdrawn")[:20],
            "now": now,
        },
    )


def _detail_context(consultation: Consultation) -> dict[str, Any]:
    published = Comment.objects.published().select_related("section")
    return {
        "consultation": consultation,
        "phase": consultation.phase(),
        "sections": consultation.sections.filter(is_current=True),
        "attachments": consultation.attachments.filter(is_current=True),
        "comments": published.filter(consultation=consultation),
        "adoptions": consultation.adoptions.current().prefetch_related(
            Prefetch("comments", queryset=published)
        ),
    }


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("organisation", "item"), pk=pk
    )
    context = _detail_context(consultation)
    if consultation.is_accepting():
        context["form"] = forms.CommentForm(consultation=consultation)
    return render(request, "consultations/detail.html", context)


@require_POST
def comment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation.objects.public(), pk=pk)
    form = forms.CommentForm(request.POST, consultation=consultation)
    status = antispam.spam_checked(request, form, "comment", conf.submission_rate_limit())
    if not status:
        data = form.cleaned_data
        try:
            comment = consultations.submit_comment(
                consultation,
                body=data["body"],
                section=data["section"],
                author_name=data["author_name"],
                contact=data["contact"],
                show_name=data["show_name"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
            status = 400
        else:
            antispam.record_submission(
                "comment", client_address(request), conf.submission_rate_limit()
            )
            if comment.status == "published":
                messages.success(request, "感谢您的意见，已公开显示。")
            elif comment.personal_data:
                messages.success(request, "感谢您的意见。意见中含有个人信息，经审核后公开。")
            else:
                messages.success(request, "感谢您的意见，审核后公开。")
            return redirect("consultations:detail", pk=consultation.pk)
    context = _detail_context(consultation) | {"form": form.fresh()}
    return render(request, "consultations/detail.html", context, status=status)


# --- Public: mailbox ------------------------------------------------------------------------


def mailbox_index(request: HttpRequest) -> HttpResponse:
    published = Message.objects.published().select_related("mailbox__organisation")
    return render(
        request,
        "consultations/mailbox.html",
        {
            "mailboxes": Mailbox.objects.filter(is_active=True).select_related("organisation"),
            "page": Paginator(published.order_by("-replied_at"), 20).get_page(
                request.GET.get("page")
            ),
            "monthly": list(Message.objects.monthly()[:12]),
        },
    )


def mailbox_write(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox.objects.select_related("organisation"), pk=pk)
    form = forms.MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = antispam.spam_checked(request, form, "message", conf.submission_rate_limit())
        if not status:
            data = form.cleaned_data
            try:
                message = mailboxes.submit_message(
                    mailbox,
                    subject=data["subject"],
                    body=data["body"],
                    kind=data["kind"],
                    author_name=data["author_name"],
                    contact=data["contact"],
                    allows_publication=data["allows_publication"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
                status = 400
            else:
                antispam.record_submission(
                    "message", client_address(request), conf.submission_rate_limit()
                )
                return render(request, "consultations/message_received.html", {"message": message})
        form.fresh()
    return render(
        request,
        "consultations/mailbox_write.html",
        {"mailbox": mailbox, "form": form},
        status=status,
    )


def mailbox_track(request: HttpRequest) -> HttpResponse:
    """The writer reads status and reply with the tracking code; no account needed."""
    form = forms.TrackForm(request.POST or None)
    message, status = None, 200
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        try:
            antispam.check_rate("track", address, conf.submission_rate_limit())
        except antispam.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            message = mailboxes.find_by_code(form.cleaned_data["code"])
            if message is None:
                antispam.count_hit("track", address, conf.submission_rate_limit())
                form.add_error("code", "没有找到该查询码对应的留言，请核对后重新输入。")
                status = 404
    return render(
        request,
        "consultations/mailbox_track.html",
        {"form": form, "message": message, "today": timezone.localdate()},
        status=status,
    )


# --- Public: events -------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    public = Event.objects.public().select_related("organisation")
    return render(
        request,
        "consultations/events.html",
        {"upcoming": public.upcoming(now).order_by("starts_at"), "past": public.past(now)[:50]},
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.public().select_related("organisation"), pk=pk)
    return render(request, "consultations/event.html", {"event": event, "now": timezone.now()})


# --- Staff ----------------------------------------------------------------------------------


@role_required(*can.READ_ROLES)
def staff_home(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, can.READ_ROLES)
    visible_messages = Message.objects.filter(
        Q(organisation__in=orgs) | Q(mailbox__organisation__in=orgs)
    ).select_related("organisation", "mailbox")
    today = timezone.localdate()
    return render(
        request,
        "consultations/staff/home.html",
        {
            "consultations": Consultation.objects.filter(organisation__in=orgs)
            .select_related("organisation")
            .order_by("-created_at")[:50],
            "pending_comments": Comment.objects.pending()
            .filter(consultation__organisation__in=orgs)
            .count(),
            "feedback_overdue": Consultation.objects.feedback_overdue(today).filter(
                organisation__in=orgs
            ),
            "open_messages": visible_messages.open().order_by("due_on")[:100],
            "events": Event.objects.filter(organisation__in=orgs).order_by("-starts_at")[:30],
            "today": today,
            "can_manage": has_role(request.user, can.MANAGE_ROLES),
        },
    )


@role_required(*can.MANAGE_ROLES)
def consultation_create(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, can.MANAGE_ROLES)
    form = forms.ConsultationForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            consultation = consultations.create_consultation(by=signed_in(request, User), **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "已保存为草稿。")
            return redirect("consultations:staff_detail", pk=consultation.pk)
    return render(request, "consultations/staff/form.html", {"form": form, "title": "新建意见征集"})


@role_required(*can.MANAGE_ROLES)
def consultation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = can.get_consultation_for(request.user, pk, manage=True)
    form = forms.ConsultationForm(
        request.POST or None, instance=Consultation.objects.get(pk=pk), organisations=None
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultations.update_consultation(
                consultation, by=signed_in(request, User), **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "已保存修改。")
            return redirect("consultations:staff_detail", pk=pk)
    return render(request, "consultations/staff/form.html", {"form": form, "title": "修改意见征集"})


@role_required(*can.READ_ROLES)
def consultation_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = can.get_consultation_for(request.user, pk)
    comments = consultation.comments.select_related("section", "adoption").order_by("submitted_at")
    return render(
        request,
        "consultations/staff/detail.html",
        {
            "consultation": consultation,
            "comments": comments,
            "can_manage": can.can_manage_consultation(request.user, consultation),
            "actions": consultations.consultation_workflow.available(consultation, request.user),
            "adoption_form": forms.AdoptionForm(consultation=consultation),
            "adoptions": consultation.adoptions.current().prefetch_related("comments"),
            "rejection_reasons": forms.RejectionReason.choices,
            "attachments": consultation.attachments.filter(is_current=True),
            "attachment_form": forms.AttachmentForm(),
        },
    )


@require_POST
@role_required(*can.MANAGE_ROLES)
def consultation_act(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = can.get_consultation_for(request.user, pk, manage=True)
    form = forms.ActionForm(request.POST)
    form.is_valid()
    action, note = form.cleaned_data.get("action", ""), form.cleaned_data.get("note", "")
    verbs: dict[str, Any] = {
        "open": lambda: consultations.open_consultation(
            consultation, by=signed_in(request, User), note=note
        ),
        "close": lambda: consultations.close_consultation(
            consultation, by=signed_in(request, User), note=note
        ),
        "withdraw": lambda: consultations.withdraw_consultation(
            consultation, by=signed_in(request, User), reason=note
        ),
        "publish_feedback": lambda: consultations.publish_feedback(
            consultation, by=signed_in(request, User), summary=note
        ),
    }
    if action == "close" and request.POST.get("confirm") != "1" and consultation.is_accepting():
        # Ending early stops the public commenting before the announced time: say why, and
        # confirm on a page that shows what the public will read.
        if not note.strip():
            messages.error(request, "请填写提前结束征集的原因（公开页面显示）。")
            return redirect("consultations:staff_detail", pk=pk)
        return render(
            request,
            "consultations/staff/close_confirm.html",
            {"consultation": consultation, "note": note.strip(), "now": timezone.now()},
        )
    try:
        if action not in verbs:
            raise TransitionNotAllowed("未知操作。")
        verbs[action]()
    except (ValidationError, TransitionNotAllowed) as exc:
        text = exc.message if isinstance(exc, TransitionNotAllowed) else "；".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, "操作已完成。")
    return redirect("consultations:staff_detail", pk=pk)


@role_required(*can.MANAGE_ROLES)
def comment_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a comment that arrived by letter, e-mail, phone or at a meeting."""
    consultation = can.get_consultation_for(request.user, pk, manage=True)
    form = forms.RegisteredCommentForm(
        request.POST or None,
        consultation=consultation,
        initial={"received_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment = consultations.register_comment(
                    consultation, by=signed_in(request, User), **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                held = "，含有个人信息，须审核后公开" if comment.personal_data else ""
                messages.success(
                    request, f"已登记{comment}（{comment.get_status_display()}）{held}。"
                )
                return redirect("consultations:staff_detail", pk=pk)
    context = {"consultation": consultation, "form": form}
    return render(request, "consultations/staff/comment_form.html", context, status=status)


@require_POST
@role_required(*can.MANAGE_ROLES)
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = can.get_consultation_for(request.user, pk, manage=True)
    form = forms.AttachmentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors.get("file") or ["请选择要上传的文件。"]))
        upload = form.cleaned_data["file"]
        consultations.add_attachment(consultation, upload, upload.name, by=signed_in(request, User))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已上传附件“{upload.name}”。")
    return redirect("consultations:staff_detail", pk=pk)


@require_POST
@role_required(*can.MANAGE_ROLES)
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = can.get_comment_for(request.user, pk)
    form = forms.ModerationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请选择审核结果。")
        data = form.cleaned_data
        if data["decision"] == "publish":
            consultations.publish_comment(
                comment, by=signed_in(request, User), public_body=data["public_body"] or None
            )
        else:
            consultations.reject_comment(
                comment, by=signed_in(request, User), reason=data["reason"], note=data["note"]
            )
    except (ValidationError, TransitionNotAllowed) as exc:
        text = exc.message if isinstance(exc, TransitionNotAllowed) else "；".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, f"{comment} 已审核。")
    return redirect("consultations:staff_detail", pk=comment.consultation_id)


@require_POST
@role_required(*can.MANAGE_ROLES)
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = can.get_consultation_for(request.user, pk, manage=True)
    form = forms.AdoptionForm(request.POST, consultation=consultation)
    try:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        consultations.record_adoption(
            consultation, by=signed_in(request, User), **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已记录采纳情况。")
    return redirect("consultations:staff_detail", pk=pk)


@require_POST
@role_required(*can.MANAGE_ROLES)
def adoption_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = get_object_or_404(Adoption.objects.select_related("consultation"), pk=pk)
    can.get_consultation_for(request.user, adoption.consultation_id, manage=True)
    try:
        consultations.withdraw_adoption(adoption, by=signed_in(request, User))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("consultations:staff_detail", pk=adoption.consultation_id)


@role_required(*can.READ_ROLES)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = can.get_message_for(request.user, pk)
    deadline = mailboxes.deadline(message.mailbox, message.clock_started_on)
    return render(
        request,
        "consultations/staff/message.html",
        {
            "message": message,
            "deadline": deadline,
            "today": timezone.localdate(),
            "can_handle": can.can_handle_message(request.user, message),
            "transfers": message.transfers.select_related("from_organisation", "to_organisation"),
            "reply_form": forms.ReplyForm(),
            "transfer_form": forms.TransferForm(),
        },
    )


@require_POST
@role_required(*can.HANDLE_ROLES)
def message_act(request: HttpRequest, pk: int) -> HttpResponse:
    message = can.get_message_for(request.user, pk, handle=True)
    action = request.POST.get("action", "")
    try:
        if action == "reply":
            mailboxes.reply_to_message(
                message, by=signed_in(request, User), body=request.POST.get("body", "")
            )
        elif action == "reject":
            mailboxes.reject_message(
                message, by=signed_in(request, User), reason=request.POST.get("note", "")
            )
        elif action == "transfer":
            form = forms.TransferForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请选择接收单位并填写转办说明。")
            mailboxes.transfer_message(message, by=signed_in(request, User), **form.cleaned_data)
        elif action in ("publish", "unpublish"):
            mailboxes.set_publication(
                message, by=signed_in(request, User), published=action == "publish"
            )
        else:
            raise ValidationError("未知操作。")
    except (ValidationError, TransitionNotAllowed) as exc:
        text = exc.message if isinstance(exc, TransitionNotAllowed) else "；".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, "操作已完成。")
    if action == "transfer" and not can.can_view_message(request.user, message):
        return redirect("consultations:staff_home")
    return redirect("consultations:staff_message", pk=pk)


@role_required(*can.MANAGE_ROLES)
def event_create(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, can.MANAGE_ROLES)
    form = forms.EventForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            event = events.create_event(by=signed_in(request, User), **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("consultations:staff_event", pk=event.pk)
    return render(request, "consultations/staff/form.html", {"form": form, "title": "新建活动"})


@role_required(*can.READ_ROLES)
def event_staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = can.get_event_for(request.user, pk)
    return render(
        request,
        "consultations/staff/event.html",
        {
            "event": event,
            "actions": events.event_workflow.available(event, request.user),
            "record_form": forms.EventRecordForm(),
        },
    )


@require_POST
@role_required(*can.MANAGE_ROLES)
def event_act(request: HttpRequest, pk: int) -> HttpResponse:
    event = can.get_event_for(request.user, pk, manage=True)
    action = request.POST.get("action", "")
    try:
        if action == "announce":
            events.announce_event(event, by=signed_in(request, User))
        elif action == "record":
            form = forms.EventRecordForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请填写活动记录。")
            events.record_event_outcome(event, by=signed_in(request, User), **form.cleaned_data)
        elif action == "cancel":
            events.cancel_event(
                event, by=signed_in(request, User), reason=request.POST.get("note", "")
            )
        else:
            raise ValidationError("未知操作。")
    except (ValidationError, TransitionNotAllowed) as exc:
        text = exc.message if isinstance(exc, TransitionNotAllowed) else "；".join(exc.messages)
        messages.error(request, text)
    else:
        messages.success(request, "操作已完成。")
    return redirect("consultations:staff_event", pk=pk)
