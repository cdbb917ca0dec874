from __future__ import annotations

from typing import Any, cast

from django import forms

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import organisations_for
from gongkai.catalogue.models import Item
from gongkai.records.models import Record, Status, Validity
from gongkai.records.services import EDITABLE_FIELDS


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Item) -> str:
        local = "（本地扩展）" if obj.organisation_id else ""
        return f"{obj.section.name} › {obj.code} {obj.name}{local}"


class RecordForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Record
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "written_on": forms.DateInput(attrs={"type": "date"}),
            "formed_on": forms.DateInput(attrs={"type": "date"}),
            "reassess_on": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {"item": ItemChoiceField}
        help_texts = {
            "body": "可粘贴带格式的文字；脚本、样式等不安全内容会被自动去除。",
            "disclosure": "由信息制作单位在制作时确定（源头认定）。不予公开须注明依据和复审日期。",
            "document_number": "如“聊教体发〔2025〕12号”，无文号可不填。",
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations_for(user, Role.CLERK)
        items = Item.objects.current().select_related("section")
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = items.filter(
            organisation__isnull=True
        ) | items.filter(organisation__in=orgs)
        self.fields["five_disclosure"].required = False
        self.fields["five_disclosure"].help_text = "不选则按目录事项的五公开归类。"
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        else:  # a new record is usually the clerk's own unit's: the top one they write for
            own = min(orgs, key=lambda o: (o.depth, o.path), default=None)
            self.fields["organisation"].initial = own.pk if own else None
        if self.instance.current_version_id:
            self.fields["change_note"].required = True
        else:  # only a revision of a published record has a change note
            del self.fields["change_note"]

    def clean_revision(self) -> int:
        return int(self.cleaned_data.get("revision") or 0)


class ActionForm(forms.Form):
    action = forms.CharField(label="操作")
    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    change_note = forms.CharField(label="修订说明", required=False, max_length=300)
    scheduled_at = forms.DateTimeField(
        label="定时发布时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class WorkbenchFilter(forms.Form):
    q = forms.CharField(required=False, label="标题包含")
    status = forms.ChoiceField(
        required=False, label="状态", choices=[("", "全部"), *list(Status.choices)]
    )
    item = forms.CharField(required=False, label="事项编号")
    organisation = forms.CharField(required=False, label="机构编码")
    due = forms.ChoiceField(
        required=False,
        label="公开期限",
        choices=[("", "全部"), ("overdue", "已超期未公开"), ("soon", "5个工作日内到期")],
    )


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="有效性", choices=Validity.choices)
    on = forms.DateField(
        label="失效/废止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label="原因（在公开页面显示）",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    replaced_by = forms.IntegerField(label="替代文件", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("validity") and data["validity"] != Validity.VALID:
            # The public page says when and why; staff always state both.
            if not data.get("on"):
                self.add_error("on", "请填写失效或废止的日期。")
            if not (data.get("note") or "").strip():
                self.add_error("note", "请填写失效或废止的原因（在公开页面上显示）。")
        return data
