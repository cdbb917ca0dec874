from __future__ import annotations

from typing import Any, cast

from django import forms

from gongkai.organisations.models import Kind, Organisation

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return "\u3000" * obj.depth + obj.name + ("" if obj.is_active else "（已停用）")


class OrganisationForm(forms.ModelForm):
    """Create or edit one organisation. Its code is fixed once created (索引号 and files
    refer to it); a move is a change of 上级机构."""

    class Meta:
        model = Organisation
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "uscc",
            "address",
            "phone",
            "website",
            "email",
            "school_stage",
            "is_private",
            "order",
        ]
        field_classes = {"parent": ParentChoiceField}

    website = forms.URLField(
        label="网站",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "网址格式不正确，如 https://www.example.gov.cn。"},
    )

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = cast(forms.ModelChoiceField, self.fields["parent"])
        parent.queryset = parents.exclude(kind=Kind.SCHOOL).order_by("path")
        parent.empty_label = "（请选择）"
        parent.required = True
        parent.error_messages.update(
            {"required": "请选择上级机构。", "invalid_choice": "请选择您管理范围内的上级机构。"}
        )
        self.fields["code"].error_messages["unique"] = "该编码已被其他机构使用。"
        if self.instance.pk:
            del self.fields["code"]
            if self.instance.parent_id is None:
                del self.fields["parent"]  # the root stays the root
        for name in ("name", "code", "kind"):
            if name in self.fields:
                self.fields[name].error_messages["required"] = "此项必填。"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="机构表（CSV 或 Excel .xlsx）",
        help_text="第一行为表头，须有“编码”“名称”“类型”“上级编码”等列；可先导出现有机构表，在其基础上修改。",
        error_messages={"required": "请选择文件。", "empty": "文件是空的。"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("文件超过 2 MB，请分成几个文件导入。")
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".xls")):
            raise forms.ValidationError("只支持 CSV 或 Excel（.xlsx）文件。")
        return upload


class FilterForm(forms.Form):
    q = forms.CharField(label="名称或编码", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *Kind.choices]
    )
    inactive = forms.BooleanField(label="包括已停用的单位", required=False)
