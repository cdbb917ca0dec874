"""Issue 16, "screening sees what readers see": each way a leak got past screening is shown
to be blocked at publication now, through the records workflow, with the finding saying
where it is. (The leak corpus in test_leak_corpus.py runs every writing through every part.)"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from stdnum.cn import ric

from gongkai.records import services as records
from gongkai.records.models import Record, Status
from gongkai.screening.detectors import detect
from gongkai.screening.models import Finding, FindingStatus
from gongkai.screening.services import mask_body, screen_record
from gongkai.screening.testing import (
    make_docx_parts,
    make_pdf_parts,
    make_xlsx_parts,
)
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db

ID = "37150219900101123" + ric.calc_check_digit("37150219900101123" + "0")
MASKED_ID = ID[:6] + "********" + ID[-4:]


def approve(record: Record, document_reviewer, disclosure_reviewer) -> Record:
    record = records.approve_document(record, by=document_reviewer)
    return records.approve_disclosure(record, by=disclosure_reviewer)


def refused(record: Record, clerk, document_reviewer, disclosure_reviewer) -> list[Finding]:
    """Submit, approve and try to publish; the publication is refused by screening, and
    the record's open findings are returned."""
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    with pytest.raises(ValidationError, match="保密审查"):
        records.publish(record, by=clerk)
    record.refresh_from_db()
    assert record.status == Status.APPROVED and record.current_version is None
    return list(Finding.objects.open().filter(record=record))


def kinds_and_places(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.kind, f.describe()) for f in findings}


# --- 内容概述 ------------------------------------------------------------------------------


def test_an_id_number_in_the_summary_blocks_publication_and_is_masked(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk, summary=f"公布受助学生王某（身份证号{ID}）的资助情况。")
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert finding.kind == "id_card" and finding.location == "内容概述"
    assert finding.excerpt == MASKED_ID

    record = records.return_for_changes(
        Record.objects.get(pk=record.pk), by=disclosure_reviewer, note="请脱敏"
    )
    record = mask_body(record, by=clerk, revision=record.revision)
    assert ID not in record.summary and MASKED_ID in record.summary
    record = approve(records.submit(record, by=clerk), document_reviewer, disclosure_reviewer)
    record = records.publish(record, by=clerk)
    assert ID not in record.current_version.summary


# --- Formatting ----------------------------------------------------------------------------


def test_an_id_number_split_by_inline_tags_blocks_publication_and_is_masked_in_place(
    clerk, document_reviewer, disclosure_reviewer
):
    body = f"<p>学生身份证号：{ID[:6]}<strong>{ID[6:14]}</strong>{ID[14:]}，准予转学。</p>"
    record = make_record(by=clerk, body=body)
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert (finding.kind, finding.excerpt, finding.location) == ("id_card", MASKED_ID, "正文第1段")

    record = records.return_for_changes(
        Record.objects.get(pk=record.pk), by=disclosure_reviewer, note="请脱敏"
    )
    record = mask_body(record, by=clerk, revision=record.revision)
    # Masked where it stands; the markup is kept.
    assert record.body == (
        f"<p>学生身份证号：{ID[:6]}<strong>********</strong>{ID[14:]}，准予转学。</p>"
    )
    assert screen_record(record) == []


def _circled(digits: str) -> str:
    return "".join("⓪①②③④⑤⑥⑦⑧⑨"[int(c)] if c.isdigit() else c for c in digits)


def _bold(digits: str) -> str:
    return "".join(chr(0x1D7CE + int(c)) if c.isdigit() else c for c in digits)


def _chinese(digits: str) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] if c.isdigit() else c for c in digits)


@pytest.mark.parametrize(
    ("trick", "written"),
    [
        ("soft hyphens", "\u00ad".join(ID)),
        ("zero-width spaces and joiners", ID[:6] + "\u200b" + ID[6:12] + "\u200d" + ID[12:]),
        ("a byte-order mark and bidi marks", ID[:9] + "\ufeff\u200e" + ID[9:]),
        ("dots", f"{ID[:6]}.{ID[6:14]}.{ID[14:]}"),
        ("slashes", f"{ID[:6]}/{ID[6:14]}/{ID[14:]}"),
        ("middle dots", f"{ID[:6]}·{ID[6:14]}·{ID[14:]}"),
        ("en dashes", f"{ID[:6]}–{ID[6:14]}–{ID[14:]}"),
        ("em dashes", f"{ID[:6]}—{ID[6:14]}—{ID[14:]}"),
        ("double spaces", f"{ID[:6]}  {ID[6:14]}  {ID[14:]}"),
        ("Chinese numerals", _chinese(ID)),
        ("circled digits", _circled(ID)),
        ("mathematical digits", _bold(ID)),
        ("entities", "".join(f"&#{ord(c)};" for c in ID)),
    ],
)
def test_formatting_does_not_hide_an_id_number(
    clerk, document_reviewer, disclosure_reviewer, trick, written
):
    record = make_record(by=clerk, body=f"<p>身份证号：{written}</p>")
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert (finding.kind, finding.excerpt) == ("id_card", MASKED_ID), trick


def test_a_card_number_in_4_4_4_4_3_groups_is_found_without_a_bank_word() -> None:
    card = "6222021234567890128"
    from stdnum import luhn

    assert luhn.is_valid(card)
    written = f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}"
    assert [(f.kind, f.value) for f in detect(f"1 张三 三年级 {written} 500")] == [
        ("bank_card", card)
    ]


@pytest.mark.parametrize("written", ["秘\u200d密★", "秘\u200b密★1年", "机 密★", "绝<b>密</b>★长期"])
def test_a_marking_with_invisible_characters_spaces_or_tags_between_its_characters_blocks_publication(
    clerk, document_reviewer, disclosure_reviewer, written
):
    record = make_record(by=clerk, body=f"<p>{written}</p><p>关于……的通知</p>")
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert finding.kind == "classified_marking" and finding.excerpt.startswith(
        ("秘密★", "机密★", "绝密★")
    )


# --- Names and addresses ------------------------------------------------------------------


def test_an_id_number_in_an_attachment_name_blocks_publication(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk)
    attachment = records.add_attachment(
        record,
        io.BytesIO(make_pdf_parts(lines=["转学证明：经审核，同意该生转学。"])),
        f"王某_{ID}_转学证明.pdf",
        by=clerk,
    )
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert (finding.kind, finding.attachment, finding.location) == ("id_card", attachment, "文件名")
    assert ID not in finding.describe()


def test_an_id_number_in_a_link_address_blocks_publication(
    clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(
        by=clerk,
        body=f'<p>详见<a href="https://example.cn/student?sfzh={ID}">学籍信息</a>。</p>',
    )
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert (finding.kind, finding.location) == ("id_card", "正文第1个链接地址")

    record = records.return_for_changes(
        Record.objects.get(pk=record.pk), by=disclosure_reviewer, note="请脱敏"
    )
    record = mask_body(record, by=clerk, revision=record.revision)
    assert ID not in record.body and f"sfzh={MASKED_ID}" in record.body


# --- Inside files ---------------------------------------------------------------------------


MOBILE = "13812345678"

FILES = {
    "DOCX comment": (
        "名单.docx",
        lambda: make_docx_parts(comments=[f"联系人电话{MOBILE}"]),
        "第1条批注",
    ),
    "DOCX number split by a hidden run": (
        "名单.docx",
        lambda: make_docx_parts(split_by_hidden=[f"联系人电话{MOBILE}"]),
        "第1段",
    ),
    "DOCX hidden run": ("名单.docx", lambda: make_docx_parts(hidden=[f"电话{MOBILE}"]), "第1段"),
    "DOCX document property": (
        "名单.docx",
        lambda: make_docx_parts(core={"cp:keywords": f"王某 {MOBILE}"}),
        "文档属性“关键词”",
    ),
    "XLSX comment": (
        "名单.xlsx",
        lambda: make_xlsx_parts(comments=[f"家长电话{MOBILE}"]),
        "工作表“名单”A2单元格批注",
    ),
    "XLSX formula-built value": (
        "名单.xlsx",
        lambda: make_xlsx_parts(uncached_formulas=[f"电话{MOBILE}"]),
        "工作表“名单”A2单元格",
    ),
    "XLSX property": (
        "名单.xlsx",
        lambda: make_xlsx_parts(properties={"creator": f"王某{MOBILE}"}),
        "文档属性“作者”",
    ),
    "XLSX sheet name": (
        "名单.xlsx",
        lambda: make_xlsx_parts(sheet_names=[f"王某{MOBILE}"]),
        "工作表名称",
    ),
    "PDF metadata": (
        "名单.pdf",
        lambda: make_pdf_parts(info={"Author": f"王某 {MOBILE}"}),
        "文档属性“作者”",
    ),
    "PDF digits drawn one glyph at a time": (
        "名单.pdf",
        lambda: make_pdf_parts(glyph_by_glyph=[f"联系电话：{MOBILE}"]),
        "第1页",
    ),
    "PDF number split across two lines": (
        "名单.pdf",
        lambda: make_pdf_parts(wrapped=[f"联系电话：{MOBILE}"]),
        "第1页",
    ),
}


@pytest.mark.parametrize("where", sorted(FILES))
def test_a_mobile_number_in_a_part_of_a_file_a_reader_can_open_blocks_publication(
    clerk, document_reviewer, disclosure_reviewer, where
):
    name, build, location = FILES[where]
    record = make_record(by=clerk, body="<p>名单见附件。</p>")
    attachment = records.add_attachment(record, io.BytesIO(build()), name, by=clerk)
    [finding] = refused(record, clerk, document_reviewer, disclosure_reviewer)
    assert (finding.kind, finding.excerpt, finding.attachment) == (
        "mobile_phone",
        "138****5678",
        attachment,
    )
    assert location in finding.location


def test_the_findings_panel_says_where_each_finding_is(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk, summary=f"身份证号{ID}")
    records.add_attachment(
        record,
        io.BytesIO(make_xlsx_parts(comments=[f"家长电话{MOBILE}"])),
        "名单.xlsx",
        by=clerk,
    )
    records.add_attachment(
        record,
        io.BytesIO(make_pdf_parts(glyph_by_glyph=["说明", "秘密★1年"])),
        "通知.pdf",
        by=clerk,
    )
    record = records.submit(record, by=clerk)
    client.force_login(document_reviewer)
    page = client.get(reverse("screening:record", args=[record.pk])).content.decode()
    for where in ("内容概述", "附件“名单.xlsx”工作表“名单”A2单元格批注", "附件“通知.pdf”第1页"):
        assert where in page
    panel = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "（内容概述）" in panel and "工作表“名单”A2单元格批注" in panel
    assert ID not in page and MOBILE not in page
    statuses = set(Finding.objects.filter(record=record).values_list("status", flat=True))
    assert statuses == {FindingStatus.OPEN}


# --- What a record's kind adds --------------------------------------------------------------


def test_a_mobile_number_in_an_interpretations_captions_or_video_link_blocks_publication(
    clerk, document_reviewer, disclosure_reviewer
):
    from gongkai.interpretations import services as interpretations
    from gongkai.interpretations.models import Form
    from gongkai.interpretations.testing import make_interpretation, make_policy

    record = make_interpretation(
        by=clerk,
        policies=[make_policy(by=clerk)],
        form=Form.VIDEO,
        video_url="https://v.example.cn/play?contact=%31%33%39%31%32%33%34%35%36%37%38",
    )
    captions = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n有问题请拨打王老师手机13812345678。\n"
    interpretations.attach_captions(record, io.BytesIO(captions.encode()), "字幕.vtt", by=clerk)
    found = refused(Record.objects.get(pk=record.pk), clerk, document_reviewer, disclosure_reviewer)
    assert {(f.excerpt, f.location) for f in found} >= {
        ("139****5678", "政策解读·视频链接"),
        ("138****5678", "政策解读字幕文件"),
    }


def test_a_finding_on_a_page_rebuilt_from_glyph_positions_knows_where_it_stands() -> None:
    from gongkai.screening.scan import scan_file

    [finding] = scan_file(
        io.BytesIO(make_pdf_parts(glyph_by_glyph=["说明", f"联系电话：{MOBILE}"])), "a.pdf"
    )
    assert (finding.kind, finding.page, finding.part) == ("mobile_phone", 1, "layout")
    assert len(finding.boxes) == len(finding.text) == 11
    lefts = [box[0] for box in finding.boxes]
    assert lefts == sorted(lefts) and len({box[1] for box in finding.boxes}) == 1
    # The number's line is the second one drawn, below the first (PDF y grows upwards).
    assert finding.boxes[0][1] == 780.0 - 18
