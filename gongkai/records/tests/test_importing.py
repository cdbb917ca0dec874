"""Migration import: a whole sheet goes in, or nothing does, and every bad row is named."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import base as management_base
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone
from openpyxl import Workbook

from gongkai.core.models import AuditEvent
from gongkai.records import importing
from gongkai.records.importing import import_records, parse_datetime
from gongkai.records.models import Disclosure, Record, Status, Validity, WithheldGround
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HEADER = [
    "标题",
    "目录事项",
    "发布机构",
    "文号",
    "成文日期",
    "信息形成日期（年-月-日）",
    "发布日期",
    "索引号",
    "主题分类",
    "公开属性",
    "不予公开依据",
    "有效性",
    "正文",
    "附件(文件名)",
]


def row(**cells: object) -> list[object]:
    values = {
        "标题": "关于2025年城区小学招生范围的公告",
        "目录事项": "05.04",
        "发布机构": "C0100",
        "成文日期": date(2025, 6, 2),
        "发布日期": "2025-06-05",
        "正文": "根据就近入学原则，现将招生范围公告如下。",
        **cells,
    }
    # Cells are named by the header without its remark: 附件 fills “附件(文件名)”.
    return [values.get(re.sub(r"[（(].*", "", h), "") for h in HEADER]


def write_sheet(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)
    return path


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "附件"
    folder.mkdir()
    (folder / "通知.pdf").write_bytes(PDF)
    (folder / "范围图.png").write_bytes(PNG)
    (folder / "伪装.pdf").write_bytes(b"MZ\x90\x00 this is a program")
    return folder


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_sheet_of_published_draft_and_withheld_rows_is_imported_with_attachments(
    county, media, files, tmp_path
):
    sheet = write_sheet(
        tmp_path / "旧网站.xlsx",
        [
            row(文号="测教体发〔2025〕3号", 附件="通知.pdf；范围图.png"),
            row(
                标题="2025年招生入学政策",
                目录事项=5.02,  # Excel turned the typed 05.02 into a number
                发布机构="测试县教育和体育局",
                发布日期="",
                正文="第一段\n第二段：1<2 且 3>2",
            ),
            row(
                标题="招生工作内部会议纪要",
                目录事项="05.02 招生政策",
                发布日期="",
                公开属性="不予公开",
                不予公开依据="第十六条：过程性信息",
            ),
        ],
    )

    report = import_records(sheet, attachments_dir=files)

    assert report.errors == []
    published = Record.objects.get(title="关于2025年城区小学招生范围的公告")
    assert published.status == Status.PUBLISHED
    assert published.organisation == county
    assert published.document_number == "测教体发〔2025〕3号"
    assert published.formed_on == date(2025, 6, 2)  # defaults to 成文日期
    assert timezone.localtime(published.published_at).date() == date(2025, 6, 5)
    assert published.first_published_at == published.published_at
    assert published.index_number == f"{county.uscc}/2025-00001"
    assert published.current_version.number == 1
    assert published.current_version.published_at == published.published_at
    assert [a.original_name for a in published.attachments.all()] == ["通知.pdf", "范围图.png"]
    assert published.current_version.attachment_ids == list(
        published.attachments.values_list("pk", flat=True)
    )
    assert len(stored_files(media)) == 2
    event = AuditEvent.objects.for_object(published).get(verb="record.import")
    assert event.data["row"] == 2
    assert event.data["source"] == "旧网站.xlsx"

    draft = Record.objects.get(title="2025年招生入学政策")
    assert draft.status == Status.DRAFT
    assert draft.item.code == "05.02"
    assert draft.current_version is None
    assert draft.index_number is None
    assert draft.due_on is not None
    assert draft.body == "<p>第一段</p><p>第二段：1&lt;2 且 3&gt;2</p>"

    withheld = Record.objects.get(title="招生工作内部会议纪要")
    assert withheld.disclosure == Disclosure.WITHHELD
    assert withheld.withheld_ground == WithheldGround.PROCESS
    assert withheld.reassess_on is not None
    assert any("复审日期" in w for w in report.warnings)


def test_html_bodies_are_sanitised(county, media, tmp_path):
    sheet = write_sheet(
        tmp_path / "a.xlsx",
        [row(正文='<p onclick="x()">通知</p><script>alert(1)</script>')],
    )

    import_records(sheet)

    assert Record.objects.get().body == "<p>通知</p>"


def test_an_imported_index_number_is_kept_and_later_numbers_skip_past_it(county, media, tmp_path):
    first = write_sheet(tmp_path / "a.xlsx", [row(索引号=f"{county.uscc}/2025-00007")])
    import_records(first)
    second = write_sheet(tmp_path / "b.xlsx", [row(标题="另一条信息")])

    import_records(second)

    assert Record.objects.get(title="另一条信息").index_number == f"{county.uscc}/2025-00008"


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    county, clerk, media, files, tmp_path
):
    existing = make_record(by=clerk)
    Record.objects.filter(pk=existing.pk).update(index_number="OLD/2024-00001")
    before = Record.objects.count()
    sheet = write_sheet(
        tmp_path / "bad.xlsx",
        [
            row(目录事项="99.99"),  # 2
            row(发布机构="不存在的机构"),  # 3
            row(成文日期="2025-13-45"),  # 4
            row(文号="测教体发[2025]3号"),  # 5
            row(附件="没有这个文件.pdf"),  # 6
            row(附件="伪装.pdf"),  # 7
            row(索引号="DUP/2025-00001"),  # 8
            row(索引号="DUP/2025-00001"),  # 9
            row(索引号="OLD/2024-00001"),  # 10
            row(附件="通知.pdf"),  # 11: fine on its own
            row(公开属性="依申请公开"),  # 12: published but not proactive
            row(发布日期="2099-01-01"),  # 13
            row(有效性="作废"),  # 14
            row(标题=""),  # 15
        ],
    )

    report = import_records(sheet, attachments_dir=files)

    reasons = {e.row: str(e) for e in report.errors}
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 14, 15}
    assert "现行目录中没有事项“99.99”" in reasons[2]
    assert "找不到发布机构“不存在的机构”" in reasons[3]
    assert "日期“2025-13-45”无法识别" in reasons[4]
    assert "文号“测教体发[2025]3号”不正确" in reasons[5]
    assert "找不到文件“没有这个文件.pdf”" in reasons[6]
    assert "附件“伪装.pdf”被拒绝" in reasons[7]
    assert "与第 8 行重复" in reasons[9]
    assert "已被系统中的其他信息使用" in reasons[10]
    assert "不能在专栏发布" in reasons[12]
    assert "发布日期不能是将来的日期" in reasons[13]
    assert "“作废”无法识别" in reasons[14]
    assert "标题不能为空" in reasons[15]
    assert all(str(e).startswith("第 ") for e in report.errors)
    assert Record.objects.count() == before
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(verb="record.import").exists()


def test_a_dry_run_checks_everything_and_writes_nothing(county, media, files, tmp_path):
    sheet = write_sheet(tmp_path / "a.xlsx", [row(附件="通知.pdf"), row(发布日期="")])

    report = import_records(sheet, attachments_dir=files, dry_run=True)

    assert report.ok
    assert "试运行" in report.summary()
    assert report.published_count == 1
    assert report.attachment_count == 1
    assert Record.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(verb="record.import").exists()


def test_a_failure_while_writing_removes_the_files_already_saved(
    county, media, files, tmp_path, monkeypatch
):
    sheet = write_sheet(
        tmp_path / "a.xlsx",
        [
            row(附件="通知.pdf", 发布日期="2025-06-05"),
            row(附件="范围图.png", 发布日期="2025-06-06"),
        ],
    )
    calls = []

    def flaky_claim(record: Record) -> None:
        calls.append(record)
        if len(calls) == 2:
            raise DatabaseError("disk I/O error")

    monkeypatch.setattr(importing, "claim_serial", flaky_claim)

    report = import_records(sheet, attachments_dir=files)

    assert [e.row for e in report.errors] == [3]
    assert "已全部撤销" in str(report.errors[0])
    assert Record.objects.count() == 0
    assert stored_files(media) == []


def test_an_importer_cannot_write_for_an_organisation_outside_their_roles(
    county, other_county_clerk, media, tmp_path
):
    sheet = write_sheet(tmp_path / "a.xlsx", [row()])

    report = import_records(sheet, by=other_county_clerk)

    assert [e.row for e in report.errors] == [2]
    assert "无权以“测试县教育和体育局”的名义" in str(report.errors[0])


def test_a_sheet_without_the_required_columns_is_refused(county, media, tmp_path):
    sheet = write_sheet(tmp_path / "a.xlsx", [["x", "05.04"]], header=["标题", "目录事项"])

    report = import_records(sheet)

    assert [str(e) for e in report.errors] == [
        "第 1 行：缺少必填列“发布机构”。",
        "第 1 行：缺少“信息形成日期”或“成文日期”列。",
    ]


def test_the_command_imports_as_the_named_user(county, clerk, media, files, tmp_path):
    sheet = write_sheet(tmp_path / "a.xlsx", [row(附件="通知.pdf")])
    out = StringIO()

    call_command(
        "records", "import", str(sheet), "--attachments", str(files), "--as", "clerk", stdout=out
    )

    record = Record.objects.get()
    assert record.author == clerk
    assert AuditEvent.objects.for_object(record).get(verb="record.import").actor == clerk
    assert "已导入 1 条信息" in out.getvalue()


def test_the_command_dry_run_writes_nothing(county, media, tmp_path):
    sheet = write_sheet(tmp_path / "a.xlsx", [row()])
    out = StringIO()

    call_command("records", "import", str(sheet), "--dry-run", stdout=out)

    assert "未写入任何内容" in out.getvalue()
    assert Record.objects.count() == 0


def test_the_command_exits_with_status_1_and_every_error_on_stderr(
    county, media, tmp_path, capsys, monkeypatch
):
    sheet = write_sheet(tmp_path / "a.xlsx", [row(目录事项="99.99"), row(), row(成文日期="昨天")])
    # run_from_argv closes every connection on its way out, as a process should; here the
    # test's own transaction must survive it to check that nothing was written.
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "records", "import", str(sheet)])

    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert "第 2 行（目录事项）：现行目录中没有事项“99.99”。" in stderr
    assert "第 4 行（成文日期）" in stderr
    assert "发现 2 处错误，未导入任何内容" in stderr
    assert Record.objects.count() == 0


def test_the_command_refuses_an_unknown_user(county, media, tmp_path):
    sheet = write_sheet(tmp_path / "a.xlsx", [row()])

    with pytest.raises(CommandError) as error:
        call_command("records", "import", str(sheet), "--as", "nobody")

    assert error.value.returncode == 1


def test_a_repealed_record_keeps_its_validity_and_date(county, media, tmp_path):
    sheet = write_sheet(
        tmp_path / "a.xlsx",
        [row(有效性="废止")],
        header=[*HEADER, "废止日期"],
    )
    sheet_rows = write_sheet(
        tmp_path / "b.xlsx",
        [[*row(有效性="废止"), "2026年3月1日"]],
        header=[*HEADER, "失效/废止日期"],
    )
    assert import_records(sheet).ok
    assert import_records(sheet_rows).ok

    dated = Record.objects.exclude(validity_changed_on=None).get()
    assert dated.validity == Validity.REPEALED
    assert dated.validity_changed_on == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-06-03", (date(2025, 6, 3), None)),
        ("2025/6/3", (date(2025, 6, 3), None)),
        ("2025.6.3", (date(2025, 6, 3), None)),
        ("2025年6月3日", (date(2025, 6, 3), None)),
        ("20250603", (date(2025, 6, 3), None)),
        (20250603, (date(2025, 6, 3), None)),
        ("2025-06-03 09:30", (date(2025, 6, 3), datetime(2025, 6, 3, 9, 30).time())),
        (datetime(2025, 6, 3), (date(2025, 6, 3), None)),
        (45811, (date(2025, 6, 3), None)),  # an Excel serial day number
    ],
)
def test_dates_are_read_in_the_forms_old_sites_export(cell, expected):
    assert parse_datetime(cell) == expected


def test_headers_accept_common_variants():
    assert importing.SPELLINGS.field("信息形成日期（年-月-日）") == "formed_on"
    assert importing.SPELLINGS.field("*标题") == "title"
    assert importing.SPELLINGS.field("发文字号") == "document_number"
    assert importing.SPELLINGS.field("附件(文件名)") == "attachments"
    assert importing.SPELLINGS.field("不知道") is None


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e308])
def test_a_number_no_date_can_be_in_a_date_cell_is_a_row_error(value):
    with pytest.raises(ValueError):
        parse_datetime(value)


def test_a_csv_with_nul_characters_is_refused_not_crashed(county, media, tmp_path):
    sheet = tmp_path / "旧网站信息.csv"
    sheet.write_bytes("标题,目录事项\n".encode() + b"\x00\x01\x02,05.04\n")

    report = import_records(sheet)

    assert len(report.errors) == 1 and "不是 CSV 文本文件" in str(report.errors[0])
    assert Record.objects.count() == 0
