from __future__ import annotations

from typing import Any, cast

from django import forms

from gongkai.accounts.models import Role, RoleGrant, User
from gongkai.accounts.permissions import organisations_for
from gongkai.catalogue.models import Item
from gongkai.concerns.models import Concern, Level, ResponseKind


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ConcernForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Concern
        fields = [
            "subject",
            "summary",
            "source",
            "discovered_at",
            "links",
            "level",
            "organisation",
            "item",
            "responsible_organisation",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "discovered_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "discovered_at": "精确到分钟。各项时限从发现时起按自然小时计算。",
            "level": (
                "特别重大、重大：5小时内发布权威信息，24小时内举行新闻发布会；其他：48小时内回应。"
            ),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations_for(user, Role.CONCERN_OFFICER)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["responsible_organisation"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = Item.objects.current()
        if self.instance.pk:
            for name in ("source", "discovered_at", "level", "responsible_organisation"):
                del self.fields[name]  # fixed once registered; the level changes through 研判
            self.initial["revision"] = self.instance.revision


def officers_for(concern: Concern) -> Any:
    org_ids = [o.pk for o in concern.responsible_organisation.ancestors()]
    org_ids.append(concern.responsible_organisation_id)
    grants = RoleGrant.objects.active().filter(
        role=Role.CONCERN_OFFICER, organisation_id__in=org_ids
    )
    return User.objects.filter(pk__in=grants.values("user"), is_active=True)


class AssessForm(forms.Form):
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    officer = UserChoiceField(label="责任人", queryset=User.objects.none())
    plan = forms.CharField(label="回应方案（内部）", widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(
        label="研判意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, concern: Concern, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"level": concern.level, "officer": concern.officer_id, "plan": concern.plan}
        )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers_for(concern)


class LevelForm(forms.Form):
    level = forms.ChoiceField(label="新的级别", choices=Level.choices)
    note = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(forms.Form):
    action = forms.CharField(label="操作")
    note = forms.CharField(label="说明", required=False)


class ScreenshotForm(forms.Form):
    file = forms.FileField(label="截图")


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label="回应形式", choices=ResponseKind.choices)
    title = forms.CharField(label="标题", max_length=300)
    summary = forms.CharField(
        label="内容概述", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label="正文",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="新闻发布会请写明发布内容和答问实录。发布前将进行保密审查和个人信息检查。",
    )
