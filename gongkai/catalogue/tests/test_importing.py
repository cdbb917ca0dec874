"""Shared parsing rules: time limits, validation and the change summary an import prints."""

from __future__ import annotations

import copy

import pytest

from gongkai.catalogue import importing
from gongkai.catalogue.importing import parse_time_limit
from gongkai.catalogue.models import Recurrence, TimeLimitKind


@pytest.mark.parametrize(
    ("text", "kind", "days", "start"),
    [
        (
            "信息形成或者变更之日起20个工作日内",
            TimeLimitKind.WORKING_DAYS,
            20,
            "信息形成或者变更之日",
        ),
        ("自信息形成之日起二十个工作日内", TimeLimitKind.WORKING_DAYS, 20, "信息形成之日"),
        ("财政部门批复后十五日内", TimeLimitKind.CALENDAR_DAYS, 15, "财政部门批复后"),
        ("信息形成之日起２０个工作日内", TimeLimitKind.WORKING_DAYS, 20, "信息形成之日"),
        ("及时公开", TimeLimitKind.TEXT, None, "信息形成或者变更之日"),
    ],
)
def test_time_limits_are_read_from_the_wording_counties_use(
    text: str, kind: str, days: int | None, start: str
) -> None:
    limit = parse_time_limit(text)

    assert (limit.kind, limit.days, limit.start, limit.text) == (kind, days, start, text)


def standard() -> importing.CatalogueData:
    return importing.load_json(importing.STANDARD_FILE)


def test_duplicate_section_codes_and_item_names_are_invalid() -> None:
    data = standard()
    data.sections[1].code = "01"
    data.sections[0].items[1].name = data.sections[0].items[0].name

    messages = [e.message for e in importing.validate(data)]

    assert "一级事项编号“01”重复" in messages
    assert "“政策文件”下的二级事项“教育法律”重复" in messages


def test_compare_names_added_removed_changed_and_moved_items() -> None:
    old = standard()
    new = copy.deepcopy(old)
    removed = new.sections[0].items.pop()
    new.sections[1].items[0].basis = ["《新的依据》"]
    moved = new.sections[2].items.pop()
    new.sections[3].items.append(moved)
    added = copy.deepcopy(moved)
    added.code, added.name = "10.02", "校园欺凌防治"
    new.sections[9].items.append(added)

    changes = importing.compare(old, new)

    assert [i.code for i in changes.added] == ["10.02"]
    assert [i.code for i in changes.removed] == [removed.code]
    assert [(i.code, fields) for i, fields in changes.changed] == [("02.01", ["公开依据"])]
    assert [(i.code, a, b) for i, a, b in changes.moved] == [
        (moved.code, "民办学校信息", "财务信息")
    ]
    assert importing.compare(old, copy.deepcopy(old)).is_empty


def test_recurrence_accepts_labels_short_labels_and_values() -> None:
    assert importing.recurrence_from_label("每学期") == Recurrence.SEMESTER
    assert importing.recurrence_from_label("yearly") == Recurrence.YEARLY
    with pytest.raises(ValueError, match="更新周期"):
        importing.recurrence_from_label("每月")


def test_a_section_whose_items_are_not_a_list_is_a_row_error():
    from gongkai.catalogue.importing import CatalogueInvalid, from_sections

    with pytest.raises(CatalogueInvalid) as error:
        from_sections([{"code": "01", "name": "政策文件", "items": True}])

    assert "二级事项（items）应为列表" in str(error.value)
