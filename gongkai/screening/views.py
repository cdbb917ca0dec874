"""Staff pages: resolve a record's findings; keep the sensitive-term list. Views are thin:
fetch and authorise, bind a form, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import role_required
from gongkai.core.actors import signed_in
from gongkai.core.workflow import TransitionNotAllowed
from gongkai.records import permissions as records_can
from gongkai.records.models import Attachment
from gongkai.records.services import EditConflict
from gongkai.screening import permissions as can
from gongkai.screening import services
from gongkai.screening.forms import DismissForm, MaskForm, ReplaceForm, TermForm
from gongkai.screening.models import Finding, SensitiveTerm

ERRORS = (ValidationError, TransitionNotAllowed, EditConflict)


def _error(request: HttpRequest, exc: Exception) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


@role_required(*records_can.STAFF_READ_ROLES)
def record_findings(request: HttpRequest, pk: int) -> HttpResponse:
    record = records_can.get_record_for(request.user, pk)
    findings = Finding.objects.filter(record=record).select_related("attachment", "dismissed_by")
    return render(
        request,
        "screening/record.html",
        {
            "record": record,
            "findings": [(f, can.can_dismiss(request.user, f)) for f in findings],
            "can_fix": can.can_fix(request.user, record),
            "can_rescan": can.can_rescan(request.user, record),
            "maskable": findings.open().in_body().filter(kind__in=can.MASKABLE_KINDS).exists(),
            "to_replace": Attachment.objects.filter(
                record=record, is_current=True, screening_findings__status="open"
            ).distinct(),
            "dismiss_form": DismissForm(),
            "replace_form": ReplaceForm(),
        },
    )


@require_POST
@role_required(*records_can.STAFF_READ_ROLES)
def rescan(request: HttpRequest, pk: int) -> HttpResponse:
    record = records_can.get_record_for(request.user, pk, can.can_rescan)
    found = services.screen_record(record, by=signed_in(request, User), stage="manual")
    messages.info(request, f"已重新检查，待处理的问题{len(found)}处。")
    return redirect("screening:record", pk=pk)


@require_POST
@role_required(Role.CLERK)
def mask(request: HttpRequest, pk: int) -> HttpResponse:
    record = records_can.get_record_for(request.user, pk, can.can_fix)
    form = MaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作参数不完整，请刷新页面后重试。")
        return redirect("screening:record", pk=pk)
    try:
        services.mask_body(
            record, by=signed_in(request, User), revision=form.cleaned_data["revision"]
        )
    except ERRORS as exc:
        _error(request, exc)
    else:
        messages.success(request, "已对正文中的个人信息脱敏，并保存为草稿的新修改。")
    return redirect("screening:record", pk=pk)


@require_POST
@role_required(Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER)
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    finding = can.get_finding_for(request.user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "排除须填写理由。")
    else:
        try:
            services.dismiss_finding(
                finding, by=signed_in(request, User), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已排除：{finding.describe()}。")
    return redirect("screening:record", pk=finding.record_id)


@require_POST
@role_required(Role.CLERK)
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    records_can.get_record_for(request.user, attachment.record_id, can.can_fix)
    form = ReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择清理后的文件。")
    else:
        upload = form.cleaned_data["file"]
        try:
            services.replace_attachment(
                attachment, upload, upload.name, by=signed_in(request, User)
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已用“{upload.name}”替换附件；原件存档，不公开。")
    return redirect("screening:record", pk=attachment.record_id)


def _term_manager(request: HttpRequest) -> None:
    if not can.can_manage_terms(request.user):
        raise PermissionDenied(
            "敏感词表由市教育和体育局的安全管理员、系统管理员或政务公开审核人员维护。"
        )


@role_required(*can.TERM_ROLES)
def terms(request: HttpRequest) -> HttpResponse:
    _term_manager(request)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_sensitive_term(form.instance, by=signed_in(request, User))
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"已添加敏感词“{form.instance.term}”。")
            return redirect("screening:terms")
    return render(
        request,
        "screening/terms.html",
        {"form": form, "terms": SensitiveTerm.objects.select_related("created_by")},
    )


@require_POST
@role_required(*can.TERM_ROLES)
def term_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    _term_manager(request)
    term = get_object_or_404(SensitiveTerm, pk=pk)
    services.set_term_active(term, by=signed_in(request, User), active=not term.is_active)
    messages.success(request, f"已{'启用' if term.is_active else '停用'}敏感词“{term.term}”。")
    return redirect("screening:terms")
