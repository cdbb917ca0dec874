from __future__ import annotations

from decimal import Decimal

from django import forms

from gongkai.catalogue.models import Item
from gongkai.supervision.annual import SECTION_TITLES
from gongkai.supervision.models import ScoringScheme

SCHEME_FORM_FIELDS = [
    "on_time_points",
    "late_points",
    "late_deduction_per_day",
    "late_floor",
    "overdue_points",
    "missing_points",
    "blank_column_veto",
    "stale_column_veto",
]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = ScoringScheme
        fields = [*SCHEME_FORM_FIELDS, "weights"]

    def clean_weights(self) -> dict[str, int]:
        from gongkai.supervision.indicators import BY_NAME

        weights = self.cleaned_data.get("weights") or {}
        if not isinstance(weights, dict):
            raise forms.ValidationError('指标权重应写成 {"指标名称": 权重} 的形式。')
        unknown = sorted(set(weights) - set(BY_NAME))
        if unknown:
            raise forms.ValidationError(
                f"没有这些指标：{'、'.join(unknown)}。可用：{'、'.join(BY_NAME)}。"
            )
        if any(not isinstance(v, int) or v < 0 for v in weights.values()):
            raise forms.ValidationError("指标权重须为非负整数。")
        return weights


#: What staff write in each section; the sentences quoting numbers are generated.
SECTION_HELP = {
    "1": "主动公开、依申请公开和复议诉讼的数字由系统按表格写出；这里补充政府信息管理、"
    "政府信息公开平台建设、监督保障等情况（各级人民政府还要写工作考核、社会评议和责任追究结果）。",
    "2": "表二由系统统计（行政处罚、行政强制、行政事业性收费在下面填写）；这里可写说明。",
    "3": "表三由系统统计；这里可写说明。",
    "4": "表四由系统统计；这里可写说明。",
    "6": "信息处理费的数字由系统写出；这里补充其他需要报告的事项。",
}


class AnnualReportForm(forms.Form):
    penalty = forms.IntegerField(label="行政处罚：本年处理决定数量", min_value=0)
    enforcement = forms.IntegerField(label="行政强制：本年处理决定数量", min_value=0)
    fees = forms.DecimalField(
        label="行政事业性收费：本年收费金额（万元）", min_value=Decimal(0), decimal_places=4
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, title in SECTION_TITLES.items():
            self.fields[f"section_{key}"] = forms.CharField(
                label=title,
                help_text=SECTION_HELP.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
            )

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"section_{key}"] for key in SECTION_TITLES}

    def manual(self) -> dict[str, dict[str, object]]:
        return {
            "penalty": {"decisions": self.cleaned_data["penalty"]},
            "enforcement": {"decisions": self.cleaned_data["enforcement"]},
            "fees": {"amount": str(self.cleaned_data["fees"])},
        }


class ApplicabilityForm(forms.Form):
    item: forms.ModelChoiceField = forms.ModelChoiceField(
        label="事项", queryset=Item.objects.none(), to_field_name="code"
    )
    is_applicable = forms.TypedChoiceField(
        label="调整为",
        choices=[("0", "不适用"), ("1", "适用")],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label="理由", max_length=300)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].queryset = Item.objects.current()  # type: ignore[attr-defined]
