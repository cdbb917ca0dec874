"""The project's forms speak to people: every date input shows its value (issue 17: the
zh-hans default rendered ``2026/12/02``, which an ``<input type="date">`` shows as empty, so
saving failed or silently erased the optional 成文日期), and every visible field has a Chinese
label (the application form's action field said "Action")."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, datetime

from django import forms
from django.apps import apps
from django.forms.utils import pretty_name
from django.utils import translation

DAY = date(2026, 12, 2)
MOMENT = datetime(2026, 12, 2, 9, 30)


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        for module_name in (f"{config.name}.forms", *_submodules(f"{config.name}.forms")):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def _submodules(package: str) -> list[str]:
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        return []
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules(getattr(module, "__path__", []))]


def test_the_project_has_date_inputs_to_check():
    inputs = [
        (cls, name)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if getattr(field.widget, "input_type", "") == "date"
    ]
    assert len(inputs) >= 5, inputs


def test_every_date_input_renders_iso_in_chinese():
    with translation.override("zh-hans"):
        for cls in _form_classes():
            for name, field in cls.base_fields.items():
                kind = getattr(field.widget, "input_type", "")
                if kind == "date":
                    shown = field.widget.format_value(DAY)
                    assert shown == "2026-12-02", f"{cls.__name__}.{name} shows {shown!r}"
                elif kind == "datetime-local":
                    shown = field.widget.format_value(MOMENT)
                    assert shown in ("2026-12-02T09:30", "2026-12-02 09:30"), (
                        f"{cls.__name__}.{name} shows {shown!r}"
                    )


def test_a_plain_date_input_reads_back_what_it_shows():
    field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    with translation.override("zh-hans"):
        shown = field.widget.format_value(DAY)
        assert field.clean(shown) == DAY
        assert field.clean("2026/12/02") == DAY  # typed the old way, still understood
        assert field.clean("2026年12月2日") == DAY


def _fields(cls: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields as rendered: from an instance where the form can be made without
    arguments (some set their labels in ``__init__``), else the declared ones."""
    try:
        return cls().fields  # type: ignore[call-arg]
    except Exception:  # a form that needs a user, a record …
        return cls.base_fields


def test_every_visible_field_has_a_chinese_label():
    english = []
    for cls in _form_classes():
        for name, field in _fields(cls).items():
            if field.widget.is_hidden:
                continue
            label = field.label if field.label is not None else pretty_name(name)
            if not re.search(r"[\u4e00-\u9fff]", str(label)):
                english.append(f"{cls.__module__}.{cls.__name__}.{name}: {label!r}")
    assert not english, english


def test_a_blank_choice_is_said_in_chinese():
    """Django's blank choice is "---------" (every optional model field, every
    ModelChoiceField); a clerk reads 请选择 instead, and other labels stay the form's own."""
    from gongkai.organisations.models import Organisation

    class Choose(forms.Form):
        unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲")], required=False)
        scope = forms.ChoiceField(choices=[("", "全部"), ("a", "甲")], required=False)

    with translation.override("zh-hans"):
        html = str(Choose())
    assert "---------" not in html
    assert html.count('<option value="" selected>请选择</option>') == 2
    assert '<option value="" selected>全部</option>' in html


def test_the_record_form_offers_no_dashes(client, clerk, county):
    """The staff record form, as the clerk gets it: every select starts with 请选择."""
    client.force_login(clerk)
    page = client.get("/staff/records/new/").content.decode()
    assert "<select" in page
    assert "---------" not in page
    assert "请选择" in page
