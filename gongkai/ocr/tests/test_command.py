"""``manage.py ocr``: read a scan from the shell; queue attachments that were never read."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from gongkai.ocr.models import Recognition
from gongkai.records import services as records
from gongkai.screening.masking import mask_number


def test_reading_a_scan_from_the_shell_reports_its_numbers_with_places(
    tmp_path, small_scan, capsys
):
    path = tmp_path / "名单.png"
    path.write_bytes(small_scan.png())
    with pytest.raises(SystemExit) as exited:
        call_command("ocr", "read", str(path), "--format", "json")
    assert exited.value.code == 1  # findings
    (page,) = json.loads(capsys.readouterr().out)
    assert page["page"] == 1 and page["kind"] == "扫描页"
    found = {(f["kind"], f["text"]) for f in page["findings"]}
    assert set(small_scan.numbers) <= found
    assert all(len(f["boxes"]) >= 1 for f in page["findings"])


def test_an_unreadable_file_exits_2_with_a_reason(tmp_path, capsys):
    path = tmp_path / "坏文件.pdf"
    path.write_bytes(b"%PDF-1.4 nothing else")
    with pytest.raises(SystemExit) as exited:
        call_command("ocr", "read", str(path))
    assert exited.value.code == 2
    assert "无法识别：PDF 文件已损坏" in capsys.readouterr().out


@pytest.mark.django_db
def test_attachments_uploaded_before_ocr_are_queued_and_read(
    clerk, draft, small_scan, capsys, django_capture_on_commit_callbacks
):
    import io

    # Uploaded with nothing run after the commit (as before OCR existed): no reading.
    attachment = records.add_attachment(draft, io.BytesIO(small_scan.png()), "名单.png", by=clerk)
    assert not Recognition.objects.filter(attachment=attachment).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ocr", "queue")
    assert "已为1个附件排队识别" in capsys.readouterr().out
    reading = Recognition.objects.get(attachment=attachment)
    assert reading.status == "done"
    from gongkai.screening.models import Finding

    excerpts = set(Finding.objects.filter(attachment=attachment).values_list("excerpt", flat=True))
    assert {mask_number(k, n) for k, n in small_scan.numbers} <= excerpts
