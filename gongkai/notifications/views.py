"""The inbox: every notification a person received, newest first; opening one marks it read
and goes to the page it is about. Views are thin: fetch and authorise, call one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongkai.accounts.models import User
from gongkai.accounts.permissions import role_required
from gongkai.notifications import services
from gongkai.notifications.forms import PreferenceForm
from gongkai.notifications.models import EmailMode, Notification, Preference


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # role_required signed them in
    return user


@role_required()
def inbox(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    show_all = request.GET.get("show") == "all"
    mine = Notification.objects.for_user(user)
    listing = mine if show_all else mine.unread()
    pref = Preference.objects.filter(user=user).first()
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": Paginator(listing.order_by("-created_at", "-id"), 30).get_page(
                request.GET.get("page")
            ),
            "show_all": show_all,
            "unread": mine.unread().count(),
            "form": PreferenceForm(initial={"email": pref.email if pref else EmailMode.IMMEDIATE}),
            "has_email": bool(user.email),
        },
    )


@role_required()
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=_me(request))
    services.mark_read(notification, by=_me(request))
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@role_required()
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(by=_me(request))
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notifications:inbox")


@require_POST
@role_required()
def preference(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.set_email_mode(by=_me(request), email=form.cleaned_data["email"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "通知设置已保存。")
    else:
        messages.error(request, "请选择邮件通知方式。")
    return redirect("notifications:inbox")
