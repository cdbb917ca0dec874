"""Forms for the applicant's online filing, staff registration and the handling steps."""

from __future__ import annotations

from typing import Any

from django import forms

from gongkai.applications import categories
from gongkai.applications.models import (
    ApplicantKind,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    IdType,
    RemedyKind,
    RemedyOutcome,
)
from gongkai.organisations.models import Organisation

#: ISO format: an <input type="date"> ignores any other value (the zh-hans locale would
#: render 2025/11/03 and the browser would show an empty field).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(forms.Form):
    """第二十九条: who applies, what they want, in which form."""

    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label="向哪个机关申请", empty_label="请选择"
    )
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices)
    name = forms.CharField(label="姓名或名称", max_length=100)
    id_type = forms.ChoiceField(label="身份证明类型", choices=IdType.choices)
    id_number = forms.CharField(label="证件号码", max_length=40)
    contact_person = forms.CharField(
        label="联系人", max_length=60, required=False, help_text="法人或其他组织申请时填写。"
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postal_code = forms.RegexField(
        label="邮政编码",
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": "邮政编码为6位数字。"},
    )
    description = forms.CharField(
        label="所需政府信息",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请写明所需信息的名称、文号或者便于查询的其他特征性描述。",
    )
    document_number = forms.CharField(label="文号（如知道）", max_length=60, required=False)
    delivery_form = forms.ChoiceField(label="获取信息的形式", choices=DeliveryForm.choices)
    delivery_method = forms.ChoiceField(label="获取信息的方式", choices=DeliveryMethod.choices)

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            organisations
            if organisations is not None
            else Organisation.objects.exclude(kind="school")
        ).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("phone") or data.get("email") or data.get("address")):
            raise forms.ValidationError("请至少填写一种联系方式（电话、电子邮箱或通信地址）。")
        if (
            data.get("applicant_kind") == ApplicantKind.NATURAL_PERSON
            and data.get("id_type") == IdType.USCC
        ):
            self.add_error("id_type", "自然人请填写个人身份证件。")
        return data

    def applicant(self) -> dict[str, Any]:
        keys = ("name", "id_type", "id_number", "contact_person", "phone", "email", "address",
                "postal_code")  # fmt: skip
        return {k: self.cleaned_data[k] for k in keys}

    def application(self) -> dict[str, Any]:
        keys = ("organisation", "applicant_kind", "description", "document_number",
                "delivery_form", "delivery_method")  # fmt: skip
        return {k: self.cleaned_data[k] for k in keys}


class RegisterForm(ApplicationForm):
    """Staff register an application that came by letter, in person, by fax (第三十一条)."""

    channel = forms.ChoiceField(
        label="申请渠道", choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    submitted_on = forms.DateField(
        label="提交日期", required=False, widget=DATE, help_text="当面提交、口头提出时填写。"
    )
    signed_for_on = forms.DateField(
        label="签收日期", required=False, widget=DATE, help_text="需签收的邮件填写。"
    )
    confirmed_on = forms.DateField(
        label="确认日期", required=False, widget=DATE, help_text="平信、传真、电子邮件填写。"
    )

    def dates(self) -> dict[str, Any]:
        keys = ("channel", "submitted_on", "signed_for_on", "confirmed_on")
        return {k: self.cleaned_data[k] for k in keys}


class TrackForm(forms.Form):
    tracking_code = forms.CharField(label="查询码", max_length=20)
    secret = forms.CharField(label="密码", max_length=20, widget=forms.PasswordInput)


ACTIONS = {
    "accept": "审核通过，开始办理",
    "request_correction": "告知补正",
    "receive_correction": "收到补正",
    "extend": "延长答复期限",
    "start_third_party": "书面征求第三方意见",
    "end_third_party": "第三方意见收到",
    "start_agency": "征求其他机关意见",
    "end_agency": "其他机关意见收到",
    "fee_notice": "发出收费通知",
    "fee_paid": "申请人已缴费",
    "archive": "归档",
    "void": "登记作废",
}


class ActionForm(forms.Form):
    action = forms.ChoiceField(label="办理事项", choices=list(ACTIONS.items()))
    on = forms.DateField(label="日期", required=False, widget=DATE)
    until_on = forms.DateField(label="补正期限", required=False, widget=DATE)
    days = forms.IntegerField(label="延长工作日数", required=False, min_value=1, max_value=20)
    fee_method = forms.ChoiceField(
        label="计费方式", required=False,
        choices=[("per_request", "按件计收"), ("per_page", "按量计收")],
    )  # fmt: skip
    pages = forms.IntegerField(label="页数", required=False, min_value=0)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    category = forms.ChoiceField(label="答复类型", choices=categories.STAFF_CHOICES)
    body = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 8}))


class SendForm(forms.Form):
    on = forms.DateField(label="答复日期", widget=DATE)


class DocumentForm(forms.Form):
    file = forms.FileField(label="提供的文件")


class ClearForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="核对意见", widget=forms.Textarea(attrs={"rows": 2}))


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=RemedyKind.choices)
    filed_on = forms.DateField(label="申请复议或起诉日期", widget=DATE)
    outcome = forms.ChoiceField(label="结果", choices=RemedyOutcome.choices)
    decided_on = forms.DateField(
        label="审结日期", required=False, widget=DATE, help_text="尚未审结的不填。"
    )
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如复议机关、法院和案号。请勿填写申请人的个人信息。",
    )  # fmt: skip


class TemplateForm(forms.Form):
    title = forms.CharField(label="文书标题", max_length=60)
    body = forms.CharField(
        label="正文模板",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="可用占位符：${applicant} ${reference} ${received_on} ${description} "
        "${decision} ${ground} ${review_body} ${court} ${organisation} ${date}。"
        "须保留答复意见、依据和救济途径。",
    )
    review_body = forms.CharField(label="行政复议机关", max_length=100)
    court = forms.CharField(label="管辖法院", max_length=100)
