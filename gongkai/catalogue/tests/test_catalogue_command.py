"""``manage.py catalogue export|import`` as a city bureau administrator would run it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from gongkai.catalogue import importing
from gongkai.catalogue.models import Edition, Item
from gongkai.catalogue.tables import write_table

pytestmark = pytest.mark.django_db

COLUMNS = ["code", "name", "elements", "basis", "time_limit", "subject", "channels", "audience",
           "manner", "level"]  # fmt: skip


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def revised(tmp_path: Path) -> Path:
    """The current edition with one item changed and one added, as an xlsx file."""
    data = importing.from_edition(Edition.objects.current())
    data.title = "2026年修订版"
    policy = data.sections[4].items[1]
    assert policy.name == "招生政策"
    policy.channels = [*policy.channels, "精准推送"]
    safety = data.sections[9]
    safety.items.append(
        importing.ItemData(
            **{**safety.items[0].__dict__, "code": "10.02", "name": "校园欺凌防治", "row": ""}
        )
    )
    return write_table(data, tmp_path / "revised.xlsx")


def test_json_export_has_ten_sections_and_thirty_four_filled_items() -> None:
    out, _ = run("export", "--format", "json")

    sections = json.loads(out)
    assert len(sections) == 10
    items = [item for section in sections for item in section["items"]]
    assert len(items) == 34
    for item in items:
        assert list(item)[:10] == COLUMNS
        assert all(item[column] for column in COLUMNS), item["code"]
        assert item["time_limit"]["days"] == 20
    assert [s["code"] for s in sections] == [f"{n:02d}" for n in range(1, 11)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_table_export_writes_a_file_that_imports_unchanged(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"catalogue.{fmt}"
    run("export", "--format", fmt, "--output", str(target))

    out, _ = run("import", str(target), "--dry-run")

    assert "10 sections, 34 items" in out
    assert "no item changes" in out


def test_table_export_without_an_output_file_is_refused() -> None:
    with pytest.raises(CommandError, match="--output"):
        run("export", "--format", "xlsx")


def test_dry_run_reports_changes_and_writes_nothing(tmp_path: Path) -> None:
    path = revised(tmp_path)
    editions = Edition.objects.count()

    out, _ = run("import", str(path), "--dry-run")

    assert "10 sections, 35 items" in out
    assert "1 added, 0 removed, 1 changed" in out
    assert "+ 10.02 校园欺凌防治" in out
    assert "~ 05.02 招生政策: 公开渠道和载体" in out
    assert "Dry run: nothing was written." in out
    assert Edition.objects.count() == editions


def test_import_publishes_a_new_edition_and_keeps_the_old_one(tmp_path: Path) -> None:
    old = Edition.objects.current()
    old_keys = dict(Item.objects.filter(section__edition=old).values_list("code", "key"))

    out, _ = run("import", str(revised(tmp_path)), "--name", "2026年修订版")

    new = Edition.objects.current()
    old.refresh_from_db()
    assert new.pk != old.pk
    assert (new.name, new.source) == ("2026年修订版", "revised.xlsx")
    assert old.status == Edition.Status.SUPERSEDED
    assert Item.objects.filter(section__edition=old).count() == 34
    new_keys = dict(Item.objects.filter(section__edition=new).values_list("code", "key"))
    assert len(new_keys) == 35
    assert all(new_keys[code] == key for code, key in old_keys.items())
    assert "精准推送" in Item.objects.get(section__edition=new, code="05.02").channels
    assert "Published edition “2026年修订版”" in out


def test_a_bad_file_prints_every_error_and_imports_nothing(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限",
                  "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"])  # fmt: skip
    law = "《中华人民共和国政府信息公开条例》"
    sheet.append([1, "政策文件", None, "要素", law, "20个工作日内", "县教体局", "政府网站",
                  "全社会", "主动", "县级"])  # fmt: skip
    sheet.append([2, "政策文件", "教育法律", "要素", law, None, "县教体局", "政府网站",
                  "全社会", "依职权", "县级"])  # fmt: skip
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    editions, items = Edition.objects.count(), Item.objects.count()

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 error"):
        call_command("catalogue", "import", str(path), stdout=out, stderr=err)

    assert err.getvalue().splitlines() == [
        "第 2 行：缺少二级事项名称",
        "第 3 行：缺少公开时限",
        "第 3 行：公开方式只能是主动或依申请，不能是“依职权”",
    ]
    assert (Edition.objects.count(), Item.objects.count()) == (editions, items)


def test_importing_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("import", str(tmp_path / "nowhere.xlsx"))


def test_json_export_imports_back_as_the_same_catalogue(tmp_path: Path) -> None:
    out, _ = run("export", "--format", "json")
    path = tmp_path / "catalogue.json"
    path.write_text(out, encoding="utf-8")

    result, _ = run("import", str(path), "--dry-run")

    assert "no item changes" in result


def test_a_county_level_city_imports_its_catalogue_with_warnings_printed(tmp_path: Path) -> None:
    from gongkai.organisations.models import Kind
    from gongkai.testing import make_organisation

    city = make_organisation(kind=Kind.CITY_BUREAU, code="L0001", name="聊城市教育和体育局")
    make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="L0181",
                      name="临清市教育和体育局")  # fmt: skip
    make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="L0521",
                      name="阳谷县教育和体育局")  # fmt: skip
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限",
                  "公开主体", "公开渠道和载体", "公开对象", "公开方式", "公开层级"])  # fmt: skip
    law = "《中华人民共和国政府信息公开条例》"
    sheet.append([1, "政策文件", "教育法律", "要素", law, "20个工作日内", "市教体局", "政府网站",
                  None, "主动", "市级"])  # fmt: skip
    path = tmp_path / "临清市.xlsx"
    workbook.save(path)

    out = StringIO()
    call_command("catalogue", "import", str(path), "--dry-run", "--organisation", "L0181",
                 stdout=out)  # fmt: skip
    assert "提示 第 2 行：公开对象为空，已按标准目录“教育法律”填为“全社会”" in out.getvalue()
    err = StringIO()
    with pytest.raises(CommandError, match="1 error"):  # for a county (县), 市级 is the city
        call_command("catalogue", "import", str(path), "--dry-run", "--organisation", "L0521",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert "第 2 行：公开层级“市级”是设区的市一级，目录只能写县级或乡级" in err.getvalue()
