"""Forms. Public forms carry the anti-spam measures (core/antispam.py): a honeypot, a text
challenge and, in the view, the per-address rate limit."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.consultations.models import (
    Channel,
    Comment,
    Consultation,
    Event,
    MessageKind,
    Outcome,
    RejectionReason,
    Section,
)
from gongkai.core.antispam import SpamProtectedForm
from gongkai.organisations.models import Organisation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CommentForm(SpamProtectedForm):
    section = forms.ModelChoiceField(
        label="针对条款", queryset=Section.objects.none(), required=False, empty_label="整体意见"
    )
    body = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 8}))
    author_name = forms.CharField(label="姓名", max_length=60, required=False)
    show_name = forms.BooleanField(label="公开显示我的姓名", required=False)
    contact = forms.CharField(
        label="联系方式", max_length=100, required=False, help_text="仅工作人员可见，不会公开。"
    )

    field_order = ["section", "body", "author_name", "show_name", "contact", "answer"]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = consultation.sections.filter(is_current=True)  # type: ignore[attr-defined]
        self.fields["body"].required = False  # the service explains an empty comment
        self.fields["body"].help_text = f"不超过 {consultation.max_comment_length} 字。"
        self.fields["author_name"].required = False
        if consultation.name_required:
            self.fields["author_name"].label = "姓名（必填）"
        if consultation.contact_required:
            self.fields["contact"].label = "联系方式（必填，不公开）"


class MessageForm(SpamProtectedForm):
    kind = forms.ChoiceField(label="留言类型", choices=MessageKind.choices)
    subject = forms.CharField(label="标题", required=False)
    body = forms.CharField(
        label="留言内容", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    author_name = forms.CharField(label="姓名", max_length=60, required=False)
    contact = forms.CharField(
        label="联系方式", max_length=100, required=False, help_text="仅工作人员可见，不会公开。"
    )
    allows_publication = forms.BooleanField(
        label="同意将留言和答复公开（不公开姓名和联系方式）", required=False
    )
    field_order = ["kind", "subject", "body", "author_name", "contact", "allows_publication"]


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=30)


class ConsultationForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(label="征集单位", queryset=Organisation.objects.none())

    class Meta:
        model = Consultation
        fields = [
            "organisation",
            "title",
            "item",
            "summary",
            "draft_body",
            "explanation",
            "how_to_comment",
            "opens_at",
            "closes_at",
            "short_period_reason",
            "moderation",
            "name_required",
            "contact_required",
            "max_comment_length",
        ]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["organisation"]

    def _post_clean(self) -> None:
        # The service validates (and explains) the model; the form only converts values.
        pass


class ActionForm(forms.Form):
    action = forms.CharField(label="操作")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RegisteredCommentForm(forms.Form):
    """A comment received by letter, e-mail, phone or at a meeting, entered by the staff."""

    channel = forms.ChoiceField(
        label="收到方式", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    received_on = forms.DateField(
        label="收到日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="信函以邮戳日期为准，须在征集期内。",
    )
    section = forms.ModelChoiceField(
        label="针对条款", queryset=Section.objects.none(), required=False, empty_label="整体意见"
    )
    body = forms.CharField(
        label="意见内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="照录原文；电话意见记录要点。含有个人信息的，公开前由审核人遮盖。",
    )
    author_name = forms.CharField(label="姓名", max_length=60, required=False)
    show_name = forms.BooleanField(label="本人同意公开显示姓名", required=False)
    contact = forms.CharField(
        label="联系方式", max_length=100, required=False, help_text="仅工作人员可见，不会公开。"
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = consultation.sections.filter(is_current=True)  # type: ignore[attr-defined]
        self.fields["body"].required = False  # the service explains an empty comment


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="附件",
        help_text="可上传 PDF、Word（.docx）、Excel（.xlsx）和图片；按文件内容检查类型和大小。",
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("publish", "公开"), ("reject", "不予公开")]
    )
    public_body = forms.CharField(label="公开内容", required=False, widget=forms.Textarea)
    reason = forms.ChoiceField(
        label="不予公开原因", choices=[("", "——"), *RejectionReason.choices], required=False
    )
    note = forms.CharField(label="审核备注（内部）", required=False)


class AdoptionForm(forms.Form):
    comments = forms.ModelMultipleChoiceField(
        label="意见", queryset=Comment.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ChoiceField(label="采纳情况", choices=Outcome.choices)
    summary = forms.CharField(
        label="意见归纳", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label="理由或说明", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comments"].queryset = consultation.comments.unassigned()  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    summary = forms.CharField(label="采纳情况总体说明", widget=forms.Textarea(attrs={"rows": 5}))


class ReplyForm(forms.Form):
    body = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}))


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label="接收单位", queryset=Organisation.objects.active())
    note = forms.CharField(label="转办说明", widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(label="主办单位", queryset=Organisation.objects.none())

    class Meta:
        model = Event
        fields = [
            "organisation",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "how_to_take_part",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["organisation"]

    def _post_clean(self) -> None:
        pass


class EventRecordForm(forms.Form):
    record_body = forms.CharField(label="活动记录", widget=forms.Textarea(attrs={"rows": 6}))
    participants = forms.IntegerField(label="参加人数", required=False, min_value=0)
