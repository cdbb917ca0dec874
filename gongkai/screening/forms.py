from __future__ import annotations

from django import forms

from gongkai.screening.models import SensitiveTerm


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="排除理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "排除须填写理由。"},
    )


class MaskForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ReplaceForm(forms.Form):
    file = forms.FileField(
        label="清理后的文件", error_messages={"required": "请选择清理后的文件。"}
    )


class TermForm(forms.ModelForm):
    class Meta:
        model = SensitiveTerm
        fields = ("term", "note", "is_active")
