"""The leak corpus (leaks.py) end to end: every leak, in every public field of a record and in
every part of an attachment a reader can open, refuses the publication through the real
workflow (submit, both reviews, publish), and a rescan names each one with where it is. The
look-alikes, everywhere at once, publish without a finding."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.records import services as records
from gongkai.records.models import Attachment, Record, Status
from gongkai.screening.models import Finding
from gongkai.screening.services import fingerprint, screen_record
from gongkai.screening.testing import make_docx_parts, make_pdf_parts, make_xlsx_parts
from gongkai.screening.tests.leaks import Leak, leaks, look_alikes
from gongkai.testing import make_record, make_user

pytestmark = pytest.mark.django_db

LEAKS = leaks()
INLINE = [leak for leak in LEAKS if leak.inline]
BMP = [leak for leak in LEAKS if leak.bmp]
NUMBERS = [leak for leak in LEAKS if leak.kind in ("id_card", "mobile_phone", "bank_card")]


def test_the_corpus_holds_at_least_60_distinct_leaks_of_every_kind() -> None:
    assert len(LEAKS) >= 60
    assert len({(leak.kind, leak.value) for leak in LEAKS}) == len(LEAKS)
    kinds = {leak.kind for leak in LEAKS}
    assert kinds == {
        "id_card",
        "mobile_phone",
        "bank_card",
        "classified_marking",
        "internal_marking",
    }
    assert any(leak.value.endswith("X") for leak in LEAKS)
    assert any(len(leak.value) == 15 for leak in LEAKS if leak.kind == "id_card")


def refused_at_publication(
    record: Record, clerk: Any, reviewers: Sequence[Any]
) -> dict[str, Finding]:
    """Submit, approve, try to publish: refused by screening. The findings of a rescan,
    by fingerprint."""
    record = records.submit(record, by=clerk)
    if len(reviewers) == 1:
        record = records.approve_fast(record, by=reviewers[0])
    else:
        record = records.approve_document(record, by=reviewers[0])
        record = records.approve_disclosure(record, by=reviewers[1])
    with pytest.raises(ValidationError) as refused:
        records.publish(record, by=clerk)
    assert any("保密审查" in m for m in refused.value.messages), refused.value.messages
    record.refresh_from_db()
    assert record.status == Status.APPROVED and record.current_version is None
    return {f.fingerprint: f for f in screen_record(record, stage="manual")}


def assert_found(found: dict[str, Finding], corpus: Sequence[Leak], where: str) -> None:
    missing = [
        f"{leak.kind}/{leak.how}: {leak.written!r}"
        for leak in corpus
        if fingerprint(leak.kind, leak.value) not in found
    ]
    assert not missing, f"{len(missing)} of {len(corpus)} not found in {where}: {missing}"
    for leak in corpus:
        finding = found[fingerprint(leak.kind, leak.value)]
        assert where in finding.location or where in finding.describe(), (where, finding.describe())
        if leak.kind in ("id_card", "mobile_phone", "bank_card"):
            assert leak.value not in finding.excerpt + finding.location  # stored masked


def chunks(corpus: Sequence[Leak], size: int, separator: str = "；") -> list[list[Leak]]:
    """The corpus in groups whose writings, joined, fit in ``size`` characters."""
    groups: list[list[Leak]] = [[]]
    for leak in corpus:
        if groups[-1] and len(separator.join(x.written for x in [*groups[-1], leak])) > size:
            groups.append([])
        groups[-1].append(leak)
    return groups


@pytest.fixture
def reviewers(document_reviewer, disclosure_reviewer):
    return [document_reviewer, disclosure_reviewer]


# --- The record's own fields --------------------------------------------------------------


def test_every_leak_in_the_title_is_found_at_publication(clerk, reviewers):
    for group in chunks(INLINE, 290):
        record = make_record(by=clerk, title="；".join(leak.written for leak in group))
        assert_found(refused_at_publication(record, clerk, reviewers), group, "标题")


def test_every_leak_in_the_summary_is_found_at_publication(clerk, reviewers):
    summary = "\n".join(leak.written for leak in LEAKS)
    record = make_record(by=clerk, summary=summary)
    assert_found(refused_at_publication(record, clerk, reviewers), LEAKS, "内容概述")


def test_every_leak_in_the_body_is_found_at_publication(clerk, reviewers):
    body = "".join(f"<p>{leak.written}</p>" for leak in LEAKS)
    record = make_record(by=clerk, body=body)
    assert_found(refused_at_publication(record, clerk, reviewers), LEAKS, "正文")


def _split_by_tags(text: str) -> str:
    """Every other character in its own inline tag: <strong>3</strong>7<em>1</em>…"""
    tags = ("strong", "em", "span", "b", "i", "u", "sub")
    return "".join(
        f"<{tags[i % len(tags)]}>{c}</{tags[i % len(tags)]}>" if i % 2 else c
        for i, c in enumerate(text)
    )


def _entities(text: str) -> str:
    return "".join(f"&#{ord(c)};" if i % 3 == 0 else c for i, c in enumerate(text))


@pytest.mark.parametrize(
    ("how", "write"),
    [("inline tags between the characters", _split_by_tags), ("entities", _entities)],
)
def test_every_leak_written_with_html_tricks_is_found_at_publication(clerk, reviewers, how, write):
    body = "".join(f"<p>{write(leak.written)}</p>" for leak in LEAKS)
    record = make_record(by=clerk, body=body)
    assert_found(refused_at_publication(record, clerk, reviewers), LEAKS, "正文")


def test_every_leak_in_a_link_address_or_link_text_is_found_at_publication(clerk, reviewers):
    numbers = [leak for leak in LEAKS if leak.kind in ("id_card", "mobile_phone", "bank_card")]
    addresses = "".join(
        f'<p><a href="https://example.cn/files?q={quote(leak.written)}">附件{n}</a></p>'
        for n, leak in enumerate(numbers)
    )
    record = make_record(by=clerk, body=addresses)
    assert_found(refused_at_publication(record, clerk, reviewers), numbers, "链接地址")
    texts = "".join(
        f'<p><a href="https://example.cn/{n}">{leak.written}</a></p>'
        for n, leak in enumerate(LEAKS)
    )
    record = make_record(by=clerk, body=texts)
    assert_found(refused_at_publication(record, clerk, reviewers), LEAKS, "正文")


def test_every_leak_that_fits_a_document_number_is_found_at_publication(clerk, reviewers):
    # 文号 takes Chinese characters and letters before 〔year〕: an ID number written in
    # Chinese numerals fits.
    fitting = [
        leak
        for leak in NUMBERS
        if leak.bare
        and all("\u4e00" <= c <= "\u9fa5" or (c.isascii() and c.isalpha()) for c in leak.bare)
        and len(leak.bare) <= 20
    ]
    assert len(fitting) >= 3
    for leak in fitting:
        record = make_record(by=clerk, document_number=f"{leak.bare}〔2025〕1号")
        assert_found(refused_at_publication(record, clerk, reviewers), [leak], "文号")


def test_every_leak_in_an_attachment_name_is_found_at_publication(clerk, reviewers):
    named = [leak for leak in INLINE if leak.safe]
    for group in chunks(named, 150, "_"):
        record = make_record(by=clerk)
        name = "_".join(leak.written for leak in group) + ".pdf"
        records.add_attachment(
            record,
            io.BytesIO(make_pdf_parts(lines=["附件：相关说明材料，共一页。"])),
            name,
            by=clerk,
        )
        assert_found(refused_at_publication(record, clerk, reviewers), group, "文件名")


# --- What a record's kind adds -------------------------------------------------------------


def test_every_leak_in_an_interpretation_is_found_at_publication(clerk, reviewers):
    from gongkai.interpretations import services as interpretations
    from gongkai.interpretations.models import Form
    from gongkai.interpretations.testing import make_interpretation, make_policy

    half = len(LEAKS) // 2
    record = make_interpretation(
        by=clerk,
        policies=[make_policy(by=clerk)],
        form=Form.PRESS_CONFERENCE,
        transcript="\n".join(leak.written for leak in LEAKS[half:]),
    )
    interpretations.add_qa_entry(
        record,
        by=clerk,
        question="名单中有哪些人？",
        answer="\n".join(leak.written for leak in LEAKS[:half]),
        answerer="李明",
    )
    found = refused_at_publication(Record.objects.get(pk=record.pk), clerk, reviewers)
    assert_found(found, LEAKS[:half], "政策解读·问答第2条·回答")
    assert_found(found, LEAKS[half:], "政策解读·文字实录")


def test_a_leak_in_the_subject_of_the_concern_a_response_answers_is_found(clerk, county, reviewer):
    from gongkai.concerns.models import ResponseKind
    from gongkai.concerns.services import draft_response
    from gongkai.concerns.testing import make_concern

    officer = make_user(roles=[Role.CONCERN_OFFICER], organisation=county)
    for group in chunks(INLINE, 190):
        concern = make_concern(
            by=officer,
            discovered_at=timezone.now() - timedelta(hours=1),
            subject="；".join(leak.written for leak in group),
        )
        record = draft_response(
            concern,
            by=clerk,
            kind=ResponseKind.STATEMENT,
            title="关于网传问题的情况说明",
            body="<p>经核查，情况说明如下。</p>",
        )
        assert_found(refused_at_publication(record, clerk, [reviewer]), group, "舆情主题")


def test_every_leak_in_a_service_guide_is_found_at_publication(clerk, reviewers):
    from gongkai.disclosures.testing import complete_guide, make_structured
    from gongkai.records.models import Kind

    detail, rows = complete_guide(notes="\n".join(leak.written for leak in LEAKS))
    record = make_structured(Kind.SERVICE_GUIDE, by=clerk, detail=detail, rows=rows)
    assert_found(refused_at_publication(record, clerk, reviewers), LEAKS, "其他说明")


# --- Every part of an attachment -------------------------------------------------------------


def _lines(corpus: Sequence[Leak]) -> list[str]:
    return [leak.written for leak in corpus]


FILE_PARTS: dict[str, tuple[str, Callable[[], bytes], Sequence[Leak], str]] = {
    # part: (file name, builder, the leaks it holds, where a finding must say it is)
    "docx body": ("a.docx", lambda: make_docx_parts(body=_lines(LEAKS)), LEAKS, "段"),
    "docx table": ("a.docx", lambda: make_docx_parts(table=_lines(LEAKS)), LEAKS, "表格1"),
    "docx header": ("a.docx", lambda: make_docx_parts(header=_lines(LEAKS)), LEAKS, "页眉"),
    "docx footer": ("a.docx", lambda: make_docx_parts(footer=_lines(LEAKS)), LEAKS, "页脚"),
    "docx footnotes": ("a.docx", lambda: make_docx_parts(footnotes=_lines(LEAKS)), LEAKS, "脚注"),
    "docx comments": ("a.docx", lambda: make_docx_parts(comments=_lines(LEAKS)), LEAKS, "批注"),
    "docx hidden text": ("a.docx", lambda: make_docx_parts(hidden=_lines(LEAKS)), LEAKS, "段"),
    "docx split by hidden text": (
        "a.docx",
        lambda: make_docx_parts(split_by_hidden=_lines(LEAKS)),
        LEAKS,
        "段",
    ),
    "docx text boxes": ("a.docx", lambda: make_docx_parts(textbox=_lines(LEAKS)), LEAKS, "段"),
    "docx tracked deletions": (
        "a.docx",
        lambda: make_docx_parts(tracked_deletions=_lines(LEAKS)),
        LEAKS,
        "段",
    ),
    "docx image descriptions": (
        "a.docx",
        lambda: make_docx_parts(image_descriptions=_lines(LEAKS)),
        LEAKS,
        "段",
    ),
    "docx core properties": (
        "a.docx",
        lambda: make_docx_parts(core={"dc:description": "\n".join(_lines(LEAKS))}),
        LEAKS,
        "文档属性",
    ),
    "docx custom properties": (
        "a.docx",
        lambda: make_docx_parts(custom={f"联系人{n}": w for n, w in enumerate(_lines(LEAKS))}),
        LEAKS,
        "自定义属性",
    ),
    "docx link addresses": (
        "a.docx",
        lambda: make_docx_parts(
            links=[f"https://example.cn/?q={quote(leak.written)}" for leak in LEAKS if leak.bare]
        ),
        [leak for leak in LEAKS if leak.kind in ("id_card", "mobile_phone", "bank_card")],
        "链接地址",
    ),
    "xlsx cells": ("a.xlsx", lambda: make_xlsx_parts(cells=_lines(LEAKS)), LEAKS, "单元格"),
    "xlsx cached formula values": (
        "a.xlsx",
        lambda: make_xlsx_parts(cached_formulas=_lines(LEAKS)),
        LEAKS,
        "单元格",
    ),
    "xlsx formulas without a cached value": (
        "a.xlsx",
        lambda: make_xlsx_parts(uncached_formulas=_lines(LEAKS)),
        LEAKS,
        "单元格",
    ),
    "xlsx formulas joining cells": (
        "a.xlsx",
        lambda: make_xlsx_parts(referencing_formulas=_lines(LEAKS)),
        LEAKS,
        "单元格",
    ),
    "xlsx comments": ("a.xlsx", lambda: make_xlsx_parts(comments=_lines(LEAKS)), LEAKS, "批注"),
    "xlsx hidden sheet": (
        "a.xlsx",
        lambda: make_xlsx_parts(hidden_sheet=_lines(LEAKS)),
        LEAKS,
        "（隐藏）",
    ),
    "xlsx hidden rows": (
        "a.xlsx",
        lambda: make_xlsx_parts(hidden_rows=_lines(LEAKS)),
        LEAKS,
        "隐藏行",
    ),
    "xlsx sheet names": (
        "a.xlsx",
        lambda: make_xlsx_parts(sheet_names=[leak.bare for leak in SHEET_NAMES]),
        None,
        "工作表名称",
    ),
    "xlsx properties": (
        "a.xlsx",
        lambda: make_xlsx_parts(properties={"description": "\n".join(_lines(LEAKS))}),
        LEAKS,
        "文档属性",
    ),
    "xlsx custom properties": (
        "a.xlsx",
        lambda: make_xlsx_parts(custom={f"联系人{n}": w for n, w in enumerate(_lines(LEAKS))}),
        LEAKS,
        "自定义属性",
    ),
    "pdf text": ("a.pdf", lambda: make_pdf_parts(lines=_lines(BMP)), BMP, "页"),
    "pdf glyph by glyph": (
        "a.pdf",
        lambda: make_pdf_parts(glyph_by_glyph=_lines(BMP)),
        BMP,
        "页",
    ),
    "pdf wrapped across lines": (
        "a.pdf",
        lambda: make_pdf_parts(wrapped=[leak.written for leak in BMP if leak in NUMBERS]),
        [leak for leak in BMP if leak in NUMBERS],
        "页",
    ),
    "pdf document information": (
        "a.pdf",
        lambda: make_pdf_parts(info={"Subject": "\n".join(_lines(LEAKS))}),
        LEAKS,
        "文档属性",
    ),
    "pdf xmp metadata": ("a.pdf", lambda: make_pdf_parts(xmp=_lines(LEAKS)), LEAKS, "XMP"),
    "pdf annotations": (
        "a.pdf",
        lambda: make_pdf_parts(annotations=_lines(LEAKS)),
        LEAKS,
        "注释",
    ),
    "pdf link addresses": (
        "a.pdf",
        lambda: make_pdf_parts(
            links=[f"https://example.cn/?q={quote(leak.written)}" for leak in LEAKS if leak.bare]
        ),
        [leak for leak in LEAKS if leak.kind in ("id_card", "mobile_phone", "bank_card")],
        "链接地址",
    ),
    "pdf form fields": (
        "a.pdf",
        lambda: make_pdf_parts(form_fields=_lines(LEAKS)),
        LEAKS,
        "表单域",
    ),
    "pdf bookmarks": ("a.pdf", lambda: make_pdf_parts(bookmarks=_lines(LEAKS)), LEAKS, "书签"),
}
# A sheet name is at most 31 characters, without []:*?/\.
SHEET_NAMES = [leak for leak in LEAKS if leak.safe and 0 < len(leak.bare) <= 31]


#: Parts an upload refuses today (a PDF's embedded files are active content, records/uploads.py)
#: but that attachments stored before that rule, or brought in by an old import, still have.
STORED_BEFORE_THE_RULE = {"pdf attachments"}


def _stored(record: Record, data: bytes, name: str, by: Any) -> Attachment:
    """An attachment already in the database, as it was saved before uploads checked it."""
    attachment = Attachment(
        record=record,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        order=1,
    )
    attachment.file.save(name, ContentFile(data), save=True)
    return attachment


@pytest.mark.parametrize("part", sorted(FILE_PARTS))
def test_every_leak_in_every_part_of_an_attachment_is_found_at_publication(clerk, reviewers, part):
    name, build, corpus, where = FILE_PARTS[part]
    corpus = SHEET_NAMES if corpus is None else corpus
    record = make_record(by=clerk, body="<p>名单见附件。</p>")
    if part in STORED_BEFORE_THE_RULE:
        with pytest.raises(ValidationError, match="嵌入的文件"):
            records.add_attachment(record, io.BytesIO(build()), name, by=clerk)
        attachment = _stored(record, build(), name, clerk)
    else:
        attachment = records.add_attachment(record, io.BytesIO(build()), name, by=clerk)
    found = refused_at_publication(record, clerk, reviewers)
    assert_found(found, corpus, where)
    assert all(
        found[fingerprint(leak.kind, leak.value)].attachment == attachment for leak in corpus
    )


def test_a_pdf_with_leaks_in_its_embedded_files_never_reaches_publication(clerk):
    """A PDF carrying embedded files is refused at upload (active content, records/pdfactive.py),
    so those leaks cannot go out; screening still reads the embedded files, for a PDF that
    reaches it another way (an import, a file kept from before the upload check)."""
    data = make_pdf_parts(attachments=_lines(LEAKS))
    record = make_record(by=clerk, body="<p>名单见附件。</p>")
    with pytest.raises(ValidationError) as refused:
        records.add_attachment(record, io.BytesIO(data), "a.pdf", by=clerk)
    assert "嵌入的文件" in " ".join(refused.value.messages)
    assert not record.attachments.exists()
    from gongkai.screening.scan import scan_file

    found = {(f.kind, f.reads_as): f for f in scan_file(io.BytesIO(data), "a.pdf")}
    missing = [leak.written for leak in LEAKS if (leak.kind, leak.value) not in found]
    assert not missing, missing
    assert all("嵌入的文件" in found[(x.kind, x.value)].location for x in LEAKS)


# --- Look-alikes ----------------------------------------------------------------------------


def test_look_alikes_everywhere_publish_without_a_finding(clerk, reviewers):
    quiet = look_alikes()
    lines = "\n".join(quiet)
    record = make_record(
        by=clerk,
        title="关于2025年9月1日起施行聊教体发〔2025〕12号文件的通知",
        summary=lines,
        body="".join(f"<p>{t}</p>" for t in quiet)
        + '<p><a href="https://example.cn/2025/09/01/notice-20250901.html">通知</a></p>',
        document_number="聊教体发〔2025〕12号",
    )
    for name, data in (
        (
            "规定.docx",
            make_docx_parts(
                body=quiet, header=quiet[:3], comments=quiet[:5], core={"dc:description": lines}
            ),
        ),
        (
            "统计表.xlsx",
            make_xlsx_parts(
                cells=quiet, uncached_formulas=quiet[:5], numbers=[20250901, 252000, 12345]
            ),
        ),
        (
            "公告20250901.pdf",
            make_pdf_parts(lines=quiet, info={"Subject": lines}, glyph_by_glyph=quiet[:3]),
        ),
    ):
        records.add_attachment(record, io.BytesIO(data), name, by=clerk)
    record = records.submit(record, by=clerk)
    assert (
        list(Finding.objects.filter(record=record).values_list("kind", "excerpt", "location")) == []
    )
    record = records.approve_disclosure(
        records.approve_document(record, by=reviewers[0]), by=reviewers[1]
    )
    record = records.publish(record, by=clerk)
    assert record.status == Status.PUBLISHED
