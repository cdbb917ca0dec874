"""Staff pages: a record's readings (with progress), an attachment's pages with what screening
found highlighted, and redaction. Views are thin: fetch and authorise, bind a form, call one
service, redirect or render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.accounts.models import User
from gongkai.accounts.permissions import role_required
from gongkai.core.actors import signed_in
from gongkai.ocr import documents, services
from gongkai.ocr import permissions as can
from gongkai.ocr.forms import RedactForm
from gongkai.ocr.models import Recognition, RecognitionStatus
from gongkai.records import permissions as records_can
from gongkai.records.models import Attachment, Record

PREVIEW_WIDTH = 1000


def panel_context(record: Record, user: Any) -> dict[str, Any]:
    from gongkai.screening.models import Finding

    attachments = [a for a in record.attachments.filter(is_current=True) if services.is_readable(a)]
    found = {a.pk: Recognition.objects.filter(attachment=a).first() for a in attachments}
    open_counts: dict[int, int] = {}
    for attachment_id in (
        Finding.objects.open()
        .filter(attachment__in=attachments)
        .values_list("attachment_id", flat=True)
    ):
        open_counts[attachment_id] = open_counts.get(attachment_id, 0) + 1
    readings = [(a, found[a.pk], open_counts.get(a.pk, 0)) for a in attachments]
    return {
        "record": record,
        "readings": readings,
        "busy": any(r is not None and r.is_in_progress for _, r, _ in readings),
        "can_queue": can.can_queue(user, record),
    }


@role_required(*records_can.STAFF_READ_ROLES)
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    record = records_can.get_record_for(request.user, pk)
    context = panel_context(record, request.user)
    response = render(request, "ocr/_panel.html", context)
    if request.headers.get("HX-Request") and not context["busy"]:
        # The reading just finished: reload the page so screening's panel shows its findings.
        response["HX-Refresh"] = "true"
    return response


@role_required(*records_can.STAFF_READ_ROLES)
def attachment_pages(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = can.get_attachment_for(request.user, pk)
    return _render_pages(request, attachment, None)


def _render_pages(
    request: HttpRequest, attachment: Attachment, form: RedactForm | None, status: int = 200
) -> HttpResponse:
    from gongkai.screening.models import Finding

    record = attachment.record
    recognition = Recognition.objects.filter(attachment=attachment).first()
    done = recognition is not None and recognition.status == RecognitionStatus.DONE
    pages = list(recognition.pages.order_by("number")) if done and recognition else []
    found = services.hits(recognition) if done and recognition else []
    statuses = dict(
        Finding.objects.filter(attachment=attachment).values_list("fingerprint", "status")
    )
    if form is None:
        form = RedactForm(
            initial={"hits": [h.key for h in found if h.is_personal]}, found=found, pages=pages
        )
    rows = [(h, statuses.get(h.fingerprint, "")) for h in found]
    # Scans and pages with findings; a long text PDF's clean pages only on request.
    show_all = request.GET.get("all") == "1"
    with_hits = {h.page for h in found}
    shown = [p for p in pages if show_all or p.is_scan or p.number in with_hits]
    return render(
        request,
        "ocr/attachment.html",
        {
            "record": record,
            "attachment": attachment,
            "recognition": recognition,
            "pages": [
                (p, [h for h in found if h.page == p.number], form.regions_field(p), _grid(p))
                for p in shown
            ],
            "hidden_pages": len(pages) - len(shown),
            "rows": rows,
            "form": form,
            "checked": set(form["hits"].value() or []),
            "can_redact": attachment.is_current and can.can_redact(request.user, record),
            "personal_count": sum(h.is_personal for h in found),
        },
        status=status,
    )


def _grid(page: Any) -> list[dict[str, Any]]:
    """Lines every tenth of the page, labelled in per cent: what a clerk without a mouse (or
    without JavaScript) reads coordinates from."""
    size = max(12, round(page.width / 55))
    return [
        {"percent": k * 10, "x": round(page.width * k / 10), "y": round(page.height * k / 10),
         "size": size}
        for k in range(1, 10)
    ]  # fmt: skip


@role_required(*records_can.STAFF_READ_ROLES)
def page_image(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    attachment = can.get_attachment_for(request.user, pk)
    try:
        width = max(200, min(int(request.GET.get("w", PREVIEW_WIDTH)), 2400))
    except ValueError:
        width = PREVIEW_WIDTH
    with attachment.file.open("rb") as handle:
        data = handle.read()
    try:
        with documents.open_document(data, attachment.original_name, dpi=services.dpi()) as doc:
            if not 1 <= number <= doc.page_count:
                raise Http404("没有这一页。")
            image = doc.render(number, width=width)
    except documents.Unreadable as exc:
        raise Http404(exc.reason) from exc
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    # The page of a draft's attachment, personal data unredacted: like every staff page it is
    # sent with Cache-Control: no-store (core.middleware.NoStoreMiddleware), kept nowhere.
    return HttpResponse(out.getvalue(), content_type="image/png")


@require_POST
@role_required(*records_can.STAFF_READ_ROLES)
def redact(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = can.get_attachment_for(request.user, pk, can.can_redact)
    recognition = Recognition.objects.filter(attachment=attachment).first()
    if recognition is None or recognition.status != RecognitionStatus.DONE:
        messages.error(request, "该附件尚未完成文字识别，请稍后再试。")
        return redirect("ocr:attachment", pk=pk)
    found = services.hits(recognition)
    form = RedactForm(request.POST, found=found, pages=list(recognition.pages.order_by("number")))
    if not form.is_valid():
        return _render_pages(request, attachment, form, status=400)
    try:
        cleaned = services.redact_attachment(
            attachment,
            regions=form.cleaned_data["regions"],
            by=signed_in(request, User),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("ocr:attachment", pk=pk)
    messages.success(
        request,
        f"已生成涂黑后的文件“{cleaned.original_name}”并替换原附件；原件存档，不公开。"
        "新文件正在重新识别和检查，完成前不能提交或发布。",
    )
    return redirect("records:detail", pk=attachment.record_id)


@require_POST
@role_required(*records_can.STAFF_READ_ROLES)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = can.get_attachment_for(request.user, pk, can.can_queue)
    current = Recognition.objects.filter(attachment=attachment).first()
    if current is not None and current.is_in_progress and not current.is_stalled:
        messages.info(request, f"附件“{attachment}”正在识别中，请稍候。")
    elif services.queue_recognition(attachment, signed_in(request, User)) is None:
        messages.error(request, "该附件不是 PDF 或图片，不需要文字识别。")
    else:
        messages.info(request, f"已将附件“{attachment}”加入文字识别队列。")
    return redirect("records:detail", pk=attachment.record_id)
