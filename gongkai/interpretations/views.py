"""Staff pages to prepare and write interpretations, and the public 政策解读 listing.

Views are thin: fetch and authorise (``permissions``), bind a form, call one service. The
interpretation's own public page is the record page (``portal:record``), which shows its
content through this app's panel; the policy's page shows the timeline of its interpretations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import organisations_for, role_required
from gongkai.core.actors import signed_in
from gongkai.interpretations import conf, services
from gongkai.interpretations import permissions as can
from gongkai.interpretations.forms import (
    ImageForm,
    InterpretationForm,
    MediaForm,
    PlanForm,
    QAForm,
    RiskForm,
    SpeakerForm,
)
from gongkai.interpretations.models import (
    Form,
    GraphicImage,
    Interpretation,
    InterpretationPlan,
    MediaFile,
    QAEntry,
    RiskAssessment,
    Speaker,
)
from gongkai.interpretations.publishing import frozen_media_ids, is_live
from gongkai.organisations import reference as organisations
from gongkai.portal import listing, pagecache
from gongkai.records import permissions as records_can
from gongkai.records import public
from gongkai.records.models import Kind as RecordKind
from gongkai.records.models import PublicRecord
from gongkai.records.permissions import STAFF_READ_ROLES

# --- Public ---------------------------------------------------------------------------------


def interpretation_list(request: HttpRequest) -> HttpResponse:
    """政策解读: newest first, filtered by organisation (with its subtree) and form. Titles,
    publishers and forms are those published (``PublicRecord``, whose form is copied from
    its version, and the version), never a revision's; the total is kept (per place and per
    form), and pages walk the (kind[, form][, place], first publication) index like every
    public listing."""
    org_code = request.GET.get("org", "").strip()
    form = request.GET.get("form", "").strip()
    found = PublicRecord.objects.filter(kind=RecordKind.INTERPRETATION, withdrawn_at__isnull=True)
    org = organisations.by_code(org_code) if org_code else None
    if org is not None:
        found = found.within(org)
    elif org_code:
        found = found.none()
    found = found.order_by("-first_published_at", "-record_id")
    place = org.pk if org else None
    if org_code and org is None:
        total = 0
    elif form in Form.values:
        found = found.filter(form=form)
        kind_form = public.kind_form(RecordKind.INTERPRETATION, form)
        total = public.count(public.key("live_form", kind_form, place=place))
    else:
        total = public.count(public.key("live", RecordKind.INTERPRETATION, place=place))
    page = listing.paginate(
        found,
        request.GET,
        count=total,
        by="first_published_at",
        row=Published,
        size=conf.page_size(),
    )
    if page.understood:  # the page cache may keep this page under its query string
        known = {
            "org": org_code if org is not None else "",
            "form": form if form in Form.values else "",
        }
        pagecache.understand(request, **known, **page.understood)
    return render(
        request,
        "interpretations/list.html",
        {
            "page": page,
            "filters": {"org": org_code, "form": form},
            "forms": Form.choices,
            "organisations": organisations.counties(),
        },
    )


@dataclass(slots=True)
class Published:
    """A listed interpretation as it was published: its row's title, date, publisher and
    form, and the form's name frozen in its version (read with the row, nothing else of the
    version); a version that did not freeze the name shows the form's own."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "pk",
        "title",
        "first_published_at",
        "organisation_id",
        "form",
        "version__metadata__interpretation__form_label",
    )

    pk: int
    title: str
    first_published_at: datetime
    organisation_id: int
    form: str | None
    form_label: str | None
    organisation: Any = None

    def get_form_display(self) -> str:
        if self.form_label:
            return str(self.form_label)
        return str(Form(self.form).label) if self.form in Form.values else ""


def _serve(media: MediaFile) -> FileResponse:
    response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def media_file(request: HttpRequest, pk: int) -> FileResponse:
    """Only media frozen into the live version of a public interpretation are served."""
    media = get_object_or_404(
        MediaFile.objects.select_related("interpretation__record__current_version"), pk=pk
    )
    record = media.interpretation.record
    version = record.current_version
    if not (record.is_public and is_live(record) and version is not None):
        raise Http404("文件不存在或已撤回。")
    if pk not in frozen_media_ids(version.metadata):
        raise Http404("文件不存在或已撤回。")
    return _serve(media)


# --- Staff ----------------------------------------------------------------------------------


@role_required(*STAFF_READ_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user, STAFF_READ_ROLES)
    interpretations = (
        Interpretation.objects.filter(record__organisation__in=orgs)
        .select_related("record__organisation")
        .order_by("-record__updated_at")
    )
    page = Paginator(interpretations, 25).get_page(request.GET.get("page"))
    return render(request, "interpretations/staff_list.html", {"page": page})


@role_required(Role.CLERK)
def interpretation_create(request: HttpRequest) -> HttpResponse:
    policy_pk = request.GET.get("policy", "")
    policy = (
        can.get_policy_for(request.user, int(policy_pk), can.can_interpret)
        if policy_pk.isdecimal()
        else None
    )
    initial: dict[str, Any] = {}
    if policy is not None:
        initial = {"policies": [policy.pk], "title": f"关于《{policy.title}》的政策解读"}
    form = InterpretationForm(
        request.POST or None, initial=initial, user=request.user, creating=True
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = services.create_interpretation(
                by=signed_in(request, User), policies=list(data.pop("policies")), **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存解读草稿。请补充解读内容，然后提交审核。")
            return redirect("interpretations:content", pk=record.pk)
    return render(
        request, "interpretations/form.html", {"form": form, "record": None, "policy": policy}
    )


@role_required(Role.CLERK)
def interpretation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_interpretation_for(request.user, pk, can.can_edit_content)
    detail = record.interpretation
    form = InterpretationForm(
        request.POST or None,
        instance=detail,
        initial={"policies": list(detail.policies.values_list("pk", flat=True))},
        user=request.user,
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        policies = list(data.pop("policies"))
        if data.get("stage_order") is None:
            data["stage_order"] = detail.stage_order
        try:
            services.update_interpretation(
                record, by=signed_in(request, User), policies=policies, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("interpretations:content", pk=record.pk)
    return render(request, "interpretations/form.html", {"form": form, "record": record})


@role_required(*STAFF_READ_ROLES)
def interpretation_content(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_interpretation_for(request.user, pk)
    detail = record.interpretation
    return render(
        request,
        "interpretations/content.html",
        {
            "record": record,
            "detail": detail,
            "can_edit": can.can_edit_content(request.user, record),
            "qa_entries": detail.qa_entries.current(),
            "speakers": detail.speakers.current(),
            "images": detail.images.current().select_related("media"),
            "qa_form": QAForm(),
            "speaker_form": SpeakerForm(),
            "image_form": ImageForm(),
            "media_form": MediaForm(),
        },
    )


def _content_post(request: HttpRequest, pk: int, form_class: Any, save: Any) -> HttpResponse:
    record = can.get_interpretation_for(request.user, pk, can.can_edit_content)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    else:
        try:
            save(record, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已保存。")
    return redirect("interpretations:content", pk=pk)


@require_POST
@role_required(Role.CLERK)
def qa_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _content_post(
        request, pk, QAForm, lambda r, d: services.add_qa_entry(r, by=signed_in(request, User), **d)
    )


@require_POST
@role_required(Role.CLERK)
def speaker_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _content_post(
        request,
        pk,
        SpeakerForm,
        lambda r, d: services.add_speaker(r, by=signed_in(request, User), **d),
    )


@require_POST
@role_required(Role.CLERK)
def image_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(record: Any, data: dict[str, Any]) -> None:
        upload = data["file"]
        services.add_image(
            record,
            upload,
            upload.name,
            by=signed_in(request, User),
            alt_text=data["alt_text"],
            description=data["description"],
        )

    return _content_post(request, pk, ImageForm, save)


@require_POST
@role_required(Role.CLERK)
def video_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _content_post(
        request,
        pk,
        MediaForm,
        lambda r, d: services.attach_video(
            r, d["file"], d["file"].name, by=signed_in(request, User)
        ),
    )


@require_POST
@role_required(Role.CLERK)
def captions_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _content_post(
        request,
        pk,
        MediaForm,
        lambda r, d: services.attach_captions(
            r, d["file"], d["file"].name, by=signed_in(request, User)
        ),
    )


ENTRY_MODELS: dict[str, Any] = {"qa": QAEntry, "speaker": Speaker, "image": GraphicImage}


@require_POST
@role_required(Role.CLERK)
def entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = can.get_interpretation_for(request.user, pk, can.can_edit_content)
    model = ENTRY_MODELS.get(request.POST.get("kind", ""))
    entry_pk = request.POST.get("entry", "")
    if model is None or not entry_pk.isdecimal():
        raise Http404("未知内容。")
    entry = get_object_or_404(model, pk=entry_pk, interpretation__record=record, is_current=True)
    try:
        services.remove_entry(entry, by=signed_in(request, User))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已移除（存档保留）。")
    return redirect("interpretations:content", pk=pk)


@role_required(*STAFF_READ_ROLES)
def staff_media(request: HttpRequest, pk: int) -> HttpResponse:
    """Reviewers see the uploaded media of interpretations in their organisations."""
    media = get_object_or_404(MediaFile.objects.select_related("interpretation__record"), pk=pk)
    if not records_can.can_view(request.user, media.interpretation.record):
        raise Http404("没有找到该文件。")
    # A streamed file response; role_required is typed for HttpResponse.
    return cast(HttpResponse, _serve(media))


@role_required(Role.CLERK)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = can.get_policy_for(request.user, pk, can.can_prepare)
    plan = InterpretationPlan.objects.filter(policy=policy).first()
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(policy, by=signed_in(request, User), **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存解读方案。")
            return redirect("records:detail", pk=policy.pk)
    return render(
        request,
        "interpretations/prepare.html",
        {"form": form, "policy": policy, "heading": "解读方案"},
    )


@role_required(Role.CLERK)
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = can.get_policy_for(request.user, pk, can.can_prepare)
    risk = RiskAssessment.objects.filter(policy=policy).first()
    form = RiskForm(request.POST or None, instance=risk, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_risk_assessment(policy, by=signed_in(request, User), **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存舆情风险评估。")
            return redirect("records:detail", pk=policy.pk)
    return render(
        request,
        "interpretations/prepare.html",
        {"form": form, "policy": policy, "heading": "舆情风险评估"},
    )


def _form_errors(form: Any, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, "；".join(exc.messages))
    else:
        form.add_error(None, str(exc))
