from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError

from gongkai.ocr.models import RecognisedPage
from gongkai.ocr.services import Hit, Region

_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def parse_regions(text: str, page: RecognisedPage) -> list[Region]:
    """Rectangles typed (or drawn by the page's script) as one line each: left, top, right,
    bottom, in per cent of the page's width and height ("10 20 60 25")."""
    regions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = [float(v) for v in _NUMBERS.findall(line)]
        where = f"第{page.number}页第{number}行“{line.strip()}”"
        if len(values) != 4:
            raise ValidationError(
                f"{where}：须填写4个数（左、上、右、下，单位为页面宽高的百分比）。"
            )
        left, top, right, bottom = values
        if not (0 <= left < right <= 100 and 0 <= top < bottom <= 100):
            raise ValidationError(
                f"{where}：数值须在0到100之间，且右大于左、下大于上（例如 10 20 60 25）。"
            )
        box = (
            int(left / 100 * page.width),
            int(top / 100 * page.height),
            int(right / 100 * page.width + 0.999),
            int(bottom / 100 * page.height + 0.999),
        )
        regions.append(Region(page.number, box))
    return regions


class RedactForm(forms.Form):
    hits = forms.MultipleChoiceField(
        label="涂黑发现的内容", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="说明（可不填）",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: object, found: Sequence[Hit], pages: Sequence[RecognisedPage], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.found = list(found)
        self.pages = list(pages)
        self.fields["hits"].choices = [(h.key, h.key) for h in self.found]  # type: ignore[attr-defined]
        for page in self.pages:
            self.fields[f"regions-{page.number}"] = forms.CharField(
                label=f"第{page.number}页框选区域",
                required=False,
                widget=forms.Textarea(
                    attrs={
                        "rows": 2,
                        "class": "ocr-regions",
                        "aria-describedby": f"id_regions-{page.number}-help",
                    }
                ),
            )

    def regions_field(self, page: RecognisedPage) -> forms.BoundField:
        return self[f"regions-{page.number}"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        regions: list[Region] = []
        chosen = set(data.get("hits") or [])
        for hit in self.found:
            if hit.key in chosen:
                regions.extend(Region(hit.page, box) for box in hit.boxes)
        for page in self.pages:
            try:
                regions.extend(parse_regions(data.get(f"regions-{page.number}") or "", page))
            except ValidationError as exc:
                self.add_error(f"regions-{page.number}", exc)
        if not regions and not self.errors:
            raise ValidationError("请勾选需要涂黑的内容，或在页面上框选区域。")
        data["regions"] = regions
        return data
