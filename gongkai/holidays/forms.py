from __future__ import annotations

from typing import Any

from django import forms

from gongkai.core.calendar import CalendarDataError
from gongkai.core.calendar.notice import (
    MAX_NOTICE_BYTES,
    NOTICE_FILE_TYPES,
    notice_text_from_file,
)


class NoticeForm(forms.Form):
    text = forms.CharField(
        label="通知全文",
        required=False,
        max_length=20000,
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "国务院办公厅关于××××年部分节假日安排的通知……"}
        ),
        help_text="从中国政府网等处复制通知全文（含标题）粘贴到这里；也可以上传文件。",
    )
    file = forms.FileField(
        label="或上传通知文件",
        required=False,
        help_text="支持 .txt、.docx、.pdf（文字版），不超过 5 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(NOTICE_FILE_TYPES)}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_NOTICE_BYTES:
                raise forms.ValidationError("文件超过 5 MB，请只上传通知本身。")
            try:
                data["text"] = notice_text_from_file(upload.name, upload.read())
            except CalendarDataError as exc:
                raise forms.ValidationError(str(exc)) from exc
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴通知全文，或上传通知文件。")
        return data


class ConfirmForm(forms.Form):
    """The text is sent back and parsed again: the dates are never taken from the browser."""

    text = forms.CharField(widget=forms.HiddenInput, max_length=200000)
