"""``make_*`` helpers for interpretations, shared by the tests and the demo data."""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING, Any

from gongkai.interpretations import services
from gongkai.interpretations.models import Form, RiskLevel
from gongkai.records import services as records
from gongkai.records.models import Record
from gongkai.testing import make_record

if TYPE_CHECKING:
    from gongkai.accounts.models import User


#: A policy item that the standard catalogue marks 须同步解读 (01.02 规范性文件).
POLICY_ITEM = "01.02"


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    """A real, tiny PNG image (one colour), built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def make_policy(*, by: User, item_code: str = POLICY_ITEM, **fields: Any) -> Record:
    defaults: dict[str, Any] = {
        "title": "关于规范义务教育阶段学校课后服务的通知",
        "body": "<p>为规范课后服务，现就有关事项通知如下。</p>",
        "document_number": "测教体发〔2025〕7号",
    }
    defaults.update(fields)
    return make_record(by=by, item_code=item_code, **defaults)


def prepare_policy(policy: Record, *, by: User, owner: Any = None) -> Record:
    """Complete interpretation plan and risk assessment (谁起草、谁预判)."""
    services.save_plan(
        policy,
        by=by,
        forms=[Form.QA, Form.GRAPHIC],
        timing="与文件同步发布问答和图解；实施三个月后再次解读。",
        speakers="县教体局基础教育股股长",
    )
    services.save_risk_assessment(
        policy,
        by=by,
        level=RiskLevel.MEDIUM,
        expected_concerns="家长关心收费标准和是否自愿参加。",
        prepared_answers="课后服务坚持自愿参加，收费标准按成本补偿原则核定并公示。",
        monitoring_owner=owner or by,
    )
    return policy


def make_interpretation(
    *,
    by: User,
    policies: list[Record],
    form: str = Form.QA,
    with_content: bool = True,
    **fields: Any,
) -> Record:
    """A draft interpretation; ``with_content`` adds what its form needs to be submitted."""
    defaults: dict[str, Any] = {
        "title": f"关于《{policies[0].title}》的政策解读",
        "body": "<p>一、起草背景。二、主要内容。三、施行日期。</p>",
        "interpreter_name": "李明",
        "interpreter_title": "县教体局基础教育股股长",
    }
    if with_content and form in (Form.VIDEO, Form.PRESS_CONFERENCE):
        defaults["transcript"] = "主持人：各位记者朋友，大家好。今天发布课后服务有关政策。"
    if with_content and form == Form.VIDEO:
        defaults["video_url"] = "https://example.org/videos/after-school.mp4"
    defaults.update(fields)
    record = services.create_interpretation(by=by, policies=policies, form=form, **defaults)
    if not with_content:
        return record
    if form in (Form.QA, Form.PRESS_CONFERENCE):
        services.add_qa_entry(
            record,
            by=by,
            question="课后服务是否必须参加？",
            answer="不是。课后服务坚持学生和家长自愿。",
            answerer="李明",
            asked_by="测试日报记者" if form == Form.PRESS_CONFERENCE else "",
        )
    if form == Form.PRESS_CONFERENCE:
        services.add_speaker(record, by=by, name="李明", title="县教体局基础教育股股长")
    if form == Form.GRAPHIC:
        import io

        services.add_image(
            record,
            io.BytesIO(png_bytes()),
            "一图读懂.png",
            by=by,
            alt_text="课后服务收费标准一览图",
            description="每生每学期收费不超过300元；家庭经济困难学生免收。",
        )
    return Record.objects.get(pk=record.pk)


def approve(
    record: Record, *, clerk: Any, document_reviewer: Any, disclosure_reviewer: Any
) -> Record:
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    return records.approve_disclosure(record, by=disclosure_reviewer)
