from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from gongkai.accounts.models import Role, SecurityPolicy, User
from gongkai.organisations.models import Organisation


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
        from gongkai.accounts import policy

        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": policy.failure_limit()},
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


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations in tree order, indented by depth, so a long list reads as the tree."""

    def label_from_instance(self, obj: Organisation) -> str:
        inactive = "（已停用）" if not obj.is_active else ""
        return "\u3000" * obj.depth + obj.name + inactive


def organisation_field(queryset: Any, **kwargs: Any) -> OrganisationChoiceField:
    return OrganisationChoiceField(
        queryset=queryset.order_by("path"),
        empty_label="（请选择）",
        error_messages={"invalid_choice": "请选择您管理范围内的单位。"},
        **kwargs,
    )


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "organisation", "phone", "email"]
        labels = {"username": "用户名（登录用）", "email": "电子邮箱"}
        help_texts = {
            "username": "字母、数字或 @ . + - _，建成后不能修改。",
            "organisation": "账户由该单位及上级单位的管理员管理；角色另行授予。",
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = organisation_field(
            organisations, label="所在单位", help_text=self.fields["organisation"].help_text
        )
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = "请填写姓名。"
        self.fields["username"].error_messages.update(
            {"required": "请填写用户名。", "unique": "该用户名已被使用。"}
        )
        if self.instance.pk:
            del self.fields["username"]


FIRST_ACCESS_CHOICES = [
    ("password", "临时密码（当面或电话告知本人，首次登录须修改）"),
    ("link", "一次性登录链接（发给本人，只能用一次，登录后设置密码）"),
]


class CreateAccountForm(AccountForm):
    first_access = forms.ChoiceField(
        label="首次登录方式", choices=FIRST_ACCESS_CHOICES, widget=forms.RadioSelect
    )


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label="首次登录方式", choices=FIRST_ACCESS_CHOICES)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "如：调离本单位、岗位变动"}),
        error_messages={"required": "请填写原因，它会记入审计日志。"},
    )


class GrantForm(forms.Form):
    role = forms.ChoiceField(label="角色")
    organisation = organisation_field(
        Organisation.objects.none(),
        label="在哪个单位（含其下级单位）",
    )

    def __init__(self, *args: Any, roles: list[str], organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [("", "（请选择）")] + [(r, Role(r).label) for r in roles]
        role_field.error_messages["required"] = "请选择角色。"
        org_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        org_field.queryset = organisations.order_by("path")
        org_field.error_messages["required"] = "请选择单位。"


class GrantFilterForm(forms.Form):
    role = forms.ChoiceField(label="角色", required=False)
    organisation = organisation_field(
        Organisation.objects.none(), label="单位（含下级）", required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "全部角色"), *Role.choices]
        org_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        org_field.queryset = organisations.order_by("path")
        org_field.empty_label = "全部单位"


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="姓名、用户名、电话或邮箱", required=False, max_length=100)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("active", "在用"), ("inactive", "已停用")],
    )
    role = forms.ChoiceField(label="角色", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", "全部角色"),
            ("none", "尚无角色"),
            *Role.choices,
        ]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [
            "password_min_length",
            "password_min_classes",
            "password_max_age_days",
            "lockout_failures",
            "lockout_minutes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("inputmode", "numeric")
            field.error_messages.update(
                {
                    "required": "请填写。",
                    "invalid": "请填写整数。",
                    "min_value": "不能小于 %(limit_value)s。",
                    "max_value": "不能大于 %(limit_value)s。",
                }
            )


class OwnPasswordForm(PasswordChangeForm):
    """Change one's own password, proving the current one."""


class FirstPasswordForm(SetPasswordForm):
    """Set one's own password after a temporary password or a sign-in link (already proven
    by signing in with it)."""


# --- the audit log --------------------------------------------------------------------------


def verb_choices() -> list[tuple[str, Any]]:
    """Every verb, grouped by what it is about (信息, 账号, 机构…), for a <select>."""
    from gongkai.core import verbs

    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in verbs.choices():
        subject, _, action = label.partition("：")
        groups.setdefault(subject, []).append((value, action or label))
    return [("", "全部操作"), *sorted(groups.items())]


def object_type_choices() -> list[tuple[str, str]]:
    """Gongkai's own models (what audit rows point at), by their Chinese names."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    choices = []
    for model in apps.get_models():
        if model.__module__.startswith("gongkai."):
            content_type = ContentType.objects.get_for_model(model)
            choices.append((str(content_type.pk), str(model._meta.verbose_name)))
    return [("", "全部对象"), *sorted(choices, key=lambda c: c[1])]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人（姓名或用户名）", required=False, max_length=150)
    verb = forms.ChoiceField(label="操作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object = forms.CharField(label="对象编号或名称", required=False, max_length=300)
    since = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，如 2026-01-31。"},
    )
    until = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，如 2026-01-31。"},
    )
    ip = forms.CharField(
        label="来源地址（IP 或其开头）",
        required=False,
        max_length=45,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 10.1.2."}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["verb"]).choices = verb_choices()
        cast(forms.ChoiceField, self.fields["object_type"]).choices = object_type_choices()
        cast(forms.ChoiceField, self.fields["verb"]).error_messages["invalid_choice"] = (
            "请从列表中选择操作。"
        )

    def clean_ip(self) -> str:
        value = self.cleaned_data["ip"].strip()
        if value and any(ch not in "0123456789abcdefABCDEF.:" for ch in value):
            raise forms.ValidationError("来源地址只能包含数字、字母 a–f、点和冒号。")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data

    def apply(self, events: Any) -> Any:
        from django.db.models import Q

        data = self.cleaned_data
        if data.get("actor"):
            events = events.filter(
                Q(actor_name__contains=data["actor"]) | Q(actor__username=data["actor"])
            )
        if data.get("verb"):
            events = events.filter(verb=data["verb"])
        if data.get("object_type"):
            events = events.filter(content_type_id=int(data["object_type"]))
        if data.get("object"):
            text = data["object"].strip()
            events = events.filter(Q(object_id=text) | Q(object_repr__contains=text))
        if data.get("since"):
            events = events.filter(at__gte=_day_start(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
        if data.get("ip"):
            events = events.filter(ip__startswith=data["ip"])
        return events


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight in Asia/Shanghai: a range on the indexed column, not a per-row date()."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
