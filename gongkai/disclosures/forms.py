"""Forms for the structured kinds: the record's own fields, the detail, and row lists.

Rows (steps, materials, results) are plain formsets with a few blank rows: without
JavaScript a clerk saves and gets more blank rows, nothing is lost.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import organisations_for
from gongkai.catalogue.models import FiveDisclosure, Item
from gongkai.disclosures.models import (
    MaterialForm,
    PowerItem,
    Reform,
    ServiceGuide,
    StepState,
    SupervisionMatter,
)
from gongkai.organisations.models import Organisation
from gongkai.records.forms import ItemChoiceField
from gongkai.records.models import Kind, Record

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _detail_fields(model: type[Any]) -> list[str]:
    """Every field of a detail model but its link to the record."""
    return [f.name for f in model._meta.concrete_fields if f.name not in {"id", "record"}]


class RecordPartForm(forms.Form):
    """The record fields a structured page edits: 事项名称 and dates; on creation also the
    catalogue item and the publishing organisation."""

    title = forms.CharField(label="事项名称", max_length=300)
    formed_on = forms.DateField(
        label="信息形成或者变更日期", widget=DATE, help_text="公开时限从这一天的次日起计算。"
    )
    five_disclosure = forms.ChoiceField(label="五公开类别", choices=FiveDisclosure.choices)
    item = ItemChoiceField(label="目录事项", queryset=Item.objects.none())
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label="发布机构", queryset=Organisation.objects.none()
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, record: Record | None = None, **kw: Any) -> None:
        if record is not None:
            kw.setdefault(
                "initial",
                {
                    "title": record.title,
                    "formed_on": record.formed_on,
                    "five_disclosure": record.five_disclosure,
                    "revision": record.revision,
                },
            )
        super().__init__(*args, **kw)
        if record is not None:
            # Moving a record between organisations or items is the general record form's job.
            del self.fields["item"]
            del self.fields["organisation"]
            return
        orgs = organisations_for(user, Role.CLERK)
        items = Item.objects.current().select_related("section")
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = items.filter(
            organisation__isnull=True
        ) | items.filter(organisation__in=orgs)


class GuideForm(forms.ModelForm):
    online_url = forms.URLField(label="网上办理地址", required=False, assume_scheme="https")

    class Meta:
        model = ServiceGuide
        fields = _detail_fields(ServiceGuide)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("legal_basis", "conditions", "fee_standard", "notes")
        }


class PowerItemForm(forms.ModelForm):
    class Meta:
        model = PowerItem
        fields = _detail_fields(PowerItem)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("legal_basis", "method", "responsibilities", "accountability")
        }


class SupervisionMatterForm(forms.ModelForm):
    class Meta:
        model = SupervisionMatter
        fields = _detail_fields(SupervisionMatter)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("legal_basis", "method")}


class ReformForm(forms.ModelForm):
    class Meta:
        model = Reform
        fields = _detail_fields(Reform)
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "progress_on": DATE,
            "measures": forms.Textarea(attrs={"rows": 4}),
            "supervision_method": forms.Textarea(attrs={"rows": 2}),
            "progress_text": forms.Textarea(attrs={"rows": 4}),
        }


class GuideStepForm(forms.Form):
    name = forms.CharField(label="环节", max_length=100)
    description = forms.CharField(
        label="办理内容", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GuideMaterialForm(forms.Form):
    name = forms.CharField(label="材料名称", max_length=200)
    form = forms.ChoiceField(
        label="材料形式", choices=MaterialForm.choices, initial=MaterialForm.ORIGINAL
    )
    copies = forms.IntegerField(label="份数", min_value=1, max_value=99, initial=1)
    note = forms.CharField(label="说明（来源、要求）", max_length=300, required=False)


class ReformStepForm(forms.Form):
    name = forms.CharField(label="步骤", max_length=200)
    due_on = forms.DateField(label="计划完成日期", required=False, widget=DATE)
    state = forms.ChoiceField(label="状态", choices=StepState.choices, initial=StepState.PLANNED)
    done_on = forms.DateField(label="实际完成日期", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("state") == StepState.DONE and not data.get("done_on"):
            self.add_error("done_on", "已完成的步骤须填写实际完成日期。")
        return data


class SupervisionResultForm(forms.Form):
    checked_on = forms.DateField(label="检查（结果）日期", widget=DATE)
    summary = forms.CharField(label="监管结果", widget=forms.Textarea(attrs={"rows": 2}))


def _formset(form: type[forms.Form]) -> Any:
    return forms.formset_factory(form, extra=2, can_delete=True)


#: Per kind: the detail form and the row formsets (prefix → (label, formset class)).
DETAIL_FORMS: dict[str, type[forms.ModelForm]] = {
    Kind.SERVICE_GUIDE: GuideForm,
    Kind.POWER_ITEM: PowerItemForm,
    Kind.SUPERVISION_MATTER: SupervisionMatterForm,
    Kind.REFORM: ReformForm,
}
ROW_FORMSETS: dict[str, dict[str, tuple[str, Any]]] = {
    Kind.SERVICE_GUIDE: {
        "steps": ("办理流程", _formset(GuideStepForm)),
        "materials": ("申请材料", _formset(GuideMaterialForm)),
    },
    Kind.POWER_ITEM: {},
    Kind.SUPERVISION_MATTER: {
        "results": (
            "监管结果（按时间新增，已发布的结果保留在历史版本中）",
            _formset(SupervisionResultForm),
        )
    },
    Kind.REFORM: {"steps": ("实施步骤", _formset(ReformStepForm))},
}


def rows_of(formset: Any) -> list[dict[str, Any]]:
    """The kept rows of a valid formset, in page order, without the formset's own keys."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        # A blank extra row validates to {}; a row loaded from the database is kept unchanged.
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
