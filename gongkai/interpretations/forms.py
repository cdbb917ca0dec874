from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q

from gongkai.accounts.models import Role, User
from gongkai.accounts.permissions import organisations_for
from gongkai.interpretations.models import (
    Form,
    Interpretation,
    InterpretationPlan,
    RiskAssessment,
    RiskLevel,
)
from gongkai.interpretations.services import DETAIL_FIELDS
from gongkai.records.models import Kind, Record, Status


class PolicyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Record) -> str:
        number = f"（{obj.document_number}）" if obj.document_number else ""
        return f"{obj.title}{number} — {obj.get_status_display()}"


def policies_for(user: Any) -> Any:
    """Documents the clerk's organisations drafted and that are not withdrawn."""
    return (
        Record.objects.filter(organisation__in=organisations_for(user, Role.CLERK))
        .exclude(kind=Kind.INTERPRETATION)
        .exclude(status=Status.WITHDRAWN)
        .order_by("-updated_at")
    )


class InterpretationForm(forms.ModelForm):
    """The detail of an interpretation; on creation also its title and text."""

    title = forms.CharField(label="标题", max_length=300)
    summary = forms.CharField(
        label="内容概述", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="起草背景、制定依据、主要内容、适用范围和施行日期；图解、视频也请写一段导语。",
    )
    video_url = forms.URLField(
        label="视频链接",
        required=False,
        assume_scheme="https",
        help_text="已在融媒体平台等处发布的视频地址（https://…）。",
    )
    policies = PolicyChoiceField(
        label="解读对象", queryset=Record.objects.none(), help_text="可同时解读几份文件。"
    )

    class Meta:
        model = Interpretation
        fields = list(DETAIL_FIELDS)
        widgets = {"transcript": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = policies_for(user)
        if self.instance.pk:
            queryset = queryset | Record.objects.filter(pk__in=self.instance.policies.all())
        cast(forms.ModelMultipleChoiceField, self.fields["policies"]).queryset = queryset.distinct()
        if not creating:
            for name in ("title", "summary", "body"):
                del self.fields[name]
        self.fields["stage_order"].required = False


class PlanForm(forms.ModelForm):
    forms = forms.MultipleChoiceField(
        label="解读形式",
        choices=Form.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="重大政策可用新闻发布会、答记者问、专家文章、图解、视频等多种形式。",
    )

    class Meta:
        model = InterpretationPlan
        fields = ["forms", "timing", "speakers"]
        widgets = {
            "timing": forms.Textarea(attrs={"rows": 3}),
            "speakers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("timing", "speakers"):
            self.fields[name].required = True


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class RiskForm(forms.ModelForm):
    monitoring_owner = UserChoiceField(label="舆情监测责任人", queryset=User.objects.none())

    class Meta:
        model = RiskAssessment
        fields = ["level", "expected_concerns", "prepared_answers", "monitoring_owner"]
        widgets = {
            "level": forms.RadioSelect,
            "expected_concerns": forms.Textarea(attrs={"rows": 4}),
            "prepared_answers": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, policy: Record, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff whose roles cover the policy's organisation (granted on it or above it).
        path = policy.organisation.path
        prefixes = [path[:i] for i in range(1, len(path) + 1)]
        cast(forms.ModelChoiceField, self.fields["monitoring_owner"]).queryset = (
            User.objects.filter(
                Q(role_grants__organisation__path__in=prefixes),
                role_grants__revoked_at__isnull=True,
                is_active=True,
            )
            .distinct()
            .order_by("username")
        )
        for name in ("level", "expected_concerns", "prepared_answers"):
            self.fields[name].required = True
        # No empty choice: a level must be chosen.
        cast(forms.ChoiceField, self.fields["level"]).choices = RiskLevel.choices


class QAForm(forms.Form):
    question = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label="回答", widget=forms.Textarea(attrs={"rows": 5}))
    answerer = forms.CharField(label="答复人", required=False, max_length=100)
    asked_by = forms.CharField(
        label="提问人", required=False, max_length=100, help_text="新闻发布会上提问的记者及其单位。"
    )


class SpeakerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    title = forms.CharField(label="职务", max_length=100)


class ImageForm(forms.Form):
    file = forms.FileField(label="图片", help_text="PNG、JPG、GIF 或 WebP。")
    alt_text = forms.CharField(
        label="替代文字",
        max_length=200,
        help_text="一句话说明图片内容，读屏软件会朗读，如“课后服务收费标准一览图”。",
    )
    description = forms.CharField(
        label="文字说明",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="完整转述图中的文字和数据，看不见图片的读者读它。",
    )


class MediaForm(forms.Form):
    file = forms.FileField(label="文件")
