"""``manage.py organisations``: exit status 1 and row errors on stderr when a file is refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections

from gongkai.organisations.models import Organisation
from gongkai.organisations.testing import write_sheet

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("organisations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary_and_a_second_run_says_nothing_changed(tmp_path, county):
    path = write_sheet(tmp_path / "tree.csv", [["C0190", "样例镇", "乡镇", "C0100", ""]])

    first, _ = _run("import", str(path))
    second, _ = _run("import", str(path))

    assert "新建 1 个" in first
    assert "未作任何更改" in second


def test_import_dry_run_writes_nothing(tmp_path, county):
    path = write_sheet(tmp_path / "tree.csv", [["C0190", "样例镇", "乡镇", "C0100", ""]])

    out, _ = _run("import", str(path), "--dry-run")

    assert "试运行" in out
    assert not Organisation.objects.filter(code="C0190").exists()


def test_a_refused_import_prints_each_row_error_and_exits_with_status_1(
    tmp_path, county, capsys, monkeypatch
):
    # The command line closes every connection on the way out; the test's transaction
    # (on PostgreSQL, its connection) must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write_sheet(
        tmp_path / "bad.csv",
        [
            ["C0190", "", "乡镇", "C0100", ""],
            ["C0191", "样例镇", "乡镇", "NOPE", ""],
        ],
    )

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "organisations", "import", str(path)])

    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert "第 2 行（名称）：名称不能为空。" in stderr
    assert "第 3 行（上级编码）" in stderr
    assert "未导入任何内容" in stderr
    assert not Organisation.objects.filter(code__startswith="C019").exists()


def test_a_refused_import_raises_command_error_with_return_code_1_when_called_in_code(tmp_path):
    path = write_sheet(tmp_path / "bad.csv", [["X", "", "市级", "", ""]])

    with pytest.raises(CommandError) as error:
        _run("import", str(path))

    assert error.value.returncode == 1


def test_export_writes_csv_or_xlsx_by_format(tmp_path, school):
    _run("export", str(tmp_path / "a.csv"))
    _run("export", str(tmp_path / "b.data"), "--format", "xlsx")

    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith("编码,名称")
    assert (tmp_path / "b.data").read_bytes().startswith(b"PK")


def test_export_to_a_dash_prints_csv(school):
    out, _ = _run("export", "-")

    assert out.splitlines()[1].startswith("C0001,")


def test_tree_prints_the_subtree_indented(county, other_county, school):
    out, _ = _run("tree", "--code", "C0100")

    assert out.splitlines() == [
        "测试县教育和体育局 [C0100]（县（市、区）教体局）",
        "  测试镇中心学校 [C0101]（乡镇（街道））",
        "    测试镇第一小学 [C0102]（学校）",
    ]


def test_tree_with_an_unknown_code_is_an_error(db):
    with pytest.raises(CommandError, match="不存在"):
        _run("tree", "--code", "NOPE")
