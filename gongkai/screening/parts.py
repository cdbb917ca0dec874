"""The parts of a record its readers see, each read as they read it.

Every public surface (the record page, listings, search, feeds, the API, print views, the
static export, open data) shows some of: the title, the summary (内容概述), the body with its
links, the document number (文号), the names of the attachments and their contents, and what
the record's kind adds (an interpretation's questions and answers, transcript, speakers,
image texts and captions; a service guide's elements; the concern a response answers).
Screening reads all of them; what a kind adds is read from two places the apps declare:

* ``records.hooks.snapshot``: everything frozen into the published version for the public
  pages, walked whole, so a field an app adds later is screened without anyone
  remembering to;
* ``records.hooks.public_text``: text shown with the record that is not frozen with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gongkai.records import hooks
from gongkai.records.models import Attachment, Record
from gongkai.screening.reading import Reading, read_file_name, read_url
from gongkai.screening.scan import Part, html_parts

#: Parts of the record itself that masking can rewrite (the rest are fixed by editing).
MASKABLE_FIELDS = ("title", "summary", "body")

_EXTENSION_LABELS = {
    "interpretation": "政策解读",
    "disclosures": "结构化内容",
    "concerns": "回应关切",
}
# What the apps' snapshot keys hold, in the words of their forms. A key not listed here is
# still screened, as 附加内容.
_KEY_LABELS = {
    "title": "事项名称",
    "stage": "解读阶段",
    "interpreter": "解读人",
    "contact_phone": "联系电话",
    "transcript": "文字实录",
    "video_url": "视频链接",
    "speakers": "发布人",
    "name": "名称",
    "qa": "问答",
    "question": "问题",
    "answer": "回答",
    "answerer": "回答人",
    "asked_by": "提问人",
    "images": "图片",
    "alt_text": "替代文字",
    "description": "文字说明",
    "responsible_body": "实施主体",
    "legal_basis": "设定依据",
    "conditions": "申请条件",
    "steps": "办理流程",
    "materials": "申请材料",
    "note": "备注",
    "fee": "收费标准",
    "fee_note": "收费说明",
    "location": "办理地点",
    "hours": "办理时间",
    "enquiry": "咨询电话",
    "complaint": "监督投诉渠道",
    "online_url": "网上办理地址",
    "notes": "其他说明",
    "code": "事项编码",
    "method": "方式",
    "responsibilities": "责任事项",
    "accountability": "追责情形",
    "targets": "监管对象",
    "frequency": "监管频次",
    "results": "监管结果",
    "summary": "结果摘要",
    "measures": "工作措施",
    "responsible_units": "责任单位",
    "supervision_method": "监督方式",
    "progress_text": "进展和成效",
}
#: Keys that hold codes and labels of fixed choices, never free text.
_CODE_KEYS = frozenset(
    {
        "form",
        "form_label",
        "kind",
        "power_kind",
        "power_kind_label",
        "fee_kind",
        "reform_kind",
        "reform_kind_label",
        "state",
        "state_label",
        "video_type",
    }
)


def record_parts(record: Record) -> list[Part]:
    """Every part of the record as its readers will see it once published (files apart)."""
    parts = [
        Part.plain("标题", record.title),
        Part.plain("内容概述", record.summary),
        Part.plain("文号", record.document_number),
        *html_parts("正文", record.body),
    ]
    for name, data in hooks.snapshot(record).items():
        prefix = _EXTENSION_LABELS.get(name, "附加内容")
        for label, text, key in _texts(data, prefix):
            # A link's address reads decoded (…?id=%33%37… is …?id=37…).
            reading = read_url(text) if key.endswith("url") else Reading.plain(text)
            parts.append(Part(label, reading, part="extension"))
    parts.extend(
        Part.plain(label, text, part="extension") for label, text in hooks.public_text(record)
    )
    return [p for p in parts if p.reading.text.strip()]


def attachment_name_part(attachment: Attachment) -> Part:
    return Part("文件名", read_file_name(attachment.original_name), part="file_name")


def _texts(value: Any, label: str, key: str = "", depth: int = 0) -> Iterator[tuple[str, str, str]]:
    """Every string in a snapshot, with a label built from its keys (政策解读·问答第2条·回答)
    and the key that holds it."""
    if depth > 8:
        return
    if isinstance(value, str):
        if value.strip():
            yield label, value, key
    elif isinstance(value, dict):
        for name, item in value.items():
            if name in _CODE_KEYS:
                continue
            where = f"{label}·{_KEY_LABELS.get(name, '附加内容')}"
            yield from _texts(item, where, str(name), depth + 1)
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value, start=1):
            yield from _texts(item, f"{label}第{number}条", key, depth + 1)
