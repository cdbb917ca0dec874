from __future__ import annotations

from typing import Any, cast

from django import forms

from gongkai.catalogue.importing import LEVELS, MANNERS, channel_options, parse_time_limit
from gongkai.catalogue.models import FiveDisclosure, Item, Recurrence, TimeLimitKind

MAX_FILE_BYTES = 5 * 1024 * 1024


class LinesField(forms.CharField):
    """A list edited as one entry per line (公开内容、公开依据…)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class DraftItemForm(forms.Form):
    code = forms.CharField(label="编号", max_length=24, help_text="如 05.04；同一版本中不能重复。")
    name = forms.CharField(label="二级事项", max_length=100)
    elements = LinesField(label="公开内容（要素）", help_text="每行一项。")
    basis = LinesField(label="公开依据", help_text="每行一项，如《中华人民共和国义务教育法》。")
    time_limit_text = forms.CharField(
        label="公开时限",
        max_length=200,
        help_text="如“信息形成或者变更之日起20个工作日内”；系统据此计算公开期限。",
    )
    subject = forms.CharField(label="公开主体", max_length=100)
    channels = forms.MultipleChoiceField(
        label="公开渠道和载体", widget=forms.CheckboxSelectMultiple
    )
    other_channels = LinesField(
        label="其他渠道", required=False, help_text="上面没有的渠道，每行一项。"
    )
    audience = LinesField(label="公开对象", help_text="每行一项，如“全社会”。")
    manner = forms.MultipleChoiceField(
        label="公开方式",
        choices=[(m, m) for m in MANNERS],
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.MultipleChoiceField(
        label="公开层级",
        choices=[(lv, lv) for lv in LEVELS],
        widget=forms.CheckboxSelectMultiple,
    )
    five_disclosure = forms.ChoiceField(label="五公开归类", choices=FiveDisclosure.choices)
    recurrence = forms.ChoiceField(label="更新周期", choices=Recurrence.choices)
    needs_interpretation = forms.BooleanField(label="发布时须同步发布政策解读", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["channels"]).choices = [
            (c, c) for c in channel_options()
        ]
        for field in self.fields.values():
            field.error_messages["required"] = "此项必填。"

    @classmethod
    def initial_for(cls, item: Item) -> dict[str, Any]:
        options = set(channel_options())
        return {
            "code": item.code,
            "name": item.name,
            "elements": item.elements,
            "basis": item.basis,
            "time_limit_text": item.time_limit_text,
            "subject": item.subject,
            "channels": [c for c in item.channels if c in options],
            "other_channels": [c for c in item.channels if c not in options],
            "audience": item.audience,
            "manner": item.manner,
            "level": item.level,
            "five_disclosure": item.five_disclosure,
            "recurrence": item.recurrence,
            "needs_interpretation": item.needs_interpretation,
            "note": item.note,
        }

    def clean_time_limit_text(self) -> str:
        text = self.cleaned_data["time_limit_text"]
        try:
            parse_time_limit(text)
        except ValueError as exc:
            raise forms.ValidationError(f"无法识别公开时限：{exc}") from exc
        return text

    def item_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        limit = parse_time_limit(data["time_limit_text"])
        return {
            "code": data["code"].strip(),
            "name": data["name"].strip(),
            "elements": data["elements"],
            "basis": data["basis"],
            "time_limit_kind": limit.kind,
            "time_limit_days": limit.days if limit.kind != TimeLimitKind.TEXT else None,
            "time_limit_from": limit.start[:60],
            "time_limit_text": limit.text[:200],
            "subject": data["subject"].strip(),
            "channels": list(data["channels"]) + data["other_channels"],
            "audience": data["audience"],
            "manner": list(data["manner"]),
            "level": list(data["level"]),
            "five_disclosure": data["five_disclosure"],
            "recurrence": data["recurrence"],
            "needs_interpretation": data["needs_interpretation"],
            "note": data["note"],
        }


class SectionForm(forms.Form):
    code = forms.CharField(label="编号", max_length=8, error_messages={"required": "此项必填。"})
    name = forms.CharField(
        label="一级事项", max_length=60, error_messages={"required": "此项必填。"}
    )


class CatalogueFileForm(forms.Form):
    file = forms.FileField(
        label="目录文件（Excel .xlsx、CSV 或 JSON）",
        help_text="可先下载修订稿（Excel），在其基础上修改后上传；上传后修订稿的内容将被文件内容替换。",
        error_messages={"required": "请选择文件。", "empty": "文件是空的。"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("文件超过 5 MB。")
        return upload


class PublishForm(forms.Form):
    note = forms.CharField(
        label="发布说明",
        max_length=500,
        help_text="说明本次修订的依据和主要变化，记入版本信息和审计日志。",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写发布说明。"},
    )
    confirm = forms.BooleanField(
        label="我已核对上面列出的全部变化，确认发布为现行目录",
        error_messages={"required": "请勾选确认。"},
    )


class LocalItemForm(forms.Form):
    county: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="县（市、区）", queryset=None, empty_label="（请选择）"
    )
    section: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="归入一级事项", queryset=None, empty_label="（请选择）"
    )
    name = forms.CharField(label="事项名称", max_length=100)
    elements = LinesField(
        label="公开内容（要素）", required=False, help_text="每行一项；不填则与名称相同。"
    )
    note = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args: Any, counties: Any, sections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = counties
        cast(forms.ModelChoiceField, self.fields["section"]).queryset = sections
        for field in self.fields.values():
            field.error_messages["required"] = "此项必填。"
        if counties.count() == 1:
            self.fields["county"].initial = counties.first()
