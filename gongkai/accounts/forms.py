from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "用户名或密码不正确。请注意区分大小写；连续输错 %(limit)s 次将暂时锁定账户。"
        ),
        "inactive": "该账户已停用，请联系本单位的安全管理员。",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})

    def get_invalid_login_error(self) -> forms.ValidationError:
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6位验证码",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": "请输入身份验证器应用显示的6位数字验证码。"},
    )


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label="操作", required=False, max_length=64)
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, events: Any) -> Any:
        data = self.cleaned_data
        if data.get("verb"):
            events = events.filter(verb__startswith=data["verb"])
        if data.get("actor"):
            events = events.filter(actor_name__contains=data["actor"])
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
        return events
